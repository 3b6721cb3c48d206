package orgshare.functions;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import orgshare.functions.handler.CreateCloudHandler;
import orgshare.functions.handler.CreateGroupHandler;
import orgshare.functions.handler.CreateMerchantHandler;
import orgshare.functions.handler.GetGroupHandler;
import orgshare.functions.handler.GetMeHandler;
import orgshare.functions.handler.ListGroupsHandler;
import orgshare.shared.Orgshare;
import orgshare.shared.auth.Caller;

import java.util.Map;

import static orgshare.functions.TestEvents.http;
import static orgshare.functions.TestEvents.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The foundation's story through the real handlers: the operator registers a cloud and two merchants, one creates a
 * group, each reads what it may. The same scenario runs on DynamoDB Local and, where Docker exists, on LocalStack.
 */
public final class FoundationScenario {
    private FoundationScenario() {
    }

    public static void run(Orgshare app) {
        Caller operator = Caller.operator();
        APIGatewayV2HTTPResponse cloud = Lambdas.http(new CreateCloudHandler(app), http("POST", "/clouds", operator, "{\"cloudId\":\"acme\",\"name\":\"Acme\"}"), null);
        assertEquals(201, cloud.getStatusCode(), cloud.getBody());
        assertEquals("acme", json(cloud).get("cloudId").asText());

        APIGatewayV2HTTPResponse again = Lambdas.http(new CreateCloudHandler(app), http("POST", "/clouds", operator, "{\"cloudId\":\"acme\",\"name\":\"Other\"}"), null);
        assertEquals(409, again.getStatusCode());
        assertEquals("CLOUD_EXISTS", json(again).get("error").get("code").asText());

        JsonNode a = createMerchant(app, "Supplier A");
        JsonNode b = createMerchant(app, "Buyer B");
        Caller callerA = Caller.merchant(a.get("merchantId").asText(), "acme");
        Caller callerB = Caller.merchant(b.get("merchantId").asText(), "acme");

        APIGatewayV2HTTPResponse me = Lambdas.http(new GetMeHandler(app), http("GET", "/merchants/me", callerA, null), null);
        assertEquals(200, me.getStatusCode());
        assertEquals(a.get("merchantId").asText(), json(me).get("merchantId").asText());
        assertEquals("Supplier A", json(me).get("name").asText());
        assertFalse(json(me).has("apiKey"), "the key is shown once, at creation");

        APIGatewayV2HTTPResponse group = Lambdas.http(new CreateGroupHandler(app), http("POST", "/groups", callerA, "{\"name\":\"Purchasing\"}"), null);
        assertEquals(201, group.getStatusCode(), group.getBody());
        String groupId = json(group).get("groupId").asText();
        assertEquals(callerA.merchantId(), json(group).get("creatorId").asText());
        assertEquals("ACTIVE", json(group).get("status").asText());

        APIGatewayV2HTTPResponse read = Lambdas.http(new GetGroupHandler(app), http("GET", "/groups/{groupId}", callerA, null, Map.of("groupId", groupId), null), null);
        assertEquals(200, read.getStatusCode(), read.getBody());
        JsonNode detail = json(read);
        assertEquals(1, detail.get("memberCount").asInt());
        assertEquals(1, detail.get("members").size());
        JsonNode creator = detail.get("members").get(0);
        assertEquals(callerA.merchantId(), creator.get("merchantId").asText());
        assertEquals("CREATOR", creator.get("role").asText());
        assertEquals("ACTIVE", creator.get("status").asText());
        assertFalse(creator.has("linkId"), "no link with oneself");
        assertFalse(detail.has("cursor"));

        APIGatewayV2HTTPResponse mine = Lambdas.http(new ListGroupsHandler(app), http("GET", "/groups", callerA, null), null);
        assertEquals(200, mine.getStatusCode());
        JsonNode listed = json(mine).get("groups");
        assertEquals(1, listed.size());
        assertEquals(groupId, listed.get(0).get("groupId").asText());
        assertEquals("CREATOR", listed.get(0).get("role").asText());
        assertEquals("ACTIVE", listed.get(0).get("memberStatus").asText());

        APIGatewayV2HTTPResponse outsider = Lambdas.http(new GetGroupHandler(app), http("GET", "/groups/{groupId}", callerB, null, Map.of("groupId", groupId), null), null);
        assertEquals(404, outsider.getStatusCode());
        assertEquals("GROUP_NOT_FOUND", json(outsider).get("error").get("code").asText());

        APIGatewayV2HTTPResponse bGroups = Lambdas.http(new ListGroupsHandler(app), http("GET", "/groups", callerB, null), null);
        assertEquals(200, bGroups.getStatusCode());
        assertEquals(0, json(bGroups).get("groups").size());
    }

    static JsonNode createMerchant(Orgshare app, String name) {
        APIGatewayV2HTTPResponse response = Lambdas.http(new CreateMerchantHandler(app), http("POST", "/merchants", Caller.operator(), "{\"cloudId\":\"acme\",\"name\":\"" + name + "\"}"), null);
        assertEquals(201, response.getStatusCode(), response.getBody());
        JsonNode body = json(response);
        assertNotNull(body.get("merchantId"));
        assertTrue(body.get("apiKey").asText().startsWith("osk_"));
        return body;
    }
}
