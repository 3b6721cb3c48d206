package orgshare.shared.federation;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.shared.error.ApiException;
import orgshare.shared.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
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

    /**
     * One GET over the JDK's URL connection (what the SDK's HTTP client already loaded, so a cold start that registers
     * a peer loads no second HTTP stack).
     */
    @Override
    public FederationService.Identity identityOf(URI endpoint) {
        URI target = URI.create(endpoint + "/federation/identity");
        HttpURLConnection connection = null;
        int status;
        byte[] bytes;
        try {
            connection = (HttpURLConnection) target.toURL().openConnection();
            connection.setConnectTimeout((int) CONNECT.toMillis());
            connection.setReadTimeout((int) ANSWER.toMillis());
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setRequestProperty("accept", "application/json");
            status = connection.getResponseCode();
            try (InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                bytes = body == null ? new byte[0] : body.readNBytes(MAX_BYTES + 1);
            }
        } catch (SocketTimeoutException late) {
            throw new ApiException(504, "PEER_TIMEOUT", "The peer at " + endpoint + " did not answer within "
                    + ANSWER.toSeconds() + " s.", late);
        } catch (IOException | IllegalArgumentException down) {
            throw unavailable(endpoint, "did not answer (" + down.getClass().getSimpleName() + ")", down);
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
        if (status != 200) {
            throw unavailable(endpoint, "answered " + status + " for its identity", null);
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
