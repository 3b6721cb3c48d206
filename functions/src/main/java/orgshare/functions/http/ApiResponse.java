package orgshare.functions.http;

import orgshare.shared.error.ApiException;
import orgshare.shared.json.Json;

import java.util.Map;

/** A status and a body to encode as JSON (none for 204). */
public record ApiResponse(int status, Object body) {
    private static final Map<String, String> JSON_HEADERS = Map.of(
            "content-type", "application/json",
            "cache-control", "no-store");

    public static ApiResponse ok(Object body) {
        return new ApiResponse(200, body);
    }

    public static ApiResponse created(Object body) {
        return new ApiResponse(201, body);
    }

    public static ApiResponse accepted(Object body) {
        return new ApiResponse(202, body);
    }

    public static ApiResponse noContent() {
        return new ApiResponse(204, null);
    }

    public static ApiResponse error(ApiException e) {
        return new ApiResponse(e.status(), new ErrorBody(new ErrorBody.Detail(e.code(), e.getMessage())));
    }

    /** An answer already encoded: a group's home's verified answer, passed on as it is. */
    public static ApiResponse encoded(int status, String json) {
        return new ApiResponse(status, json == null || json.isEmpty() ? null : new Encoded(json));
    }

    /** JSON text that is the body as it is. */
    record Encoded(String json) {
    }

    public HttpResult toHttp() {
        String text = body instanceof Encoded encoded ? encoded.json() : body == null ? null : Json.encode(body);
        return new HttpResult(status, JSON_HEADERS, text);
    }

    /** {@code {"error": {"code", "message"}}}: the one error shape. */
    public record ErrorBody(Detail error) {
        public record Detail(String code, String message) {
        }
    }
}
