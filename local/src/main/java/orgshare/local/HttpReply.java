package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.error.ApiException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What goes back to the HTTP client: a function's response, or the gateway's own answer. */
record HttpReply(int status, Map<String, List<String>> headers, byte[] body) {

    /**
     * The gateway's own answers (no route, a malformed request, too large): API Gateway's statuses, in the project's
     * one error shape, built by the same code the handlers use.
     */
    static HttpReply error(int status, String code, String message) {
        return fromLambda(EventJson.mapper().valueToTree(ApiResponse.error(new ApiException(status, code, message)).toHttp()));
    }

    /**
     * A function's payload 2.0 response. With a statusCode it is the response; without one, API Gateway sends the
     * whole output as a 200 JSON body.
     *
     * @throws IllegalStateException the response cannot be sent (a bad status, a line break in a header)
     */
    static HttpReply fromLambda(JsonNode output) {
        if (!output.isObject() || !output.has("statusCode")) {
            return new HttpReply(200, Map.of("content-type", List.of("application/json")),
                    output.toString().getBytes(StandardCharsets.UTF_8));
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        output.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), List.of(h.getValue().asText())));
        output.path("multiValueHeaders").fields().forEachRemaining(h -> {
            List<String> values = new ArrayList<>(headers.getOrDefault(h.getKey(), List.of()));
            h.getValue().forEach(v -> values.add(v.asText()));
            headers.put(h.getKey(), values);
        });
        List<String> cookies = new ArrayList<>();
        output.path("cookies").forEach(c -> cookies.add(c.asText()));
        if (!cookies.isEmpty()) {
            headers.put("set-cookie", cookies);
        }
        headers.forEach((name, values) -> {
            if (!HttpHead.isToken(name) || values.stream().anyMatch(v -> v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0)) {
                throw new IllegalStateException("The function answered a header that cannot be sent: " + name);
            }
        });
        JsonNode body = output.get("body");
        byte[] bytes;
        if (body == null || body.isNull()) {
            bytes = new byte[0];
        } else if (output.path("isBase64Encoded").asBoolean(false)) {
            bytes = Base64.getDecoder().decode(body.asText());
        } else {
            bytes = body.asText().getBytes(StandardCharsets.UTF_8);
        }
        int status = output.get("statusCode").asInt();
        if (status < 200 || status > 599) {
            throw new IllegalStateException("The function answered statusCode " + output.get("statusCode"));
        }
        return new HttpReply(status, headers, bytes);
    }
}
