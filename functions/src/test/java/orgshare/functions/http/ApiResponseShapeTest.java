package orgshare.functions.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import orgshare.shared.error.ApiException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What reaches API Gateway: the status, JSON headers, a plain (never base64) JSON body, none for 204. */
class ApiResponseShapeTest {
    private static final Map<String, String> JSON = Map.of("content-type", "application/json", "cache-control", "no-store");

    @Test
    void eachKindOfAnswer() {
        APIGatewayV2HTTPResponse accepted = ApiResponse.accepted(Map.of("state", "queued")).toHttp();
        assertEquals(202, accepted.getStatusCode());
        assertEquals("{\"state\":\"queued\"}", accepted.getBody());
        assertEquals(JSON, accepted.getHeaders());
        assertFalse(accepted.getIsBase64Encoded());

        APIGatewayV2HTTPResponse none = ApiResponse.noContent().toHttp();
        assertEquals(204, none.getStatusCode());
        assertNull(none.getBody());
        assertEquals(JSON, none.getHeaders());

        APIGatewayV2HTTPResponse error = ApiResponse.error(ApiException.notFound("GROUP_NOT_FOUND", "No group.")).toHttp();
        assertEquals(404, error.getStatusCode());
        assertEquals("{\"error\":{\"code\":\"GROUP_NOT_FOUND\",\"message\":\"No group.\"}}", error.getBody());
        assertFalse(error.getIsBase64Encoded());
    }
}
