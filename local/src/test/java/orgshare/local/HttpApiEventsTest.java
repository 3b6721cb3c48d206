package orgshare.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import orgshare.local.HttpApiEvents.IncomingRequest;
import orgshare.local.TemplateModel.Authorizer;
import orgshare.local.TemplateModel.HttpRoute;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The events have API Gateway's payload 2.0 shape and read into the Lambda event classes the handlers take. */
class HttpApiEventsTest {
    private static final Authorizer AUTHORIZER = new Authorizer("KeyAuthorizer", "AuthorizerFunction", "2.0", true,
            List.of(), List.of());
    private static final HttpRoute ROUTE = new HttpRoute("GET", "/groups/{groupId}", "GetGroupFunction", "HttpApi", AUTHORIZER);
    private static final Instant AT = Instant.parse("2026-11-25T10:00:00Z");

    private static HttpApiEvents events(byte[] body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Authorization", List.of("Bearer osk_x"));
        headers.put("X-Trace", List.of("a", "b"));
        headers.put("Cookie", List.of("s=1; t=2"));
        headers.put("Host", List.of("localhost:3000"));
        headers.put("User-Agent", List.of("curl/8"));
        IncomingRequest request = new IncomingRequest("GET", "/groups/G%231", "limit=5&tag=a&tag=b+c&flag", headers,
                body, "127.0.0.1", "HTTP/1.1", 3000);
        RouteTable.Match match = new RouteTable(List.of(ROUTE)).match("GET", "/groups/G%231").orElseThrow();
        return new HttpApiEvents(request, match, "Jk3dKhYxIAMEbxQ=", AT);
    }

    @Test
    void theIntegrationEventCarriesTheRequestAndTheAuthorizersContext() {
        JsonNode context = EventJson.mapper().createObjectNode().put("principal", "OPERATOR");
        JsonNode json = events("{\"a\":1}".getBytes(StandardCharsets.UTF_8)).httpEvent(context);
        assertEquals("2.0", json.get("version").asText());
        assertEquals("GET /groups/{groupId}", json.get("routeKey").asText());
        assertEquals("/groups/G%231", json.get("rawPath").asText());
        assertEquals("limit=5&tag=a&tag=b+c&flag", json.get("rawQueryString").asText());
        assertEquals("25/Nov/2026:10:00:00 +0000", json.at("/requestContext/time").asText());
        assertEquals("$default", json.at("/requestContext/stage").asText());
        assertEquals("curl/8", json.at("/requestContext/http/userAgent").asText());

        APIGatewayV2HTTPEvent event = EventJson.mapper().convertValue(json, APIGatewayV2HTTPEvent.class);
        assertEquals(Map.of("groupId", "G#1"), event.getPathParameters());
        assertEquals(Map.of("limit", "5", "tag", "a,b c", "flag", ""), event.getQueryStringParameters());
        assertEquals("a,b", event.getHeaders().get("x-trace"));
        assertEquals("Bearer osk_x", event.getHeaders().get("authorization"));
        assertFalse(event.getHeaders().containsKey("cookie"));
        assertEquals(List.of("s=1", "t=2"), event.getCookies());
        assertEquals("{\"a\":1}", event.getBody());
        assertFalse(event.getIsBase64Encoded());
        assertEquals("OPERATOR", event.getRequestContext().getAuthorizer().getLambda().get("principal"));
        assertEquals("GET", event.getRequestContext().getHttp().getMethod());
        assertEquals("Jk3dKhYxIAMEbxQ=", event.getRequestContext().getRequestId());
        assertEquals(AT.toEpochMilli(), event.getRequestContext().getTimeEpoch());
        assertEquals("localhost", event.getRequestContext().getDomainName());
    }

    @Test
    void aBodyThatIsNotUtf8TravelsBase64Encoded() {
        byte[] binary = {(byte) 0xff, (byte) 0xfe, 0, 1};
        APIGatewayV2HTTPEvent event = EventJson.mapper().convertValue(events(binary).httpEvent(null), APIGatewayV2HTTPEvent.class);
        assertTrue(event.getIsBase64Encoded());
        assertEquals(Base64.getEncoder().encodeToString(binary), event.getBody());
        assertNull(event.getRequestContext().getAuthorizer());
    }

    @Test
    void theAuthorizerEventIsARequestEventWithoutTheBody() {
        HttpApiEvents events = events("{}".getBytes(StandardCharsets.UTF_8));
        JsonNode json = events.authorizerEvent(events.identitySource(AUTHORIZER));
        assertEquals("REQUEST", json.get("type").asText());
        assertFalse(json.has("body"));
        assertEquals("arn:aws:execute-api:us-east-1:123456789012:local/$default/GET/groups/G%231", json.get("routeArn").asText());
        APIGatewayV2CustomAuthorizerEvent event =
                EventJson.mapper().convertValue(json, APIGatewayV2CustomAuthorizerEvent.class);
        assertEquals("Bearer osk_x", event.getHeaders().get("authorization"));
        assertEquals("GET /groups/{groupId}", event.getRouteKey());
        assertEquals(Map.of("groupId", "G#1"), event.getPathParameters());
        assertEquals(List.of(), event.getIdentitySource());
    }

    @Test
    void aMissingIdentitySourceMeansNoAuthorizerCall() {
        Authorizer byHeader = new Authorizer("A", "F", "2.0", true, List.of("Authorization"), List.of());
        Authorizer byMissingHeader = new Authorizer("A", "F", "2.0", true, List.of("X-Api-Key"), List.of());
        HttpApiEvents events = events(new byte[0]);
        assertEquals(List.of("Bearer osk_x"), events.identitySource(byHeader));
        assertNull(events.identitySource(byMissingHeader));
    }
}
