package orgshare.functions.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import orgshare.functions.Lambdas;
import orgshare.functions.handler.AuthorizerHandler;
import orgshare.functions.handler.ConsoleHandler;
import orgshare.shared.Orgshare;
import orgshare.shared.auth.ApiKeys;
import orgshare.shared.auth.Caller;
import orgshare.shared.service.CloudService;
import orgshare.shared.service.MerchantService;
import orgshare.shared.testing.DynamoDbLocal;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The invocation's bytes in and out: {@link HttpEvent} reads what API Gateway sends (payload 2.0) and skips the rest,
 * {@link HttpResult} writes what API Gateway reads back, and a stream that is no event is refused in the one error shape.
 */
class HttpEventTest {
    /** An event as API Gateway sends it (HTTP API, payload 2.0, after a Lambda authorizer with simple responses). */
    private static final String GATEWAY_EVENT = """
            {
              "version": "2.0",
              "routeKey": "POST /groups/{groupId}/members",
              "rawPath": "/groups/01JDGROUP/members",
              "rawQueryString": "limit=10&cursor=abc%3D",
              "cookies": ["session=1", "theme=dark"],
              "headers": {
                "accept": "application/json",
                "content-type": "application/json",
                "host": "abc123.execute-api.eu-west-1.amazonaws.com",
                "idempotency-key": "k-1",
                "x-forwarded-for": "203.0.113.7"
              },
              "queryStringParameters": {"limit": "10", "cursor": "abc="},
              "requestContext": {
                "accountId": "123456789012",
                "apiId": "abc123",
                "authorizer": {
                  "lambda": {"principal": "MERCHANT", "merchantId": "01JDMERCHANT", "cloudId": "acme",
                             "verified": true, "weight": 3, "ratio": 0.5, "nested": {"a": [1, 2]}, "list": ["x"]}
                },
                "domainName": "abc123.execute-api.eu-west-1.amazonaws.com",
                "domainPrefix": "abc123",
                "http": {
                  "method": "POST",
                  "path": "/groups/01JDGROUP/members",
                  "protocol": "HTTP/1.1",
                  "sourceIp": "203.0.113.7",
                  "userAgent": "curl/8.5.0"
                },
                "requestId": "JKJaXmPLvHcESHA=",
                "routeKey": "POST /groups/{groupId}/members",
                "stage": "$default",
                "time": "10/Mar/2026:19:03:58 +0000",
                "timeEpoch": 1773169438000
              },
              "pathParameters": {"groupId": "01JDGROUP"},
              "stageVariables": {"tier": "prod"},
              "body": "eyJtZXJjaGFudElkIjoiMDFKRE1FUkNIQU5UQiJ9",
              "isBase64Encoded": true
            }
            """;

    private static final ObjectMapper PLAIN = new ObjectMapper();

