package orgshare.functions.handler;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
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

    private record Case(String label, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler,
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

    @Test
    void refusedCallsAnswerInTheErrorShapeAndWriteNothing() {
        Caller operator = Caller.operator();
        CreateCloudHandler clouds = new CreateCloudHandler(app);
        CreateMerchantHandler merchants = new CreateMerchantHandler(app);
        CreateGroupHandler groups = new CreateGroupHandler(app);
        GetGroupHandler group = new GetGroupHandler(app);
        ListGroupsHandler mine = new ListGroupsHandler(app);
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
                new Case("forged list cursor", mine, http("GET", "/groups", merchant, null, null, Map.of("cursor", "eyJwayI6IngifQ")), 400, "INVALID_CURSOR"));

        List<String> before = TableSnapshot.of(app.table().client(), app.table().name());
        for (Case c : cases) {
            APIGatewayV2HTTPResponse response = c.handler().handleRequest(c.event(), null);
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
        APIGatewayV2HTTPResponse response = new CreateGroupHandler(app).handleRequest(event, null);
        assertEquals(201, response.getStatusCode(), response.getBody());
        assertEquals("Encoded", json(response).get("name").asText());
        assertTrue(json(response).get("groupId").asText().length() == 26);
    }
}
