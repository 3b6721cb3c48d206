package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.shared.testing.OpenApiContract;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** One answer of the local API over real HTTP, and the call that gets it (no key: no Authorization header). */
record ApiReply(int status, JsonNode json, String text) {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    String errorCode() {
        return json.path("error").path("code").asText();
    }

    static ApiReply call(URI base, String method, String path, String key, String body) throws IOException, InterruptedException {
        return call(base, method, path, key, body, java.util.Map.of());
    }

    static ApiReply call(URI base, String method, String path, String key, String body, java.util.Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        java.util.Map<String, String> sent = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        sent.putAll(headers);
        if (body != null) {
            sent.putIfAbsent("Content-Type", "application/json"); // as a client of a JSON API sends it
        }
        if (key != null) {
            sent.put("Authorization", "Bearer " + key);
        }
        sent.forEach(request::header);
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        java.util.Map<String, String> received = new java.util.TreeMap<>();
        response.headers().map().forEach((name, values) -> received.put(name, String.join(",", values)));
        OpenApiContract.check(method, path, sent, body, response.statusCode(), received, response.body());
        boolean isJson = response.headers().firstValue("content-type").orElse("").startsWith("application/json");
        JsonNode json = response.body().isEmpty() || !isJson ? EventJson.mapper().nullNode() : EventJson.mapper().readTree(response.body());
        return new ApiReply(response.statusCode(), json, response.body());
    }
}