    private static HttpEvent read(String json) throws IOException {
        return HttpEvent.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aGatewayEventReadsToTheFieldsAHandlerUses() throws IOException {
        HttpEvent event = read(GATEWAY_EVENT);
        assertEquals("POST /groups/{groupId}/members", event.routeKey());
        assertEquals("POST", event.method());
        assertEquals("/groups/01JDGROUP/members", event.rawPath());
        assertEquals("limit=10&cursor=abc%3D", event.rawQueryString());
        assertEquals(Map.of("accept", "application/json", "content-type", "application/json",
                "host", "abc123.execute-api.eu-west-1.amazonaws.com", "idempotency-key", "k-1",
                "x-forwarded-for", "203.0.113.7"), event.headers());
        assertEquals(Map.of("groupId", "01JDGROUP"), event.pathParameters());
        assertEquals(Map.of("limit", "10", "cursor", "abc="), event.queryStringParameters());
        assertEquals("01JDGROUP", event.pathParameter("groupId"));
        assertEquals("abc=", event.queryParameter("cursor"));
        assertNull(event.queryParameter("other"));
        assertEquals("eyJtZXJjaGFudElkIjoiMDFKRE1FUkNIQU5UQiJ9", event.body());
        assertTrue(event.isBase64Encoded());
        assertTrue(event.hasBody());
        assertEquals("JKJaXmPLvHcESHA=", event.requestId());
        // the authorizer's context keeps text, booleans and numbers; what a simple response cannot hold is skipped
        assertEquals(Map.of("principal", "MERCHANT", "merchantId", "01JDMERCHANT", "cloudId", "acme",
                "verified", true, "weight", 3, "ratio", 0.5), event.authorizer());
        assertEquals(Caller.merchant("01JDMERCHANT", "acme"), Caller.fromContext(event.authorizer()));
        // and the request reads its body through it, base64 decoded
        assertEquals("{\"merchantId\":\"01JDMERCHANTB\"}", new ApiRequest(event, Caller.fromContext(event.authorizer()), null)
                .rawBody(ApiRequest.MAX_BODY_BYTES));
    }

    @Test
    void unknownObjectsAndArraysAnywhereAreSkipped() throws IOException {
        HttpEvent event = read("""
                {"extra": {"a": {"b": [1, {"c": [[], {}]}]}, "d": "e"},
                 "list": [{"routeKey": "GET /wrong"}, ["rawPath"], null, true, 1.5],
                 "routeKey": "GET /groups",
                 "requestContext": {"unknown": [{"http": {"method": "DELETE"}}],
                                    "identity": {"sourceIp": "1.2.3.4", "nested": {"deeper": [{}]}},
                                    "authorizer": {"jwt": {"claims": {"sub": "x"}, "scopes": ["a", "b"]},
                                                   "iam": null,
                                                   "lambda": {"principal": "OPERATOR"}},
                                    "http": {"path": {"not": "text"}, "method": "GET", "sourceIp": ["a"]},
                                    "requestId": "r-1"},
                 "headers": {"x-obj": {"nested": "value"}, "x-list": ["a", "b"], "x-num": 42, "accept": "*/*"},
                 "pathParameters": ["not", "an", "object"],
                 "queryStringParameters": {"limit": "5", "deep": [[{"x": 1}]]},
                 "isBase64Encoded": {"not": ["a", "boolean"]},
                 "body": {"a": "structured body is no body"},
                 "rawPath": "/groups",
                 "cookies": [["a"], {"b": "c"}],
                 "trailing": {"x": {"y": {"z": []}}}}
                """);
        assertEquals("GET /groups", event.routeKey());
        assertEquals("/groups", event.rawPath());
        assertEquals("GET", event.method());
        assertEquals("r-1", event.requestId());
        assertEquals(Map.of("principal", "OPERATOR"), event.authorizer());
        assertEquals(Map.of("accept", "*/*"), event.headers(), "values that are not text are no headers");
        assertNull(event.pathParameters());
        assertEquals(Map.of("limit", "5"), event.queryStringParameters());
        assertFalse(event.isBase64Encoded());
        assertNull(event.body());
        assertFalse(event.hasBody());
    }

    @Test
    void nullValuesAreLeftOut() throws IOException {
        HttpEvent event = read("""
                {"routeKey": null, "rawPath": null, "body": null, "isBase64Encoded": null, "requestContext": null,
                 "headers": {"authorization": null, "accept": "*/*", "x-empty": ""},
                 "pathParameters": {"groupId": null},
                 "queryStringParameters": null}
                """);
        assertEquals(Map.of("accept", "*/*", "x-empty", ""), event.headers());
        assertNull(event.header("authorization"));
        assertEquals(Map.of(), event.pathParameters());
        assertNull(event.pathParameter("groupId"));
        assertNull(event.queryStringParameters());
        assertNull(event.queryParameter("limit"));
        assertNull(event.routeKey());
        assertNull(event.rawPath());
        assertNull(event.body());
        assertNull(event.method());
        assertNull(event.authorizer());
        assertFalse(event.isBase64Encoded());
    }

    @Test
    void theMethodFallsBackToTheRouteKeysFirstWord() throws IOException {
        assertEquals("PATCH", read("{\"routeKey\": \"PATCH /groups/{groupId}/rules\"}").method());
        assertEquals("PATCH", read("{\"routeKey\": \"PATCH /groups/{groupId}/rules\", \"requestContext\": {\"http\": {}}}").method());
        assertEquals("PUT", read("{\"routeKey\": \"PATCH /x\", \"requestContext\": {\"http\": {\"method\": \"PUT\"}}}").method(),
                "the request context's method wins");
        assertNull(read("{\"routeKey\": \"$default\"}").method(), "a route key without a method names none");
        assertNull(read("{}").method());
        assertEquals("GET", new HttpEvent.Builder().route("GET", "/groups").build().method());
        assertEquals("DELETE", new HttpEvent("DELETE /x", null, "/x", null, null, null, null, null, false, null, null).method());
    }

    @Test
    void aHeaderIsFoundWhateverTheCaseOfItsName() throws IOException {
        HttpEvent event = read("{\"headers\": {\"idempotency-key\": \"k-1\", \"X-Custom-Header\": \"v\"}}");
        assertEquals("k-1", event.header("idempotency-key"));
        assertEquals("k-1", event.header("Idempotency-Key"));
        assertEquals("k-1", event.header("IDEMPOTENCY-KEY"));
        assertEquals("v", event.header("x-custom-header"));
        assertEquals("v", event.header("X-CUSTOM-HEADER"));
        assertNull(event.header("authorization"));
        assertNull(read("{}").header("authorization"), "no headers at all");
    }

    @Test
    void aStreamThatIsNotOneJsonObjectIsUnreadable() {
        for (String input : List.of("[]", "\"x\"", "", "   ", "{\"a\":", "{\"routeKey\": \"GET /x\"", "42", "null",
                "{\"headers\": {\"a\": [1, 2}", "not json")) {
            assertThrows(IOException.class, () -> read(input), "'" + input + "'");
        }
    }

    @Test
    void anUnreadableInvocationIsAnsweredWithMalformedEventInTheErrorShape() {
        ApiHandler apiHandler = new ApiHandler(DynamoDbLocal.newApp(DynamoDbLocal.client(), Map.of()), Access.ANYONE) {
            @Override
            protected ApiResponse handle(ApiRequest request) {
                return ApiResponse.ok(Map.of("reached", true));
            }
        };
        for (HttpFunction handler : List.of(new ConsoleHandler(), apiHandler)) {
            for (String input : List.of("[]", "\"x\"", "", "{\"a\":")) {
                APIGatewayV2HTTPResponse answer = Lambdas.http(handler, input.getBytes(StandardCharsets.UTF_8), null);
                String where = handler.getClass().getSimpleName() + " on '" + input + "'";
                assertEquals(400, answer.getStatusCode(), where);
                assertEquals("application/json", answer.getHeaders().get("content-type"), where);
                assertFalse(answer.getIsBase64Encoded(), where);
                JsonNode body = parse(answer.getBody());
                assertEquals(1, body.size(), where);
                assertEquals("MALFORMED_EVENT", body.path("error").path("code").asText(), where);
                assertFalse(body.path("error").path("message").asText().isBlank(), where);
            }
        }
        // the same handler answers an event
        APIGatewayV2HTTPResponse reached = Lambdas.http(apiHandler, "{\"routeKey\": \"GET /x\"}".getBytes(StandardCharsets.UTF_8), null);
        assertEquals(200, reached.getStatusCode(), reached.getBody());
        assertEquals("{\"reached\":true}", reached.getBody());
    }

    @Test
    void aResultIsWrittenAsTheJsonApiGatewayReads() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("x-quoted", "a \"quoted\" value, \\ and / too");
        String body = "{\"text\":\"line one\\nline \\\"two\\\"\"}\n\"quotes\" and\ttabs,\r\nnewlines, \u0000 nul, "
                + "accents \u00e9\u00e8, CJK \u4e2d\u6587, emoji \uD83D\uDE00, and \u2028 separators";
        HttpResult result = new HttpResult(418, headers, body);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        result.write(out);
        JsonNode wire = PLAIN.readTree(out.toByteArray());
        assertEquals(418, wire.get("statusCode").intValue());
        assertTrue(wire.get("statusCode").isInt());
        assertEquals(headers, PLAIN.convertValue(wire.get("headers"), Map.class));
        assertEquals(body, wire.get("body").textValue());
        assertFalse(wire.get("isBase64Encoded").booleanValue());
        assertEquals(List.of("statusCode", "headers", "isBase64Encoded", "body"), List.copyOf(iterable(wire)));

        // read as API Gateway's response class, the same answer
        APIGatewayV2HTTPResponse read = PLAIN.readValue(out.toByteArray(), APIGatewayV2HTTPResponse.class);
        assertEquals(418, read.getStatusCode());
        assertEquals(headers, read.getHeaders());
        assertEquals(body, read.getBody());

        // no body (204) and no headers are left out, not written as null
        ByteArrayOutputStream empty = new ByteArrayOutputStream();
        new HttpResult(204, null, null).write(empty);
        assertEquals("{\"statusCode\":204,\"isBase64Encoded\":false}", empty.toString(StandardCharsets.UTF_8));
    }

