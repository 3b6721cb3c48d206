package orgshare.functions.http;

import orgshare.shared.auth.Caller;
import orgshare.shared.error.ApiException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A body is limited in UTF-8 bytes, to the byte, whether API Gateway passed it as text or base64; headers in any case. */
class ApiRequestBodyTest {
    private static ApiRequest request(String body, boolean base64, Map<String, String> headers) {
        HttpEvent event = new HttpEvent.Builder().body(body, base64).headers(headers).build();
        return new ApiRequest(event, Caller.operator(), null);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aTextBodyMayReachTheLimitInUtf8Bytes() {
        String tenBytes = "\u00e9".repeat(5); // 5 characters, 10 bytes
        assertEquals(tenBytes, request(tenBytes, false, null).rawBody(10));
        ApiException over = assertThrows(ApiException.class, () -> request(tenBytes + "x", false, null).rawBody(10));
        assertEquals(413, over.status());
    }

    @Test
    void aBase64BodyIsLimitedInDecodedBytes() {
        String tenBytes = "\u00e9".repeat(5);
        assertEquals(tenBytes, request(base64(tenBytes), true, null).rawBody(10));
        ApiException over = assertThrows(ApiException.class, () -> request(base64(tenBytes + "x"), true, null).rawBody(10));
        assertEquals(413, over.status());
        assertNull(request(null, true, null).rawBody(10), "no body");
    }

    @Test
    void aHeaderIsFoundWhateverTheCaseOfItsName() {
        assertEquals("k-1", request(null, false, Map.of("idempotency-key", "k-1")).idempotencyKey());
        assertEquals("k-2", request(null, false, Map.of("Idempotency-Key", "k-2")).idempotencyKey());
        assertEquals("k-3", request(null, false, Map.of("IDEMPOTENCY-KEY", "k-3")).header("Idempotency-Key"));
        assertNull(request(null, false, Map.of("other", "x")).idempotencyKey());
        assertNull(request(null, false, null).idempotencyKey());
    }
}
