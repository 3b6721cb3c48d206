package orgshare.functions;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import orgshare.shared.testing.OpenApiContract;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** A handler's answer to an API Gateway event, checked against openapi.yaml as the HTTP exchange it stands for. */
public final class HttpContract {
    private HttpContract() {
    }

    /**
     * Checks and returns {@code response}; the path is the route's, with the event's path parameters in it. On an
     * {@code ANY} route the method is the one the request was made with ({@code requestContext.http.method}).
     */
    public static APIGatewayV2HTTPResponse checked(APIGatewayV2HTTPEvent event, APIGatewayV2HTTPResponse response) {
        String routeKey = event.getRouteKey();
        if (routeKey == null || !routeKey.contains(" ")) {
            return response;
        }
        String method = routeKey.substring(0, routeKey.indexOf(' '));
        if (method.equals("ANY")) {
            if (event.getRequestContext() == null || event.getRequestContext().getHttp() == null
                    || event.getRequestContext().getHttp().getMethod() == null) {
                return response; // a request is made with some method: no HTTP request looks like this one
            }
            method = event.getRequestContext().getHttp().getMethod();
        }
        String path = routeKey.substring(routeKey.indexOf(' ') + 1);
        Map<String, String> parameters = event.getPathParameters() == null ? Map.of() : event.getPathParameters();
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            boolean greedy = p.getKey().endsWith("+"); // {proxy+}: the rest of the path, slashes and all
            if (p.getValue() == null || p.getValue().isEmpty() || (!greedy && p.getValue().contains("/"))) {
                return response; // API Gateway routes no such path to this function: no HTTP request looks like it
            }
            String value = greedy ? Arrays.stream(p.getValue().split("/", -1)).map(HttpContract::encode)
                    .collect(Collectors.joining("/")) : encode(p.getValue());
            path = path.replace("{" + p.getKey() + "}", value);
        }
        if (path.contains("{")) {
            return response; // a path parameter missing on purpose: no HTTP request could look like this one
        }
        Map<String, String> query = event.getQueryStringParameters() == null ? Map.of() : event.getQueryStringParameters();
        if (!query.isEmpty()) {
            // a null value is no query parameter at all: API Gateway never passes one
            String sent = query.entrySet().stream().filter(q -> q.getValue() != null)
                    .map(q -> encode(q.getKey()) + "=" + encode(q.getValue())).collect(Collectors.joining("&"));
            path += sent.isEmpty() ? "" : "?" + sent;
        }
        String body = event.getBody();
        if (body != null && event.getIsBase64Encoded()) {
            try {
                body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException notBase64) {
                body = null;
            }
        }
        Map<String, String> headers = new LinkedHashMap<>(event.getHeaders() == null ? Map.of() : event.getHeaders());
        OpenApiContract.check(method, path, headers, body, response.getStatusCode(),
                response.getHeaders() == null ? Map.of() : response.getHeaders(), response.getBody());
        return response;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
