package orgshare.functions.handler;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import orgshare.functions.Lambdas;
import orgshare.functions.HttpContract;
import orgshare.shared.testing.PeerIdentityServer;
import orgshare.shared.testing.PeerSignatures;
import orgshare.functions.CapturingContext;
import orgshare.functions.TestEvents;
import orgshare.shared.Orgshare;
import orgshare.shared.auth.ApiKeys;
import orgshare.shared.auth.Caller;
import orgshare.shared.federation.FederationKey;
import orgshare.shared.json.Json;
import orgshare.shared.service.CloudService;
import orgshare.shared.service.GroupService;
import orgshare.shared.service.MembershipService;
import orgshare.shared.service.MerchantService;
import orgshare.shared.service.RuleService;
import orgshare.shared.ids.SeededIds;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.testing.ManualClock;
import orgshare.shared.testing.SeededRun;
import orgshare.shared.testing.TableSnapshot;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trust: no input alone makes a handler fail. Every HTTP handler template.yaml names (read from the template, so a new
 * one cannot escape) gets seeded, bounded random and mutated events on a world with real IDs; every answer must be a
 * 2xx, or a 4xx in the one error shape with a message that leaks nothing, and a refused call must write nothing.
 * Then a table of bad input for every route, each with its exact status and code; then the authorizer's own fuzz.
 *
 * <p>The seed decides every case, and the world's IDs and timestamps too (a ticking clock, seeded IDs), so a run
 * reaches the same cases on any machine. Reproduce a run with {@code -Dorgshare.fuzz.seed=<seed>};
 * {@code -Dorgshare.fuzz.cases=<n>} sets how many (700 by default). A safety cap fails a run that takes too long.
 */
class HandlerFuzzTest {
    private static final SeededRun RUN = SeededRun.of("orgshare.fuzz", 20261125L, 700, 300_000L);
    /** Refused calls checked by one pair of table snapshots, while nothing else writes. */
    private static final int SNAPSHOT_BATCH = 8;
    private static final int MAX_REPORTED = 25;

    private static final Path TEMPLATE = Path.of("../template.yaml");
    private static final Path EVENTS = Path.of("../events");
    private static final String AUTHORIZER = AuthorizerHandler.class.getName();
    private static final String CLEANUP = CleanupHandler.class.getName();
    /** Scheduled, like the cleanup: its event says nothing but that it is time. */
    private static final String RETRY_WEBHOOKS = RetryWebhooksHandler.class.getName();
    /** The table stream's function: its own fuzz below. */
    private static final String DELIVER_WEBHOOKS = DeliverWebhooksHandler.class.getName();
    /** Routes only the operator may call; every other route is a merchant's. */
    private static final Set<String> OPERATOR_ROUTES = Set.of("POST /clouds", "POST /merchants", "POST /peers", "GET /peers",
            "DELETE /peers/{cloudId}");
    private static final List<String> LEAKS = List.of("Exception", "orgshare.", "software.amazon", "java.",
            "com.fasterxml", "\tat ");
    private static final Pattern ERROR_CODE = Pattern.compile("[A-Z][A-Z0-9_]*");
    private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /**
     * Reads answers as a client would: a lenient mapper, not the service's strict one, whose depth limit of 64 a
     * stored 63-level document exceeds once wrapped in a list answer.
     */
    private static final ObjectMapper READER = new ObjectMapper(); // Jackson's defaults: 1000 levels at most

