package orgshare.shared.federation;

import orgshare.shared.error.ApiException;
import orgshare.shared.httpsig.HttpMessage;
import orgshare.shared.httpsig.MessageSignatures;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signed calls to a peer cloud. The endpoint comes only from the operator's peer registration; every answer is
 * verified (signed by that peer's key, bound to this request, body matching its digest) before a byte of it is used.
 * Short timeouts, no redirects, a bounded read: a peer that is down, slow or hostile costs a bounded wait and turns
 * into 503 {@code PEER_UNAVAILABLE} or 504 {@code PEER_TIMEOUT}, never into a 500 or a half-used answer.
 */
public final class FederationClient {
    /** The most an answer may hold: a page of records fits (a Lambda answer cannot be larger anyway). */
    public static final int MAX_ANSWER_BYTES = 6 * 1024 * 1024;
    /** Every federation path starts here, on both sides. */
    public static final String PREFIX = "/federation/v1";
    private static final Duration CONNECT = Duration.ofSeconds(2);

    /** A peer's verified answer. */
    public record Reply(int status, String body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private static final class Http {
        static final HttpClient CLIENT = HttpClient.newBuilder()
                .connectTimeout(CONNECT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private final PeerService peers;
    private final FederationKey self;
    private final FederationWire.Nonces nonces;
    private final Clock clock;
    private final Duration answerTimeout;

    public FederationClient(PeerService peers, FederationKey self, FederationWire.Nonces nonces, Clock clock,
                            Duration answerTimeout) {
        this.peers = peers;
        this.self = self;
        this.nonces = nonces;
        this.clock = clock;
        this.answerTimeout = answerTimeout;
    }

    public Duration answerTimeout() {
        return answerTimeout;
    }

    /**
     * One signed call to the peer hosting {@code cloudId}, on behalf of {@code merchant} ({@code merchantId@cloudId}).
     *
     * @param pathAndQuery what follows {@value #PREFIX}: a path starting with / and, raw, any query
     * @param timeout      how long to wait for the answer (the caller's own budget, shorter for inner hops)
     */
    public Reply call(String cloudId, String method, String pathAndQuery, String merchant, String body,
                      Map<String, String> extraHeaders, Duration timeout) {
        PeerService.Peer peer = peers.peer(cloudId);
        if (peer == null) {
            throw new ApiException(503, "PEER_UNAVAILABLE", "Cloud '" + cloudId + "' is not a peer of this deployment (any more).");
        }
        // the answer must be signed by the key registered for this very peer, and no other
        FederationWire wire = new FederationWire(self,
                fingerprint -> fingerprint.equals(peer.fingerprint()) ? peer.key() : null, nonces, clock);
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        URI target = URI.create(peer.endpoint() + PREFIX + pathAndQuery);
        Map<String, List<String>> signed = wire.signRequest(method, target, merchant, bytes);
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(timeout)
                .method(method, bytes.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes))
                .header("content-type", "application/json").header("accept", "application/json");
        signed.forEach((name, values) -> values.forEach(v -> request.header(name, v)));
        if (extraHeaders != null) {
            extraHeaders.forEach((name, value) -> {
                if (value != null) {
                    request.header(name, value);
                }
            });
        }
        HttpResponse<InputStream> response;
        try {
            response = Http.CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException late) {
            throw timeout(cloudId, timeout, late);
        } catch (IOException down) {
            throw unavailable(cloudId, "did not answer (" + down.getClass().getSimpleName() + ")", down);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw unavailable(cloudId, "was not asked to the end", interrupted);
        }
        byte[] answer;
        try (InputStream in = response.body()) {
            answer = in.readNBytes(MAX_ANSWER_BYTES + 1);
        } catch (HttpTimeoutException late) {
            throw timeout(cloudId, timeout, late);
        } catch (IOException broken) {
            throw unavailable(cloudId, "broke off its answer", broken);
        }
        if (answer.length > MAX_ANSWER_BYTES) {
            throw unavailable(cloudId, "answered more than " + MAX_ANSWER_BYTES + " bytes", null);
        }
        Map<String, List<String>> headers = new LinkedHashMap<>(response.headers().map());
        HttpMessage requestMessage = HttpMessage.request(method, target, signed);
        try {
            wire.verifyResponse(HttpMessage.response(response.statusCode(), headers, requestMessage), answer, peer.fingerprint());
        } catch (MessageSignatures.Refused refused) {
            throw unavailable(cloudId, "answered without a valid signature of its own (" + refused.code() + ": "
                    + refused.getMessage() + ")", null);
        }
        return new Reply(response.statusCode(), new String(answer, StandardCharsets.UTF_8));
    }

    private static ApiException timeout(String cloudId, Duration timeout, Throwable cause) {
        return new ApiException(504, "PEER_TIMEOUT", "Cloud '" + cloudId + "' did not answer within "
                + timeout.toMillis() + " ms; nothing was changed here. Retry later.", cause);
    }

    private static ApiException unavailable(String cloudId, String what, Throwable cause) {
        return new ApiException(503, "PEER_UNAVAILABLE", "Cloud '" + cloudId + "' " + what
                + "; nothing was changed here. Retry later.", cause);
    }
}
