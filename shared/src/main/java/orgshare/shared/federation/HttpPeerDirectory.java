package orgshare.shared.federation;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.shared.error.ApiException;
import orgshare.shared.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a peer's identity over HTTP: short timeouts, no redirects, and no more than {@value #MAX_BYTES} bytes read,
 * so a peer that is down, slow or hostile costs a bounded wait and nothing else. Endpoints come only from the operator.
 */
public final class HttpPeerDirectory implements PeerDirectory {
    static final int MAX_BYTES = 64 * 1024;
    private static final Duration CONNECT = Duration.ofSeconds(2);
    private static final Duration ANSWER = Duration.ofSeconds(5);

    /** Built at the first call out, not with the application: only the peer registration ever calls a peer here. */
    private static final class Http {
        static final HttpClient CLIENT = HttpClient.newBuilder()
                .connectTimeout(CONNECT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public FederationService.Identity identityOf(URI endpoint) {
        URI target = URI.create(endpoint + "/federation/identity");
        HttpResponse<InputStream> response;
        try {
            response = Http.CLIENT.send(HttpRequest.newBuilder(target).timeout(ANSWER).header("accept", "application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException late) {
            throw new ApiException(504, "PEER_TIMEOUT", "The peer at " + endpoint + " did not answer within "
                    + ANSWER.toSeconds() + " s.", late);
        } catch (IOException down) {
            throw unavailable(endpoint, "did not answer (" + down.getClass().getSimpleName() + ")", down);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw unavailable(endpoint, "was not asked to the end", interrupted);
        }
        byte[] bytes;
        try (InputStream body = response.body()) {
            bytes = body.readNBytes(MAX_BYTES + 1);
        } catch (IOException broken) {
            throw unavailable(endpoint, "broke off its answer", broken);
        }
        if (response.statusCode() != 200) {
            throw unavailable(endpoint, "answered " + response.statusCode() + " for its identity", null);
        }
        if (bytes.length > MAX_BYTES) {
            throw unavailable(endpoint, "answered more than " + MAX_BYTES + " bytes for its identity", null);
        }
        JsonNode json;
        try {
            json = Json.decodeTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (ApiException notJson) {
            throw unavailable(endpoint, "did not answer with an identity", notJson);
        }
        return identity(endpoint, json);
    }

    private static FederationService.Identity identity(URI endpoint, JsonNode json) {
        JsonNode clouds = json.get("cloudIds");
        JsonNode key = json.get("publicKey");
        JsonNode fingerprint = json.get("fingerprint");
        if (clouds == null || !clouds.isArray() || key == null || !key.isTextual() || fingerprint == null || !fingerprint.isTextual()) {
            throw unavailable(endpoint, "did not answer with an identity (cloudIds, publicKey, fingerprint)", null);
        }
        List<String> cloudIds = new ArrayList<>();
        clouds.forEach(c -> cloudIds.add(c.asText()));
        return new FederationService.Identity(cloudIds, key.asText(), fingerprint.asText());
    }

    private static ApiException unavailable(URI endpoint, String what, Throwable cause) {
        return new ApiException(503, "PEER_UNAVAILABLE", "The peer at " + endpoint + " " + what + ".", cause);
    }
}
