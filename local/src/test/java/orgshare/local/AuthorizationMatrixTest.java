package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.shared.auth.ApiKeys;
import orgshare.shared.federation.FederationKey;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.testing.PeerSignatures;
import orgshare.shared.testing.TableSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may call what: every HttpApi route of template.yaml, called over real HTTP through the local API by each kind of
 * caller, against an expected outcome written out for every cell. A route added to the template without a row here
 * fails the test, as does a row for a route the template no longer has.
 *
 * <p>Each cell checks the status, and for a refusal the error code, the one error shape, that no shared record
 * leaked, and that the table is byte-for-byte what it was before the call (but for the nonce a call takes once a peer's
 * signature on it verified). Within a row the refusals run first, so a
 * call that is allowed and changes something (invite, remove, rules) runs after every refusal it could affect; rows
 * whose allowed calls would change the callers' own standing (join, leave, dissolve) run against a group made for
 * that row. Every call is compared, every mismatch collected, the matrix printed, and then the test fails if any cell
 * did not match.
 */
class AuthorizationMatrixTest {
    private static final String OPERATOR_KEY = ApiKeys.generate();
    /** Well-formed, but no merchant has it. */
    private static final String UNKNOWN_KEY = ApiKeys.generate();
    /** In every shared record's body: no refused answer may contain it. */
    private static final String SECRET = "W-SECRET";
    private static final AtomicInteger UNIQUE = new AtomicInteger();

    private static DynamoDbClient client;
    private static String table;
    private static TemplateModel template;
    private static LocalApi api;
    /** This deployment's federation identity, which the peer registers. */
    private static String fingerprint;
    /** The registered peer, and a merchant of its cloud in the main group. */
    private static Deployment peer;
    private static Deployment.Merchant peerMerchant;
    /** A deployment's key that no one registered. */
    private static final FederationKey UNREGISTERED = FederationKey.fromSecret(FederationKey::newSecret);
    private static final String FEDERATION_ROUTE = "ANY /federation/v1/{proxy+}";

    /**
     * The kinds of caller; a merchant kind is one merchant, whose standing in the group the name says. The last three
     * present no key but a signature, as another deployment calls: PEER, a registered peer for its own merchant (an
     * ACTIVE member of the main group through it); UNREGISTERED_PEER, a deployment nobody registered; PEER_FOR_OTHER_CLOUD,
     * the registered peer speaking for a merchant of a cloud it does not host (here, ACTIVE).
     */
    enum Caller {
        NO_KEY, WRONG_KEY, OPERATOR, OUTSIDER, INVITED, ACTIVE, CREATOR, LEFT, DISSOLVED_MEMBER,
        PEER, UNREGISTERED_PEER, PEER_FOR_OTHER_CLOUD;

        boolean isMerchant() {
            return ordinal() >= OUTSIDER.ordinal() && ordinal() <= DISSOLVED_MEMBER.ordinal();
        }

        boolean signs() {
            return ordinal() >= PEER.ordinal();
        }
    }

    /** An expected (or actual) answer: the status, and the error code when refused. */
    record Outcome(int status, String code) {
        boolean refused() {
            return status >= 400;
        }

        @Override
        public String toString() {
            return code == null ? String.valueOf(status) : status + " " + code;
        }
    }

    private static Outcome allowed(int status) {
        return new Outcome(status, null);
    }

    private static Outcome refused(int status, String code) {
        return new Outcome(status, code);
    }

    private static final Outcome OK = allowed(200);
    private static final Outcome CREATED = allowed(201);
    private static final Outcome ACCEPTED = allowed(202);
    private static final Outcome NO_CONTENT = allowed(204);
    private static final Outcome NO_KEY_401 = refused(401, "MISSING_KEY");
    private static final Outcome BAD_KEY_401 = refused(401, "INVALID_KEY");
    /** The operator on a merchant route. */
    private static final Outcome NOT_MERCHANT = refused(403, "FORBIDDEN");
    /** A merchant on an operator route. */
    private static final Outcome NOT_OPERATOR = refused(403, "FORBIDDEN");
    /** A member on a creator-only action. */
    private static final Outcome NOT_CREATOR = refused(403, "FORBIDDEN");
    /** Not in the group (never was, left, or the group was dissolved and purged): its existence is not revealed. */
    private static final Outcome NOT_FOUND = refused(404, "GROUP_NOT_FOUND");
    private static final Outcome GONE = refused(410, "GROUP_DISSOLVED");
    /** Invited, not joined, where only active members may act. */
    private static final Outcome NOT_ACTIVE = refused(403, "NOT_ACTIVE_MEMBER");
    /** On the federation route, anything a registered peer did not sign, an API key or none. */
    private static final Outcome UNSIGNED_401 = refused(401, "BAD_SIGNATURE");
    /** Anyone but a pushed document's owner, acknowledging it. */
    private static final Outcome NOT_THE_OWNER = refused(403, "NOT_THE_OWNER");
    /** Anyone but a push's sender, reading its status: its existence is not revealed. */
    private static final Outcome NOT_SENDER = refused(404, "PUSH_NOT_FOUND");

