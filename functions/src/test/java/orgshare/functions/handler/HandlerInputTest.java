package orgshare.functions.handler;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import orgshare.functions.Lambdas;
import orgshare.functions.HttpContract;
import orgshare.shared.Orgshare;
import orgshare.shared.auth.Caller;
import orgshare.shared.service.CloudService;
import orgshare.shared.service.GroupService;
import orgshare.shared.service.MerchantService;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.testing.TableSnapshot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static orgshare.functions.TestEvents.http;
import static orgshare.functions.TestEvents.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input and wrong callers: a 4xx in the one error shape, a message a person can act on, and nothing written. */
class HandlerInputTest {
    private static Orgshare app;
    private static Caller merchant;
    private static String groupId;

    @BeforeAll
    static void setUp() {
        app = DynamoDbLocal.newApp(DynamoDbLocal.client(), Map.of());
        app.clouds().register(Caller.operator(), new CloudService.CreateCloud("acme", "Acme"));
        MerchantService.MerchantView m = app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("acme", "Supplier"));
        merchant = Caller.merchant(m.merchantId(), "acme");
        groupId = app.groups().create(merchant, new GroupService.CreateGroup("Purchasing")).groupId();
    }

    private record Case(String label, RequestStreamHandler handler,
                        APIGatewayV2HTTPEvent event, int status, String code) {
    }

    private static APIGatewayV2HTTPEvent post(String route, Caller caller, String body) {
        return http("POST", route, caller, body);
    }

    private static APIGatewayV2HTTPEvent getGroup(Caller caller, String id, Map<String, String> query) {
        Map<String, String> path = new HashMap<>();
        path.put("groupId", id);
        return http("GET", "/groups/{groupId}", caller, null, path, query);
    }

    private static APIGatewayV2HTTPEvent record(Caller caller, String type, String recordId, String body) {
        return http("PUT", "/records/{type}/{recordId}", caller, body, Map.of("type", type, "recordId", recordId), null);
    }

    private static APIGatewayV2HTTPEvent patchRules(Caller caller, String body) {
        return http("PATCH", "/groups/{groupId}/rules", caller, body, Map.of("groupId", groupId), null);
    }

    private static APIGatewayV2HTTPEvent exchange(String method, Caller caller, String ownerId, String type, String body) {
        return http(method, "/groups/{groupId}/exchange/{ownerId}/{type}", caller, body,
                Map.of("groupId", groupId, "ownerId", ownerId, "type", type), null);
    }

    /** {@code event} with {@code bytes} as its body, base64-encoded as API Gateway passes a body that is not text. */
    private static APIGatewayV2HTTPEvent base64(APIGatewayV2HTTPEvent event, int... bytes) {
        byte[] body = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            body[i] = (byte) bytes[i];
        }
        event.setBody(java.util.Base64.getEncoder().encodeToString(body));
        event.setIsBase64Encoded(true);
        return event;
    }

    @Test
    void refusedCallsAnswerInTheErrorShapeAndWriteNothing() {
        Caller operator = Caller.operator();
        CreateCloudHandler clouds = new CreateCloudHandler(app);
        CreateMerchantHandler merchants = new CreateMerchantHandler(app);
        CreateGroupHandler groups = new CreateGroupHandler(app);
        GetGroupHandler group = new GetGroupHandler(app);
        ListGroupsHandler mine = new ListGroupsHandler(app);
        PutRecordHandler putRecord = new PutRecordHandler(app);
        ListRecordsHandler listRecords = new ListRecordsHandler(app);
        ChangeRulesHandler rules = new ChangeRulesHandler(app);
        GetRulesHandler getRules = new GetRulesHandler(app);
        ListProvidersHandler providers = new ListProvidersHandler(app);
        PullRecordsHandler pull = new PullRecordsHandler(app);
        PushDocumentHandler push = new PushDocumentHandler(app);
        ListInboxHandler inbox = new ListInboxHandler(app);
        ListAuditHandler audit = new ListAuditHandler(app);
        List<Case> cases = List.of(
                new Case("no authorizer context", groups, post("/groups", null, "{\"name\":\"x\"}"), 401, "MISSING_KEY"),
                new Case("invalid key", groups, post("/groups", Caller.anonymous("INVALID_KEY"), "{\"name\":\"x\"}"), 401, "INVALID_KEY"),
                new Case("merchant registers a cloud", clouds, post("/clouds", merchant, "{\"cloudId\":\"x\",\"name\":\"x\"}"), 403, "FORBIDDEN"),
                new Case("merchant creates a merchant", merchants, post("/merchants", merchant, "{\"cloudId\":\"acme\",\"name\":\"x\"}"), 403, "FORBIDDEN"),
                new Case("operator creates a group", groups, post("/groups", operator, "{\"name\":\"x\"}"), 403, "FORBIDDEN"),
                new Case("operator reads a group", group, getGroup(operator, groupId, null), 403, "FORBIDDEN"),
                new Case("no body", groups, post("/groups", merchant, null), 400, "MALFORMED_JSON"),
                new Case("malformed JSON", groups, post("/groups", merchant, "{\"name\":"), 400, "MALFORMED_JSON"),
                new Case("array body", groups, post("/groups", merchant, "[]"), 400, "VALIDATION_FAILED"),
                new Case("unknown field", groups, post("/groups", merchant, "{\"name\":\"x\",\"creatorId\":\"y\"}"), 400, "VALIDATION_FAILED"),
                new Case("missing name", groups, post("/groups", merchant, "{}"), 400, "VALIDATION_FAILED"),
                new Case("wrong type", groups, post("/groups", merchant, "{\"name\":7}"), 400, "VALIDATION_FAILED"),
                new Case("empty name", groups, post("/groups", merchant, "{\"name\":\"\"}"), 400, "VALIDATION_FAILED"),
                new Case("over-long name", groups, post("/groups", merchant, "{\"name\":\"" + "x".repeat(201) + "\"}"), 400, "VALIDATION_FAILED"),
                new Case("control character", groups, post("/groups", merchant, "{\"name\":\"a\\u0007b\"}"), 400, "VALIDATION_FAILED"),
                new Case("huge body", groups, post("/groups", merchant, "{\"name\":\"" + "x".repeat(70_000) + "\"}"), 413, "PAYLOAD_TOO_LARGE"),
                new Case("cloudId with #", clouds, post("/clouds", operator, "{\"cloudId\":\"a#b\",\"name\":\"x\"}"), 400, "VALIDATION_FAILED"),
                new Case("cloudId with /", clouds, post("/clouds", operator, "{\"cloudId\":\"a/b\",\"name\":\"x\"}"), 400, "VALIDATION_FAILED"),
                new Case("over-long cloudId", clouds, post("/clouds", operator, "{\"cloudId\":\"" + "a".repeat(64) + "\",\"name\":\"x\"}"), 400, "VALIDATION_FAILED"),
                new Case("unknown cloud", merchants, post("/merchants", operator, "{\"cloudId\":\"nowhere\",\"name\":\"x\"}"), 404, "CLOUD_NOT_FOUND"),
                new Case("duplicate cloud", clouds, post("/clouds", operator, "{\"cloudId\":\"acme\",\"name\":\"x\"}"), 409, "CLOUD_EXISTS"),
                new Case("groupId with #", group, getGroup(merchant, "GROUP#" + groupId, null), 400, "VALIDATION_FAILED"),
                new Case("over-long groupId", group, getGroup(merchant, groupId + "0000", null), 400, "VALIDATION_FAILED"),
                new Case("unknown group", group, getGroup(merchant, "01JDGR0P00000000000000000Z", null), 404, "GROUP_NOT_FOUND"),
                new Case("limit 0", group, getGroup(merchant, groupId, Map.of("limit", "0")), 400, "VALIDATION_FAILED"),
                new Case("huge limit", group, getGroup(merchant, groupId, Map.of("limit", "100000")), 400, "VALIDATION_FAILED"),
                new Case("forged cursor", group, getGroup(merchant, groupId, Map.of("cursor", "TUVNQkVSIzAx")), 400, "INVALID_CURSOR"),
                new Case("forged list cursor", mine, http("GET", "/groups", merchant, null, null, Map.of("cursor", "eyJwayI6IngifQ")), 400, "INVALID_CURSOR"),
                new Case("record too large", putRecord, record(merchant, "order", "PO-1", "{\"x\":\"" + "y".repeat(270_000) + "\"}"), 413, "PAYLOAD_TOO_LARGE"),
                new Case("record not an object", putRecord, record(merchant, "order", "PO-1", "[{\"x\":1}]"), 400, "VALIDATION_FAILED"),
                new Case("record type with #", putRecord, record(merchant, "or#der", "PO-1", "{}"), 400, "VALIDATION_FAILED"),
                new Case("record ID with /", putRecord, record(merchant, "order", "PO/1", "{}"), 400, "VALIDATION_FAILED"),
                new Case("operator stores a record", putRecord, record(operator, "order", "PO-1", "{}"), 403, "FORBIDDEN"),
                new Case("records since garbage", listRecords, http("GET", "/records/{type}", merchant, null, Map.of("type", "order"), Map.of("since", "last week")), 400, "VALIDATION_FAILED"),
                new Case("rules: version as a string", rules, patchRules(merchant, "{\"expectedVersion\":\"0\",\"set\":[]}"), 400, "VALIDATION_FAILED"),
                new Case("rules: unknown field", rules, patchRules(merchant, "{\"expectedVersion\":0,\"replace\":true}"), 400, "VALIDATION_FAILED"),
                new Case("rules: filter value a number", rules, patchRules(merchant, "{\"expectedVersion\":0,\"set\":[{\"ownerId\":\"" + merchant.merchantId()
                        + "\",\"partnerId\":\"*\",\"type\":\"order\",\"scope\":\"FULL\",\"filter\":{\"n\":7}}]}"), 400, "VALIDATION_FAILED"),
                new Case("rules: nothing to change", rules, patchRules(merchant, "{\"expectedVersion\":0}"), 400, "VALIDATION_FAILED"),
                new Case("rules: forged cursor", getRules, http("GET", "/groups/{groupId}/rules", merchant, null, Map.of("groupId", groupId), Map.of("cursor", "MTpSVUxFI3g")), 400, "INVALID_CURSOR"),
                new Case("providers of an unknown group", providers, http("GET", "/groups/{groupId}/providers", merchant, null, Map.of("groupId", "01JDGR0P00000000000000000Z"), null), 404, "GROUP_NOT_FOUND"),
                new Case("pull from oneself", pull, exchange("GET", merchant, merchant.merchantId(), "order", null), 400, "SELF_EXCHANGE"),
                new Case("pull with owner 'me'", pull, exchange("GET", merchant, "me", "order", null), 400, "VALIDATION_FAILED"),
                new Case("pull from a non-member", pull, exchange("GET", merchant, "01JDMERCHANT000000000000ZZ", "order", null), 404, "OWNER_NOT_FOUND"),
                new Case("push a string", push, exchange("POST", merchant, "01JDMERCHANT000000000000ZZ", "po", "\"order 42\""), 400, "VALIDATION_FAILED"),
                new Case("push too large", push, exchange("POST", merchant, "01JDMERCHANT000000000000ZZ", "po", "{\"x\":\"" + "y".repeat(270_000) + "\"}"), 413, "PAYLOAD_TOO_LARGE"),
                new Case("record of invalid UTF-8", putRecord, base64(record(merchant, "order", "PO-1", null), 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D), 400, "MALFORMED_JSON"),
                new Case("record with an encoded surrogate", putRecord, base64(record(merchant, "order", "PO-1", null), 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D), 400, "MALFORMED_JSON"),
                new Case("record with a raw lone surrogate", putRecord, record(merchant, "order", "PO-1", "{\"a\":\"x\uD800\"}"), 400, "MALFORMED_JSON"),
                new Case("record with an escaped lone surrogate", putRecord, record(merchant, "order", "PO-1", "{\"a\":\"\\udc00\"}"), 400, "MALFORMED_JSON"),
                new Case("record of -0.0 with a high surrogate before a non-low one", putRecord, record(merchant, "order", "PO-1", "{\"n\":-0.0,\"a\":\"\\ud800\\u0041\"}"), 400, "MALFORMED_JSON"),
                new Case("push of invalid UTF-8", push, base64(exchange("POST", merchant, "01JDMERCHANT000000000000ZZ", "po", null), 0x7B, 0x22, 0x61, 0x22, 0x3A, 0xFF, 0x7D), 400, "MALFORMED_JSON"),
                new Case("push with an escaped lone surrogate", push, exchange("POST", merchant, "01JDMERCHANT000000000000ZZ", "po", "{\"\\ud800\":1}"), 400, "MALFORMED_JSON"),
                new Case("group name of invalid UTF-8", groups, base64(post("/groups", merchant, null), 0x7B, 0x22, 0x6E, 0x61, 0x6D, 0x65, 0x22, 0x3A, 0x22, 0x80, 0x22, 0x7D), 400, "MALFORMED_JSON"),
                new Case("group name with a raw lone surrogate", groups, post("/groups", merchant, "{\"name\":\"\uDC00x\"}"), 400, "MALFORMED_JSON"),
                new Case("group name with an escaped lone surrogate", groups, post("/groups", merchant, "{\"name\":\"x\\ud800\"}"), 400, "MALFORMED_JSON"),
                new Case("inbox forged cursor", inbox, http("GET", "/inbox", merchant, null, null, Map.of("cursor", "MTp4")), 400, "INVALID_CURSOR"),
                new Case("audit huge limit", audit, http("GET", "/audit", merchant, null, null, Map.of("limit", "5000")), 400, "VALIDATION_FAILED"));

        List<String> before = TableSnapshot.of(app.table().client(), app.table().name());
        for (Case c : cases) {
            APIGatewayV2HTTPResponse response = HttpContract.checked(c.event(), Lambdas.http(c.handler(), c.event(), null));
            assertEquals(c.status(), response.getStatusCode(), c.label() + ": " + response.getBody());
            assertEquals("application/json", response.getHeaders().get("content-type"), c.label());
            JsonNode body = json(response);
            assertEquals(1, body.size(), c.label() + ": only 'error' at the top");
            assertEquals(c.code(), body.get("error").get("code").asText(), c.label());
            String message = body.get("error").get("message").asText();
            assertFalse(message.isBlank(), c.label());
            assertFalse(message.contains("Exception") || message.contains("orgshare.") || message.contains("software.amazon"),
                    c.label() + " leaks an internal name: " + message);
        }
        assertEquals(before, TableSnapshot.of(app.table().client(), app.table().name()), "a refused call wrote something");
    }

    @Test
    void base64BodiesAreDecoded() {
        APIGatewayV2HTTPEvent event = post("/groups", merchant,
                java.util.Base64.getEncoder().encodeToString("{\"name\":\"Encoded\"}".getBytes()));
        event.setIsBase64Encoded(true);
        APIGatewayV2HTTPResponse response = Lambdas.http(new CreateGroupHandler(app), event, null);
        assertEquals(201, response.getStatusCode(), response.getBody());
        assertEquals("Encoded", json(response).get("name").asText());
        assertTrue(json(response).get("groupId").asText().length() == 26);
    }
}
