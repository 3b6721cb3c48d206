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
        return events(body, "application/json; charset=utf-8");
    }

    private static HttpApiEvents events(byte[] body, String contentType) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (contentType != null) {
            headers.put("Content-Type", List.of(contentType));
        }
        headers.put("Connection", List.of("Upgrade, HTTP2-Settings"));
        headers.put("Upgrade", List.of("h2c"));
        headers.put("X-Forwarded-For", List.of("198.51.100.7"));
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
    void onlyTextTypesTravelAsTextAsApiGatewayPassesThem() {
        byte[] form = "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        for (String text : List.of("application/json", "Application/JSON; charset=UTF-8", "text/plain", "text/csv",
                "application/problem+json", "application/xml", "application/atom+xml", "application/javascript")) {
            APIGatewayV2HTTPEvent event = EventJson.mapper().convertValue(events(form, text).httpEvent(null), APIGatewayV2HTTPEvent.class);
            assertFalse(event.getIsBase64Encoded(), text);
            assertEquals("{\"name\":\"x\"}", event.getBody(), text);
        }
        java.util.Arrays.asList("application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/octet-stream", "image/png", "application/jsonx", null).forEach(binary -> {
            APIGatewayV2HTTPEvent event = EventJson.mapper().convertValue(events(form, binary).httpEvent(null), APIGatewayV2HTTPEvent.class);
            assertTrue(event.getIsBase64Encoded(), String.valueOf(binary));
            assertEquals(Base64.getEncoder().encodeToString(form), event.getBody(), String.valueOf(binary));
        });
    }

    @Test
    void aTextTypedBodyThatIsNotUtf8KeepsItsExactBytes() {
        byte[] latin1 = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        APIGatewayV2HTTPEvent event = EventJson.mapper().convertValue(events(latin1, "application/json").httpEvent(null),
                APIGatewayV2HTTPEvent.class);
        assertTrue(event.getIsBase64Encoded());
        assertEquals(Base64.getEncoder().encodeToString(latin1), event.getBody());
    }

    @Test
    void theHeadersAreThoseApiGatewayPasses() {
        Map<String, String> headers = EventJson.mapper().convertValue(events("{}".getBytes(StandardCharsets.UTF_8)).httpEvent(null),
                APIGatewayV2HTTPEvent.class).getHeaders();
        assertEquals("Bearer osk_x", headers.get("authorization"));
        assertEquals("2", headers.get("content-length"));
        assertEquals("application/json; charset=utf-8", headers.get("content-type"));
        assertEquals("198.51.100.7, 127.0.0.1", headers.get("x-forwarded-for"));
        assertEquals("3000", headers.get("x-forwarded-port"));
        assertEquals("http", headers.get("x-forwarded-proto"));
        assertTrue(headers.get("x-amzn-trace-id").matches("Root=1-[0-9a-f]{8}-[0-9a-f]{24}"), headers.get("x-amzn-trace-id"));
        assertEquals(Long.toHexString(AT.getEpochSecond()), headers.get("x-amzn-trace-id").substring(7, 15));
        assertFalse(headers.containsKey("connection") || headers.containsKey("upgrade"), "the connection's own headers stay");
        assertEquals("0", EventJson.mapper().convertValue(events(new byte[0]).httpEvent(null), APIGatewayV2HTTPEvent.class)
                .getHeaders().get("content-length"));
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