    /** What a cell acts on: the caller's group and the merchants that the row's paths and bodies name in it. */
    record Target(String groupId, String ownerId, String partnerId, String victimId, String inviteeId, long rulesVersion) {
    }

    /** What a cell got, and whether every check of it passed. */
    record Result(Outcome got, boolean passed) {
    }

    /** A request: method (null: the row's), path (with query, if any) and body (null: none). */
    record Request(String method, String path, String body) {
    }

    /** Where a row's calls run: the shared world, or a main group made for this row alone. */
    enum Setup { SHARED, FRESH_GROUP }

    /** One route (as template.yaml names it), how to call it, and the expected outcome for each caller, in {@link Caller} order. */
    record Row(String method, String route, String variant, Setup setup, Function<Target, Request> request,
               List<Outcome> expected) {
        Row {
            if (expected.size() != Caller.values().length) {
                throw new IllegalArgumentException(method + " " + route + ": one outcome per caller, "
                        + Caller.values().length + " in all; got " + expected.size());
            }
        }

        String routeKey() {
            return method + " " + route;
        }

        String label() {
            return routeKey() + (variant.isEmpty() ? "" : " (" + variant + ")");
        }

        Outcome expected(Caller caller) {
            return expected.get(caller.ordinal());
        }
    }

    private static Row row(String method, String route, Function<Target, Request> request, Outcome... expected) {
        return new Row(method, route, "", Setup.SHARED, request, List.of(expected));
    }

    private static Row row(String method, String route, String variant, Setup setup, Function<Target, Request> request,
                           Outcome... expected) {
        return new Row(method, route, variant, setup, request, List.of(expected));
    }

    private static Request get(String path) {
        return new Request(null, path, null);
    }

    private static Request send(String path, String body) {
        return new Request(null, path, body);
    }

    /** A request on an ANY route: the method it is made with. */
    private static Request on(String method, String path) {
        return new Request(method, path, null);
    }

    private static int unique() {
        return UNIQUE.incrementAndGet();
    }

