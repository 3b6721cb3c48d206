package orgshare.functions.http;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.shared.error.ApiException;
import orgshare.shared.json.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What reaches API Gateway: the status, JSON headers, a plain (never base64) JSON body, none for 204. */
class ApiResponseShapeTest {
    private static final Map<String, String> JSON = Map.of("content-type", "application/json", "cache-control", "no-store");

    /** The response as written to the invocation's output. */
    private static JsonNode written(HttpResult result) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        result.write(out);
        return Json.mapper().readTree(out.toByteArray());
    }

    @Test
    void eachKindOfAnswer() throws IOException {
        HttpResult accepted = ApiResponse.accepted(Map.of("state", "queued")).toHttp();
        assertEquals(202, accepted.statusCode());
        assertEquals("{\"state\":\"queued\"}", accepted.body());
        assertEquals(JSON, accepted.headers());
        assertFalse(written(accepted).get("isBase64Encoded").booleanValue());

        HttpResult none = ApiResponse.noContent().toHttp();
        assertEquals(204, none.statusCode());
        assertNull(none.body());
        assertEquals(JSON, none.headers());
        assertTrue(written(none).path("body").isMissingNode(), "a 204 is written without a body");

        HttpResult error = ApiResponse.error(ApiException.notFound("GROUP_NOT_FOUND", "No group.")).toHttp();
        assertEquals(404, error.statusCode());
        assertEquals("{\"error\":{\"code\":\"GROUP_NOT_FOUND\",\"message\":\"No group.\"}}", error.body());
        JsonNode wire = written(error);
        assertFalse(wire.get("isBase64Encoded").booleanValue());
        assertEquals(404, wire.get("statusCode").intValue());
        assertEquals(error.body(), wire.get("body").textValue());
    }
}
