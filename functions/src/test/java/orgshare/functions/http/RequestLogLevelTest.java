package orgshare.functions.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import orgshare.functions.Lambdas;
import orgshare.functions.CapturingContext;
import orgshare.shared.Orgshare;
import orgshare.shared.auth.Caller;
import orgshare.shared.error.ApiException;
import orgshare.shared.json.Json;
import orgshare.shared.testing.DynamoDbLocal;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;

import static orgshare.functions.TestEvents.http;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The log line's level and cause follow the status; its latency is the request's own; without Lambda it goes to stdout. */
class RequestLogLevelTest {
    private static final Orgshare APP = DynamoDbLocal.newApp(DynamoDbLocal.client(), Map.of());

    /** A handler whose own step is {@code step}: the shared steps around it are what is tested. */
    private static ApiHandler handler(Function<ApiRequest, ApiResponse> step) {
        return new ApiHandler(APP, Access.MERCHANT) {
            @Override
            protected ApiResponse handle(ApiRequest request) {
                return step.apply(request);
            }
        };
    }

    private static final Caller MERCHANT = Caller.merchant("01JDMERCHANT0000000000000A", "acme");

    private static JsonNode logged(ApiHandler handler, int status) {
        CapturingContext context = new CapturingContext("req-1");
        long started = System.nanoTime();
        assertEquals(status, Lambdas.http(handler, http("GET", "/test", MERCHANT, null), context).getStatusCode());
        double elapsedMs = (System.nanoTime() - started) / 1_000_000.0;
        JsonNode line = Json.decodeTree(context.lines().get(0));
        double latency = line.get("latencyMs").asDouble();
        assertTrue(latency >= 0 && latency <= elapsedMs, latency + " ms logged, " + elapsedMs + " ms measured");
        return line;
    }

    @Test
    void anInternalErrorIsLoggedAsAnErrorWithItsCause() {
        JsonNode line = logged(handler(r -> {
            throw new IllegalStateException("broken invariant");
        }), 500);
        assertEquals("ERROR", line.get("level").asText());
        assertEquals("INTERNAL", line.get("errorCode").asText());
        assertTrue(line.get("cause").asText().contains("broken invariant"), line.toString());
    }

    @Test
    void aRefusalIsLoggedAsInformationWithoutACause() {
        JsonNode line = logged(handler(r -> {
            throw ApiException.notFound("GROUP_NOT_FOUND", "No group.");
        }), 404);
        assertEquals("INFO", line.get("level").asText());
        assertEquals("GROUP_NOT_FOUND", line.get("errorCode").asText());
        assertFalse(line.has("cause"));
    }

    @Test
    void withoutALambdaContextTheLineGoesToStandardOutput() {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        APIGatewayV2HTTPEvent event = http("GET", "/test", MERCHANT, null);
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertEquals(200, Lambdas.http(handler(r -> ApiResponse.ok(Map.of())), event, null).getStatusCode());
        } finally {
            System.setOut(original);
        }
        JsonNode line = Json.decodeTree(out.toString(StandardCharsets.UTF_8).strip());
        assertEquals("GET /test", line.get("route").asText());
        assertEquals(200, line.get("status").asInt());
    }
}