    @Test
    void withHeadersAddsAndOverrides() {
        HttpResult result = new HttpResult(200, Map.of("a", "1", "b", "2"), "{}").withHeaders(Map.of("b", "3", "c", "4"));
        assertEquals(Map.of("a", "1", "b", "3", "c", "4"), result.headers());
        assertEquals(Map.of("c", "4"), new HttpResult(200, null, null).withHeaders(Map.of("c", "4")).headers());
    }

    @Test
    void theAuthorizerAnswersWhoTheKeyBelongsToOrWhyThereIsNone() {
        String operatorKey = ApiKeys.generate();
        Orgshare app = DynamoDbLocal.newApp(DynamoDbLocal.client(), Map.of(Orgshare.ENV_OPERATOR_KEY_HASH, ApiKeys.hash(operatorKey)));
        app.clouds().register(Caller.operator(), new CloudService.CreateCloud("acme", "Acme"));
        MerchantService.MerchantView merchant = app.merchants().create(Caller.operator(),
                new MerchantService.CreateMerchant("acme", "Supplier"));
        AuthorizerHandler authorizer = new AuthorizerHandler(app);

        SimpleIAMPolicyResponse valid = authorizeRaw(authorizer, "\"authorization\": \"Bearer " + merchant.apiKey() + "\"");
        assertTrue(valid.getIsAuthorized());
        assertEquals(Map.of("principal", "MERCHANT", "merchantId", merchant.merchantId(), "cloudId", "acme"), valid.getContext());

        SimpleIAMPolicyResponse operator = authorizeRaw(authorizer, "\"Authorization\": \"Bearer " + operatorKey + "\"");
        assertTrue(operator.getIsAuthorized());
        assertEquals(Map.of("principal", "OPERATOR"), operator.getContext());

        SimpleIAMPolicyResponse invalid = authorizeRaw(authorizer, "\"authorization\": \"Bearer " + ApiKeys.generate() + "\"");
        assertTrue(invalid.getIsAuthorized(), "the handler, not API Gateway, answers 401 in the one error shape");
        assertEquals("NONE", invalid.getContext().get("principal"));
        assertEquals("INVALID_KEY", invalid.getContext().get("authError"));

        SimpleIAMPolicyResponse none = authorizeRaw(authorizer, "\"accept\": \"*/*\"");
        assertTrue(none.getIsAuthorized());
        assertEquals("NONE", none.getContext().get("principal"));
        assertEquals("MISSING_KEY", none.getContext().get("authError"));

        // an invocation that is no event carries no key
        for (String input : List.of("[]", "", "{\"headers\":")) {
            SimpleIAMPolicyResponse unreadable = Lambdas.authorize(authorizer, input.getBytes(StandardCharsets.UTF_8), null);
            assertTrue(unreadable.getIsAuthorized(), input);
            assertEquals("MISSING_KEY", unreadable.getContext().get("authError"), input);
        }
        // what the handlers then make of the context the authorizer answered, through API Gateway
        assertEquals(Caller.merchant(merchant.merchantId(), "acme"), Caller.fromContext(valid.getContext()));
        assertEquals(Caller.Principal.NONE, Caller.fromContext(invalid.getContext()).principal());
    }

