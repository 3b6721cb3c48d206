package orgshare.local;

import orgshare.shared.Orgshare;
import orgshare.shared.auth.ApiKeys;
import orgshare.shared.federation.FederationKey;
import orgshare.shared.testing.CallCounter;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.testing.LargeGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DynamoDB calls of every route in template.yaml, counted by an interceptor over real HTTP, in a 2-member and a
 * 1,000-member group: the same in both (nothing grows with the group), and within the targets (pull authorization
 * one BatchGetItem; join, leave, dissolve and set rules at most 2). A change that adds a round trip fails here. The
 * federation route is measured on a real signed call: a peer deployment's merchant, a member of the group, reads it
 * through its own deployment, which forwards the call here.
 */
class RoundTripsTest {
    private static final String OPERATOR_KEY = ApiKeys.generate();
    private static final String AUTHORIZER_CALL = "GetItem";
    private static final CallCounter CALLS = new CallCounter();
    private static LocalApi api;
    private static TemplateModel template;
    private static Orgshare app;
    private static String fingerprint;
    /** Another deployment, federated with this one, and a merchant of its cloud. */
    private static Deployment peer;
    private static Deployment.Merchant peerMerchant;

    /** What each route is expected to cost, as operation names in order (the authorizer's own GetItem excluded). */
    private static final Map<String, List<String>> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("POST /clouds", List.of("PutItem"));
        EXPECTED.put("POST /merchants", List.of("TransactWriteItems"));
        EXPECTED.put("GET /merchants/me", List.of("GetItem"));
        EXPECTED.put("POST /merchants/me/key", List.of("TransactWriteItems"));
        EXPECTED.put("GET /openapi.json", List.of());
        EXPECTED.put("GET /console", List.of());
        EXPECTED.put("GET /console/{proxy+}", List.of());
        EXPECTED.put("GET /federation/identity", List.of("Query"));
        // registering reads the peer's identity over HTTP between its two calls
        EXPECTED.put("POST /peers", List.of("BatchGetItem", "TransactWriteItems"));
        EXPECTED.put("GET /peers", List.of("Query"));
        EXPECTED.put("DELETE /peers/{cloudId}", List.of("GetItem", "TransactWriteItems"));
        EXPECTED.put("PUT /merchants/me/webhook", List.of("UpdateItem"));
        EXPECTED.put("GET /merchants/me/webhook", List.of("GetItem"));
        EXPECTED.put("GET /merchants/me/webhook/deliveries", List.of("Query"));
        EXPECTED.put("GET /receipts", List.of("Query"));
        EXPECTED.put("DELETE /merchants/me/webhook", List.of("DeleteItem"));
        // read the push's record, then the acknowledgement (with the relay to the sender's cloud where it lives
        // elsewhere); only a repeated one reads again, to answer the same or a conflict
        EXPECTED.put("POST /inbox/{messageId}/ack", List.of("GetItem", "TransactWriteItems"));
        EXPECTED.put("GET /pushes/{messageId}", List.of("GetItem"));
        EXPECTED.put("PUT /records/{type}/{recordId}", List.of("PutItem"));
        EXPECTED.put("GET /records/{type}", List.of("Query"));
        EXPECTED.put("GET /inbox", List.of("Query"));
        EXPECTED.put("GET /audit", List.of("Query"));
        EXPECTED.put("POST /groups", List.of("TransactWriteItems"));
        EXPECTED.put("GET /groups", List.of("Query", "BatchGetItem"));
        EXPECTED.put("GET /groups/{groupId}", List.of("BatchGetItem", "Query"));
        EXPECTED.put("POST /groups/{groupId}/members", List.of("GetItem", "TransactWriteItems"));
        EXPECTED.put("PUT /groups/{groupId}/members/me", List.of("TransactWriteItems"));
        EXPECTED.put("DELETE /groups/{groupId}/members/{merchantId}", List.of("TransactWriteItems"));
        EXPECTED.put("DELETE /groups/{groupId}", List.of("UpdateItem"));
        EXPECTED.put("PATCH /groups/{groupId}/rules", List.of("BatchGetItem", "TransactWriteItems"));
        EXPECTED.put("GET /groups/{groupId}/rules", List.of("BatchGetItem", "Query", "BatchGetItem"));
        EXPECTED.put("GET /groups/{groupId}/providers", List.of("BatchGetItem", "Query", "Query", "BatchGetItem"));
        // the owner's caps: one consistent read (group, owner, the partners its caps name), one transaction
        EXPECTED.put("PATCH /groups/{groupId}/consent", List.of("BatchGetItem", "TransactWriteItems"));
        EXPECTED.put("GET /groups/{groupId}/consent", List.of("BatchGetItem", "Query", "BatchGetItem"));
        // one consistent read: group, caller, owner, partner, four rule and four cap keys
        EXPECTED.put("GET /groups/{groupId}/explain", List.of("BatchGetItem"));
        // the group and the caller; one tile's members (owners and partners start at the same place on the first
        // tile: one Query); the tile's candidate rules and caps (2 x 2 members here: one batch)
        EXPECTED.put("GET /groups/{groupId}/matrix", List.of("BatchGetItem", "Query", "BatchGetItem"));
        // authorize, one page, the audit events (both logs in one transaction)
        EXPECTED.put("GET /groups/{groupId}/exchange/{ownerId}/{type}", List.of("BatchGetItem", "Query", "TransactWriteItems"));
        EXPECTED.put("POST /groups/{groupId}/exchange/{ownerId}/{type}", List.of("BatchGetItem", "TransactWriteItems"));
        // a peer's merchant reads the group through its own deployment, which signs and forwards the call here: the
        // peer's key (one read, by fingerprint), the nonce, the membership's cloud, then GET /groups/{groupId}'s own
        EXPECTED.put("ANY /federation/v1/{proxy+}", List.of("GetItem", "PutItem", "GetItem", "BatchGetItem", "Query"));
    }

    @BeforeAll
    static void start() {
        DynamoDbClient client = DynamoDbLocal.client(CALLS);
        String table = DynamoDbLocal.newTable(client);
        template = TemplateModel.load(ProjectFiles.TEMPLATE, OperatorKey.of(OPERATOR_KEY).parameterOverrides(), table);
        LocalSecrets secrets = LocalSecrets.fresh();
        fingerprint = FederationKey.fromSecret(secrets::federationSecret).fingerprint();
        api = LocalApi.start(new FunctionInvoker(template, client, secrets), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        app = Orgshare.create(DynamoDbLocal.client(), DynamoDbLocal.environment(Map.of(), table));
    }

    @AfterAll
    static void stop() {
        api.close();
        if (peer != null) {
            peer.close();
        }
    }

    private record Merchant(String id, String key) {
    }

    private static ApiReply call(String method, String path, String key, String body) throws IOException, InterruptedException {
        ApiReply reply = ApiReply.call(api.baseUri(), method, path, key, body);
        assertTrue(reply.status() < 300, method + " " + path + " -> " + reply.text());
        return reply;
    }

    /** The calls one request makes, without the authorizer's key lookup that precedes a merchant's request. */
    private static List<String> measure(String method, String path, String key, String body) throws IOException, InterruptedException {
        CALLS.reset();
        call(method, path, key, body);
        List<String> calls = new ArrayList<>(CALLS.calls());
        if (!key.equals(OPERATOR_KEY)) { // the operator's key is checked against its hash, without a read
            assertEquals(AUTHORIZER_CALL, calls.remove(0), "the authorizer reads the key first");
        }
        return calls;
    }

    private static Merchant merchant(String name) throws IOException, InterruptedException {
        ApiReply created = call("POST", "/merchants", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"" + name + "\"}");
        return new Merchant(created.json().get("merchantId").asText(), created.json().get("apiKey").asText());
    }

    /** Every route's calls in a group of {@code size} members (the extra members and their rules written directly). */
    private static Map<String, List<String>> routesIn(int size) throws Exception {
        Map<String, List<String>> measured = new LinkedHashMap<>();
        measured.put("POST /clouds", measure("POST", "/clouds", OPERATOR_KEY, "{\"cloudId\":\"c" + size + "\",\"name\":\"C\"}"));
        measured.put("POST /merchants", measure("POST", "/merchants", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"X\"}"));
        Merchant supplier = merchant("Supplier");
        Merchant buyer = merchant("Buyer");
        Merchant late = merchant("Late");
        measured.put("POST /groups", measure("POST", "/groups", supplier.key(), "{\"name\":\"Warm-up\"}"));
        String g = call("POST", "/groups", supplier.key(), "{\"name\":\"Measured\"}").json().get("groupId").asText();
        measured.put("POST /groups/{groupId}/members", measure("POST", "/groups/" + g + "/members", supplier.key(), "{\"merchantId\":\"" + buyer.id() + "\"}"));
        measured.put("PUT /groups/{groupId}/members/me", measure("PUT", "/groups/" + g + "/members/me", buyer.key(), null));
        LargeGroup.addMembersWithRules(app.table(), g, supplier.id(), size - 2);
        call("POST", "/groups/" + g + "/members", supplier.key(), "{\"merchantId\":\"" + peerMerchant.id() + "\",\"cloudId\":\""
                + peer.cloudId + "\"}");
        peerMerchant.call(200, "PUT", "/groups/" + g + "/members/me", null);

        measured.put("PATCH /groups/{groupId}/rules", measure("PATCH", "/groups/" + g + "/rules", supplier.key(), "{\"expectedVersion\":0,\"set\":["
                + "{\"ownerId\":\"" + supplier.id() + "\",\"partnerId\":\"" + buyer.id() + "\",\"type\":\"order\",\"scope\":\"FULL\",\"push\":true}]}"));
        measured.put("PUT /records/{type}/{recordId}", measure("PUT", "/records/order/PO-1", supplier.key(), "{\"buyerId\":\"" + buyer.id() + "\"}"));
        measured.put("GET /records/{type}", measure("GET", "/records/order", supplier.key(), null));
        measured.put("GET /groups", measure("GET", "/groups", buyer.key(), null));
        measured.put("GET /groups/{groupId}", measure("GET", "/groups/" + g, buyer.key(), null));
        CALLS.reset();
        peerMerchant.call(200, "GET", "/groups/" + g, null); // on its own deployment: no key, no authorizer here
        measured.put("ANY /federation/v1/{proxy+}", new ArrayList<>(CALLS.calls()));
        measured.put("GET /groups/{groupId}/rules", measure("GET", "/groups/" + g + "/rules", buyer.key(), null));
        measured.put("GET /groups/{groupId}/providers", measure("GET", "/groups/" + g + "/providers", buyer.key(), null));
        // the supplier caps its orders for the buyer (as wide as the rule: the pull below reads the cap and is unchanged)
        measured.put("PATCH /groups/{groupId}/consent", measure("PATCH", "/groups/" + g + "/consent", supplier.key(),
                "{\"expectedVersion\":0,\"set\":[{\"partnerId\":\"" + buyer.id() + "\",\"type\":\"order\",\"maxScope\":\"FULL\"}]}"));
        measured.put("GET /groups/{groupId}/consent", measure("GET", "/groups/" + g + "/consent", supplier.key(), null));
        measured.put("GET /groups/{groupId}/explain", measure("GET", "/groups/" + g + "/explain?ownerId=" + supplier.id()
                + "&partnerId=" + buyer.id() + "&type=order", buyer.key(), null));
        measured.put("GET /groups/{groupId}/matrix", measure("GET", "/groups/" + g + "/matrix?type=order&limit=2", supplier.key(), null));
        measured.put("GET /groups/{groupId}/exchange/{ownerId}/{type}", measure("GET", "/groups/" + g + "/exchange/" + supplier.id() + "/order", buyer.key(), null));
        measured.put("POST /groups/{groupId}/exchange/{ownerId}/{type}", measure("POST", "/groups/" + g + "/exchange/" + supplier.id() + "/order", buyer.key(), "{\"po\":1}"));
        String pushed = call("POST", "/groups/" + g + "/exchange/" + supplier.id() + "/order", buyer.key(), "{\"po\":2}")
                .json().get("messageId").asText();
        measured.put("POST /inbox/{messageId}/ack", measure("POST", "/inbox/" + pushed + "/ack", supplier.key(), "{\"status\":\"ACCEPTED\"}"));
        measured.put("GET /pushes/{messageId}", measure("GET", "/pushes/" + pushed, buyer.key(), null));
        measured.put("PUT /merchants/me/webhook", measure("PUT", "/merchants/me/webhook", supplier.key(),
                "{\"url\":\"https://93.184.216.34/hook\",\"events\":[\"inbox.received\"]}"));
        measured.put("GET /merchants/me/webhook", measure("GET", "/merchants/me/webhook", supplier.key(), null));
        measured.put("GET /merchants/me/webhook/deliveries", measure("GET", "/merchants/me/webhook/deliveries", supplier.key(), null));
        measured.put("GET /receipts", measure("GET", "/receipts", supplier.key(), null));
        measured.put("DELETE /merchants/me/webhook", measure("DELETE", "/merchants/me/webhook", supplier.key(), null));
        measured.put("GET /inbox", measure("GET", "/inbox", supplier.key(), null));
        measured.put("GET /audit", measure("GET", "/audit", supplier.key(), null));
        measured.put("GET /merchants/me", measure("GET", "/merchants/me", buyer.key(), null));
        call("POST", "/groups/" + g + "/members", supplier.key(), "{\"merchantId\":\"" + late.id() + "\"}");
        measured.put("DELETE /groups/{groupId}/members/{merchantId}", measure("DELETE", "/groups/" + g + "/members/me", late.key(), null));
        measured.put("DELETE /groups/{groupId}", measure("DELETE", "/groups/" + g, supplier.key(), null));
        measured.put("POST /merchants/me/key", measure("POST", "/merchants/me/key", buyer.key(), null));
        CALLS.reset();
        call("GET", "/openapi.json", null, null); // no key: no authorizer, and no table
        measured.put("GET /openapi.json", new ArrayList<>(CALLS.calls()));
        String page = call("GET", "/console", null, null).text(); // static files from the jar: no authorizer, no table
        measured.put("GET /console", new ArrayList<>(CALLS.calls()));
        call("GET", ConsolePage.script(page), null, null);
        measured.put("GET /console/{proxy+}", new ArrayList<>(CALLS.calls()));
        CALLS.reset();
        call("GET", "/federation/identity", null, null); // no key: the hosted clouds, one Query on gsi1
        measured.put("GET /federation/identity", new ArrayList<>(CALLS.calls()));
        try (PeerDeployment peer = PeerDeployment.start("globex")) {
            measured.put("POST /peers", measure("POST", "/peers", OPERATOR_KEY, peer.registration()));
            measured.put("GET /peers", measure("GET", "/peers", OPERATOR_KEY, null));
            measured.put("DELETE /peers/{cloudId}", measure("DELETE", "/peers/globex", OPERATOR_KEY, null));
        }
        return measured;
    }

    @Test
    void everyRouteCostsTheSameInATwoAndAThousandMemberGroup() throws Exception {
        call("POST", "/clouds", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"Acme\"}");
        peer = Deployment.start("initech");
        call("POST", "/peers", OPERATOR_KEY, peer.registration());
        peer.trust("acme", api.baseUri(), fingerprint);
        peerMerchant = peer.merchant("Peer");
        Map<String, List<String>> small = routesIn(2);
        Map<String, List<String>> large = routesIn(1000);

        TreeSet<String> templateRoutes = template.httpRoutes().stream().map(TemplateModel.HttpRoute::routeKey)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(templateRoutes, new TreeSet<>(EXPECTED.keySet()), "every route of template.yaml has its expected cost");
        assertEquals(templateRoutes, new TreeSet<>(small.keySet()), "every route was measured");
        for (String route : EXPECTED.keySet()) {
            assertEquals(EXPECTED.get(route), small.get(route), route + " in a 2-member group");
            assertEquals(small.get(route), large.get(route), route + " does not grow with the group");
        }
        assertEquals("BatchGetItem", small.get("GET /groups/{groupId}/exchange/{ownerId}/{type}").get(0), "pull authorization is one BatchGetItem");
        for (String route : List.of("PUT /groups/{groupId}/members/me", "DELETE /groups/{groupId}/members/{merchantId}",
                "DELETE /groups/{groupId}", "PATCH /groups/{groupId}/rules", "PATCH /groups/{groupId}/consent")) {
            assertTrue(small.get(route).size() <= 2, route + " takes at most 2 round trips: " + small.get(route));
        }
    }
}