    /**
     * The expectation table: every route of template.yaml, and per row one outcome for each caller in {@link Caller}
     * order: NO_KEY, WRONG_KEY, OPERATOR, OUTSIDER, INVITED, ACTIVE, CREATOR, LEFT, DISSOLVED_MEMBER, PEER,
     * UNREGISTERED_PEER, PEER_FOR_OTHER_CLOUD. A peer's signature is no key: a client route answers the signing callers
     * as it answers NO_KEY, and only the federation route reads signatures. A dissolve
     * leaves the group's items to the scheduled cleanup, so until it runs its former members get 410
     * GROUP_DISSOLVED (outsiders still get 404: a group they were never in is not revealed).
     */
    private static final List<Row> ROWS = List.of(
            row("POST", "/clouds", t -> send("/clouds", "{\"cloudId\":\"extra-" + unique() + "\",\"name\":\"Extra\"}"),
                    NO_KEY_401, BAD_KEY_401, CREATED, NOT_OPERATOR, NOT_OPERATOR, NOT_OPERATOR, NOT_OPERATOR, NOT_OPERATOR, NOT_OPERATOR, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("POST", "/merchants", t -> send("/merchants", "{\"cloudId\":\"acme\",\"name\":\"Extra " + unique() + "\"}"),
                    NO_KEY_401, BAD_KEY_401, CREATED, NOT_OPERATOR, NOT_OPERATOR, NOT_OPERATOR, NOT_OPERATOR, NOT_OPERATOR, NOT_OPERATOR, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("GET", "/merchants/me", t -> get("/merchants/me"),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, OK, OK, OK, OK, OK, OK, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            // the API's description: public, the same for everyone, and nothing in it depends on the caller
            row("GET", "/openapi.json", t -> get("/openapi.json"),
                    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
            // the console's page and assets: public files, the same for everyone (the page asks for a key itself)
            row("GET", "/console", t -> get("/console"),
                    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
            row("GET", "/console/{proxy+}", t -> get("/console/assets/unknown.js"),
                    refused(404, "NOT_FOUND"), refused(404, "NOT_FOUND"), refused(404, "NOT_FOUND"), refused(404, "NOT_FOUND"),
                    refused(404, "NOT_FOUND"), refused(404, "NOT_FOUND"), refused(404, "NOT_FOUND"), refused(404, "NOT_FOUND"),
                    refused(404, "NOT_FOUND"), refused(404, "NOT_FOUND"), refused(404, "NOT_FOUND"), refused(404, "NOT_FOUND")),
            // peers are the operator's; registering one needs the peer to answer (none does here: 503)
            row("POST", "/peers", t -> send("/peers", "{\"cloudId\":\"globex\",\"endpoint\":\"http://127.0.0.1:9\",\"fingerprint\":\"sha256:"
                            + "A".repeat(43) + "\"}"),
                    NO_KEY_401, BAD_KEY_401, refused(503, "PEER_UNAVAILABLE"), NOT_OPERATOR, NOT_OPERATOR, NOT_OPERATOR, NOT_OPERATOR, NOT_OPERATOR, NOT_OPERATOR, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("GET", "/peers", t -> get("/peers"),
                    NO_KEY_401, BAD_KEY_401, OK, NOT_OPERATOR, NOT_OPERATOR, NOT_OPERATOR, NOT_OPERATOR, NOT_OPERATOR, NOT_OPERATOR, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("DELETE", "/peers/{cloudId}", t -> send("/peers/globex", null),
                    NO_KEY_401, BAD_KEY_401, refused(404, "PEER_NOT_FOUND"), NOT_OPERATOR, NOT_OPERATOR, NOT_OPERATOR, NOT_OPERATOR, NOT_OPERATOR, NOT_OPERATOR, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            // what this deployment tells other clouds about itself: public too
            row("GET", "/federation/identity", t -> get("/federation/identity"),
                    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
            // the federation wire: no key, only a registered peer's signature, for a merchant of a cloud it hosts; here its
            // merchant reads the main group, whose home this deployment is, through the route its deployment forwards to
            row("ANY", "/federation/v1/{proxy+}", t -> on("GET", "/federation/v1/groups/" + t.groupId()),
                    UNSIGNED_401, UNSIGNED_401, UNSIGNED_401, UNSIGNED_401, UNSIGNED_401, UNSIGNED_401, UNSIGNED_401, UNSIGNED_401,
                    UNSIGNED_401, OK, refused(401, "UNKNOWN_PEER"), refused(403, "NOT_PEER_CLOUD")),
            // each merchant's own webhook: set, read, its deliveries, removed (every merchant, whatever its standing)
            row("PUT", "/merchants/me/webhook", t -> send("/merchants/me/webhook", "{\"url\":\"https://93.184.216.34/hook\",\"events\":[\"push.status\"]}"),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, OK, OK, OK, OK, OK, OK, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("GET", "/merchants/me/webhook", t -> get("/merchants/me/webhook"),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, OK, OK, OK, OK, OK, OK, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("GET", "/merchants/me/webhook/deliveries", t -> get("/merchants/me/webhook/deliveries"),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, OK, OK, OK, OK, OK, OK, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("DELETE", "/merchants/me/webhook", t -> send("/merchants/me/webhook", null),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, NO_CONTENT, NO_CONTENT, NO_CONTENT, NO_CONTENT, NO_CONTENT, NO_CONTENT, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            // each merchant's own deletion receipts (every merchant, whatever its standing: an empty list is still its own)
            row("GET", "/receipts", t -> get("/receipts"),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, OK, OK, OK, OK, OK, OK, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            // ACTIVE's push to W: W alone acknowledges it (no caller is W), ACTIVE alone reads its status
            row("POST", "/inbox/{messageId}/ack", t -> send("/inbox/" + AuthorizationMatrixTest.pushedMessage + "/ack", "{\"status\":\"ACCEPTED\"}"),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, NOT_THE_OWNER, NOT_THE_OWNER, NOT_THE_OWNER, NOT_THE_OWNER, NOT_THE_OWNER, NOT_THE_OWNER, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("GET", "/pushes/{messageId}", t -> get("/pushes/" + AuthorizationMatrixTest.pushedMessage),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, NOT_SENDER, NOT_SENDER, OK, NOT_SENDER, NOT_SENDER, NOT_SENDER, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("POST", "/merchants/me/key", t -> send("/merchants/me/key", null),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, CREATED, CREATED, CREATED, CREATED, CREATED, CREATED, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("PUT", "/records/{type}/{recordId}", t -> send("/records/note/N-" + unique(), "{\"text\":\"mine\"}"),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, OK, OK, OK, OK, OK, OK, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("GET", "/records/{type}", t -> get("/records/note"),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, OK, OK, OK, OK, OK, OK, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("GET", "/inbox", t -> get("/inbox"),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, OK, OK, OK, OK, OK, OK, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("GET", "/audit", t -> get("/audit"),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, OK, OK, OK, OK, OK, OK, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("POST", "/groups", t -> send("/groups", "{\"name\":\"Extra " + unique() + "\"}"),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, CREATED, CREATED, CREATED, CREATED, CREATED, CREATED, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("GET", "/groups", t -> get("/groups"),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, OK, OK, OK, OK, OK, OK, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            // any member, invited or active, sees the group and its member list
            row("GET", "/groups/{groupId}", t -> get("/groups/" + t.groupId()),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, NOT_FOUND, OK, OK, OK, NOT_FOUND, GONE, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("POST", "/groups/{groupId}/members", t -> send("/groups/" + t.groupId() + "/members", "{\"merchantId\":\"" + t.inviteeId() + "\"}"),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, NOT_FOUND, NOT_CREATOR, NOT_CREATOR, CREATED, NOT_FOUND, GONE, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("PUT", "/groups/{groupId}/members/me", "join", Setup.FRESH_GROUP, t -> send("/groups/" + t.groupId() + "/members/me", null),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, NOT_FOUND, OK, refused(409, "ALREADY_MEMBER"), refused(409, "ALREADY_MEMBER"), NOT_FOUND, GONE, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("DELETE", "/groups/{groupId}/members/{merchantId}", "leave: me", Setup.FRESH_GROUP, t -> send("/groups/" + t.groupId() + "/members/me", null),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, NOT_FOUND, NO_CONTENT, NO_CONTENT, refused(409, "CREATOR_CANNOT_LEAVE"), NOT_FOUND, GONE, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("DELETE", "/groups/{groupId}/members/{merchantId}", "remove another", Setup.SHARED, t -> send("/groups/" + t.groupId() + "/members/" + t.victimId(), null),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, NOT_FOUND, NOT_CREATOR, NOT_CREATOR, NO_CONTENT, NOT_FOUND, GONE, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("DELETE", "/groups/{groupId}", "dissolve", Setup.FRESH_GROUP, t -> send("/groups/" + t.groupId(), null),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, NOT_FOUND, NOT_CREATOR, NOT_CREATOR, NO_CONTENT, NOT_FOUND, GONE, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("PATCH", "/groups/{groupId}/rules", t -> send("/groups/" + t.groupId() + "/rules", "{\"expectedVersion\":" + t.rulesVersion()
                            + ",\"set\":[{\"ownerId\":\"" + t.ownerId() + "\",\"partnerId\":\"" + t.partnerId() + "\",\"type\":\"misc\",\"scope\":\"SUMMARY\",\"push\":false}]}"),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, NOT_FOUND, NOT_CREATOR, NOT_CREATOR, OK, NOT_FOUND, GONE, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("GET", "/groups/{groupId}/rules", t -> get("/groups/" + t.groupId() + "/rules"),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, NOT_FOUND, NOT_ACTIVE, OK, OK, NOT_FOUND, GONE, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            // each owner caps its own data (its first batch: version 0); the creator is an owner too
            row("PATCH", "/groups/{groupId}/consent", t -> send("/groups/" + t.groupId() + "/consent",
                            "{\"expectedVersion\":0,\"set\":[{\"partnerId\":\"*\",\"type\":\"misc\",\"maxScope\":\"SUMMARY\"}]}"),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, NOT_FOUND, NOT_ACTIVE, OK, OK, NOT_FOUND, GONE, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("GET", "/groups/{groupId}/consent", t -> get("/groups/" + t.groupId() + "/consent"),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, NOT_FOUND, NOT_ACTIVE, OK, OK, NOT_FOUND, GONE, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            // W's grant to ACTIVE: ACTIVE asks as the partner, the creator as the creator
            row("GET", "/groups/{groupId}/explain", t -> get("/groups/" + t.groupId() + "/explain?ownerId=" + t.ownerId()
                            + "&partnerId=" + t.partnerId() + "&type=order"),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, NOT_FOUND, NOT_ACTIVE, OK, OK, NOT_FOUND, GONE, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("GET", "/groups/{groupId}/matrix", t -> get("/groups/" + t.groupId() + "/matrix?type=order"),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, NOT_FOUND, NOT_ACTIVE, OK, OK, NOT_FOUND, GONE, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("GET", "/groups/{groupId}/providers", t -> get("/groups/" + t.groupId() + "/providers"),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, NOT_FOUND, NOT_ACTIVE, OK, OK, NOT_FOUND, GONE, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            // the owner's rule opens its orders (read and push) to ACTIVE (and, before they went, to LEFT and DISSOLVED_MEMBER);
            // the creator makes the rules but gets no data by it
            row("GET", "/groups/{groupId}/exchange/{ownerId}/{type}", t -> get("/groups/" + t.groupId() + "/exchange/" + t.ownerId() + "/order"),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, NOT_FOUND, NOT_ACTIVE, OK, refused(403, "NOT_SHARED"), NOT_FOUND, GONE, NO_KEY_401, NO_KEY_401, NO_KEY_401),
            row("POST", "/groups/{groupId}/exchange/{ownerId}/{type}", t -> send("/groups/" + t.groupId() + "/exchange/" + t.ownerId() + "/order", "{\"po\":\"P-" + unique() + "\"}"),
                    NO_KEY_401, BAD_KEY_401, NOT_MERCHANT, NOT_FOUND, NOT_ACTIVE, ACCEPTED, refused(403, "PUSH_NOT_ALLOWED"), NOT_FOUND, GONE, NO_KEY_401, NO_KEY_401, NO_KEY_401));

    // the world, made once over HTTP
    private static final Map<Caller, String> keys = new EnumMap<>(Caller.class);
    private static final Map<Caller, String> ids = new EnumMap<>(Caller.class);
    /** W: an active member (not a caller) whose orders the rules open; V: a member only for the creator to remove; T: only to be invited. */
    private static String ownerId;
    private static String ownerKey;
    private static String victimId;
    private static String victimKey;
    private static String inviteeId;
    private static String mainGroup;
    private static String pushedMessage;
    private static String dissolvedGroup;

    @BeforeAll
    static void start() {
        client = DynamoDbLocal.client();
        table = DynamoDbLocal.newTable(client);
        template = TemplateModel.load(ProjectFiles.TEMPLATE, OperatorKey.of(OPERATOR_KEY).parameterOverrides(), table);
        LocalSecrets secrets = LocalSecrets.fresh();
        fingerprint = FederationKey.fromSecret(secrets::federationSecret).fingerprint();
        api = LocalApi.start(new FunctionInvoker(template, client, secrets), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterAll
    static void stop() {
        api.close();
        if (peer != null) {
            peer.close();
        }
    }

    @Test
    void everyRouteAsEveryCaller() throws Exception {
        long started = System.nanoTime();
        everyTemplateRouteHasARowAndEveryRowARoute();
        buildTheWorld();

        List<String> failures = new ArrayList<>();
        int comparedPulls = pullsDoNotRevealWhetherRecordsExist(failures);

        Map<Row, Map<Caller, Result>> actual = new LinkedHashMap<>();
        for (Row row : ROWS) {
            String group = row.setup() == Setup.FRESH_GROUP ? newMainGroup() : mainGroup;
            Map<Caller, Result> answers = new EnumMap<>(Caller.class);
            // refusals first: an allowed call that changes state (invite, remove, rules) must not decide a refusal
            List<Caller> order = Arrays.stream(Caller.values())
                    .sorted(Comparator.comparing((Caller c) -> !row.expected(c).refused()))
                    .toList();
            for (Caller caller : order) {
                answers.put(caller, cell(row, caller, group, failures));
            }
            actual.put(row, answers);
        }

        printMatrix(actual, (System.nanoTime() - started) / 1_000_000);
        System.out.println("pulls without a rule, type with records vs without, compared for " + comparedPulls + " callers");
        assertTrue(failures.isEmpty(), failures.size() + " cell(s) did not behave as expected:\n  " + String.join("\n  ", failures));
    }

    /** One call: the expected status and code; a refusal in the one error shape, leaking nothing, writing nothing. */
    private static Result cell(Row row, Caller caller, String group, List<String> failures) throws IOException, InterruptedException {
        int failuresBefore = failures.size();
        Outcome expected = row.expected(caller);
        Request request = row.request().apply(target(caller, group));
        String method = request.method() == null ? row.method() : request.method();
        String where = row.label() + " as " + caller + " [" + method + " " + request.path() + "]";
        if (!matchesRoute(row.route(), request.path()) || !(method.equals(row.method()) || row.method().equals("ANY"))) {
            failures.add(where + ": the request does not match the row's route " + row.routeKey());
        }
        List<String> before = TableSnapshot.of(client, table);
        Map<String, String> signature = signature(caller, method, request.path(), request.body());
        ApiReply reply = ApiReply.call(api.baseUri(), method, request.path(), keyOf(caller), request.body(), signature);
        Outcome got = new Outcome(reply.status(), reply.status() >= 400 ? reply.errorCode() : null);
        if (!got.equals(expected)) {
            failures.add(where + ": expected " + expected + ", got " + got + " " + abbreviate(reply.text()));
        }
        if (got.refused()) {
            if (!inErrorShape(reply.json())) {
                failures.add(where + ": refusal not in the one error shape {\"error\":{\"code\",\"message\"}}: " + abbreviate(reply.text()));
            }
            if (reply.text().contains(SECRET)) {
                failures.add(where + ": the refusal shows shared record content: " + abbreviate(reply.text()));
            }
            List<String> after = TableSnapshot.of(client, table);
            // a call whose signature the federation route verified took its nonce, answered or refused, so that it
            // cannot be replayed; one the wire refused (401) took none, and nothing else is ever written on a refusal
            List<String> allowed = new ArrayList<>(before);
            if (row.routeKey().equals(FEDERATION_ROUTE) && caller.signs() && got.status() != 401) {
                String nonce = PeerSignatures.nonceKey(caller == Caller.UNREGISTERED_PEER ? UNREGISTERED : peer.federationKey, signature);
                after.stream().filter(item -> item.contains("pk=AttributeValue(S=" + nonce + ")")).findFirst().ifPresentOrElse(
                        allowed::add, () -> failures.add(where + ": a verified call, yet its nonce was not taken"));
                allowed.sort(null);
            }
            if (!allowed.equals(after)) {
                failures.add(where + ": refused, yet the table changed: " + difference(allowed, after));
            }
        } else if (caller.isMerchant() && row.routeKey().equals("POST /merchants/me/key")) {
            keys.put(caller, reply.json().get("apiKey").asText()); // the old key is dead: use the new one from here on
        }
        return new Result(got, failures.size() == failuresBefore);
    }

    /** The rows name exactly the template's routes: a route added to the template cannot escape the matrix. */
    private static void everyTemplateRouteHasARowAndEveryRowARoute() {
        Set<String> inTemplate = template.httpRoutes().stream().map(TemplateModel.HttpRoute::routeKey).collect(Collectors.toCollection(TreeSet::new));
        Set<String> inRows = ROWS.stream().map(Row::routeKey).collect(Collectors.toCollection(TreeSet::new));
        Set<String> withoutRow = new TreeSet<>(inTemplate);
        withoutRow.removeAll(inRows);
        Set<String> withoutRoute = new TreeSet<>(inRows);
        withoutRoute.removeAll(inTemplate);
        assertTrue(withoutRow.isEmpty() && withoutRoute.isEmpty(), "the authorization matrix must cover exactly the routes of "
                + "template.yaml; routes with no row: " + withoutRow + "; rows for routes the template does not have: " + withoutRoute);
        assertTrue(inTemplate.size() >= 20, "the template's routes were read: " + inTemplate);
    }

    /**
     * For a caller with no rule for the type, a pull of a type that has records and of one that has none answer the
     * same (status, code, message but for the type's name): a pull never tells who has no rule whether records exist.
     * ACTIVE has a rule for orders, not for invoices; for everyone else, the orders.
     */
    private static int pullsDoNotRevealWhetherRecordsExist(List<String> failures) throws IOException, InterruptedException {
        int compared = 0;
        for (Caller caller : Caller.values()) {
            if (!caller.isMerchant()) {
                continue;
            }
            String type = caller == Caller.ACTIVE ? "invoice" : "order";
            Target t = target(caller, mainGroup);
            Outcome[] outcomes = new Outcome[2];
            String[] messages = new String[2];
            String[] types = {type, "ghost"};
            for (int i = 0; i < 2; i++) {
                String path = "/groups/" + t.groupId() + "/exchange/" + t.ownerId() + "/" + types[i];
                List<String> before = TableSnapshot.of(client, table);
                ApiReply reply = call("GET", path, keyOf(caller), null);
                outcomes[i] = new Outcome(reply.status(), reply.errorCode());
                messages[i] = reply.json().path("error").path("message").asText().replace("'" + types[i] + "'", "'<type>'");
                String where = "pull without a rule as " + caller + " [GET " + path + "]";
                if (!outcomes[i].refused() || !inErrorShape(reply.json()) || reply.text().contains(SECRET)) {
                    failures.add(where + ": expected a refusal in the error shape showing nothing, got " + abbreviate(reply.text()));
                }
                if (!before.equals(TableSnapshot.of(client, table))) {
                    failures.add(where + ": refused, yet the table changed");
                }
            }
            if (!outcomes[0].equals(outcomes[1]) || !messages[0].equals(messages[1])) {
                failures.add("pull without a rule as " + caller + ": '" + type + "' (has records) answers " + outcomes[0] + " \""
                        + messages[0] + "\" but 'ghost' (none) answers " + outcomes[1] + " \"" + messages[1] + "\"");
            }
            compared++;
        }
        return compared;
    }

    // ---- the world ----

    /**
     * The operator makes the cloud and the merchants; W stores orders and invoices. The creator makes a dissolved group
     * (DISSOLVED_MEMBER pulled W's orders there, then the creator dissolved it) and the main group.
     */
    private static void buildTheWorld() throws Exception {
        expect(201, call("POST", "/clouds", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"Acme\"}"));
        peer = Deployment.start("initech");
        expect(201, call("POST", "/peers", OPERATOR_KEY, peer.registration()));
        peer.trust("acme", api.baseUri(), fingerprint);
        peerMerchant = peer.merchant("Peer P");
        for (Caller caller : Caller.values()) {
            if (caller.isMerchant()) {
                ApiReply m = newMerchant(caller.name());
                ids.put(caller, m.json().get("merchantId").asText());
                keys.put(caller, m.json().get("apiKey").asText());
            }
        }
        ApiReply owner = newMerchant("Owner W");
        ownerId = owner.json().get("merchantId").asText();
        ownerKey = owner.json().get("apiKey").asText();
        ApiReply victim = newMerchant("Victim V");
        victimId = victim.json().get("merchantId").asText();
        victimKey = victim.json().get("apiKey").asText();
        inviteeId = newMerchant("Invitee T").json().get("merchantId").asText();
        expect(200, call("PUT", "/records/order/O-1", ownerKey, "{\"buyer\":\"any\",\"note\":\"" + SECRET + "-1\"}"));
        expect(200, call("PUT", "/records/order/O-2", ownerKey, "{\"buyer\":\"any\",\"note\":\"" + SECRET + "-2\"}"));
        expect(200, call("PUT", "/records/invoice/I-1", ownerKey, "{\"amount\":10,\"note\":\"" + SECRET + "-3\"}"));

        String creator = keys.get(Caller.CREATOR);
        dissolvedGroup = newGroup("Dissolved");
        for (String member : List.of(ids.get(Caller.DISSOLVED_MEMBER), ownerId)) {
            expect(201, call("POST", "/groups/" + dissolvedGroup + "/members", creator, "{\"merchantId\":\"" + member + "\"}"));
        }
        for (String key : List.of(keys.get(Caller.DISSOLVED_MEMBER), ownerKey)) {
            expect(200, call("PUT", "/groups/" + dissolvedGroup + "/members/me", key, null));
        }
        expect(200, call("PATCH", "/groups/" + dissolvedGroup + "/rules", creator,
                "{\"expectedVersion\":0,\"set\":[" + orderRule(ids.get(Caller.DISSOLVED_MEMBER)) + "]}"));
        expectRecords(2, call("GET", "/groups/" + dissolvedGroup + "/exchange/" + ownerId + "/order", keys.get(Caller.DISSOLVED_MEMBER), null));
        expect(204, call("DELETE", "/groups/" + dissolvedGroup, creator, null));

        mainGroup = newMainGroup();
        // the peer's merchant, invited into the main group as its cloud's, joins through its own deployment
        expect(201, call("POST", "/groups/" + mainGroup + "/members", creator,
                "{\"merchantId\":\"" + peerMerchant.id() + "\",\"cloudId\":\"" + peer.cloudId + "\"}"));
        peerMerchant.call(200, "PUT", "/groups/" + mainGroup + "/members/me", null);
        // a document ACTIVE pushed to W: only W (no caller) acknowledges it, only ACTIVE reads what became of it
        pushedMessage = expect(202, call("POST", "/groups/" + mainGroup + "/exchange/" + ownerId + "/order",
                keys.get(Caller.ACTIVE), "{\"po\":\"P-0\"}")).json().get("messageId").asText();
    }

    /**
     * A main group: CREATOR made it; ACTIVE, W and V joined; INVITED is invited; LEFT joined, pulled W's orders and
     * left. W opens its orders (FULL, push) to ACTIVE and to LEFT; rules at version 1.
     */
    private static String newMainGroup() throws IOException, InterruptedException {
        String creator = keys.get(Caller.CREATOR);
        String group = newGroup("Main");
        for (String member : List.of(ids.get(Caller.INVITED), ids.get(Caller.ACTIVE), ids.get(Caller.LEFT), ownerId, victimId)) {
            expect(201, call("POST", "/groups/" + group + "/members", creator, "{\"merchantId\":\"" + member + "\"}"));
        }
        for (String key : List.of(keys.get(Caller.ACTIVE), keys.get(Caller.LEFT), ownerKey, victimKey)) {
            expect(200, call("PUT", "/groups/" + group + "/members/me", key, null));
        }
        expect(200, call("PATCH", "/groups/" + group + "/rules", creator, "{\"expectedVersion\":0,\"set\":["
                + orderRule(ids.get(Caller.ACTIVE)) + "," + orderRule(ids.get(Caller.LEFT)) + "]}"));
        expectRecords(2, call("GET", "/groups/" + group + "/exchange/" + ownerId + "/order", keys.get(Caller.LEFT), null));
        expect(204, call("DELETE", "/groups/" + group + "/members/me", keys.get(Caller.LEFT), null));
        return group;
    }

    /** W opens its orders in full to the partner, and accepts pushed orders from it. */
    private static String orderRule(String partnerId) {
        return "{\"ownerId\":\"" + ownerId + "\",\"partnerId\":\"" + partnerId + "\",\"type\":\"order\",\"scope\":\"FULL\",\"push\":true}";
    }

    /** DISSOLVED_MEMBER acts in the dissolved group; everyone else in the given main group. */
    private static Target target(Caller caller, String group) {
        if (caller == Caller.DISSOLVED_MEMBER) {
            return new Target(dissolvedGroup, ownerId, ids.get(Caller.DISSOLVED_MEMBER), ownerId, inviteeId, 1);
        }
        return new Target(group, ownerId, ids.get(Caller.ACTIVE), victimId, inviteeId, 1);
    }

    private static String keyOf(Caller caller) {
        return switch (caller) {
            case NO_KEY, PEER, UNREGISTERED_PEER, PEER_FOR_OTHER_CLOUD -> null;
            case WRONG_KEY -> UNKNOWN_KEY;
            case OPERATOR -> OPERATOR_KEY;
            default -> keys.get(caller);
        };
    }

    /** The headers that sign the call, for the callers that sign, as another deployment sends them; none for the rest. */
    private static Map<String, String> signature(Caller caller, String method, String path, String body) {
        URI target = URI.create(api.baseUri() + path);
        String peerCloudMerchant = peerMerchant.id() + "@" + peer.cloudId;
        return switch (caller) {
            case PEER -> peer.sign(method, target, peerCloudMerchant, body);
            case UNREGISTERED_PEER -> PeerSignatures.headers(UNREGISTERED, method, target, peerCloudMerchant, body);
            case PEER_FOR_OTHER_CLOUD -> peer.sign(method, target, ids.get(Caller.ACTIVE) + "@acme", body);
            default -> Map.of();
        };
    }

    private static ApiReply newMerchant(String name) throws IOException, InterruptedException {
        return expect(201, call("POST", "/merchants", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"" + name + "\"}"));
    }

    private static String newGroup(String name) throws IOException, InterruptedException {
        return expect(201, call("POST", "/groups", keys.get(Caller.CREATOR), "{\"name\":\"" + name + "\"}")).json().get("groupId").asText();
    }

    private static ApiReply expect(int status, ApiReply reply) {
        assertEquals(status, reply.status(), "setting up the world: " + reply.text());
        return reply;
    }

    private static void expectRecords(int count, ApiReply reply) {
        expect(200, reply);
        assertEquals(count, reply.json().get("records").size(), "setting up the world: " + reply.text());
    }

    private static ApiReply call(String method, String path, String key, String body) throws IOException, InterruptedException {
        return ApiReply.call(api.baseUri(), method, path, key, body);
    }

    // ---- checks and printing ----

    /** Exactly {@code {"error":{"code":"...","message":"..."}}}, both non-empty strings. */
    private static boolean inErrorShape(JsonNode json) {
        if (json == null || !json.isObject() || json.size() != 1 || !json.path("error").isObject()) {
            return false;
        }
        JsonNode error = json.get("error");
        return error.size() == 2 && error.path("code").isTextual() && !error.get("code").asText().isBlank()
                && error.path("message").isTextual() && !error.get("message").asText().isBlank();
    }

    private static boolean matchesRoute(String route, String path) {
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        return bare.matches(route.replaceAll("\\{[^/}]+\\+}", ".+").replaceAll("\\{[^/}]+}", "[^/]+"));
    }

    private static String difference(List<String> before, List<String> after) {
        List<String> gone = new ArrayList<>(before);
        gone.removeAll(after);
        List<String> added = new ArrayList<>(after);
        added.removeAll(before);
        return "removed/changed " + gone + ", added/changed " + added;
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    /** route x caller -> status; a cell that failed a check is marked with '!' and listed in the failure. */
    private static void printMatrix(Map<Row, Map<Caller, Result>> actual, long millis) {
        int labelWidth = ROWS.stream().mapToInt(r -> r.label().length()).max().orElse(0);
        StringBuilder out = new StringBuilder("\nAuthorization matrix (status per route and caller; '!' = a check failed)\n");
        out.append(String.format("%-" + labelWidth + "s", "route"));
        for (Caller caller : Caller.values()) {
            out.append(' ').append(caller.name());
        }
        out.append('\n');
        for (Row row : ROWS) {
            out.append(String.format("%-" + labelWidth + "s", row.label()));
            for (Caller caller : Caller.values()) {
                Result result = actual.get(row).get(caller);
                String cell = result.got().status() + (result.passed() ? "" : "!");
                out.append(' ').append(String.format("%-" + caller.name().length() + "s", cell));
            }
            out.append('\n');
        }
        long routes = ROWS.stream().map(Row::routeKey).distinct().count();
        out.append(String.format("%d rows (%d routes of template.yaml) x %d callers = %d cells, in %d ms%n",
                ROWS.size(), routes, Caller.values().length, ROWS.size() * Caller.values().length, millis));
        System.out.print(out);
    }
}
