package orgshare.shared.testing;

import orgshare.shared.federation.FederationKey;
import orgshare.shared.federation.FederationWire;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Calls to a deployment's federation route signed as a peer signs them, for tests that make such a call themselves. */
public final class PeerSignatures {
    private static final Pattern NONCE = Pattern.compile(";nonce=\"([^\"]+)\"");

    private PeerSignatures() {
    }

    /** The headers that sign {@code method target} with {@code key}, made for {@code merchant} (merchantId@cloudId). */
    public static Map<String, String> headers(FederationKey key, String method, URI target, String merchant, String body) {
        // the signer takes no nonce and verifies nothing: only the receiver does
        FederationWire wire = new FederationWire(key, fingerprint -> null, (keyId, nonce, keepUntil) -> true, Clock.systemUTC());
        Map<String, String> headers = new LinkedHashMap<>();
        wire.signRequest(method, target, merchant, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8))
                .forEach((name, values) -> headers.put(name, String.join(", ", values)));
        return headers;
    }

    /** The key of the item a receiver keeps for the nonce of a call {@code key} signed with {@code headers} (NonceStore). */
    public static String nonceKey(FederationKey key, Map<String, String> headers) {
        Matcher nonce = NONCE.matcher(headers.get("signature-input"));
        if (!nonce.find()) {
            throw new IllegalStateException("a signature without a nonce: " + headers);
        }
        return "NONCE#" + key.fingerprint() + "#" + nonce.group(1);
    }
}