    // ------------------------------------------------------------------------------------------------------------
    // 1. The fuzz
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void randomAndMutatedEventsNeverFailAHandlerAndRefusedOnesWriteNothing() {
        List<Fn> functions = readTemplate();
        List<Route> routes = httpRoutes(functions);
        World w = World.build();
        Map<String, RequestStreamHandler> handlers = new LinkedHashMap<>();
        for (Route route : routes) {
            handlers.put(route.key(), httpHandler(route.handlerClass(), w.app));
        }
        Map<String, JsonNode> samples = sampleEvents(routes);
        Fuzzer fuzz = new Fuzzer(RUN.random(), w, samples);
        CapturingContext context = new CapturingContext("fuzz-request");

        Map<Integer, Integer> statuses = new TreeMap<>();
        Map<String, Integer> codes = new TreeMap<>();
        Map<String, Integer> perHandler = new TreeMap<>();
        Map<String, Integer> successes = new TreeMap<>();
        Set<String> writingRoutes = new HashSet<>();
        Map<String, Integer> readOnlySuccesses = new HashMap<>();
        List<String> problems = new ArrayList<>();
        int problemCount = 0;
        int snapshots = 0;
        int rebuilds = 0;
        int refusedVerifiedBySnapshot = 0;
        int refusedVerifiedByCounterOnly = 0;
        int maxMessage = 0;
        long handlerNanos = 0;
        snapshotNanos = 0;

        List<String> baseline = timedSnapshot(w);
        snapshots++;
        long baselineWrites = w.writes.count();
        List<Pending> pending = new ArrayList<>();

        long started = System.nanoTime();
        int cases = 0;
        // a warm-up round: every route's unmutated event once, so deep state (and which GET routes write) is known early
        List<Route> order = new ArrayList<>(routes);
        while (cases < RUN.cases()) {
            RUN.check(cases);
            Route route;
            FuzzEvent fe;
            if (cases < routes.size()) {
                route = order.get(cases);
                fe = fuzz.base(route);
            } else {
                route = routes.get(fuzz.rnd.nextInt(routes.size()));
                fe = fuzz.mutated(route);
            }
            cases++;
            // a GET route counts as read-only once it has succeeded 3 times without writing
            boolean mayWrite = !"GET".equals(route.method()) || writingRoutes.contains(route.key())
                    || readOnlySuccesses.getOrDefault(route.key(), 0) < 3;
            if (!pending.isEmpty() && mayWrite) {
                // close the batch of refusals before a call that may legitimately write
                List<String> now = timedSnapshot(w);
                snapshots++;
                problemCount += compare(baseline, now, pending, problems);
                refusedVerifiedBySnapshot += pending.size();
                pending.clear();
                baseline = now;
                baselineWrites = w.writes.count();
            }
            if (w.writes.count() != baselineWrites) {
                baseline = timedSnapshot(w);
                snapshots++;
                baselineWrites = w.writes.count();
            }

            long writesBefore = w.writes.count();
            APIGatewayV2HTTPResponse response;
            try {
                long t0 = System.nanoTime();
                response = HttpContract.checked(fe.event(), Lambdas.http(handlers.get(route.key()), fe.event(), context));
                handlerNanos += System.nanoTime() - t0;
            } catch (Throwable t) {
                problemCount++;
                report(problems, "THREW " + t + ": " + describe(route, fe, null, context));
                continue;
            }
            boolean wrote = w.writes.count() != writesBefore;
            int status = response.getStatusCode();
            statuses.merge(status, 1, Integer::sum);
            perHandler.merge(simpleName(route.handlerClass()), 1, Integer::sum);
            List<String> violations = check(response);
            String code = errorCode(response);
            if (code != null) {
                codes.merge(status + " " + code, 1, Integer::sum);
                maxMessage = Math.max(maxMessage, errorMessage(response).length());
            }
            if (!violations.isEmpty()) {
                problemCount++;
                report(problems, violations + ": " + describe(route, fe, response, context));
            }
            if (FEDERATION_ROUTE.equals(route.key()) && !refusedUnsigned(fe.event(), status, code)) {
                problemCount++;
                report(problems, "THE FEDERATION ROUTE ANSWERED A CALL NO PEER SIGNED: " + describe(route, fe, response, context));
            }
            if (status >= 400) {
                if (wrote) {
                    problemCount++;
                    report(problems, "REFUSED CALL WROTE " + w.writes.since(writesBefore) + ": " + describe(route, fe, response, context));
                }
                pending.add(new Pending(route, fe, response));
                if (wrote || pending.size() >= SNAPSHOT_BATCH) {
                    List<String> now = timedSnapshot(w);
                    snapshots++;
                    problemCount += compare(baseline, now, pending, problems);
                    refusedVerifiedBySnapshot += pending.size();
                    pending.clear();
                    baseline = now;
                    baselineWrites = w.writes.count();
                }
            } else if (status < 300) {
                successes.merge(simpleName(route.handlerClass()), 1, Integer::sum);
                if (wrote) {
                    if (writingRoutes.add(route.key()) && !pending.isEmpty()) {
                        // a GET route deemed read-only wrote after refusals not yet snapshotted: the counter vouches for them
                        refusedVerifiedByCounterOnly += pending.size();
                        pending.clear();
                    }
                } else {
                    readOnlySuccesses.merge(route.key(), 1, Integer::sum);
                }
                w.learn(route, fe.event(), response);
                Map<String, String> params = fe.event().getPathParameters();
                if ("DELETE".equals(route.method()) && params != null && w.group.equals(params.get("groupId"))) {
                    // a member left the main group or it was dissolved: rebuild it, keep the old ID as a stale one
                    w.newMainGroup();
                    rebuilds++;
                }
            }
        }
        if (!pending.isEmpty()) {
            List<String> now = timedSnapshot(w);
            snapshots++;
            problemCount += compare(baseline, now, pending, problems);
            refusedVerifiedBySnapshot += pending.size();
            pending.clear();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;

        Set<String> hit = perHandler.keySet();
        Set<String> expected = new TreeSet<>();
        routes.forEach(r -> expected.add(simpleName(r.handlerClass())));
        System.out.printf(Locale.ROOT, "FUZZ seed=%d cases=%d in %d ms (%.0f/s), handlers hit %d of %d, snapshots %d, rebuilds %d%n",
                RUN.seed(), cases, millis, cases * 1000.0 / Math.max(1, millis), hit.size(), expected.size(), snapshots, rebuilds);
        System.out.printf(Locale.ROOT, "FUZZ time in handlers %d ms, in snapshots %d ms, table now %d items%n",
                handlerNanos / 1_000_000, snapshotNanos / 1_000_000, w.snapshot().size());
        System.out.println("FUZZ status histogram: " + statuses);
        System.out.println("FUZZ error codes: " + codes);
        System.out.println("FUZZ calls per handler: " + perHandler);
        System.out.println("FUZZ successes per handler: " + successes);
        System.out.println("FUZZ refused calls checked by snapshot: " + refusedVerifiedBySnapshot
                + ", by the write counter only: " + refusedVerifiedByCounterOnly + "; longest error message " + maxMessage);
        System.out.println("FUZZ GET routes that write on success: " + writingRoutes.stream().filter(k -> k.startsWith("GET ")).toList());
        problems.forEach(p -> System.out.println("FUZZ PROBLEM " + p));

        assertEquals(expected, new TreeSet<>(hit), "every HTTP handler in template.yaml was fuzzed");
        assertTrue(problemCount == 0, problemCount + " problem(s), first ones:\n" + String.join("\n", problems));
    }

    /** One refused call not yet covered by a snapshot comparison. */
    private record Pending(Route route, FuzzEvent event, APIGatewayV2HTTPResponse response) {
    }

    private static long snapshotNanos;

    private static List<String> timedSnapshot(World w) {
        long t = System.nanoTime();
        List<String> s = w.snapshot();
        snapshotNanos += System.nanoTime() - t;
        return s;
    }

    private static int compare(List<String> before, List<String> after, List<Pending> refused, List<String> problems) {
        if (before.equals(after)) {
            return 0;
        }
        Set<String> added = new LinkedHashSet<>(after);
        before.forEach(added::remove);
        Set<String> removed = new LinkedHashSet<>(before);
        after.forEach(removed::remove);
        StringBuilder calls = new StringBuilder();
        for (Pending p : refused) {
            calls.append("\n    ").append(describe(p.route(), p.event(), p.response(), null));
        }
        report(problems, "TABLE CHANGED across " + refused.size() + " refused call(s): added " + clip(added.toString(), 600)
                + " removed " + clip(removed.toString(), 600) + calls);
        return 1;
    }

    private static void report(List<String> problems, String problem) {
        if (problems.size() < MAX_REPORTED) {
            problems.add(problem);
        }
    }

    /** Random and mutated events for any route, seeded from a world of real IDs. */
    private static final class Fuzzer {
        final Random rnd;
        final World w;
        final Map<String, JsonNode> samples;

        Fuzzer(Random rnd, World w, Map<String, JsonNode> samples) {
            this.rnd = rnd;
            this.w = w;
            this.samples = samples;
        }

        <T> T pick(List<T> values) {
            return values.get(rnd.nextInt(values.size()));
        }

        @SafeVarargs
        final <T> T pick(T... values) {
            return values[rnd.nextInt(values.length)];
        }

        boolean chance(double p) {
            return rnd.nextDouble() < p;
        }

        String randomId() {
            char[] id = new char[26];
            for (int i = 0; i < id.length; i++) {
                id[i] = CROCKFORD.charAt(rnd.nextInt(CROCKFORD.length()));
            }
            return new String(id);
        }

        List<Caller> merchants() {
            return List.of(w.a, w.b, w.c, w.d, w.e);
        }

        String merchantId() {
            return pick(merchants()).merchantId();
        }

        String groupId() {
            double p = rnd.nextDouble();
            if (p < 0.7) {
                return w.group;
            }
            if (p < 0.8) {
                return w.otherGroup;
            }
            if (p < 0.9) {
                return pick(w.staleGroups);
            }
            return randomId();
        }

        String type() {
            return pick("order", "stock", "invoice", "po", "catalog", "a.b_c-d", "T" + rnd.nextInt(5));
        }

        String recordId() {
            return pick("PO-1", "PO-2", "PO-3", "PO-4", "SKU-1", "SKU-2", "INV-1", "INV-9", "rec:" + rnd.nextInt(20));
        }

        /** A plausible value for a path parameter of this name. */
        String validParam(String name) {
            return switch (name) {
                case "groupId" -> groupId();
                case "ownerId" -> merchantId();
                case "merchantId" -> chance(0.4) ? "me" : merchantId();
                case "type" -> type();
                case "recordId" -> recordId();
                case "proxy+" -> federationPath();
                case "messageId" -> pick(w.pushedToA, w.acceptedByA, randomId());
                default -> pick(merchantId(), w.group, "x" + rnd.nextInt(10));
            };
        }

        /** What follows /federation/v1: a member route of a group, or a home's message. */
        String federationPath() {
            String group = "groups/" + groupId();
            return pick(group, group + "/rules", group + "/providers", group + "/members/me", group + "/members/" + merchantId(),
                    group + "/exchange/" + merchantId() + "/" + type(), "invitations", "notices", "pulls", "pushes",
                    "x" + rnd.nextInt(10));
        }

        /** The event as a well-meaning client would send it for this route (it may still be refused). */
        FuzzEvent base(Route route) {
            Map<String, String> path = new LinkedHashMap<>();
            for (String p : route.params()) {
                path.put(p, validParam(p));
            }
            Caller caller = pick(w.a, w.a, w.b, w.c, w.e, w.d);
            JsonNode body = null;
            Map<String, String> query = null;
            switch (route.key()) {
                case "POST /clouds" -> {
                    caller = Caller.operator();
                    body = obj("cloudId", "c-" + rnd.nextInt(12), "name", "Cloud " + rnd.nextInt(1000));
                }
                case "POST /merchants" -> {
                    caller = Caller.operator();
                    body = obj("cloudId", pick("acme", "globex"), "name", "Merchant " + rnd.nextInt(1000));
                }
                case "POST /groups" -> body = obj("name", "Group " + rnd.nextInt(1000));
                case "POST /peers", "GET /peers", "DELETE /peers/{cloudId}" -> {
                    caller = chance(0.9) ? Caller.operator() : caller;
                    if (route.key().equals("POST /peers")) {
                        body = obj("cloudId", pick(World.PEER_CLOUD, "acme", "nowhere"), "endpoint", w.peerEndpoint,
                                "fingerprint", w.peerFingerprint);
                    } else if (route.key().startsWith("DELETE")) {
                        path.put("cloudId", pick(World.PEER_CLOUD, "nowhere"));
                    }
                }
                case "POST /groups/{groupId}/members" -> {
                    caller = chance(0.7) ? w.a : caller;
                    String invitee = pick(w.d.merchantId(), randomId(), w.b.merchantId(), w.c.merchantId());
                    if (!w.freshMerchants.isEmpty() && chance(0.5)) {
                        invitee = pick(w.freshMerchants);
                    }
                    if (!w.disposableGroups.isEmpty() && chance(0.3)) {
                        Map.Entry<String, Caller> g = pick(new ArrayList<>(w.disposableGroups.entrySet()));
                        path.put("groupId", g.getKey());
                        caller = g.getValue();
                    }
                    body = obj("merchantId", invitee);
                }
                case "PUT /groups/{groupId}/members/me" -> caller = chance(0.5) ? w.c : caller;
                case "DELETE /groups/{groupId}/members/{merchantId}" -> {
                    caller = pick(w.a, w.b, w.e, w.c, w.d);
                    if (!w.disposableGroups.isEmpty() && chance(0.6)) {
                        Map.Entry<String, Caller> g = pick(new ArrayList<>(w.disposableGroups.entrySet()));
                        path.put("groupId", g.getKey());
                        caller = chance(0.5) ? g.getValue() : caller;
                    }
                }
                case "DELETE /groups/{groupId}" -> {
                    caller = pick(w.a, w.b, w.d);
                    if (!w.disposableGroups.isEmpty() && chance(0.7)) {
                        Map.Entry<String, Caller> g = pick(new ArrayList<>(w.disposableGroups.entrySet()));
                        path.put("groupId", g.getKey());
                        caller = chance(0.8) ? g.getValue() : caller;
                    }
                }
                case "PATCH /groups/{groupId}/rules" -> {
                    caller = chance(0.8) ? w.a : caller;
                    body = rulesBody();
                }
                case "PATCH /groups/{groupId}/consent" -> {
                    ObjectNode consent = NODES.objectNode().put("expectedVersion", chance(0.7) ? 0 : rnd.nextInt(4));
                    ObjectNode cap = consent.putArray(pick("set", "remove", "replace")).addObject();
                    cap.put("partnerId", pick("*", w.b.merchantId(), caller == null ? "x" : String.valueOf(caller.merchantId()), "nope"));
                    cap.put("type", pick("*", "order", "", "#"));
                    if (chance(0.8)) {
                        cap.put("maxScope", pick("NONE", "SUMMARY", "FIELDS", "FULL", "ALL"));
                    }
                    if (chance(0.3)) {
                        cap.putArray("fields").add(pick("total", "", "a.b"));
                    }
                    if (chance(0.3)) {
                        cap.put("push", chance(0.5));
                    }
                    body = consent;
                }
                case "PUT /records/{type}/{recordId}" -> body = recordBody();
                case "PUT /merchants/me/webhook" -> {
                    ObjectNode webhook = obj("url", pick("https://93.184.216.34/hook", "http://93.184.216.34/hook",
                            "https://127.0.0.1/hook", "https://[::ffff:10.0.0.1]/", "https://0x7f000001/", "ftp://x", ""));
                    ArrayNode events = webhook.putArray("events");
                    for (int i = rnd.nextInt(3); i >= 0; i--) {
                        events.add(pick("inbox.received", "push.status", "rules.changed", "member.left", "nope"));
                    }
                    if (chance(0.3)) {
                        webhook.put("rotateSecret", chance(0.5));
                    }
                    body = webhook;
                }
                case "POST /inbox/{messageId}/ack" -> {
                    caller = chance(0.7) ? w.a : caller;
                    body = chance(0.8) ? obj("status", pick("ACCEPTED", "REJECTED", "accepted", "RECEIVED"))
                            : obj("status", pick("ACCEPTED", "REJECTED"), "reason", pick("", "ok", "x".repeat(1001)));
                }
                case "GET /pushes/{messageId}" -> caller = chance(0.7) ? w.e : caller;
                case "GET /groups/{groupId}/exchange/{ownerId}/{type}", "POST /groups/{groupId}/exchange/{ownerId}/{type}" -> {
                    if (chance(0.7)) {
                        String[] combo = pick(
                                new String[]{"B", "A", "order"}, new String[]{"E", "A", "stock"}, new String[]{"A", "E", "invoice"},
                                new String[]{"E", "A", "po"}, new String[]{"A", "B", "po"}, new String[]{"B", "A", "stock"},
                                new String[]{"E", "A", "order"});
                        caller = w.byLetter(combo[0]);
                        path.put("groupId", chance(0.85) ? w.group : groupId());
                        path.put("ownerId", w.byLetter(combo[1]).merchantId());
                        path.put("type", combo[2]);
                    }
                    if ("POST".equals(route.method())) {
                        body = recordBody();
                    }
                }
                case FEDERATION_ROUTE -> {
                    caller = chance(0.7) ? null : caller; // no authorizer runs on it: a context is only noise
                    if (chance(0.5)) {
                        body = obj("kind", pick("DISSOLVED", "DEPARTED"), "groupId", groupId(), "merchantId", merchantId());
                    }
                }
                default -> {
                    JsonNode sample = samples.get(route.key());
                    if (sample != null && sample.hasNonNull("body") && !"GET".equals(route.method())) {
                        body = parseOrNull(sample.get("body").asText());
                    }
                }
            }
            if ("GET".equals(route.method())) {
                query = baseQuery(route);
            }
            APIGatewayV2HTTPEvent event = TestEvents.http(route.method(), route.path(), caller,
                    body == null ? null : body.toString(), path.isEmpty() ? null : path, query);
            if ("ANY".equals(route.method())) {
                withHttpMethod(event, pick("GET", "PUT", "POST", "PATCH", "DELETE"));
            }
            JsonNode sample = samples.get(route.key());
            if (sample != null && sample.get("headers") instanceof ObjectNode headers) {
                Map<String, String> h = new LinkedHashMap<>();
                headers.fields().forEachRemaining(f -> h.put(f.getKey(), f.getValue().asText()));
                event.setHeaders(h);
            }
            withKey(event, caller);
            FuzzEvent fe = new FuzzEvent(event, new ArrayList<>(List.of("base")));
            if (FEDERATION_ROUTE.equals(route.key()) && chance(0.4)) {
                signAsStranger(fe);
            }
            return fe;
        }

        /**
         * Signs the call as the wire says, but with a key no peer registered: refused 401 UNKNOWN_PEER before anything
         * is written, or BAD_SIGNATURE once a later mutation bends what was signed.
         */
        void signAsStranger(FuzzEvent fe) {
            APIGatewayV2HTTPEvent e = fe.event();
            Map<String, String> headers = e.getHeaders() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(e.getHeaders());
            String method = e.getRequestContext() == null || e.getRequestContext().getHttp() == null ? "GET"
                    : e.getRequestContext().getHttp().getMethod();
            URI target = URI.create(headers.getOrDefault("x-forwarded-proto", "https") + "://" + headers.getOrDefault("host", "localhost")
                    + e.getRawPath() + (e.getRawQueryString() == null || e.getRawQueryString().isEmpty() ? "" : "?" + e.getRawQueryString()));
            headers.putAll(PeerSignatures.headers(STRANGER, method, target,
                    pick(w.a, w.d).merchantId() + "@" + pick("acme", "globex", World.PEER_CLOUD), e.getBody()));
            e.setHeaders(headers);
            fe.log("signed by a stranger");
        }

        Map<String, String> baseQuery(Route route) {
            Map<String, String> query = new LinkedHashMap<>();
            if (chance(0.5)) {
                query.put("limit", Integer.toString(1 + rnd.nextInt(100)));
            }
            if (route.key().equals("GET /groups/{groupId}/explain")) {
                query.put("ownerId", pick(w.a, w.b, w.e, w.c).merchantId());
                query.put("partnerId", pick(w.a, w.b, w.e, w.d).merchantId());
                query.put("type", chance(0.9) ? type() : "*");
            }
            if (route.key().equals("GET /groups/{groupId}/matrix") && chance(0.9)) {
                query.put("type", type());
            }
            String own = World.CURSOR_OF_ROUTE.get(route.key());
            boolean since = World.SINCE_ROUTES.contains(route.key()) && chance(0.3);
            if (since) {
                query.put("since", pick("2000-01-01T00:00:00Z", "2026-01-01T00:00:00.000Z", w.sinceMark));
            }
            if (own != null && chance(0.4)) {
                String cursor = w.cursors.get(since && w.cursors.containsKey(own + "Since") ? own + "Since" : own);
                if (cursor != null) {
                    query.put("cursor", cursor);
                }
            }
            return query.isEmpty() && chance(0.5) ? null : query;
        }

        ObjectNode recordBody() {
            ObjectNode body = NODES.objectNode();
            body.put("sku", "SKU-" + rnd.nextInt(9));
            body.put("buyerId", pick(w.b, w.e, w.a).merchantId());
            body.put("level", rnd.nextInt(100));
            body.put("price", "12.50");
            body.putObject("lines").putArray("items").add(1).add("two").add(NODES.nullNode());
            return body;
        }

        ObjectNode rulesBody() {
            ObjectNode body = NODES.objectNode();
            body.put("expectedVersion", chance(0.8) ? w.rulesVersionNow() : rnd.nextInt(4));
            ArrayNode set = body.putArray("set");
            int n = rnd.nextInt(3);
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < n; i++) {
                String owner = pick(w.a, w.b, w.e).merchantId();
                String partner = chance(0.1) ? w.c.merchantId() : pick("*", w.a.merchantId(), w.b.merchantId(), w.e.merchantId());
                String type = pick("order", "stock", "invoice", "po", "*", "catalog");
                if (owner.equals(partner) || !seen.add(owner + partner + type)) {
                    continue;
                }
                ObjectNode rule = set.addObject();
                rule.put("ownerId", owner).put("partnerId", partner).put("type", type);
                String scope = pick("NONE", "SUMMARY", "FIELDS", "FULL");
                rule.put("scope", scope);
                if ("FIELDS".equals(scope)) {
                    rule.putArray("fields").add("sku").add("level");
                }
                if (!"NONE".equals(scope) && chance(0.4)) {
                    rule.putObject("filter").put("buyerId", chance(0.7) ? "${partner}" : w.b.merchantId());
                }
                rule.put("push", chance(0.3));
            }
            if (chance(0.3) || set.isEmpty()) {
                body.putArray("remove").addObject().put("ownerId", w.a.merchantId())
                        .put("partnerId", pick(w.b.merchantId(), "*")).put("type", pick("order", "stock", "catalog"));
            }
            return body;
        }

        /** The base event with 0 to 4 mutations. */
        FuzzEvent mutated(Route route) {
            FuzzEvent fe = base(route);
            int mutations = chance(0.08) ? 0 : 1 + rnd.nextInt(chance(0.3) ? 4 : 2);
            for (int i = 0; i < mutations; i++) {
                int kind = rnd.nextInt(100);
                if (kind < 20 && !route.params().isEmpty()) {
                    mutatePath(route, fe);
                } else if (kind < 36) {
                    mutateQuery(fe);
                } else if (kind < 64) {
                    mutateBody(fe);
                } else if (kind < 76) {
                    mutateCaller(fe);
                } else if (kind < 82) {
                    mutateHeaders(fe);
                } else if (kind < 90) {
                    mutateBase64(fe);
                } else {
                    mutateStructure(fe);
                }
            }
            return fe;
        }

        // ---- path parameters

        void mutatePath(Route route, FuzzEvent fe) {
            APIGatewayV2HTTPEvent e = fe.event();
            Map<String, String> path = e.getPathParameters() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(e.getPathParameters());
            String name = pick(route.params());
            double p = rnd.nextDouble();
            if (p < 0.06) {
                path.remove(name);
                fe.log("path " + name + " removed");
            } else if (p < 0.09) {
                e.setPathParameters(null);
                fe.log("path map null");
                return;
            } else {
                String value = trickyId(path.getOrDefault(name, validParam(name)), name);
                path.put(name, value);
                fe.log("path " + name + "=" + clip(value, 40));
            }
            e.setPathParameters(path);
        }

        /** Valid IDs of every kind, and IDs bent every way an attacker or a broken client might. */
        String trickyId(String current, String name) {
            String g = w.group;
            String m = merchantId();
            List<Supplier<String>> choices = List.of(
                    () -> current, () -> m, () -> w.group, () -> w.otherGroup, () -> pick(w.staleGroups), this::randomId,
                    this::type, this::recordId, () -> "me", () -> "ME", () -> "*", () -> "**", () -> "",
                    () -> " ", () -> current + " ", () -> " " + current,
                    () -> "GROUP#" + g, () -> current + "#", () -> "#", () -> current + "#" + m, () -> "RULE#" + m + "#*#*",
                    () -> "MEMBER#" + m, () -> "a/b", () -> "/" + current, () -> "../" + current, () -> current + "/x",
                    () -> "%2F", () -> "%23", () -> "%00", () -> current + "%",
                    () -> "\u0000", () -> current + "\u0000", () -> "x\u0007y", () -> "\n", () -> current + "\r\n", () -> "\t",
                    () -> "\u200B" + current, () -> current + "\u200B", () -> "\u202E" + current, () -> "\u2066" + current + "\u2069",
                    () -> "\uFEFF" + current, () -> "\uD83D\uDE00", () -> current.substring(0, Math.max(0, current.length() - 2)) + "\uD83D\uDE00",
                    () -> "\uD800", () -> current + "\uDC00", () -> "e\u0301", () -> "\u0130", () -> "\uFF10\uFF11\uFF12",
                    () -> "\u0663\u0664", () -> current.toLowerCase(Locale.ROOT), () -> current.toUpperCase(Locale.ROOT),
                    () -> current.isEmpty() ? "I" : "I" + current.substring(1), () -> current + "0",
                    () -> current.length() > 1 ? current.substring(1) : "O", () -> "x".repeat(129), () -> "A".repeat(26 + rnd.nextInt(3)),
                    () -> current.length() > 1_000 ? current : current.repeat(40), () -> "A".repeat(100_000), () -> "${partner}", () -> "null", () -> "undefined",
                    () -> "' OR '1'='1", () -> "{groupId}", () -> "%s%n", this::randomUnicode, this::randomAscii);
            String value = pick(choices).get();
            return "merchantId".equals(name) && chance(0.1) ? "me" : value;
        }

        String randomUnicode() {
            StringBuilder sb = new StringBuilder();
            int n = 1 + rnd.nextInt(40);
            for (int i = 0; i < n; i++) {
                int cp = switch (rnd.nextInt(6)) {
                    case 0 -> rnd.nextInt(0x80);
                    case 1 -> rnd.nextInt(0x800);
                    case 2 -> 0xD800 + rnd.nextInt(0x800); // lone surrogates
                    case 3 -> rnd.nextInt(0x10000);
                    case 4 -> 0x10000 + rnd.nextInt(0x100000);
                    default -> 0x2000 + rnd.nextInt(0x70); // spaces, zero-widths, bidi controls
                };
                sb.appendCodePoint(cp);
            }
            return sb.toString();
        }

        String randomAscii() {
            StringBuilder sb = new StringBuilder();
            int n = rnd.nextInt(60);
            for (int i = 0; i < n; i++) {
                sb.append((char) (0x20 + rnd.nextInt(0x5F)));
            }
            return sb.toString();
        }

        // ---- query parameters

        void mutateQuery(FuzzEvent fe) {
            APIGatewayV2HTTPEvent e = fe.event();
            double p = rnd.nextDouble();
            if (p < 0.05) {
                e.setQueryStringParameters(null);
                fe.log("query null");
                return;
            }
            Map<String, String> query = e.getQueryStringParameters() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(e.getQueryStringParameters());
            String which = pick("limit", "limit", "cursor", "cursor", "cursor", "since", "since", "other");
            String value = switch (which) {
                case "limit" -> pick("0", "-1", "101", "100", "1", "50", "1e9", "abc", "99999999999999999999", "2147483648", "",
                        " 5", "5 ", "+5", "05", "0x10", "1.5", "\uFF15", "\u0665", "9999", "10000", "NaN", "null", "1,2");
                case "cursor" -> cursor();
                case "since" -> pick("yesterday", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "9999-12-31T23:59:59.999Z",
                        "0000-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "", "2026-01-01", "2026-01-01T00:00:00+01:00",
                        "2026-01-01T24:00:00Z", "2026-06-30T23:59:60Z", "2026-01-01T00:00:00.123456789Z",
                        "2026-01-01T00:00:00.1234567890Z", "+12026-01-01T00:00:00Z", "-2026-01-01T00:00:00Z",
                        "2026-01-01t00:00:00z", "\uFF12026-01-01T00:00:00Z", "2026-01-01T00:00:00Z".repeat(500),
                        w.sinceMark, "2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z");
                default -> randomAscii();
            };
            String name = "other".equals(which) ? pick("foo", "LIMIT", "cursor[]", "since ", "", "\u0000") : which;
            query.put(name, value);
            if (chance(0.1)) {
                query.remove(pick("limit", "cursor", "since"));
            }
            e.setQueryStringParameters(query);
            fe.log("query " + name + "=" + clip(value, 40));
        }

        String cursor() {
            String pos = pick("PO-2", w.a.merchantId(), w.group, w.a.merchantId() + "#*#stock", "2026-01-01T00:00:00.000Z#" + randomId(),
                    w.sinceMark + "#PO-1", "x#y", "", "#", "1:", "\u0000", randomUnicode(), "A".repeat(600));
            return switch (rnd.nextInt(10)) {
                case 0 -> b64url("1:" + pos);
                case 1 -> b64url("2:" + pos);
                case 2 -> b64std("1:" + pos);
                case 3 -> {
                    byte[] junk = new byte[1 + rnd.nextInt(40)];
                    rnd.nextBytes(junk);
                    yield Base64.getUrlEncoder().withoutPadding().encodeToString(junk);
                }
                case 4 -> pick(new ArrayList<>(w.cursors.values()));
                case 5 -> "x".repeat(pick(511, 512, 513, 10_240));
                case 6 -> pick("%%%", "====", "-", "_", "a", "", " ", "MQ", "MTo", "MTo=", "MTp4\n");
                case 7 -> b64url("1:" + pos) + pick("=", "==", "!", "\u0000");
                case 8 -> b64url(("1:" + "x".repeat(rnd.nextInt(600))));
                default -> pick(new ArrayList<>(w.cursors.values())) + pick("", "A", "x");
            };
        }

        // ---- bodies

        void mutateBody(FuzzEvent fe) {
            APIGatewayV2HTTPEvent e = fe.event();
            String body = e.getBody();
            JsonNode tree = body == null ? null : parseOrNull(body);
            String label;
            String out;
            int category = rnd.nextInt(27);
            switch (category >= 24 ? 18 : category) { // numbers weigh more: Jackson's number parsing has sharp edges
                case 0 -> {
                    out = pick("{", "}", "{\"name\":", "not json", "{'name':'x'}", "{\"a\":1,}", "\u0000", "[", "{} x", "{}{}",
                            "{\"a\" 1}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":01}", "{\"a\":.5}", "{\"a\":+1}",
                            "{\"a\":tru}", "\"unterminated", "{\"a\":[1,2}", "{\"\u0000\":1}");
                    label = "malformed";
                }
                case 1 -> {
                    String source = body == null ? "{\"name\":\"abc\"}" : body;
                    out = source.substring(0, rnd.nextInt(Math.max(1, source.length())));
                    label = "truncated";
                }
                case 2 -> {
                    int n = pick(30, 63, 64, 65, 200, 5_000, 100_000);
                    out = "[".repeat(n) + "]".repeat(n);
                    label = "nested arrays " + n;
                }
                case 3 -> {
                    int n = pick(30, 62, 63, 64, 65, 1_000);
                    out = "{\"a\":".repeat(n) + "1" + "}".repeat(n);
                    label = "nested objects " + n;
                }
                case 4 -> {
                    out = replaceLeaf(tree, this::wrongValue);
                    label = "wrong type";
                }
                case 5 -> {
                    out = chance(0.3) ? "null" : replaceLeaf(tree, NODES::nullNode);
                    label = "null";
                }
                case 6 -> {
                    ObjectNode o = tree instanceof ObjectNode ob ? ob.deepCopy() : NODES.objectNode();
                    o.put(pick("creatorId", "merchantId", "__proto__", "constructor", "x", "", "\u0000", "status", "role", "apiKey"),
                            pick("y", w.d.merchantId(), "CREATOR"));
                    out = o.toString();
                    label = "unknown field";
                }
                case 7 -> {
                    out = removeField(tree);
                    label = "missing field";
                }
                case 8 -> {
                    String source = body == null ? "{}" : body;
                    out = pick("[]", "[" + source + "]", "[" + source + "," + source + "]", "[null]");
                    label = "array";
                }
                case 9 -> {
                    out = pick("7", "-0", "0", "1e999999", "\"x\"", "\"\"", "true", "false", "null", "1.5", "\"{}\"");
                    label = "scalar";
                }
                case 10 -> {
                    int size = pick(1_000, 10_000, 63_000, 66_000, 200_000, 270_000);
                    String big = chance(0.5) ? "x".repeat(size) : "\u00e9\uD83D\uDE00".repeat(size / 3);
                    out = replaceLeaf(tree, () -> NODES.textNode(big));
                    label = "huge string " + size;
                }
                case 11 -> {
                    ObjectNode o = tree instanceof ObjectNode ob ? ob.deepCopy() : NODES.objectNode();
                    o.put("pad", "p".repeat(300_000));
                    out = o.toString();
                    label = "300 KB body";
                }
                case 12 -> {
                    out = duplicateKey(body);
                    label = "duplicate key";
                }
                case 13 -> {
                    String weird = trickyId("value", "x");
                    out = replaceLeaf(tree, () -> NODES.textNode(weird));
                    label = "tricky string " + clip(weird, 30);
                }
                case 14 -> {
                    out = pick(null, "", " ", "\n\t ", "\u00A0", "\uFEFF");
                    label = "empty";
                }
                case 15 -> {
                    String source = body == null ? "{}" : body;
                    out = pick("\uFEFF" + source, "/* c */" + source, "// c\n" + source, source + " // c", "{\"a\":NaN}",
                            "{\"a\":Infinity}", "{\"a\":-Infinity}", source.replace('"', '\''),
                            source.endsWith("}") ? source.substring(0, source.length() - 1) + ",}" : source + ",",
                            source + "garbage", "garbage" + source, source + source, " \n" + source + "\n ", source + "\u0000");
                    label = "non-standard JSON";
                }
                case 16 -> {
                    ObjectNode o = NODES.objectNode();
                    int n = pick(100, 5_000, 20_000);
                    for (int i = 0; i < n; i++) {
                        o.put("k" + i, i);
                    }
                    out = o.toString();
                    label = "many keys " + n;
                }
                case 17 -> {
                    int n = pick(49, 50, 51, 1_000);
                    out = longArray(tree, n);
                    label = "long array " + n;
                }
                case 18 -> {
                    String number = pick("1" + "0".repeat(pick(20, 400, 999, 1_001, 5_000)), "1e400", "-1e-400", "1e-999999999",
                            "9223372036854775808", "-9223372036854775809", "1.0E+2147483648", "0." + "1".repeat(2000),
                            "1e2147483648", "1.0E-2147483648", "10e2147483647", "-10e2147483647", "123e2147483646",
                            "1e2147483647", "1e-2147483647", "0.1e2147483647");
                    out = replaceLeaf(tree, () -> null, number);
                    label = "big number";
                }
                case 19 -> {
                    int size = pick(64 * 1024 - 20, 64 * 1024 + 1, 256 * 1024 - 20, 256 * 1024 + 1);
                    ObjectNode o = tree instanceof ObjectNode ob ? ob.deepCopy() : NODES.objectNode();
                    String prefix = o.toString();
                    o.put("pad", "p".repeat(Math.max(0, size - prefix.length() - 10)));
                    out = o.toString();
                    label = "size boundary " + out.length();
                }
                case 20 -> {
                    out = randomUnicode();
                    label = "random text";
                }
                case 21 -> {
                    String value = pick(w.d.merchantId(), w.a.merchantId(), "*", "me", "", "FULL", "NONE", "${partner}",
                            w.group, "order", "FIELDS");
                    out = replaceLeaf(tree, () -> NODES.textNode(value));
                    label = "other value " + value;
                }
                case 22 -> {
                    out = replaceLeaf(tree, () -> {
                        ArrayNode deep = NODES.arrayNode();
                        ArrayNode at = deep;
                        int n = pick(10, 60, 70);
                        for (int i = 0; i < n; i++) {
                            at = at.addArray();
                        }
                        return deep;
                    });
                    label = "deep value";
                }
                default -> {
                    byte[] raw = new byte[1 + rnd.nextInt(200)];
                    rnd.nextBytes(raw);
                    out = new String(raw, StandardCharsets.ISO_8859_1);
                    label = "random bytes";
                }
            }
            e.setBody(out);
            e.setIsBase64Encoded(false);
            fe.log("body: " + label);
        }

        JsonNode wrongValue() {
            return switch (rnd.nextInt(12)) {
                case 0 -> NODES.numberNode(7);
                case 1 -> NODES.numberNode(-1);
                case 2 -> NODES.numberNode(new java.math.BigDecimal("1.5"));
                case 3 -> NODES.booleanNode(true);
                case 4 -> NODES.nullNode();
                case 5 -> NODES.arrayNode();
                case 6 -> NODES.objectNode();
                case 7 -> NODES.textNode("str");
                case 8 -> NODES.arrayNode().add("a").add(1);
                case 9 -> NODES.numberNode(new java.math.BigInteger("123456789012345678901234567890"));
                case 10 -> NODES.objectNode().put("a", 1);
                default -> NODES.textNode("7");
            };
        }

        /** Replaces one random leaf (or container) of the tree; without a tree, makes a small object. */
        String replaceLeaf(JsonNode tree, Supplier<JsonNode> value) {
            return replaceLeaf(tree, value, null);
        }

        /** As above; a non-null {@code raw} is spliced in as literal JSON text (for numbers no node can hold). */
        String replaceLeaf(JsonNode tree, Supplier<JsonNode> value, String raw) {
            JsonNode copy = tree == null || !tree.isContainerNode() ? NODES.objectNode().put("name", "x") : tree.deepCopy();
            List<Object[]> slots = new ArrayList<>();
            collectSlots(copy, slots);
            if (slots.isEmpty()) {
                return copy.toString();
            }
            Object[] slot = pick(slots);
            JsonNode replacement = raw != null ? NODES.textNode("\u0001RAW\u0001") : value.get();
            if (slot[0] instanceof ObjectNode o) {
                o.set((String) slot[1], replacement);
            } else {
                ((ArrayNode) slot[0]).set((Integer) slot[1], replacement);
            }
            String text = copy.toString();
            return raw == null ? text : text.replace("\"\\u0001RAW\\u0001\"", raw);
        }

        void collectSlots(JsonNode node, List<Object[]> slots) {
            if (node instanceof ObjectNode o) {
                Iterator<String> names = o.fieldNames();
                while (names.hasNext()) {
                    String name = names.next();
                    slots.add(new Object[]{o, name});
                    collectSlots(o.get(name), slots);
                }
            } else if (node instanceof ArrayNode a) {
                for (int i = 0; i < a.size(); i++) {
                    slots.add(new Object[]{a, i});
                    collectSlots(a.get(i), slots);
                }
            }
        }

        String removeField(JsonNode tree) {
            JsonNode copy = tree == null || !tree.isContainerNode() ? NODES.objectNode() : tree.deepCopy();
            List<Object[]> slots = new ArrayList<>();
            collectSlots(copy, slots);
            slots.removeIf(s -> !(s[0] instanceof ObjectNode));
            if (!slots.isEmpty()) {
                Object[] slot = pick(slots);
                ((ObjectNode) slot[0]).remove((String) slot[1]);
            }
            return copy.toString();
        }

        String duplicateKey(String body) {
            if (body != null) {
                Matcher m = Pattern.compile("\"([^\"\\\\]+)\"\\s*:").matcher(body);
                List<int[]> keys = new ArrayList<>();
                while (m.find()) {
                    keys.add(new int[]{m.start(), m.end()});
                }
                if (!keys.isEmpty()) {
                    int[] k = pick(keys);
                    String key = body.substring(k[0], k[1]);
                    return body.substring(0, k[0]) + key + pick("\"dup\"", "1", "null", "{}") + "," + body.substring(k[0]);
                }
            }
            return "{\"name\":\"a\",\"name\":\"b\"}";
        }

        String longArray(JsonNode tree, int n) {
            ObjectNode o = tree instanceof ObjectNode ob ? ob.deepCopy() : NODES.objectNode();
            List<String> arrays = new ArrayList<>();
            o.fields().forEachRemaining(f -> {
                if (f.getValue().isArray()) {
                    arrays.add(f.getKey());
                }
            });
            String name = arrays.isEmpty() ? pick("set", "remove", "items") : pick(arrays);
            JsonNode element = o.get(name) instanceof ArrayNode a && !a.isEmpty() ? a.get(0) : NODES.textNode("x");
            ArrayNode many = o.putArray(name);
            for (int i = 0; i < n; i++) {
                JsonNode copy = element.deepCopy();
                if (copy instanceof ObjectNode r && r.has("type")) {
                    r.put("type", "t" + i);
                }
                many.add(copy);
            }
            return o.toString();
        }

        // ---- callers, headers, base64, structure

        void mutateCaller(FuzzEvent fe) {
            Caller caller = pick(null, Caller.anonymous("INVALID_KEY"), Caller.anonymous("MISSING_KEY"), Caller.operator(),
                    Caller.merchant(randomId(), pick("acme", "globex")), w.a, w.b, w.c, w.d, w.e);
            APIGatewayV2HTTPEvent e = fe.event();
            if (e.getRequestContext() != null && e.getRequestContext().getAuthorizer() != null) {
                e.getRequestContext().getAuthorizer().setLambda(caller == null ? null : new HashMap<>(caller.toContext()));
            }
            fe.log("caller " + (caller == null ? "none" : caller.principal() + (caller.merchantId() == null ? "" : " " + w.nameOf(caller.merchantId()))));
        }

        void mutateHeaders(FuzzEvent fe) {
            Map<String, String> headers = fe.event().getHeaders() == null ? new HashMap<>() : new HashMap<>(fe.event().getHeaders());
            String name = pick("authorization", "content-type", "content-length", "x-forwarded-for", "host", "cookie",
                    "x-amzn-trace-id", "", "\u00e9", "Authorization", "signature", "signature-input", "content-digest",
                    "orgshare-merchant", "x-forwarded-proto");
            String value = pick(null, "", "Bearer " + randomAscii(), "text/plain", "application/json; charset=utf-16", "-1",
                    "x".repeat(10_000), randomUnicode(), "Bearer osk_" + "A".repeat(43));
            headers.put(name, value);
            if (chance(0.1)) {
                fe.event().setHeaders(null);
                fe.log("headers null");
            } else {
                fe.event().setHeaders(headers);
                fe.log("header " + name);
            }
            if (chance(0.2)) {
                fe.event().setCookies(List.of(randomAscii(), "session=" + randomUnicode()));
            }
        }

        void mutateBase64(FuzzEvent fe) {
            APIGatewayV2HTTPEvent e = fe.event();
            String body = e.getBody();
            String label;
            switch (rnd.nextInt(5)) {
                case 0 -> {
                    e.setBody(pick("%%%", "a", "ab=c", "QUJD\n", "-_-_", "====", "e30", "e30==", "e30=x", "{\"name\":\"x\"}", " e30= "));
                    label = "invalid base64";
                }
                case 1 -> {
                    e.setBody(body == null ? null : Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)));
                    label = "valid base64";
                }
                case 2 -> {
                    byte[] raw = new byte[1 + rnd.nextInt(64)];
                    rnd.nextBytes(raw);
                    raw[0] = '{';
                    e.setBody(Base64.getEncoder().encodeToString(raw));
                    label = "base64 of invalid UTF-8";
                }
                case 3 -> {
                    e.setBody(Base64.getEncoder().encodeToString(("{\"pad\":\"" + "p".repeat(300_000) + "\"}").getBytes(StandardCharsets.UTF_8)));
                    label = "base64 of 300 KB";
                }
                default -> {
                    e.setBody(body == null ? null : Base64.getUrlEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)));
                    label = "url-safe base64";
                }
            }
            e.setIsBase64Encoded(true);
            fe.log("base64: " + label);
        }

        void mutateStructure(FuzzEvent fe) {
            APIGatewayV2HTTPEvent e = fe.event();
            String label;
            switch (rnd.nextInt(9)) {
                case 0 -> {
                    e.setRequestContext(null);
                    label = "no requestContext";
                }
                case 1 -> {
                    if (e.getRequestContext() != null) {
                        e.getRequestContext().setAuthorizer(null);
                    }
                    label = "no authorizer";
                }
                case 2 -> {
                    Map<String, Object> lambda = new HashMap<>();
                    switch (rnd.nextInt(7)) {
                        case 0 -> lambda.put("principal", "MERCHANT");
                        case 1 -> {
                            lambda.put("principal", "MERCHANT");
                            lambda.put("merchantId", 42);
                        }
                        case 2 -> lambda.put("principal", "ADMIN");
                        case 3 -> lambda.put("principal", null);
                        case 4 -> lambda.put("authError", "SOMETHING_ELSE");
                        case 5 -> {
                            lambda.put("principal", "operator");
                            lambda.put("merchantId", w.a.merchantId());
                        }
                        default -> lambda.put("principal", List.of("OPERATOR"));
                    }
                    if (e.getRequestContext() != null && e.getRequestContext().getAuthorizer() != null) {
                        e.getRequestContext().getAuthorizer().setLambda(lambda);
                    }
                    label = "authorizer context " + lambda;
                }
                case 3 -> {
                    e.setRouteKey(null);
                    label = "no routeKey";
                }
                case 4 -> {
                    e.setRawPath(randomUnicode());
                    e.setRawQueryString(randomAscii());
                    label = "odd rawPath";
                }
                case 5 -> {
                    e.setStageVariables(Map.of("x", randomUnicode()));
                    e.setVersion(pick("1.0", "", "3"));
                    label = "odd version";
                }
                case 6 -> {
                    Map<String, String> query = new HashMap<>();
                    query.put("limit", null);
                    query.put("cursor", null);
                    e.setQueryStringParameters(query);
                    label = "query values null";
                }
                case 7 -> {
                    e.setQueryStringParameters(Map.of());
                    e.setPathParameters(Map.of());
                    label = "empty maps";
                }
                default -> {
                    e.setBody(null);
                    e.setIsBase64Encoded(true);
                    label = "no body, base64 flag";
                }
            }
            fe.log("structure: " + label);
        }
    }

    /** An event and what was done to it. */
    private record FuzzEvent(APIGatewayV2HTTPEvent event, List<String> mutations) {
        void log(String mutation) {
            mutations.add(mutation);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // 2. Bad input everywhere, table-driven
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void badInputOnEveryRouteIsRefusedWithItsExactStatusAndCodeAndWritesNothing() {
        List<Route> routes = httpRoutes(readTemplate());
        World w = World.build();
        Map<String, RequestStreamHandler> handlers = new LinkedHashMap<>();
        routes.forEach(r -> handlers.put(r.key(), httpHandler(r.handlerClass(), w.app)));
        Map<String, Req> valid = validRequests(routes, w);
        List<Bad> cases = badCases(routes, valid, w);

        Set<String> covered = new TreeSet<>();
        cases.forEach(c -> covered.add(c.req().route()));
        Set<String> all = new TreeSet<>(handlers.keySet());
        assertEquals(all, covered, "every route in template.yaml has bad-input cases");

        CapturingContext context = new CapturingContext("fuzz-request");
        List<String> before = w.snapshot();
        long started = System.nanoTime();
        List<String> failures = new ArrayList<>();
        Map<String, Integer> perRoute = new TreeMap<>();
        for (Bad c : cases) {
            APIGatewayV2HTTPEvent event = c.req().event();
            long writes = w.writes.count();
            APIGatewayV2HTTPResponse response;
            try {
                response = HttpContract.checked(event, Lambdas.http(handlers.get(c.req().route()), event, context));
            } catch (Throwable t) {
                failures.add(c.label() + ": threw " + t);
                continue;
            }
            perRoute.merge(c.req().route(), 1, Integer::sum);
            String where = c.req().route() + " / " + c.label();
            List<String> violations = check(response);
            if (!violations.isEmpty()) {
                failures.add(where + ": " + violations + " " + clip(response.getBody(), 300) + (response.getStatusCode() >= 500 ? " log: " + clip(lastLog(context), 1500) : ""));
            }
            String code = errorCode(response);
            if (response.getStatusCode() != c.status() || !c.code().equals(code)) {
                failures.add(where + ": expected " + c.status() + " " + c.code() + ", got " + response.getStatusCode() + " "
                        + code + " " + clip(response.getBody(), 300));
            }
            if (w.writes.count() != writes) {
                failures.add(where + ": a refused call wrote " + w.writes.since(writes));
            }
        }
        List<String> after = w.snapshot();
        System.out.println("BAD-INPUT cases: " + cases.size() + " over " + perRoute.size() + " routes in "
                + (System.nanoTime() - started) / 1_000_000 + " ms: " + perRoute);
        if (!before.equals(after)) {
            failures.add("the table changed across the refused calls");
        }

        // the unbent requests succeed: each case above was refused for its one bent part, not for a broken base
        List<Route> successOrder = new ArrayList<>(routes);
        successOrder.sort((x, y) -> {
            int dx = "DELETE".equals(x.method()) ? 1 : 0;
            int dy = "DELETE".equals(y.method()) ? 1 : 0;
            return dx != dy ? dx - dy : dx == 1 ? y.path().length() - x.path().length() : 0;
        });
        for (Route route : successOrder) {
            if (FEDERATION_ROUTE.equals(route.key())) {
                continue; // its success needs a registered peer's fresh signature: ThreeCloudsTest, LeastPrivilegeTest
            }
            APIGatewayV2HTTPResponse response = Lambdas.http(handlers.get(route.key()), valid.get(route.key()).event(), context);
            if (response.getStatusCode() < 200 || response.getStatusCode() >= 300) {
                failures.add(route.key() + ": the valid request behind the bad cases fails: " + response.getStatusCode() + " " + response.getBody());
            }
        }
        failures.forEach(f -> System.out.println("BAD-INPUT FAILURE " + f));
        assertTrue(failures.isEmpty(), failures.size() + " bad-input failure(s):\n" + String.join("\n", failures));
    }

    /**
     * An invocation that is no HTTP API event (only a caller other than API Gateway sends one) never reaches a route:
     * every HTTP function answers 400 MALFORMED_EVENT in the one error shape and writes nothing, whether the bytes are
     * no JSON object at all or a valid event cut short anywhere.
     */
    @Test
    void anUnreadableInvocationIsRefusedByEveryRouteAndWritesNothing() {
        List<Route> routes = httpRoutes(readTemplate());
        World w = World.build();
        Map<String, Req> valid = validRequests(routes, w);
        Random rnd = new Random(RUN.seed() + 2);
        CapturingContext context = new CapturingContext("fuzz-request");
        List<String> before = w.snapshot();
        long writes = w.writes.count();
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (Route route : routes) {
            RequestStreamHandler handler = httpHandler(route.handlerClass(), w.app);
            byte[] event = Lambdas.bytes(valid.get(route.key()).event());
            List<byte[]> inputs = new ArrayList<>();
            for (String text : List.of("", " ", "null", "[]", "[{}]", "\"x\"", "42", "true", "{", "{\"routeKey\":", "}{", "not json",
                    "{\"routeKey\": \"GET /x\",}", "{'routeKey': 'GET /x'}", "\u0000")) {
                inputs.add(text.getBytes(StandardCharsets.UTF_8));
            }
            for (int i = 0; i < 8; i++) {
                inputs.add(java.util.Arrays.copyOf(event, rnd.nextInt(event.length))); // a valid event, cut short
            }
            byte[] noise = new byte[1 + rnd.nextInt(200)];
            rnd.nextBytes(noise);
            inputs.add(noise);
            for (byte[] input : inputs) {
                n++;
                String where = route.key() + " on '" + clip(new String(input, StandardCharsets.UTF_8), 120) + "'";
                APIGatewayV2HTTPResponse response;
                try {
                    response = Lambdas.http(handler, input, context);
                } catch (Throwable t) {
                    failures.add(where + ": threw " + t);
                    continue;
                }
                List<String> violations = check(response);
                if (!violations.isEmpty()) {
                    failures.add(where + ": " + violations);
                }
                if (response.getStatusCode() != 400 || !"MALFORMED_EVENT".equals(errorCode(response))) {
                    failures.add(where + ": expected 400 MALFORMED_EVENT, got " + response.getStatusCode() + " " + clip(response.getBody(), 200));
                }
            }
        }
        System.out.println("UNREADABLE invocations: " + n + " over " + routes.size() + " routes");
        if (w.writes.count() != writes) {
            failures.add("unreadable invocations wrote " + w.writes.since(writes));
        }
        if (!before.equals(w.snapshot())) {
            failures.add("the table changed across the unreadable invocations");
        }
        failures.stream().limit(MAX_REPORTED).forEach(f -> System.out.println("UNREADABLE FAILURE " + f));
        assertTrue(failures.isEmpty(), failures.size() + " unreadable-invocation failure(s):\n"
                + String.join("\n", failures.subList(0, Math.min(MAX_REPORTED, failures.size()))));
    }

    /**
     * The stream's delivery function takes what the event source hands it: whatever the event, it never throws, and
     * answers {@code batchItemFailures} naming at most the first record it could not read (by its sequence number), so
     * Lambda retries from there; a record it cannot read writes nothing.
     */
    @Test
    void theStreamHandlerNeverThrowsAndNamesTheFirstRecordItCannotRead() throws Exception {
        World w = World.build();
        DeliverWebhooksHandler handler = new DeliverWebhooksHandler(w.app);
        Random rnd = RUN.random();
        String b = w.b.merchantId(); // no webhook: a record for B is read, and delivers nothing
        String valid = j("{'eventID':'e-1','eventName':'INSERT','eventVersion':'1.1','eventSource':'aws:dynamodb','awsRegion':'us-east-1',"
                + "'dynamodb':{'ApproximateCreationDateTime':1795600800,'Keys':{'pk':{'S':'INBOX#" + b + "'},'sk':{'S':'x'}},"
                + "'NewImage':{'pk':{'S':'INBOX#" + b + "'},'sk':{'S':'x'},'messageId':{'S':'01JDMESSAGE000000000000000'},"
                + "'groupId':{'S':'" + w.group + "'},'from':{'S':'" + w.a.merchantId() + "'},'type':{'S':'po'},"
                + "'n':{'N':'1'},'l':{'L':[{'BOOL':true},{'NULL':true},{'M':{'x':{'SS':['a']}}}]}},"
                + "'SequenceNumber':'100','SizeBytes':200,'StreamViewType':'NEW_AND_OLD_IMAGES'},'eventSourceARN':'arn:x'}");
        List<JsonNode> bent = new ArrayList<>();
        for (String bad : List.of("1", "'x'", "null", "[]", "{}", "{'eventID':'e','eventName':'INSERT'}",
                "{'eventID':'e','eventName':'INSERT','dynamodb':7}", "{'eventID':7,'eventName':'INSERT','dynamodb':{'SequenceNumber':'9'}}",
                "{'eventID':'e','eventName':'INSERT','dynamodb':{'SequenceNumber':'9','NewImage':{'pk':{'S':'INBOX#x'}}}}",
                "{'eventID':'e','eventName':'INSERT','dynamodb':{'SequenceNumber':'9','NewImage':{'pk':'INBOX#x','sk':{'S':'s'}}}}",
                "{'eventID':'e','eventName':'INSERT','dynamodb':{'SequenceNumber':'9','NewImage':{'pk':{'Q':'x'},'sk':{'S':'s'}}}}",
                "{'eventID':'e','eventName':'INSERT','dynamodb':{'SequenceNumber':'9','NewImage':{'pk':{'S':1,'N':2},'sk':{'S':'s'}}}}",
                "{'eventID':'e','eventName':'INSERT','dynamodb':{'SequenceNumber':'9','NewImage':{'pk':{'B':'%%%'},'sk':{'S':'s'}}}}",
                "{'eventID':'e','eventName':'MODIFY','dynamodb':{'SequenceNumber':'9','OldImage':[],'NewImage':{'pk':{'S':'PUSH#x'},'sk':{'S':'PUSH'},'senderSide':{'BOOL':'yes'}}}}")) {
            bent.add(READER.readTree(j(bad)));
        }
        JsonNode base = READER.readTree(valid);
        for (int i = 0; i < 200; i++) {
            JsonNode mutated = base.deepCopy();
            List<ObjectNode> objects = new ArrayList<>();
            collectObjects(mutated, objects);
            ObjectNode target = objects.get(rnd.nextInt(objects.size()));
            List<String> names = new ArrayList<>();
            target.fieldNames().forEachRemaining(names::add);
            if (!names.isEmpty()) {
                String name = names.get(rnd.nextInt(names.size()));
                switch (rnd.nextInt(4)) {
                    case 0 -> target.remove(name);
                    case 1 -> target.put(name, rnd.nextInt(1000));
                    case 2 -> target.putArray(name).add("x");
                    default -> target.put(name, "MODIFY");
                }
            }
            bent.add(mutated);
        }
        CapturingContext context = new CapturingContext("stream");
        List<String> problems = new ArrayList<>();
        for (JsonNode record : bent) {
            // a good record, the bent one, another good one: the answer names the bent one or none
            ObjectNode event = READER.createObjectNode();
            ((ObjectNode) base).put("eventID", "e-" + rnd.nextInt());
            event.putArray("Records").add(base.deepCopy()).add(record).add(base.deepCopy());
            Map<String, Object> input = READER.convertValue(event, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
            long writes = w.writes.count();
            try {
                Map<String, Object> answer = handler.handleRequest(input, context);
                Object failures = answer.get("batchItemFailures");
                if (!(failures instanceof List<?> list) || list.size() > 1) {
                    problems.add(clip(record.toString(), 200) + ": answered " + answer);
                } else if (list.size() == 1) {
                    String named = String.valueOf(((Map<?, ?>) list.get(0)).get("itemIdentifier"));
                    JsonNode sequence = record.path("dynamodb").path("SequenceNumber");
                    String expected = sequence.asText();
                    if (sequence.isTextual() && !named.equals(expected)) {
                        problems.add(clip(record.toString(), 200) + ": named " + named + ", not the bent record's " + expected);
                    }
                }
            } catch (Throwable e) {
                problems.add(clip(record.toString(), 200) + ": threw " + e);
            }
            if (w.writes.count() != writes) {
                problems.add(clip(record.toString(), 200) + ": wrote " + w.writes.since(writes) + " (no webhook wants these records)");
            }
        }
        assertEquals(List.of(), problems);
        // no event at all, or no records in it: nothing to do, nothing failed
        assertEquals(Map.of("batchItemFailures", List.of()), handler.handleRequest(null, context));
        assertEquals(Map.of("batchItemFailures", List.of()), handler.handleRequest(Map.of("Records", "x"), context));
    }

    private static void collectObjects(JsonNode node, List<ObjectNode> into) {
        if (node instanceof ObjectNode object) {
            into.add(object);
        }
        node.elements().forEachRemaining(child -> collectObjects(child, into));
    }

    /**
     * What the service accepts it must read back: a business document with an extreme number is either refused (4xx,
     * nothing written) or stored so that listing, pulling and the inbox still answer. Jackson parses 10e2147483647,
     * but writes it back as 1.0E+2147483648, which it then cannot parse.
     */
    @Test
    void aDocumentThatIsAcceptedReadsBack() {
        WriteCounter writes = new WriteCounter();
        Orgshare app = DynamoDbLocal.newApp(DynamoDbLocal.client(writes), Map.of());
        app.clouds().register(Caller.operator(), new CloudService.CreateCloud("acme", "Acme"));
        Caller owner = Caller.merchant(app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("acme", "Owner")).merchantId(), "acme");
        Caller partner = Caller.merchant(app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("acme", "Partner")).merchantId(), "acme");
        String group = app.groups().create(owner, new GroupService.CreateGroup("G")).groupId();
        app.memberships().invite(owner, group, new MembershipService.InviteMember(partner.merchantId()));
        app.memberships().join(partner, group);
        app.rules().change(owner, group, new RuleService.RuleChanges(0L, List.of(
                new RuleService.RuleInput(owner.merchantId(), "*", "*", "FULL", null, null, true)), null));
        PutRecordHandler put = new PutRecordHandler(app);
        ListRecordsHandler list = new ListRecordsHandler(app);
        PullRecordsHandler pull = new PullRecordsHandler(app);
        PushDocumentHandler push = new PushDocumentHandler(app);
        ListInboxHandler inbox = new ListInboxHandler(app);
        CapturingContext context = new CapturingContext("fuzz-request");
        List<String> failures = new ArrayList<>();
        int i = 0;
        for (String number : List.of("1e2147483647", "0.1e2147483647", "1e-2147483647", "10e2147483647", "-10e2147483647",
                "123e2147483646", "1e2147483648", "1.0E-2147483648", "0.10e-2147483646")) {
            String type = "t" + i++;
            String body = "{\"n\":" + number + "}";
            String where = "document " + body + ": ";
            List<String> before = TableSnapshot.of(app.table().client(), app.table().name());
            long written = writes.count();
            APIGatewayV2HTTPResponse stored = Lambdas.http(put, TestEvents.http("PUT", "/records/{type}/{recordId}", owner, body,
                    Map.of("type", type, "recordId", "r1"), null), context);
            List<String> violations = check(stored);
            if (!violations.isEmpty()) {
                failures.add(where + "PUT /records/" + type + "/r1 -> " + stored.getStatusCode() + " " + violations);
            } else if (stored.getStatusCode() >= 400) {
                if (writes.count() != written || !before.equals(TableSnapshot.of(app.table().client(), app.table().name()))) {
                    failures.add(where + "refused, but written");
                }
            } else {
                APIGatewayV2HTTPResponse listed = Lambdas.http(list, TestEvents.http("GET", "/records/{type}", owner, null,
                        Map.of("type", type), null), context);
                if (listed.getStatusCode() != 200) {
                    failures.add(where + "PUT answered " + stored.getStatusCode() + ", then GET /records/" + type + " -> "
                            + listed.getStatusCode() + " " + listed.getBody());
                }
                APIGatewayV2HTTPResponse pulled = Lambdas.http(pull, TestEvents.http("GET", "/groups/{groupId}/exchange/{ownerId}/{type}",
                        partner, null, Map.of("groupId", group, "ownerId", owner.merchantId(), "type", type), null), context);
                if (pulled.getStatusCode() != 200) {
                    failures.add(where + "then the partner's pull -> " + pulled.getStatusCode() + " " + pulled.getBody());
                }
            }
            APIGatewayV2HTTPResponse pushed = Lambdas.http(push, TestEvents.http("POST", "/groups/{groupId}/exchange/{ownerId}/{type}",
                    partner, body, Map.of("groupId", group, "ownerId", owner.merchantId(), "type", type), null), context);
            if (!check(pushed).isEmpty()) {
                failures.add(where + "push -> " + pushed.getStatusCode() + " " + check(pushed));
            }
            APIGatewayV2HTTPResponse read = Lambdas.http(inbox, TestEvents.http("GET", "/inbox", owner, null, null, null), context);
            if (read.getStatusCode() != 200) {
                failures.add(where + "push answered " + pushed.getStatusCode() + ", then the owner's GET /inbox -> "
                        + read.getStatusCode() + " " + read.getBody());
                // a poisoned inbox stays poisoned: report it once
                break;
            }
        }
        failures.forEach(f -> System.out.println("READ-BACK FAILURE " + f));
        assertTrue(failures.isEmpty(), failures.size() + " accepted document(s) that do not read back, or 5xx:\n" + String.join("\n", failures));
    }

    /** One request of the table: immutable, each change a copy. */
    private record Req(String route, Caller caller, Map<String, Object> lambda, boolean contextless,
                       Map<String, String> path, Map<String, String> query, String body, boolean base64) {
        String method() {
            return route.substring(0, route.indexOf(' '));
        }

        String template() {
            return route.substring(route.indexOf(' ') + 1);
        }

        Req as(Caller c) {
            return new Req(route, c, null, false, path, query, body, base64);
        }

        Req lambda(Map<String, Object> context) {
            return new Req(route, null, context, false, path, query, body, base64);
        }

        Req withoutRequestContext() {
            return new Req(route, caller, lambda, true, path, query, body, base64);
        }

        Req path(String name, String value) {
            Map<String, String> p = path == null ? new LinkedHashMap<>() : new LinkedHashMap<>(path);
            if (value == null) {
                p.remove(name);
            } else {
                p.put(name, value);
            }
            return new Req(route, caller, lambda, contextless, p, query, body, base64);
        }

        Req query(String name, String value) {
            Map<String, String> q = query == null ? new LinkedHashMap<>() : new LinkedHashMap<>(query);
            q.put(name, value);
            return new Req(route, caller, lambda, contextless, path, q, body, base64);
        }

        Req body(String b) {
            return new Req(route, caller, lambda, contextless, path, query, b, false);
        }

        Req base64Body(String b) {
            return new Req(route, caller, lambda, contextless, path, query, b, true);
        }

        APIGatewayV2HTTPEvent event() {
            // TestEvents builds the rawPath from the parameters; give it printable stand-ins, then set the real ones
            Map<String, String> printable = new LinkedHashMap<>();
            if (path != null) {
                path.forEach((k, v) -> printable.put(k, "p"));
            }
            APIGatewayV2HTTPEvent e = TestEvents.http(method(), template(), caller, body, printable, query);
            if ("ANY".equals(method())) {
                withHttpMethod(e, body == null ? "GET" : "POST");
            }
            e.setPathParameters(path == null ? null : new LinkedHashMap<>(path));
            e.setIsBase64Encoded(base64);
            if (lambda != null) {
                e.getRequestContext().getAuthorizer().setLambda(new HashMap<>(lambda));
            }
            if (contextless) {
                e.setRequestContext(null);
            }
            return withKey(e, caller);
        }
    }

    private record Bad(String label, Req req, int status, String code) {
    }

    private static String j(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    /** For every route, a request that succeeds on the world; the bad cases bend one part of it. */
    private static Map<String, Req> validRequests(List<Route> routes, World w) {
        String a = w.a.merchantId();
        String b = w.b.merchantId();
        String d = w.d.merchantId();
        Map<String, Req> valid = new LinkedHashMap<>();
        for (Route route : routes) {
            Req r = new Req(route.key(), w.a, null, false, null, null, null, false);
            for (String p : route.params()) {
                r = r.path(p, switch (p) {
                    case "groupId" -> w.group;
                    case "merchantId" -> "me";
                    case "ownerId" -> a;
                    case "type" -> "order";
                    case "recordId" -> "PO-9";
                    default -> "x";
                });
            }
            r = switch (route.key()) {
                case "POST /clouds" -> r.as(Caller.operator()).body(j("{'cloudId':'initech','name':'Initech'}"));
                case "POST /peers" -> r.as(Caller.operator()).body(j("{'cloudId':'" + World.PEER_CLOUD + "','endpoint':'"
                        + w.peerEndpoint + "','fingerprint':'" + w.peerFingerprint + "'}"));
                case "GET /peers" -> r.as(Caller.operator());
                case "DELETE /peers/{cloudId}" -> r.as(Caller.operator()).path("cloudId", World.PEER_CLOUD);
                case "POST /merchants" -> r.as(Caller.operator()).body(j("{'cloudId':'acme','name':'New Co'}"));
                case "POST /groups" -> r.body(j("{'name':'Purchasing 2'}"));
                case "POST /groups/{groupId}/members" -> r.body(j("{'merchantId':'" + d + "'}"));
                case "PUT /groups/{groupId}/members/me" -> r.as(w.c);
                case "DELETE /groups/{groupId}/members/{merchantId}" -> r.as(w.b);
                case "PUT /records/{type}/{recordId}" -> r.body(j("{'buyerId':'" + b + "','total':10}"));
                case "PATCH /groups/{groupId}/rules" -> r.body(j("{'expectedVersion':" + w.rulesVersion
                        + ",'set':[{'ownerId':'" + a + "','partnerId':'*','type':'catalog','scope':'FULL'}]}"));
                case "PATCH /groups/{groupId}/consent" -> r.body(j("{'expectedVersion':0,'set':[{'partnerId':'*','type':'catalog','maxScope':'FULL'}]}"));
                case "GET /groups/{groupId}/providers" -> r.as(w.b);
                case "GET /groups/{groupId}/explain" -> r.as(w.b).query("ownerId", a).query("partnerId", b).query("type", "order");
                case "GET /groups/{groupId}/matrix" -> r.query("type", "order");
                case "PUT /merchants/me/webhook" -> r.body(j("{'url':'https://93.184.216.34/hook','events':['inbox.received']}"));
                case "POST /inbox/{messageId}/ack" -> r.path("messageId", w.pushedToA).body(j("{'status':'ACCEPTED','reason':'booked'}"));
                case "GET /pushes/{messageId}" -> r.as(w.e).path("messageId", w.pushedToA);
                case "GET /groups/{groupId}/exchange/{ownerId}/{type}" -> r.as(w.b);
                case "POST /groups/{groupId}/exchange/{ownerId}/{type}" -> r.as(w.e).path("type", "po").body(j("{'po':'PO-77'}"));
                // no key, and no peer's signature either: what every test of it without a registered peer sends
                case FEDERATION_ROUTE -> r.as(null).path("proxy+", "groups/" + w.group);
                // API Gateway names a greedy parameter without its "+": the console's script, as its page names it
                case "GET /console/{proxy+}" -> r.as(null).path("proxy+", null).path("proxy", consoleScript());
                case "GET /console" -> r.as(null);
                default -> r;
            };
            valid.put(route.key(), r);
        }
        return valid;
    }

    /** Routes without the authorizer that anyone may read: the API's description, the federation identity. */
    private static final Set<String> OPEN_ROUTES = Set.of("GET /openapi.json", "GET /console", "GET /console/{proxy+}",
            "GET /federation/identity");
    /** The route without the authorizer where a registered peer's signature is the credential. */
    private static final String FEDERATION_ROUTE = "ANY /federation/v1/{proxy+}";
    /** A federation key no peer registered (derived from the seed, so a run signs alike on any machine). */
    private static final FederationKey STRANGER = FederationKey.fromSecret(() -> "fuzz-stranger-federation-secret-" + RUN.seed());

    /**
     * What the federation route may answer a call no registered peer signed: 401 BAD_SIGNATURE or UNKNOWN_PEER, 413 for
     * a body over its limit, and 400 MALFORMED_BODY for a body marked base64 that is not (API Gateway sends none).
     */
    private static boolean refusedUnsigned(APIGatewayV2HTTPEvent event, int status, String code) {
        return (status == 401 && ("BAD_SIGNATURE".equals(code) || "UNKNOWN_PEER".equals(code)))
                || (status == 413 && "PAYLOAD_TOO_LARGE".equals(code))
                || (status == 400 && "MALFORMED_BODY".equals(code) && event.getIsBase64Encoded());
    }

    /** The method a request on an {@code ANY} route was made with, where API Gateway puts it. */
    private static void withHttpMethod(APIGatewayV2HTTPEvent event, String method) {
        APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setMethod(method);
        http.setPath(event.getRawPath());
        event.getRequestContext().setHttp(http);
    }

    private static List<Bad> badCases(List<Route> routes, Map<String, Req> valid, World w) {
        List<Bad> cases = new ArrayList<>();
        String a = w.a.merchantId();
        String b = w.b.merchantId();
        String c = w.c.merchantId();
        String d = w.d.merchantId();
        String e = w.e.merchantId();
        String unknownId = "01JDZZZZZZZZZZZZZZZZZZZZZZ";
        String vf = "VALIDATION_FAILED";
        String mj = "MALFORMED_JSON";
        String ic = "INVALID_CURSOR";

        for (Route route : routes) {
            Req base = valid.get(route.key());
            boolean operatorRoute = OPERATOR_ROUTES.contains(route.key());
            if (OPEN_ROUTES.contains(route.key())) {
                // no key needed, nothing to read: any caller gets it, and a body is refused
                cases.add(new Bad("a body", base.as(null).body("{}"), 400, vf));
                continue;
            }
            if (FEDERATION_ROUTE.equals(route.key())) {
                // no key either, but nothing without a registered peer's signature: whoever calls, the signature is
                // checked first, on the raw path (not on the path parameters), so every unsigned call is 401
                String bs = "BAD_SIGNATURE";
                cases.add(new Bad("unsigned", base, 401, bs));
                cases.add(new Bad("unsigned, with a merchant's context", base.as(w.a), 401, bs));
                cases.add(new Bad("unsigned, with the operator's context", base.as(Caller.operator()), 401, bs));
                cases.add(new Bad("unsigned, with an invalid key's context", base.as(Caller.anonymous("INVALID_KEY")), 401, bs));
                cases.add(new Bad("no requestContext at all", base.withoutRequestContext(), 401, bs));
                cases.add(new Bad("a body", base.body("{\"kind\":\"DISSOLVED\",\"groupId\":\"" + w.group + "\"}"), 401, bs));
                cases.add(new Bad("a base64 body", base.base64Body(b64std("{\"po\":1}")), 401, bs));
                for (String proxy : List.of("groups/" + w.group + "#x", "a/" + w.group, "\u0007", "\u0000", "\u202E" + w.group,
                        "\uD800", "A".repeat(10_000), "", "*", "invitations", "notices", "pulls", "pushes")) {
                    cases.add(new Bad("proxy+ '" + clip(proxy, 20) + "'", base.path("proxy+", proxy), 401, bs));
                }
                cases.add(new Bad("proxy+ missing", base.path("proxy+", null), 401, bs));
                cases.add(new Bad("no path parameters at all", new Req(base.route(), null, null, false, null, null, null, false), 401, bs));
                cases.add(new Bad("a body over 512 KiB", base.body("{\"pad\":\"" + "x".repeat(512 * 1024) + "\"}"), 413, "PAYLOAD_TOO_LARGE"));
                cases.add(new Bad("base64 of a body over 512 KiB", base.base64Body(b64std("{\"pad\":\"" + "x".repeat(512 * 1024) + "\"}")),
                        413, "PAYLOAD_TOO_LARGE"));
                continue;
            }
            // who calls: the same four refusals on every route
            cases.add(new Bad("no authorizer context", base.as(null), 401, "MISSING_KEY"));
            cases.add(new Bad("no requestContext at all", base.withoutRequestContext(), 401, "MISSING_KEY"));
            cases.add(new Bad("invalid key", base.as(Caller.anonymous("INVALID_KEY")), 401, "INVALID_KEY"));
            cases.add(new Bad("merchant context without merchantId", base.lambda(Map.<String, Object>of("principal", "MERCHANT")), 401, "MISSING_KEY"));
            cases.add(new Bad("wrong principal", base.as(operatorRoute ? w.a : Caller.operator()), 403, "FORBIDDEN"));

            // path parameters: '#', '/', control characters, Unicode tricks, over-long, empty, missing
            for (String p : route.params()) {
                String ok = base.path().get(p);
                Map<String, String> bent = new LinkedHashMap<>();
                bent.put("with '#'", ok + "#x");
                bent.put("with '/'", "a/" + ok);
                bent.put("with a control character", ok + "\u0007");
                bent.put("with a NUL", "\u0000" + ok);
                bent.put("with a zero-width space", "\u200B" + ok);
                bent.put("with a right-to-left override", "\u202E" + ok);
                bent.put("with an emoji", ok + "\uD83D\uDE00");
                bent.put("with a lone surrogate", ok + "\uD800");
                bent.put("10 000 characters long", "A".repeat(10_000));
                bent.put("empty", "");
                bent.put("missing", null);
                bent.put("'*'", "*");
                for (Map.Entry<String, String> v : bent.entrySet()) {
                    cases.add(new Bad(p + " " + v.getKey(), base.path(p, v.getValue()), 400, vf));
                }
            }
            if (!route.params().isEmpty()) {
                cases.add(new Bad("no path parameters at all", new Req(base.route(), base.caller(), null, false, null,
                        base.query(), base.body(), false), 400, vf));
            }
        }

        // pages: limit, cursor, since on every paged route
        Map<String, List<String>> foreign = Map.ofEntries(
                Map.entry("GET /groups", List.of("rules", "records")),
                Map.entry("GET /groups/{groupId}", List.of("rules", "inbox")),
                Map.entry("GET /records/{type}", List.of("rules", "inbox")),
                Map.entry("GET /groups/{groupId}/rules", List.of("records", "members")),
                Map.entry("GET /groups/{groupId}/consent", List.of("rules", "records")),
                Map.entry("GET /groups/{groupId}/matrix", List.of("rules", "members")),
                Map.entry("GET /groups/{groupId}/exchange/{ownerId}/{type}", List.of("rules", "audit")),
                Map.entry("GET /inbox", List.of("records", "rules")),
                Map.entry("GET /audit", List.of("records", "members")),
                Map.entry("GET /merchants/me/webhook/deliveries", List.of("inbox", "audit")),
                Map.entry("GET /receipts", List.of("inbox", "audit")));
        for (Map.Entry<String, List<String>> paged : new TreeMap<>(foreign).entrySet()) {
            Req base = valid.get(paged.getKey());
            if (base == null) {
                continue;
            }
            for (String limit : List.of("0", "-1", "101", "1000000", "1e9", "abc", "", " 5", "\uFF15", "99999999999999999999", "2.5")) {
                cases.add(new Bad("limit '" + limit + "'", base.query("limit", limit), 400, vf));
            }
            cases.add(new Bad("cursor of 10 KB", base.query("cursor", "x".repeat(10_240)), 400, ic));
            cases.add(new Bad("cursor not base64", base.query("cursor", "%%%"), 400, ic));
            cases.add(new Bad("cursor in standard base64 with '+' and '/'", base.query("cursor", "MTr++//8"), 400, ic));
            cases.add(new Bad("cursor of random bytes", base.query("cursor", "q83vASNFZ4mrze8"), 400, ic));
            cases.add(new Bad("cursor '1:' + junk", base.query("cursor", b64url("1:x\u0000#y#z#w")), 400, ic));
            cases.add(new Bad("cursor of another version", base.query("cursor", b64url("2:" + a)), 400, ic));
            cases.add(new Bad("cursor '1:' alone", base.query("cursor", b64url("1:")), 400, ic));
            for (String other : paged.getValue()) {
                String cursor = w.cursors.get(other);
                assertNotNull(cursor, "the world has a '" + other + "' cursor");
                cases.add(new Bad("cursor of the " + other + " list", base.query("cursor", cursor), 400, ic));
            }
        }
        for (String route : List.of("GET /records/{type}", "GET /groups/{groupId}/exchange/{ownerId}/{type}", "GET /inbox")) {
            Req base = valid.get(route);
            if (base == null) {
                continue;
            }
            for (String since : List.of("yesterday", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-01",
                    "2026-01-01T00:00:00+01:00", "2026-01-01T25:00:00Z", "", "2026-01-01T00:00:00.1234567890Z",
                    "+12026-01-01T00:00:00Z", "2026-01-01T00:00:00Z".repeat(500), "2026-01-01T00:00:00Z\u0000")) {
                cases.add(new Bad("since '" + clip(since, 30) + "'", base.query("since", since), 400, vf));
            }
        }
        // a cursor of an incremental list, replayed with a later 'since' or without 'since'
        cases.add(new Bad("records: since-cursor before 'since'", valid.get("GET /records/{type}")
                .query("since", "2100-01-01T00:00:00Z").query("cursor", w.cursors.get("recordsSince")), 400, ic));
        cases.add(new Bad("records: plain cursor with 'since'", valid.get("GET /records/{type}")
                .query("since", "2000-01-01T00:00:00Z").query("cursor", w.cursors.get("records")), 400, ic));
        cases.add(new Bad("records: since-cursor without 'since'", valid.get("GET /records/{type}")
                .query("cursor", w.cursors.get("recordsSince")), 400, ic));
        cases.add(new Bad("pull: since-cursor before 'since'", valid.get("GET /groups/{groupId}/exchange/{ownerId}/{type}")
                .query("since", "2100-01-01T00:00:00Z").query("cursor", w.cursors.get("pullSince")), 400, ic));
        cases.add(new Bad("inbox: cursor before 'since'", valid.get("GET /inbox")
                .query("since", "2100-01-01T00:00:00Z").query("cursor", w.cursors.get("inbox")), 400, ic));

        // bodies: typed control-plane bodies
        for (String route : List.of("POST /clouds", "POST /merchants", "POST /groups", "POST /groups/{groupId}/members",
                "PATCH /groups/{groupId}/rules", "PATCH /groups/{groupId}/consent", "PUT /merchants/me/webhook",
                "POST /inbox/{messageId}/ack")) {
            Req base = valid.get(route);
            String ok = base.body();
            String first = firstKey(ok);
            cases.add(new Bad("no body", base.body(null), 400, mj));
            cases.add(new Bad("blank body", base.body(" \n\t"), 400, mj));
            cases.add(new Bad("malformed JSON", base.body("{"), 400, mj));
            cases.add(new Bad("truncated JSON", base.body(ok.substring(0, ok.length() / 2)), 400, mj));
            cases.add(new Bad("JSON null", base.body("null"), 400, mj));
            cases.add(new Bad("array body", base.body("[" + ok + "]"), 400, vf));
            cases.add(new Bad("number body", base.body("7"), 400, vf));
            cases.add(new Bad("string body", base.body("\"" + first + "\""), 400, vf));
            cases.add(new Bad("boolean body", base.body("true"), 400, vf));
            cases.add(new Bad("duplicate key", base.body("{\"" + first + "\":null," + ok.substring(1)), 400, mj));
            cases.add(new Bad("unknown field", base.body(ok.substring(0, ok.length() - 1) + ",\"creatorId\":\"" + d + "\"}"), 400, vf));
            cases.add(new Bad("NaN", base.body("{\"" + first + "\":NaN}"), 400, mj));
            cases.add(new Bad("single quotes", base.body(ok.replace('"', '\'')), 400, mj));
            cases.add(new Bad("comment", base.body("/* hi */" + ok), 400, mj));
            cases.add(new Bad("trailing comma", base.body(ok.substring(0, ok.length() - 1) + ",}"), 400, mj));
            cases.add(new Bad("2000-digit number", base.body("{\"" + first + "\":" + "9".repeat(2000) + "}"), 400, mj));
            cases.add(new Bad("deeply nested value", base.body("{\"" + first + "\":" + "[".repeat(100) + "]".repeat(100) + "}"), 400, vf));
            // the parser's depth limit (64) trips before the unknown field is reported
            cases.add(new Bad("100 levels deep", base.body("{\"a\":".repeat(100) + "1" + "}".repeat(100)), 400, mj));
            cases.add(new Bad("body over 64 KB", base.body(ok.substring(0, ok.length() - 1) + ",\"pad\":\"" + "x".repeat(66_000) + "\"}"), 413, "PAYLOAD_TOO_LARGE"));
            cases.add(new Bad("300 KB body", base.body("{\"pad\":\"" + "x".repeat(300_000) + "\"}"), 413, "PAYLOAD_TOO_LARGE"));
            cases.add(new Bad("invalid base64", base.base64Body("%%%"), 400, "MALFORMED_BODY"));
            cases.add(new Bad("url-safe base64 where standard is used", base.base64Body("-_-_"), 400, "MALFORMED_BODY"));
            cases.add(new Bad("base64 of malformed JSON", base.base64Body(b64std("{\"" + first + "\":")), 400, mj));
            cases.add(new Bad("base64 of 300 KB", base.base64Body(b64std("{\"pad\":\"" + "x".repeat(300_000) + "\"}")), 413, "PAYLOAD_TOO_LARGE"));
        }
        // bodies: business documents (any JSON object)
        for (String route : List.of("PUT /records/{type}/{recordId}", "POST /groups/{groupId}/exchange/{ownerId}/{type}")) {
            Req base = valid.get(route);
            String ok = base.body();
            cases.add(new Bad("no body", base.body(null), 400, mj));
            cases.add(new Bad("blank body", base.body("  "), 400, mj));
            cases.add(new Bad("malformed JSON", base.body("{\"a\":"), 400, mj));
            cases.add(new Bad("truncated JSON", base.body(ok.substring(0, ok.length() / 2)), 400, mj));
            cases.add(new Bad("JSON null", base.body("null"), 400, vf));
            cases.add(new Bad("array body", base.body("[" + ok + "]"), 400, vf));
            cases.add(new Bad("number body", base.body("42"), 400, vf));
            cases.add(new Bad("string body", base.body("\"order 42\""), 400, vf));
            cases.add(new Bad("duplicate key", base.body("{\"a\":1,\"b\":{\"c\":1,\"c\":2}}"), 400, mj));
            cases.add(new Bad("NaN", base.body("{\"a\":NaN}"), 400, mj));
            cases.add(new Bad("two documents", base.body(ok + ok), 400, mj));
            cases.add(new Bad("trailing garbage", base.body(ok + "x"), 400, mj));
            cases.add(new Bad("65 levels deep", base.body("{\"a\":".repeat(65) + "1" + "}".repeat(65)), 400, mj));
            cases.add(new Bad("100 000 levels deep", base.body("[".repeat(100_000) + "]".repeat(100_000)), 400, mj));
            cases.add(new Bad("2000-digit number", base.body("{\"n\":" + "9".repeat(2000) + "}"), 400, mj));
            cases.add(new Bad("body over 256 KB", base.body("{\"pad\":\"" + "x".repeat(256 * 1024) + "\"}"), 413, "PAYLOAD_TOO_LARGE"));
            cases.add(new Bad("300 KB body", base.body("{\"pad\":\"" + "x".repeat(300_000) + "\"}"), 413, "PAYLOAD_TOO_LARGE"));
            cases.add(new Bad("invalid base64", base.base64Body("QUJD\n"), 400, "MALFORMED_BODY"));
            cases.add(new Bad("base64 of an array", base.base64Body(b64std("[1]")), 400, vf));
            // numbers Jackson reads only as a NumberFormatException (exponent or scale beyond an int): valid JSON,
            // refused as out of range, never a 500
            cases.add(new Bad("exponent beyond an int", base.body("{\"n\":1e2147483648}"), 400, vf));
            cases.add(new Bad("negative exponent beyond an int", base.body("{\"n\":1e-2147483649}"), 400, vf));
            cases.add(new Bad("scale beyond an int", base.body("{\"n\":1.0E-2147483648}"), 400, vf));
        }

        // route by route: what only that route can get wrong
        Req webhook = valid.get("PUT /merchants/me/webhook");
        for (String url : List.of("http://93.184.216.34/hook", "https://127.0.0.1/hook", "https://10.1.2.3/", "https://169.254.169.254/latest",
                "https://[::1]/", "https://[::ffff:127.0.0.1]/", "https://2130706433/", "https://0177.0.0.1/", "https://localhost/",
                "https://user@93.184.216.34/", "ftp://93.184.216.34/", "not a url", "", "https://" + "a".repeat(3000) + ".example/")) {
            cases.add(new Bad("webhook url '" + clip(url, 30) + "'", webhook.body("{\"url\":\"" + url + "\",\"events\":[\"inbox.received\"]}"),
                    400, "INVALID_WEBHOOK_URL"));
        }
        cases.add(new Bad("webhook url missing", webhook.body(j("{'events':['inbox.received']}")), 400, vf));
        cases.add(new Bad("webhook url a number", webhook.body(j("{'url':7,'events':['inbox.received']}")), 400, vf));
        cases.add(new Bad("webhook events missing", webhook.body(j("{'url':'https://93.184.216.34/hook'}")), 400, vf));
        cases.add(new Bad("webhook events empty", webhook.body(j("{'url':'https://93.184.216.34/hook','events':[]}")), 400, vf));
        cases.add(new Bad("webhook event unknown", webhook.body(j("{'url':'https://93.184.216.34/hook','events':['inbox.received','nope']}")), 400, vf));
        cases.add(new Bad("webhook event null", webhook.body(j("{'url':'https://93.184.216.34/hook','events':[null]}")), 400, vf));
        cases.add(new Bad("webhook events a string", webhook.body(j("{'url':'https://93.184.216.34/hook','events':'push.status'}")), 400, vf));
        cases.add(new Bad("no webhook to read", valid.get("GET /merchants/me/webhook").as(w.b), 404, "WEBHOOK_NOT_FOUND"));
        cases.add(new Bad("no webhook to remove", valid.get("DELETE /merchants/me/webhook").as(w.b), 404, "WEBHOOK_NOT_FOUND"));
        Req ack = valid.get("POST /inbox/{messageId}/ack");
        for (String status : List.of("RECEIVED", "accepted", "", "MAYBE")) {
            cases.add(new Bad("ack status '" + status + "'", ack.body("{\"status\":\"" + status + "\"}"), 400, vf));
        }
        cases.add(new Bad("ack status missing", ack.body(j("{'reason':'x'}")), 400, vf));
        cases.add(new Bad("ack reason empty", ack.body(j("{'status':'ACCEPTED','reason':''}")), 400, vf));
        cases.add(new Bad("ack reason of 1001 characters", ack.body(j("{'status':'ACCEPTED','reason':'" + "r".repeat(1001) + "'}")), 400, vf));
        cases.add(new Bad("ack of an unknown message", ack.path("messageId", unknownId), 404, "MESSAGE_NOT_FOUND"));
        cases.add(new Bad("ack by a member not the owner", ack.as(w.b), 403, "NOT_THE_OWNER"));
        cases.add(new Bad("ack by the sender", ack.as(w.e), 403, "NOT_THE_OWNER"));
        cases.add(new Bad("a second, different ack", ack.path("messageId", w.acceptedByA).body(j("{'status':'REJECTED'}")), 409, "ACK_CONFLICT"));
        Req status = valid.get("GET /pushes/{messageId}");
        cases.add(new Bad("status read by the owner", status.as(w.a), 404, "PUSH_NOT_FOUND"));
        cases.add(new Bad("status read by another member", status.as(w.b), 404, "PUSH_NOT_FOUND"));
        cases.add(new Bad("status of an unknown push", status.path("messageId", unknownId), 404, "PUSH_NOT_FOUND"));

        Req me = valid.get("GET /merchants/me");
        Caller ghost = Caller.merchant(unknownId, "acme");
        cases.add(new Bad("a merchant that no longer exists", me.as(ghost), 404, "MERCHANT_NOT_FOUND"));
        Req rotate = valid.get("POST /merchants/me/key");
        KEYS.put(unknownId, ApiKeys.generate());
        cases.add(new Bad("a merchant that no longer exists rotates", rotate.as(ghost), 401, "INVALID_KEY"));

        Req clouds = valid.get("POST /clouds");
        for (String id : List.of("", "ACME", "-acme", "acme-", "a_b", "a.b", "acm\u0000e", "\u0430cme", "acme\u200B", "a".repeat(64))) {
            cases.add(new Bad("cloudId '" + clip(id, 20) + "'", clouds.body("{\"cloudId\":\"" + id.replace("\u0000", "\\u0000") + "\",\"name\":\"x\"}"), 400, vf));
        }
        cases.add(new Bad("cloudId a number", clouds.body(j("{'cloudId':7,'name':'x'}")), 400, vf));
        cases.add(new Bad("cloudId an array", clouds.body(j("{'cloudId':['acme'],'name':'x'}")), 400, vf));
        cases.add(new Bad("cloudId null", clouds.body(j("{'cloudId':null,'name':'x'}")), 400, vf));
        cases.add(new Bad("name missing", clouds.body(j("{'cloudId':'x'}")), 400, vf));
        cases.add(new Bad("name empty", clouds.body(j("{'cloudId':'x','name':''}")), 400, vf));
        cases.add(new Bad("name of 201 characters", clouds.body(j("{'cloudId':'x','name':'" + "n".repeat(201) + "'}")), 400, vf));

        Req merchants = valid.get("POST /merchants");
        cases.add(new Bad("cloudId with '#'", merchants.body(j("{'cloudId':'acme#x','name':'x'}")), 400, vf));
        cases.add(new Bad("a merchantId of one's choosing", merchants.body(j("{'cloudId':'acme','name':'x','merchantId':'" + a + "'}")), 400, vf));
        cases.add(new Bad("name an object", merchants.body(j("{'cloudId':'acme','name':{'first':'x'}}")), 400, vf));
        cases.add(new Bad("name missing", merchants.body(j("{'cloudId':'acme'}")), 400, vf));
        cases.add(new Bad("name empty", merchants.body(j("{'cloudId':'acme','name':''}")), 400, vf));
        cases.add(new Bad("name of 201 characters", merchants.body(j("{'cloudId':'acme','name':'" + "n".repeat(201) + "'}")), 400, vf));
        cases.add(new Bad("name with a control character", merchants.body(j("{'cloudId':'acme','name':'a\\u0000b'}")), 400, vf));
        cases.add(new Bad("unknown cloud", merchants.body(j("{'cloudId':'nowhere','name':'x'}")), 404, "CLOUD_NOT_FOUND"));

        Req groups = valid.get("POST /groups");
        for (Map.Entry<String, String> name : Map.of(
                "right-to-left override", "\\u202Eevil", "zero-width space", "a\\u200Bb",
                "leading space", " x", "trailing newline", "x\\n", "201 emoji", "\\ud83d\\ude00".repeat(201),
                "private use", "\\ue000", "BOM", "\\ufeffx", "paragraph separator", "a\\u2029b").entrySet()) {
            cases.add(new Bad("name with a " + name.getKey(), groups.body("{\"name\":\"" + name.getValue() + "\"}"), 400, vf));
        }
        cases.add(new Bad("name with a lone surrogate", groups.body("{\"name\":\"a\\ud800b\"}"), 400, mj));
        cases.add(new Bad("name null", groups.body(j("{'name':null}")), 400, vf));
        cases.add(new Bad("name an array", groups.body(j("{'name':['x']}")), 400, vf));

        Req invite = valid.get("POST /groups/{groupId}/members");
        cases.add(new Bad("invite 'me'", invite.body(j("{'merchantId':'me'}")), 400, vf));
        cases.add(new Bad("invite '*'", invite.body(j("{'merchantId':'*'}")), 400, vf));
        cases.add(new Bad("invite an ID with '#'", invite.body(j("{'merchantId':'MERCHANT#" + d + "'}")), 400, vf));
        cases.add(new Bad("invite a lowercase ID", invite.body(j("{'merchantId':'" + d.toLowerCase(Locale.ROOT) + "'}")), 400, vf));
        cases.add(new Bad("invite with a role", invite.body(j("{'merchantId':'" + d + "','role':'CREATOR'}")), 400, vf));
        cases.add(new Bad("invite a number", invite.body(j("{'merchantId':42}")), 400, vf));
        cases.add(new Bad("invite nobody", invite.body(j("{}")), 400, vf));
        cases.add(new Bad("invite an unknown merchant", invite.body(j("{'merchantId':'" + unknownId + "'}")), 404, "MERCHANT_NOT_FOUND"));
        cases.add(new Bad("invite a member again", invite.body(j("{'merchantId':'" + b + "'}")), 409, "ALREADY_MEMBER"));
        cases.add(new Bad("invite by a non-creator", invite.as(w.b), 403, "FORBIDDEN"));
        cases.add(new Bad("invite by an outsider", invite.as(w.d).body(j("{'merchantId':'" + b + "'}")), 404, "GROUP_NOT_FOUND"));
        cases.add(new Bad("invite into an unknown group", invite.path("groupId", unknownId), 404, "GROUP_NOT_FOUND"));
        cases.add(new Bad("invite into a dissolved group", invite.path("groupId", w.dissolvedGroup), 410, "GROUP_DISSOLVED"));

        Req join = valid.get("PUT /groups/{groupId}/members/me");
        cases.add(new Bad("join as an active member", join.as(w.b), 409, "ALREADY_MEMBER"));
        cases.add(new Bad("join as the creator", join.as(w.a), 409, "ALREADY_MEMBER"));
        cases.add(new Bad("join uninvited", join.as(w.d), 404, "GROUP_NOT_FOUND"));
        cases.add(new Bad("join an unknown group", join.path("groupId", unknownId), 404, "GROUP_NOT_FOUND"));
        cases.add(new Bad("join a dissolved group", join.path("groupId", w.dissolvedGroup), 410, "GROUP_DISSOLVED"));

        Req leave = valid.get("DELETE /groups/{groupId}/members/{merchantId}");
        cases.add(new Bad("the creator leaves", leave.as(w.a), 409, "CREATOR_CANNOT_LEAVE"));
        cases.add(new Bad("the creator removes itself by ID", leave.as(w.a).path("merchantId", a), 409, "CREATOR_CANNOT_LEAVE"));
        cases.add(new Bad("the creator removes a non-member", leave.as(w.a).path("merchantId", d), 404, "MEMBER_NOT_FOUND"));
        cases.add(new Bad("a member removes another", leave.as(w.b).path("merchantId", e), 403, "FORBIDDEN"));
        cases.add(new Bad("a member removes the creator", leave.as(w.b).path("merchantId", a), 403, "FORBIDDEN"));
        cases.add(new Bad("an outsider leaves", leave.as(w.d), 404, "GROUP_NOT_FOUND"));
        cases.add(new Bad("'ME' is not 'me'", leave.path("merchantId", "ME"), 400, vf));
        cases.add(new Bad("'me ' is not 'me'", leave.path("merchantId", "me "), 400, vf));
        cases.add(new Bad("leave a dissolved group", leave.path("groupId", w.dissolvedGroup), 410, "GROUP_DISSOLVED"));

        Req dissolve = valid.get("DELETE /groups/{groupId}");
        cases.add(new Bad("dissolve by a member", dissolve.as(w.b), 403, "FORBIDDEN"));
        cases.add(new Bad("dissolve by an invitee", dissolve.as(w.c), 403, "FORBIDDEN"));
        cases.add(new Bad("dissolve by an outsider", dissolve.as(w.d), 404, "GROUP_NOT_FOUND"));
        cases.add(new Bad("dissolve an unknown group", dissolve.path("groupId", unknownId), 404, "GROUP_NOT_FOUND"));
        cases.add(new Bad("dissolve twice", dissolve.path("groupId", w.dissolvedGroup), 410, "GROUP_DISSOLVED"));
        cases.add(new Bad("dissolve another creator's group", dissolve.path("groupId", w.otherGroup), 403, "FORBIDDEN"));

        Req group = valid.get("GET /groups/{groupId}");
        cases.add(new Bad("read a group as an outsider", group.as(w.d), 404, "GROUP_NOT_FOUND"));
        cases.add(new Bad("read a dissolved group", group.path("groupId", w.dissolvedGroup), 410, "GROUP_DISSOLVED"));
        cases.add(new Bad("read a group by a lowercase ID", group.path("groupId", w.group.toLowerCase(Locale.ROOT)), 400, vf));
        cases.add(new Bad("read a group by a merchant's ID", group.path("groupId", a), 404, "GROUP_NOT_FOUND"));

        Req put = valid.get("PUT /records/{type}/{recordId}");
        cases.add(new Bad("type of 65 characters", put.path("type", "t".repeat(65)), 400, vf));
        cases.add(new Bad("type starting with '.'", put.path("type", ".order"), 400, vf));
        cases.add(new Bad("type with ':'", put.path("type", "or:der"), 400, vf));
        cases.add(new Bad("recordId of 129 characters", put.path("recordId", "r".repeat(129)), 400, vf));
        cases.add(new Bad("recordId starting with '-'", put.path("recordId", "-1"), 400, vf));
        cases.add(new Bad("recordId '..'", put.path("recordId", ".."), 400, vf));
        cases.add(new Bad("recordId with a space", put.path("recordId", "PO 1"), 400, vf));
        cases.add(new Bad("recordId in full-width digits", put.path("recordId", "\uFF11\uFF12"), 400, vf));

        Req records = valid.get("GET /records/{type}");
        cases.add(new Bad("list type '*'", records.path("type", "*"), 400, vf));

        Req rules = valid.get("PATCH /groups/{groupId}/rules");
        String rule = "{'ownerId':'" + a + "','partnerId':'*','type':'catalog','scope':'FULL'}";
        java.util.function.Function<String, Req> set = r -> rules.body(j("{'expectedVersion':" + w.rulesVersion + ",'set':[" + r + "]}"));
        cases.add(new Bad("rules: no expectedVersion", rules.body(j("{'set':[" + rule + "]}")), 400, vf));
        cases.add(new Bad("rules: expectedVersion null", rules.body(j("{'expectedVersion':null,'set':[" + rule + "]}")), 400, vf));
        cases.add(new Bad("rules: expectedVersion -1", rules.body(j("{'expectedVersion':-1,'set':[" + rule + "]}")), 400, vf));
        cases.add(new Bad("rules: expectedVersion 1.5", rules.body(j("{'expectedVersion':1.5,'set':[" + rule + "]}")), 400, vf));
        cases.add(new Bad("rules: expectedVersion true", rules.body(j("{'expectedVersion':true,'set':[" + rule + "]}")), 400, vf));
        // a number out of a long's range is a parse error to Jackson, hence MALFORMED_JSON (a 400 all the same)
        cases.add(new Bad("rules: expectedVersion beyond a long", rules.body(j("{'expectedVersion':99999999999999999999,'set':[" + rule + "]}")), 400, mj));
        cases.add(new Bad("rules: stale expectedVersion", rules.body(j("{'expectedVersion':" + (w.rulesVersion - 1) + ",'set':[" + rule + "]}")), 409, "VERSION_CONFLICT"));
        cases.add(new Bad("rules: future expectedVersion", rules.body(j("{'expectedVersion':" + (w.rulesVersion + 5) + ",'set':[" + rule + "]}")), 409, "VERSION_CONFLICT"));
        cases.add(new Bad("rules: set an object", rules.body(j("{'expectedVersion':1,'set':" + rule + "}")), 400, vf));
        cases.add(new Bad("rules: set [null]", set.apply("null"), 400, vf));
        cases.add(new Bad("rules: set [7]", set.apply("7"), 400, vf));
        cases.add(new Bad("rules: remove [null]", rules.body(j("{'expectedVersion':1,'remove':[null]}")), 400, vf));
        cases.add(new Bad("rules: scope lowercase", set.apply(rule.replace("FULL", "full")), 400, vf));
        cases.add(new Bad("rules: scope ALL", set.apply(rule.replace("FULL", "ALL")), 400, vf));
        cases.add(new Bad("rules: scope missing", set.apply(rule.replace(",'scope':'FULL'", "")), 400, vf));
        cases.add(new Bad("rules: owner '*'", set.apply(rule.replace("'ownerId':'" + a + "'", "'ownerId':'*'")), 400, vf));
        cases.add(new Bad("rules: partner 'me'", set.apply(rule.replace("'partnerId':'*'", "'partnerId':'me'")), 400, vf));
        cases.add(new Bad("rules: owner is partner", set.apply(rule.replace("'partnerId':'*'", "'partnerId':'" + a + "'")), 400, vf));
        cases.add(new Bad("rules: type '**'", set.apply(rule.replace("catalog", "**")), 400, vf));
        cases.add(new Bad("rules: type with '#'", set.apply(rule.replace("catalog", "cat#alog")), 400, vf));
        cases.add(new Bad("rules: fields on a FULL rule", set.apply(rule.replace("}", ",'fields':['a']}")), 400, vf));
        cases.add(new Bad("rules: FIELDS without fields", set.apply(rule.replace("FULL", "FIELDS")), 400, vf));
        cases.add(new Bad("rules: a field twice", set.apply(rule.replace("FULL", "FIELDS").replace("}", ",'fields':['a','a']}")), 400, vf));
        cases.add(new Bad("rules: a field a number", set.apply(rule.replace("FULL", "FIELDS").replace("}", ",'fields':['a',7]}")), 400, vf));
        cases.add(new Bad("rules: a field with a control character", set.apply(rule.replace("FULL", "FIELDS").replace("}", ",'fields':['a\\u0001']}")), 400, vf));
        cases.add(new Bad("rules: a field null", set.apply(rule.replace("FULL", "FIELDS").replace("}", ",'fields':[null]}")), 400, vf));
        cases.add(new Bad("rules: 51 fields", set.apply(rule.replace("FULL", "FIELDS").replace("}", ",'fields':[" + numbered("f", 51) + "]}")), 400, vf));
        cases.add(new Bad("rules: filter on a NONE rule", set.apply(rule.replace("FULL", "NONE").replace("}", ",'filter':{'a':'b'}}")), 400, vf));
        cases.add(new Bad("rules: filter value null", set.apply(rule.replace("}", ",'filter':{'a':null}}")), 400, vf));
        cases.add(new Bad("rules: filter value of 1025 characters", set.apply(rule.replace("}", ",'filter':{'a':'" + "v".repeat(1025) + "'}}")), 400, vf));
        cases.add(new Bad("rules: 11 filter conditions", set.apply(rule.replace("}", ",'filter':{" + numberedPairs(11) + "}}")), 400, vf));
        cases.add(new Bad("rules: filter key empty", set.apply(rule.replace("}", ",'filter':{'':'b'}}")), 400, vf));
        cases.add(new Bad("rules: filter a list", set.apply(rule.replace("}", ",'filter':['a']}")), 400, vf));
        cases.add(new Bad("rules: push 'true'", set.apply(rule.replace("}", ",'push':'true'}")), 400, vf));
        cases.add(new Bad("rules: push 1", set.apply(rule.replace("}", ",'push':1}")), 400, vf));
        cases.add(new Bad("rules: unknown field in a rule", set.apply(rule.replace("}", ",'priority':1}")), 400, vf));
        cases.add(new Bad("rules: the same rule twice", set.apply(rule + "," + rule), 400, vf));
        cases.add(new Bad("rules: set and remove the same rule", rules.body(j("{'expectedVersion':" + w.rulesVersion + ",'set':[" + rule
                + "],'remove':[{'ownerId':'" + a + "','partnerId':'*','type':'catalog'}]}")), 400, vf));
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 51; i++) {
            many.append(i == 0 ? "" : ",").append(rule.replace("catalog", "t" + i));
        }
        cases.add(new Bad("rules: 51 changes", set.apply(many.toString()), 400, vf));
        cases.add(new Bad("rules: by a member", rules.as(w.b), 403, "FORBIDDEN"));
        cases.add(new Bad("rules: by an outsider", rules.as(w.d), 404, "GROUP_NOT_FOUND"));
        cases.add(new Bad("rules: in a dissolved group", rules.path("groupId", w.dissolvedGroup), 410, "GROUP_DISSOLVED"));
        cases.add(new Bad("rules: naming a non-member", set.apply(rule.replace("'partnerId':'*'", "'partnerId':'" + d + "'")), 409, "MEMBER_NOT_ACTIVE"));
        cases.add(new Bad("rules: naming an invitee", set.apply(rule.replace("'partnerId':'*'", "'partnerId':'" + c + "'")), 409, "MEMBER_NOT_ACTIVE"));
        cases.add(new Bad("rules: owned by an unknown merchant", set.apply(rule.replace("'ownerId':'" + a + "'", "'ownerId':'" + unknownId + "'")), 409, "MEMBER_NOT_ACTIVE"));
        cases.add(new Bad("rules: remove a rule that is not there", rules.body(j("{'expectedVersion':" + w.rulesVersion
                + ",'remove':[{'ownerId':'" + a + "','partnerId':'" + b + "','type':'nothing'}]}")), 404, "RULE_NOT_FOUND"));

        Req getRules = valid.get("GET /groups/{groupId}/rules");
        cases.add(new Bad("read rules as an invitee", getRules.as(w.c), 403, "NOT_ACTIVE_MEMBER"));
        cases.add(new Bad("read rules as an outsider", getRules.as(w.d), 404, "GROUP_NOT_FOUND"));
        cases.add(new Bad("rules cursor with 2 parts", getRules.query("cursor", b64url("1:" + a + "#*")), 400, ic));
        cases.add(new Bad("rules cursor with 4 parts", getRules.query("cursor", b64url("1:" + a + "#*#order#x")), 400, ic));
        cases.add(new Bad("rules cursor with owner = partner", getRules.query("cursor", b64url("1:" + a + "#" + a + "#order")), 400, ic));

        Req providers = valid.get("GET /groups/{groupId}/providers");
        cases.add(new Bad("providers for an invitee", providers.as(w.c), 403, "NOT_ACTIVE_MEMBER"));
        cases.add(new Bad("providers for an outsider", providers.as(w.d), 404, "GROUP_NOT_FOUND"));
        cases.add(new Bad("providers of a dissolved group", providers.path("groupId", w.dissolvedGroup), 410, "GROUP_DISSOLVED"));

        Req explain = valid.get("GET /groups/{groupId}/explain");
        cases.add(new Bad("explain as neither creator, owner nor partner", explain.as(w.e), 403, "FORBIDDEN"));
        cases.add(new Bad("explain as an invitee", explain.as(w.c), 403, "NOT_ACTIVE_MEMBER"));
        cases.add(new Bad("explain as an outsider", explain.as(w.d), 404, "GROUP_NOT_FOUND"));
        cases.add(new Bad("explain in a dissolved group", explain.path("groupId", w.dissolvedGroup), 410, "GROUP_DISSOLVED"));
        cases.add(new Bad("explain for an invited partner", explain.as(w.a).query("partnerId", c), 404, "MEMBER_NOT_FOUND"));
        cases.add(new Bad("explain for an outsider owner", explain.query("ownerId", d), 404, "MEMBER_NOT_FOUND"));
        cases.add(new Bad("explain the owner to itself", explain.query("partnerId", a), 400, vf));
        cases.add(new Bad("explain without a partner", explain.query("partnerId", null), 400, vf));
        cases.add(new Bad("explain partner '*'", explain.query("partnerId", "*"), 400, vf));
        cases.add(new Bad("explain type '*'", explain.query("type", "*"), 400, vf));
        cases.add(new Bad("explain without a type", explain.query("type", null), 400, vf));
        Req matrix = valid.get("GET /groups/{groupId}/matrix");
        cases.add(new Bad("matrix without a type", matrix.query("type", null), 400, vf));
        cases.add(new Bad("matrix type '*'", matrix.query("type", "*"), 400, vf));
        cases.add(new Bad("matrix tiles of 21", matrix.query("limit", "21"), 400, vf));
        cases.add(new Bad("matrix as an invitee", matrix.as(w.c), 403, "NOT_ACTIVE_MEMBER"));
        cases.add(new Bad("matrix as an outsider", matrix.as(w.d), 404, "GROUP_NOT_FOUND"));
        cases.add(new Bad("matrix of a dissolved group", matrix.path("groupId", w.dissolvedGroup), 410, "GROUP_DISSOLVED"));
        cases.add(new Bad("matrix cursor of another type", matrix.query("type", "stock").query("cursor", w.cursors.get("matrix")), 400, ic));
        cases.add(new Bad("matrix cursor of another reader", matrix.as(w.b).query("cursor", w.cursors.get("matrix")), 400, ic));

        Req pull = valid.get("GET /groups/{groupId}/exchange/{ownerId}/{type}");
        cases.add(new Bad("pull a type not shared", pull.path("type", "invoice"), 403, "NOT_SHARED"));
        cases.add(new Bad("pull type '*'", pull.path("type", "*"), 400, vf));
        cases.add(new Bad("pull as an invitee", pull.as(w.c), 403, "NOT_ACTIVE_MEMBER"));
        cases.add(new Bad("pull from an invitee", pull.path("ownerId", c), 404, "OWNER_NOT_FOUND"));
        cases.add(new Bad("pull as an outsider", pull.as(w.d), 404, "GROUP_NOT_FOUND"));
        cases.add(new Bad("pull from an outsider", pull.path("ownerId", d), 404, "OWNER_NOT_FOUND"));
        cases.add(new Bad("pull in a dissolved group", pull.path("groupId", w.dissolvedGroup), 410, "GROUP_DISSOLVED"));
        cases.add(new Bad("pull with owner '*'", pull.path("ownerId", "*"), 400, vf));
        cases.add(new Bad("pull from oneself", pull.as(w.a), 400, "SELF_EXCHANGE"));
        cases.add(new Bad("pull with a forged record position", pull.query("cursor", b64url("1:PO-1#x")), 400, ic));

        Req push = valid.get("POST /groups/{groupId}/exchange/{ownerId}/{type}");
        cases.add(new Bad("push a type not accepted", push.as(w.b).path("type", "order"), 403, "PUSH_NOT_ALLOWED"));
        cases.add(new Bad("push as an invitee", push.as(w.c), 403, "NOT_ACTIVE_MEMBER"));
        cases.add(new Bad("push to an invitee", push.path("ownerId", c), 404, "OWNER_NOT_FOUND"));
        cases.add(new Bad("push as an outsider", push.as(w.d), 404, "GROUP_NOT_FOUND"));
        cases.add(new Bad("push into a dissolved group", push.path("groupId", w.dissolvedGroup), 404, "GROUP_NOT_FOUND"));
        cases.add(new Bad("push to oneself", push.as(w.a), 400, "SELF_EXCHANGE"));
        cases.add(new Bad("push to 'me'", push.path("ownerId", "me"), 400, vf));
        return cases;
    }

    private static String firstKey(String json) {
        Matcher m = Pattern.compile("\"([^\"]+)\"\\s*:").matcher(json);
        return m.find() ? m.group(1) : "name";
    }

    private static String numbered(String prefix, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append('\'').append(prefix).append(i).append('\'');
        }
        return sb.toString();
    }

    private static String numberedPairs(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append("'k").append(i).append("':'v'");
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------------------------
    // 3. The authorizer
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void authorizerNeverThrowsAndAlwaysLetsThroughWithAPrincipal() {
        List<Fn> functions = readTemplate();
        String authorizerClass = functions.stream().map(Fn::handlerClass).filter(AUTHORIZER::equals).findFirst()
                .orElseThrow(() -> new AssertionError("template.yaml names the authorizer " + AUTHORIZER));
        String operatorKey = ApiKeys.generate();
        WriteCounter writes = new WriteCounter();
        Orgshare app = DynamoDbLocal.newApp(DynamoDbLocal.client(writes), Map.of(Orgshare.ENV_OPERATOR_KEY_HASH, ApiKeys.hash(operatorKey)));
        app.clouds().register(Caller.operator(), new CloudService.CreateCloud("acme", "Acme"));
        List<MerchantService.MerchantView> merchants = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            merchants.add(app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("acme", "M" + i)));
        }
        String rotatedOut = merchants.get(2).apiKey();
        String current2 = app.merchants().rotateKey(Caller.merchant(merchants.get(2).merchantId(), "acme"), "Bearer " + rotatedOut).apiKey();
        Map<String, String> currentKeys = new LinkedHashMap<>(); // key -> merchantId
        currentKeys.put(merchants.get(0).apiKey(), merchants.get(0).merchantId());
        currentKeys.put(merchants.get(1).apiKey(), merchants.get(1).merchantId());
        currentKeys.put(current2, merchants.get(2).merchantId());

        AuthorizerHandler authorizer = (AuthorizerHandler) instantiate(authorizerClass, app);
        Random rnd = new Random(RUN.seed() + 1);
        List<String> before = TableSnapshot.of(app.table().client(), app.table().name());
        long writesBefore = writes.count();
        Map<String, Integer> outcomes = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        long deadline = System.nanoTime() + 3_000_000_000L;
        int n = 0;
        List<String> keys = new ArrayList<>(currentKeys.keySet());
        while (n < 600 && System.nanoTime() < deadline) {
            n++;
            String key = keys.get(rnd.nextInt(keys.size()));
            // [header value, expected outcome: MISSING_KEY | INVALID_KEY | OPERATOR | MERCHANT:<id> | NONE | ANY]
            String[] v = switch (rnd.nextInt(30)) {
                case 0 -> new String[]{null, "MISSING_KEY"};
                case 1 -> new String[]{"", "MISSING_KEY"};
                case 2 -> new String[]{" \t\n", "MISSING_KEY"};
                case 3 -> new String[]{"Bearer", "INVALID_KEY"};
                case 4 -> new String[]{"Bearer ", "INVALID_KEY"};
                case 5, 6 -> new String[]{"Bearer " + key, "MERCHANT:" + currentKeys.get(key)};
                case 7 -> new String[]{pickOf(rnd, "bearer ", "BEARER ", "bEaReR ") + key, "MERCHANT:" + currentKeys.get(key)};
                case 8 -> new String[]{"Bearer   " + key + pickOf(rnd, " ", "\t", "\n", "  "), "MERCHANT:" + currentKeys.get(key)};
                case 9 -> new String[]{"Bearer\t" + key, "INVALID_KEY"};
                case 10 -> new String[]{pickOf(rnd, "Basic ", "Token ", "Bearer: ", "Bearer=") + key, "INVALID_KEY"};
                case 11 -> new String[]{key, "INVALID_KEY"};
                case 12 -> new String[]{"Bearer " + key.toUpperCase(Locale.ROOT), "INVALID_KEY"};
                case 13 -> new String[]{"Bearer " + flipOneChar(rnd, key), "INVALID_KEY"};
                case 14 -> new String[]{"Bearer " + key + pickOf(rnd, "x", "=", "\u0000", "\u200B", ".", key), "INVALID_KEY"};
                case 15 -> new String[]{"Bearer " + key.substring(0, 1 + rnd.nextInt(key.length() - 1)), "INVALID_KEY"};
                case 16 -> new String[]{"Bearer " + rotatedOut, "INVALID_KEY"};
                case 17 -> new String[]{"Bearer " + ApiKeys.generate(), "INVALID_KEY"};
                case 18 -> new String[]{"Bearer " + operatorKey, "OPERATOR"};
                case 19 -> new String[]{"Bearer " + flipOneChar(rnd, operatorKey), "INVALID_KEY"};
                case 20 -> new String[]{"Bearer " + "x".repeat(pickOf(rnd, 100, 10_000, 1_000_000)), "INVALID_KEY"};
                case 21 -> new String[]{"Bearer \u200B" + key, "INVALID_KEY"};
                case 22 -> new String[]{"Bearer \uD800" + key.substring(1), "INVALID_KEY"};
                case 23 -> new String[]{"\u202EBearer " + key, "INVALID_KEY"};
                case 24 -> new String[]{"Bearer osk_" + "\uD83D\uDE00".repeat(21) + "A", "INVALID_KEY"};
                case 25 -> new String[]{"Bearer " + key + ", Bearer " + keys.get(0), "INVALID_KEY"};
                case 26 -> new String[]{"Bearer sk_" + key.substring(4), "INVALID_KEY"};
                case 27 -> new String[]{"Bearer " + ApiKeys.hash(key), "INVALID_KEY"};
                case 28 -> new String[]{randomText(rnd), "NONE"};
                default -> new String[]{"Bearer " + randomText(rnd), "NONE"};
            };
            APIGatewayV2CustomAuthorizerEvent event = new APIGatewayV2CustomAuthorizerEvent();
            event.setVersion(pickOf(rnd, "2.0", "1.0", null, ""));
            event.setType(pickOf(rnd, "REQUEST", null, "TOKEN"));
            event.setRouteKey(pickOf(rnd, "GET /merchants/me", null, randomText(rnd)));
            event.setRawPath(pickOf(rnd, "/merchants/me", null, randomText(rnd)));
            if (rnd.nextInt(5) == 0) {
                event.setQueryStringParameters(Map.of("authorization", "Bearer " + key));
                event.setCookies(List.of("authorization=Bearer " + key));
            }
            String expected = v[1];
            Map<String, String> headers = switch (rnd.nextInt(10)) {
                case 0 -> {
                    expected = "MISSING_KEY";
                    yield null;
                }
                case 1 -> {
                    expected = "MISSING_KEY";
                    yield new HashMap<>(Map.of("host", "x", "x-api-key", key));
                }
                case 2 -> {
                    Map<String, String> h = new HashMap<>();
                    // a header without a name: JSON has no null name, so the empty one stands for it on the wire
                    h.put("", "Bearer " + key);
                    h.put("x-null", null);
                    h.put(pickOf(rnd, "authorization", "Authorization", "AUTHORIZATION"), v[0]);
                    yield h;
                }
                case 3 -> {
                    Map<String, String> h = new LinkedHashMap<>();
                    h.put("authorization", v[0]);
                    h.put("Authorization", "Bearer " + key);
                    expected = "ANY";
                    yield h;
                }
                default -> {
                    Map<String, String> h = new HashMap<>();
                    h.put(pickOf(rnd, "authorization", "authorization", "Authorization", "AUTHORIZATION", "aUtHoRiZaTiOn"), v[0]);
                    h.put("host", "abc123.execute-api.us-east-1.amazonaws.com");
                    yield h;
                }
            };
            event.setHeaders(headers);
            String described = "headers=" + clip(String.valueOf(headers), 200) + " expected=" + expected;
            SimpleIAMPolicyResponse response;
            try {
                response = Lambdas.authorize(authorizer, event, new CapturingContext("fuzz-request"));
            } catch (Throwable t) {
                problems.add("THREW " + t + " on " + described);
                continue;
            }
            if (response == null || !response.getIsAuthorized() || response.getContext() == null) {
                problems.add("not authorized with a context: " + described);
                continue;
            }
            Map<String, String> ctx = response.getContext();
            String principal = ctx.get("principal");
            String outcome = "NONE".equals(principal) ? ctx.get("authError") : principal;
            outcomes.merge(String.valueOf(outcome), 1, Integer::sum);
            Caller seen = Caller.fromContext(ctx);
            if (!Set.of("MERCHANT", "OPERATOR", "NONE").contains(principal) || !principal.equals(seen.principal().name())) {
                problems.add("principal " + principal + " / handlers see " + seen + ": " + described);
                continue;
            }
            if ("NONE".equals(principal) && !Set.of("MISSING_KEY", "INVALID_KEY").contains(ctx.get("authError"))) {
                problems.add("unauthenticated without a reason " + ctx + ": " + described);
            }
            if ("MERCHANT".equals(principal)) {
                String id = ctx.get("merchantId");
                boolean presented = headers != null && headers.values().stream().anyMatch(h -> h != null
                        && currentKeys.entrySet().stream().anyMatch(k -> k.getValue().equals(id) && h.contains(k.getKey())));
                if (!presented || !"acme".equals(ctx.get("cloudId"))) {
                    problems.add("authenticated as " + ctx + " without presenting that merchant's current key: " + described);
                }
            }
            if ("OPERATOR".equals(principal) && (headers == null || headers.values().stream().noneMatch(h -> h != null && h.contains(operatorKey)))) {
                problems.add("operator without the operator key: " + described);
            }
            boolean ok = switch (expected) {
                case "ANY" -> true;
                case "NONE" -> "NONE".equals(principal);
                case "OPERATOR" -> "OPERATOR".equals(principal);
                case "MISSING_KEY", "INVALID_KEY" -> "NONE".equals(principal) && expected.equals(ctx.get("authError"));
                default -> expected.equals("MERCHANT:" + ctx.get("merchantId")) && "MERCHANT".equals(principal);
            };
            if (!ok) {
                problems.add("got " + ctx + ": " + described);
            }
        }
        System.out.println("AUTHORIZER cases: " + n + ", outcomes " + outcomes);
        problems.stream().limit(MAX_REPORTED).forEach(p -> System.out.println("AUTHORIZER PROBLEM " + p));
        assertTrue(problems.isEmpty(), problems.size() + " authorizer problem(s):\n"
                + String.join("\n", problems.subList(0, Math.min(MAX_REPORTED, problems.size()))));
        assertEquals(writesBefore, writes.count(), "the authorizer never writes");
        assertEquals(before, TableSnapshot.of(app.table().client(), app.table().name()), "the authorizer changed the table");
        assertTrue(outcomes.keySet().containsAll(Set.of("MERCHANT", "OPERATOR", "MISSING_KEY", "INVALID_KEY")), "every outcome was reached: " + outcomes);
    }

    @SafeVarargs
    private static <T> T pickOf(Random rnd, T... values) {
        return values[rnd.nextInt(values.length)];
    }

    private static String flipOneChar(Random rnd, String key) {
        int at = 4 + rnd.nextInt(key.length() - 4);
        char ch = key.charAt(at);
        char other = ch == 'A' ? 'B' : 'A';
        return key.substring(0, at) + other + key.substring(at + 1);
    }

    private static String randomText(Random rnd) {
        StringBuilder sb = new StringBuilder();
        int n = rnd.nextInt(80);
        for (int i = 0; i < n; i++) {
            sb.appendCodePoint(rnd.nextBoolean() ? 0x20 + rnd.nextInt(0x5F) : rnd.nextInt(0x3000));
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------------------------
    // The world: real clouds, merchants, groups, rules, records, inbox and audit entries, and their cursors
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Each merchant's current API key, so that an event carries the Authorization header the authorizer read (a key
     * rotation replaces the key it presents).
     */
    private static final Map<String, String> KEYS = new java.util.concurrent.ConcurrentHashMap<>();

    /** Adds the caller's key as its Authorization header, as API Gateway passes it on to the function. */
    private static APIGatewayV2HTTPEvent withKey(APIGatewayV2HTTPEvent event, Caller caller) {
        String key = caller == null || caller.merchantId() == null ? null : KEYS.get(caller.merchantId());
        if (key != null) {
            Map<String, String> headers = event.getHeaders() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(event.getHeaders());
            headers.put("authorization", "Bearer " + key);
            event.setHeaders(headers);
        }
        return event;
    }

    private static final class World {
        /** The list each paged route returns, as named in {@link #cursors}. */
        static final Map<String, String> CURSOR_OF_ROUTE = Map.of(
                "GET /groups", "groups",
                "GET /groups/{groupId}", "members",
                "GET /records/{type}", "records",
                "GET /groups/{groupId}/rules", "rules",
                "GET /groups/{groupId}/matrix", "matrix",
                "GET /groups/{groupId}/exchange/{ownerId}/{type}", "pull",
                "GET /inbox", "inbox",
                "GET /audit", "audit");
        static final Set<String> SINCE_ROUTES = Set.of("GET /records/{type}", "GET /groups/{groupId}/exchange/{ownerId}/{type}", "GET /inbox");

        final Orgshare app;
        final WriteCounter writes;
        /** A creates the main group; B and E are active members, C is invited; D (another cloud) is an outsider. */
        Caller a;
        Caller b;
        Caller c;
        Caller d;
        Caller e;
        String group;
        String otherGroup;
        String dissolvedGroup;
        final List<String> staleGroups = new ArrayList<>();
        /** Merchants and groups the fuzz itself created: invitees and groups to leave and dissolve without losing depth. */
        final List<String> freshMerchants = new ArrayList<>();
        final Map<String, Caller> disposableGroups = new LinkedHashMap<>();
        long rulesVersion;
        String sinceMark;
        /** E's purchase order to A, not acknowledged; and another, acknowledged ACCEPTED by A. */
        String pushedToA;
        String acceptedByA;
        final Map<String, String> cursors = new LinkedHashMap<>();
        private final Map<String, String> names = new HashMap<>();
        /** Another deployment's published identity, served on loopback: the peer POST /peers registers. */
        static final String PEER_CLOUD = "umbrella";
        String peerEndpoint;
        String peerFingerprint;

        private World(Orgshare app, WriteCounter writes) {
            this.app = app;
            this.writes = writes;
        }

        static World build() {
            WriteCounter writes = new WriteCounter();
            ManualClock clock = ManualClock.ticking(Instant.parse("2026-11-25T09:00:00Z"), Duration.ofMillis(1));
            World w = new World(DynamoDbLocal.newApp(DynamoDbLocal.client(writes), Map.of(), clock,
                    new SeededIds(clock, RUN.seed())), writes);
            w.populate();
            return w;
        }

        Caller byLetter(String letter) {
            return switch (letter) {
                case "A" -> a;
                case "B" -> b;
                case "C" -> c;
                case "D" -> d;
                default -> e;
            };
        }

        String nameOf(String merchantId) {
            return names.getOrDefault(merchantId, "unknown");
        }

        private Caller merchant(String cloud, String name) {
            MerchantService.MerchantView m = app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant(cloud, name));
            names.put(m.merchantId(), name);
            KEYS.put(m.merchantId(), m.apiKey());
            return Caller.merchant(m.merchantId(), cloud);
        }

        private void startPeer() {
            PeerIdentityServer peer = PeerIdentityServer.start(PEER_CLOUD);
            peerEndpoint = peer.endpoint();
            peerFingerprint = peer.fingerprint();
        }

        private void populate() {
            startPeer();
            Caller op = Caller.operator();
            app.clouds().register(op, new CloudService.CreateCloud("acme", "Acme"));
            app.clouds().register(op, new CloudService.CreateCloud("globex", "Globex"));
            a = merchant("acme", "A");
            b = merchant("acme", "B");
            c = merchant("acme", "C");
            d = merchant("globex", "D");
            e = merchant("globex", "E");

            String an = a.merchantId();
            String bn = b.merchantId();
            String en = e.merchantId();
            put(a, "order", "PO-1", "{\"buyerId\":\"" + bn + "\",\"total\":10,\"sku\":\"S1\"}");
            put(a, "order", "PO-2", "{\"buyerId\":\"" + bn + "\",\"total\":20,\"sku\":\"S2\"}");
            put(a, "order", "PO-3", "{\"buyerId\":\"" + en + "\",\"total\":30}");
            put(a, "order", "PO-4", "{\"buyerId\":\"" + bn + "\",\"total\":40,\"nested\":{\"deep\":[1,2,3]}}");
            put(a, "stock", "SKU-1", "{\"sku\":\"SKU-1\",\"level\":5,\"cost\":1.25}");
            put(a, "stock", "SKU-2", "{\"sku\":\"SKU-2\",\"level\":0,\"cost\":2.50}");
            put(b, "invoice", "INV-1", "{\"amount\":99}");
            put(e, "invoice", "INV-9", "{\"amount\":9}");
            put(e, "invoice", "INV-8", "{\"amount\":8}");

            newMainGroup();
            staleGroups.clear();

            otherGroup = app.groups().create(d, new GroupService.CreateGroup("Globex partners")).groupId();
            app.memberships().invite(d, otherGroup, new MembershipService.InviteMember(an));
            app.memberships().join(a, otherGroup);

            dissolvedGroup = app.groups().create(a, new GroupService.CreateGroup("Gone")).groupId();
            app.memberships().invite(a, dissolvedGroup, new MembershipService.InviteMember(bn));
            app.memberships().join(b, dissolvedGroup);
            app.memberships().invite(a, dissolvedGroup, new MembershipService.InviteMember(c.merchantId()));
            app.memberships().dissolve(a, dissolvedGroup);
            staleGroups.add(dissolvedGroup);

            sinceMark = "2000-01-01T00:00:00Z";
            pushedToA = app.exchange().push(e, group, an, "po", "{\"po\":\"PO-77\"}").messageId();
            acceptedByA = app.exchange().push(e, group, an, "po", "{\"po\":\"PO-78\"}").messageId();
            app.pushStatuses().ack(a, acceptedByA, new orgshare.shared.service.PushStatusService.Ack("ACCEPTED", null));
            app.webhooks().set(a, new orgshare.shared.webhooks.WebhookService.SetWebhook("https://93.184.216.34/hook",
                    List.of("inbox.received", "push.status"), null));
            app.exchange().push(a, group, bn, "po", "{\"po\":\"PO-79\"}");
            app.exchange().pull(b, group, an, "order", null, null, null);
            app.exchange().pull(e, group, an, "stock", null, null, null);
            app.exchange().pull(a, group, en, "invoice", null, null, null);

            cursors.put("records", app.records().list(a, "order", null, "1", null).cursor());
            cursors.put("recordsSince", app.records().list(a, "order", sinceMark, "1", null).cursor());
            cursors.put("members", app.groups().get(a, group, "1", null).cursor());
            cursors.put("groups", app.groups().listMine(a, "1", null).cursor());
            cursors.put("rules", app.rules().list(a, group, "1", null).cursor());
            cursors.put("matrix", app.grants().matrix(a, group, "order", "1", null).cursor());
            cursors.put("inbox", app.inbox().list(a, null, "1", null).cursor());
            cursors.put("audit", app.audit().list(a, "1", null).cursor());
            cursors.put("pull", app.exchange().pull(b, group, an, "order", null, "1", null).cursor());
            cursors.put("pullSince", app.exchange().pull(b, group, an, "order", sinceMark, "1", null).cursor());
            cursors.values().removeIf(java.util.Objects::isNull);
        }

        private void put(Caller owner, String type, String id, String body) {
            app.records().put(owner, type, id, body);
        }

        /** A fresh main group with the same members and rules; the previous one becomes a stale ID. */
        void newMainGroup() {
            if (group != null) {
                staleGroups.add(group);
            }
            String an = a.merchantId();
            String bn = b.merchantId();
            String en = e.merchantId();
            group = app.groups().create(a, new GroupService.CreateGroup("Purchasing")).groupId();
            for (Caller m : List.of(b, c, e)) {
                app.memberships().invite(a, group, new MembershipService.InviteMember(m.merchantId()));
            }
            app.memberships().join(b, group);
            app.memberships().join(e, group);
            rulesVersion = app.rules().change(a, group, new RuleService.RuleChanges(0L, List.of(
                    new RuleService.RuleInput(an, bn, "order", "FULL", null, Map.of("buyerId", "${partner}"), false),
                    new RuleService.RuleInput(an, "*", "stock", "FIELDS", List.of("sku", "level"), null, false),
                    new RuleService.RuleInput(bn, an, "po", "NONE", null, null, true),
                    new RuleService.RuleInput(an, en, "*", "SUMMARY", null, null, true),
                    new RuleService.RuleInput(en, "*", "invoice", "FULL", null, null, false)), null)).version();
        }

        /** Remembers what a successful call created, for later cases to use. */
        void learn(Route route, APIGatewayV2HTTPEvent event, APIGatewayV2HTTPResponse response) {
            JsonNode body = parseOrNull(response.getBody());
            if (body == null) {
                return;
            }
            if ("POST /merchants/me/key".equals(route.key()) && body.hasNonNull("apiKey")) {
                KEYS.put(body.get("merchantId").asText(), body.get("apiKey").asText());
            }
            if ("POST /merchants".equals(route.key()) && body.hasNonNull("merchantId") && freshMerchants.size() < 50) {
                freshMerchants.add(body.get("merchantId").asText());
            }
            if ("POST /groups".equals(route.key()) && body.hasNonNull("groupId") && body.hasNonNull("creatorId")) {
                String creator = body.get("creatorId").asText();
                String cloud = String.valueOf(event.getRequestContext().getAuthorizer().getLambda().get("cloudId"));
                disposableGroups.put(body.get("groupId").asText(), Caller.merchant(creator, cloud));
                if (disposableGroups.size() > 30) {
                    disposableGroups.remove(disposableGroups.keySet().iterator().next());
                }
            }
        }

        long rulesVersionNow() {
            try {
                return app.rules().list(a, group, "1", null).version();
            } catch (RuntimeException gone) {
                return rulesVersion;
            }
        }

        List<String> snapshot() {
            return TableSnapshot.of(app.table().client(), app.table().name());
        }
    }

    /** Counts the DynamoDB write calls that succeeded (afterExecution runs only on success). */
    private static final class WriteCounter implements ExecutionInterceptor {
        private static final Set<String> WRITES = Set.of("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems",
                "BatchWriteItem", "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction");
        private final AtomicLong count = new AtomicLong();
        private final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void afterExecution(software.amazon.awssdk.core.interceptor.Context.AfterExecution context, ExecutionAttributes attributes) {
            String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            if (WRITES.contains(operation)) {
                count.incrementAndGet();
                log.add(operation);
                if (log.size() > 64) {
                    log.remove(0);
                }
            }
        }

        long count() {
            return count.get();
        }

        List<String> recent() {
            synchronized (log) {
                return new ArrayList<>(log);
            }
        }

        /** The write calls made since the count was {@code before}, as far as the recent log reaches. */
        String since(long before) {
            List<String> now = recent();
            int n = (int) Math.min(now.size(), count() - before);
            return now.subList(now.size() - n, now.size()).toString();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // template.yaml, sample events, handlers
    // ------------------------------------------------------------------------------------------------------------

    private record Route(String functionId, String handlerClass, String method, String path) {
        private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");

        String key() {
            return method + " " + path;
        }

        List<String> params() {
            List<String> names = new ArrayList<>();
            Matcher m = PARAM.matcher(path);
            while (m.find()) {
                names.add(m.group(1));
            }
            return names;
        }
    }

    private record Fn(String logicalId, String handlerClass, List<Route> routes) {
    }

    private static final Pattern RESOURCE = Pattern.compile("^  ([A-Za-z0-9]+):\\s*$");
    private static final Pattern HANDLER = Pattern.compile("^\\s+Handler:\\s*['\"]?([A-Za-z0-9_.$]+)::([A-Za-z0-9_]+)['\"]?\\s*$");
    private static final Pattern PATH = Pattern.compile("^\\s+Path:\\s*['\"]?(/[^'\"\\s]*)['\"]?\\s*$");
    private static final Pattern METHOD = Pattern.compile("^\\s+Method:\\s*['\"]?([A-Za-z]+)['\"]?\\s*$");

    /** Every function of template.yaml with its Handler class and its HttpApi routes (Path and Method). */
    private static List<Fn> readTemplate() {
        List<String> lines;
        try {
            lines = Files.readAllLines(TEMPLATE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> handlers = new LinkedHashMap<>();
        Map<String, List<String[]>> routes = new LinkedHashMap<>();
        boolean resources = false;
        String id = null;
        String path = null;
        String method = null;
        for (String line : lines) {
            if (!line.isEmpty() && Character.isLetter(line.charAt(0))) {
                resources = line.startsWith("Resources:");
                id = null;
                continue;
            }
            if (!resources) {
                continue;
            }
            Matcher m;
            if ((m = RESOURCE.matcher(line)).matches()) {
                id = m.group(1);
                path = null;
                method = null;
            } else if (id != null && (m = HANDLER.matcher(line)).matches()) {
                handlers.put(id, m.group(1));
            } else if (id != null && (m = PATH.matcher(line)).matches()) {
                path = m.group(1);
            } else if (id != null && (m = METHOD.matcher(line)).matches()) {
                method = m.group(1).toUpperCase(Locale.ROOT);
            }
            if (id != null && path != null && method != null) {
                routes.computeIfAbsent(id, k -> new ArrayList<>()).add(new String[]{method, path});
                path = null;
                method = null;
            }
        }
        List<Fn> functions = new ArrayList<>();
        handlers.forEach((fid, cls) -> functions.add(new Fn(fid, cls, routes.getOrDefault(fid, List.of()).stream()
                .map(r -> new Route(fid, cls, r[0], r[1])).toList())));
        return functions;
    }

    /** The HTTP API routes; the only functions without one are the authorizer and the scheduled cleanup. */
    private static List<Route> httpRoutes(List<Fn> functions) {
        assertFalse(functions.isEmpty(), "template.yaml names functions");
        Set<String> withoutRoutes = new TreeSet<>();
        List<Route> routes = new ArrayList<>();
        for (Fn f : functions) {
            if (f.routes().isEmpty()) {
                withoutRoutes.add(f.handlerClass());
            }
            routes.addAll(f.routes());
        }
        assertEquals(new TreeSet<>(Set.of(AUTHORIZER, CLEANUP, RETRY_WEBHOOKS, DELIVER_WEBHOOKS)), withoutRoutes,
                "every function but the authorizer, the scheduled ones and the stream's is an HTTP API handler (a new kind needs its own fuzz)");
        assertTrue(routes.size() >= 20, "template.yaml has its HTTP routes: " + routes.size());
        return routes;
    }

    private static Object instantiate(String className, Orgshare app) {
        try {
            Class<?> handler = Class.forName(className);
            try {
                return handler.getConstructor(Orgshare.class).newInstance(app);
            } catch (NoSuchMethodException usesNoTable) {
                return handler.getConstructor().newInstance(); // GET /openapi.json: no table, no caller
            }
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(className + " has a public (Orgshare) constructor, or none when it uses no table", e);
        }
    }

    private static RequestStreamHandler httpHandler(String className, Orgshare app) {
        return (RequestStreamHandler) instantiate(className, app);
    }

    /** events/&lt;function&gt;.json of each route, by route key (headers and, for routes the fuzzer does not know, a body). */
    private static Map<String, JsonNode> sampleEvents(List<Route> routes) {
        Map<String, JsonNode> samples = new HashMap<>();
        for (Route r : routes) {
            String base = r.functionId().endsWith("Function") ? r.functionId().substring(0, r.functionId().length() - 8) : r.functionId();
            Path file = EVENTS.resolve(base.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT) + ".json");
            if (Files.exists(file)) {
                try {
                    samples.put(r.key(), Json.mapper().readTree(Files.readString(file)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return samples;
    }

    // ------------------------------------------------------------------------------------------------------------
    // What every answer must be
    // ------------------------------------------------------------------------------------------------------------

    /** The console's script's fingerprinted path under /console/, read from its page. */
    private static String consoleScript() {
        String page = Lambdas.http(new ConsoleHandler(), TestEvents.http("GET", "/console", null, null, Map.of(), Map.of()), null).getBody();
        java.util.regex.Matcher script = java.util.regex.Pattern.compile("/console/(assets/app\\.[0-9a-f]{8}\\.js)").matcher(page);
        assertTrue(script.find(), "the console's page names its script");
        return script.group(1);
    }

    private static final Set<String> CONSOLE_FILE_TYPES = Set.of("text/html; charset=utf-8",
            "text/javascript; charset=utf-8", "text/css; charset=utf-8");

    /** What the README promises of every answer ("Errors"), checked for an answer to input alone; an empty list means it holds. */
    private static List<String> check(APIGatewayV2HTTPResponse response) {
        List<String> v = new ArrayList<>();
        if (response == null) {
            v.add("no response");
            return v;
        }
        int status = response.getStatusCode();
        if (!(status >= 200 && status < 300) && !(status >= 400 && status < 500)) {
            v.add("status " + status);
        }
        Map<String, String> headers = response.getHeaders();
        if (status >= 200 && status < 300 && headers != null && CONSOLE_FILE_TYPES.contains(headers.get("content-type"))) {
            return v; // the console's page and assets: the only answers that are not JSON, and never a refusal
        }
        if (headers == null || !"application/json".equals(headers.get("content-type"))) {
            v.add("content-type " + (headers == null ? null : headers.get("content-type")));
        }
        String body = response.getBody();
        if (status == 204) {
            if (body != null && !body.isEmpty()) {
                v.add("a 204 with a body");
            }
            return v;
        }
        JsonNode node = parseOrNull(body);
        if (node == null) {
            v.add("body is not JSON: " + clip(body, 100));
            return v;
        }
        if (status >= 400) {
            JsonNode error = node.get("error");
            if (!node.isObject() || node.size() != 1 || error == null || !error.isObject() || error.size() != 2
                    || !error.path("code").isTextual() || !error.path("message").isTextual()) {
                v.add("not the one error shape");
                return v;
            }
            String code = error.get("code").asText();
            String message = error.get("message").asText();
            if (!ERROR_CODE.matcher(code).matches()) {
                v.add("error code '" + code + "'");
            }
            if (message.isBlank()) {
                v.add("blank message");
            }
            for (String leak : LEAKS) {
                if (message.contains(leak) || code.contains(leak)) {
                    v.add("message leaks '" + leak.strip() + "'");
                }
            }
        } else if (!node.isObject()) {
            v.add("a 2xx body that is not a JSON object");
        }
        return v;
    }

    private static String errorCode(APIGatewayV2HTTPResponse response) {
        JsonNode node = parseOrNull(response.getBody());
        return node == null ? null : node.path("error").path("code").textValue();
    }

    private static String errorMessage(APIGatewayV2HTTPResponse response) {
        JsonNode node = parseOrNull(response.getBody());
        return node == null ? "" : node.path("error").path("message").asText("");
    }

    private static JsonNode parseOrNull(String text) {
        if (text == null) {
            return null;
        }
        try {
            JsonNode node = READER.readTree(text);
            return node == null || node.isMissingNode() ? null : node;
        } catch (JsonProcessingException | RuntimeException e) {
            return null; // Jackson throws NumberFormatException for some numbers (an exponent beyond an int)
        }
    }

    private static String describe(Route route, FuzzEvent fe, APIGatewayV2HTTPResponse response, CapturingContext context) {
        APIGatewayV2HTTPEvent e = fe.event();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("handler", simpleName(route.handlerClass()));
        d.put("route", route.key());
        d.put("mutations", fe.mutations());
        d.put("authorizer", e.getRequestContext() == null ? "<no requestContext>"
                : e.getRequestContext().getAuthorizer() == null ? "<no authorizer>" : String.valueOf(e.getRequestContext().getAuthorizer().getLambda()));
        d.put("pathParameters", e.getPathParameters() == null ? null : clip(e.getPathParameters().toString(), 300));
        d.put("queryStringParameters", e.getQueryStringParameters() == null ? null : clip(e.getQueryStringParameters().toString(), 300));
        d.put("isBase64Encoded", e.getIsBase64Encoded());
        d.put("body", clip(e.getBody(), 300));
        if (response != null) {
            d.put("status", response.getStatusCode());
            d.put("response", clip(response.getBody(), 300));
        }
        if (context != null && response != null && response.getStatusCode() >= 500) {
            d.put("log", clip(lastLog(context), 2000));
        }
        try {
            return Json.mapper().writeValueAsString(d);
        } catch (JsonProcessingException ex) {
            return d.toString();
        }
    }

    private static String clip(String s, int max) {
        if (s == null) {
            return null;
        }
        return s.length() <= max ? s : s.substring(0, max) + "...(" + s.length() + " chars)";
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    private static ObjectNode obj(String... pairs) {
        ObjectNode o = NODES.objectNode();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            o.put(pairs[i], pairs[i + 1]);
        }
        return o;
    }

    private static String b64url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String b64std(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The request log line a handler wrote last (the fuzz prints it with a failure). */
    private static String lastLog(CapturingContext context) {
        List<String> lines = context.lines();
        return lines.isEmpty() ? null : lines.get(lines.size() - 1);
    }

}
