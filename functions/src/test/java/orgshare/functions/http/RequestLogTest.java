package orgshare.functions.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import orgshare.functions.Lambdas;
import orgshare.functions.CapturingContext;
import orgshare.functions.handler.PullRecordsHandler;
import orgshare.functions.handler.PutRecordHandler;
import orgshare.shared.Orgshare;
import orgshare.shared.auth.ApiKeys;
import orgshare.shared.auth.Caller;
import orgshare.shared.json.Json;
import orgshare.shared.service.CloudService;
import orgshare.shared.service.GroupService;
import orgshare.shared.service.MembershipService;
import orgshare.shared.service.MerchantService;
import orgshare.shared.service.RuleService;
import orgshare.shared.testing.CallCounter;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.testing.FaultInjector;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static orgshare.functions.TestEvents.http;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One structured JSON line per request: who, what, how it ended, how long, how many DynamoDB calls; never a key or a body. */
class RequestLogTest {
    private final CallCounter calls = new CallCounter();
    private final FaultInjector faults = new FaultInjector();
    private final Orgshare app = DynamoDbLocal.newApp(DynamoDbLocal.client(calls, faults), Map.of());

    private static JsonNode onlyLine(CapturingContext context) {
        List<String> lines = context.lines();
        assertEquals(1, lines.size(), lines.toString());
        return Json.decodeTree(lines.get(0));
    }

    @Test
    void eachRequestLogsOneLineWithItsCostAndNoSecrets() {
        app.clouds().register(Caller.operator(), new CloudService.CreateCloud("acme", "Acme"));
        MerchantService.MerchantView ownerView = app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("acme", "Owner"));
        Caller owner = Caller.merchant(ownerView.merchantId(), "acme");
        Caller partner = Caller.merchant(app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("acme", "P")).merchantId(), "acme");
        String g = app.groups().create(owner, new GroupService.CreateGroup("G")).groupId();
        app.memberships().invite(owner, g, new MembershipService.InviteMember(partner.merchantId()));
        app.memberships().join(partner, g);
        app.rules().change(owner, g, new RuleService.RuleChanges(0L, List.of(new RuleService.RuleInput(
                owner.merchantId(), partner.merchantId(), "order", "FULL", null, null, false)), null));

        APIGatewayV2HTTPEvent put = http("PUT", "/records/{type}/{recordId}", owner, "{\"secret\":\"TOP-SECRET-BODY\"}",
                Map.of("type", "order", "recordId", "PO-1"), null);
        put.setHeaders(new HashMap<>(Map.of("authorization", "Bearer " + ownerView.apiKey())));
        CapturingContext putContext = new CapturingContext("req-put");
        assertEquals(200, Lambdas.http(new PutRecordHandler(app), put, putContext).getStatusCode());
        JsonNode putLine = onlyLine(putContext);
        assertEquals("req-put", putLine.get("requestId").asText());
        assertEquals("PUT /records/{type}/{recordId}", putLine.get("route").asText());
        assertEquals(owner.merchantId(), putLine.get("merchantId").asText());
        assertEquals(200, putLine.get("status").asInt());
        assertEquals(1, putLine.get("dynamoDbCalls").asInt());
        assertTrue(putLine.get("latencyMs").asDouble() > 0);
        String text = putContext.lines().get(0);
        assertFalse(text.contains(ownerView.apiKey()) || text.contains(ApiKeys.hash(ownerView.apiKey())), "no key in logs");
        assertFalse(text.contains("TOP-SECRET-BODY"), "no record body in logs");

        APIGatewayV2HTTPEvent pull = http("GET", "/groups/{groupId}/exchange/{ownerId}/{type}", partner, null,
                Map.of("groupId", g, "ownerId", owner.merchantId(), "type", "order"), null);
        CapturingContext pullContext = new CapturingContext("req-pull");
        calls.reset();
        assertEquals(200, Lambdas.http(new PullRecordsHandler(app), pull, pullContext).getStatusCode());
        JsonNode pullLine = onlyLine(pullContext);
        assertEquals(calls.count(), pullLine.get("dynamoDbCalls").asInt(), "the count matches the SDK's own: " + calls.calls());
        assertFalse(pullContext.lines().get(0).contains("TOP-SECRET-BODY"), "no pulled content in logs");

        faults.failAfter("Query", 0);
        CapturingContext failedContext = new CapturingContext("req-failed");
        assertEquals(503, Lambdas.http(new PullRecordsHandler(app), pull, failedContext).getStatusCode());
        faults.disarm();
        JsonNode failedLine = onlyLine(failedContext);
        assertEquals("ERROR", failedLine.get("level").asText());
        assertEquals("UNAVAILABLE", failedLine.get("errorCode").asText());
        assertTrue(failedLine.get("cause").asText().contains("injected failure in Query"), "the cause is logged: " + failedLine);

        CapturingContext refusedContext = new CapturingContext("req-refused");
        assertEquals(401, Lambdas.http(new PullRecordsHandler(app), http("GET", "/groups/{groupId}/exchange/{ownerId}/{type}", Caller.anonymous("INVALID_KEY"), null,
                        Map.of("groupId", g, "ownerId", owner.merchantId(), "type", "order"), null), refusedContext).getStatusCode());
        JsonNode refusedLine = onlyLine(refusedContext);
        assertEquals("INFO", refusedLine.get("level").asText());
        assertEquals("INVALID_KEY", refusedLine.get("errorCode").asText());
        assertEquals(0, refusedLine.get("dynamoDbCalls").asInt());
    }
}