    /** The authorizer's REQUEST event (payload 2.0) as API Gateway sends it, with {@code headers} as its headers. */
    private static SimpleIAMPolicyResponse authorizeRaw(AuthorizerHandler authorizer, String headers) {
        String event = """
                {"version": "2.0", "type": "REQUEST",
                 "routeArn": "arn:aws:execute-api:eu-west-1:123456789012:abc123/$default/GET/merchants/me",
                 "identitySource": ["Bearer x"],
                 "routeKey": "GET /merchants/me", "rawPath": "/merchants/me", "rawQueryString": "",
                 "cookies": ["a=b"],
                 "headers": {%s, "host": "abc123.execute-api.eu-west-1.amazonaws.com"},
                 "requestContext": {"accountId": "123456789012", "apiId": "abc123",
                                    "http": {"method": "GET", "path": "/merchants/me", "sourceIp": "203.0.113.7"},
                                    "requestId": "r-1", "routeKey": "GET /merchants/me", "stage": "$default",
                                    "time": "10/Mar/2026:19:03:58 +0000", "timeEpoch": 1773169438000},
                 "pathParameters": {}, "stageVariables": {"tier": "prod"}}
                """.formatted(headers);
        return Lambdas.authorize(authorizer, event.getBytes(StandardCharsets.UTF_8), (Context) null);
    }

    private static JsonNode parse(String text) {
        try {
            return PLAIN.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static List<String> iterable(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
