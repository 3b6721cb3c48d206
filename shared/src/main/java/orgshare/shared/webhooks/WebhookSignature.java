package orgshare.shared.webhooks;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Standard Webhooks signatures: {@code webhook-signature: v1,<base64 of HMAC-SHA256 over "id.timestamp.body">}, keyed
 * with the bytes the secret {@code whsec_<base64>} encodes. A receiver checks it, and that the timestamp is recent.
 */
public final class WebhookSignature {
    public static final String PREFIX = "whsec_";
    /** How far a receiver lets a delivery's timestamp be from its clock (the convention's five minutes). */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSignature() {
    }

    /** A new secret: 24 random bytes, base64, after {@value #PREFIX}. */
    public static String newSecret() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getEncoder().encodeToString(bytes);
    }

    /** The {@code webhook-signature} header value for a delivery. */
    public static String sign(String secret, String id, long timestampSeconds, String body) {
        return "v1," + Base64.getEncoder().encodeToString(mac(secret, id + "." + timestampSeconds + "." + body));
    }

    /**
     * Whether {@code header} (space-separated {@code version,signature} pairs) holds a v1 signature of this delivery and
     * the timestamp is within {@link #TOLERANCE} of {@code now}; compared in constant time.
     */
    public static boolean verify(String secret, String id, String timestamp, String body, String header, Instant now) {
        if (id == null || timestamp == null || body == null || header == null || !timestamp.matches("\\d{1,12}")) {
            return false;
        }
        long seconds = Long.parseLong(timestamp);
        if (Math.abs(now.getEpochSecond() - seconds) > TOLERANCE.toSeconds()) {
            return false;
        }
        byte[] expected = mac(secret, id + "." + seconds + "." + body);
        for (String candidate : header.trim().split(" +")) {
            if (candidate.startsWith("v1,")) {
                try {
                    if (MessageDigest.isEqual(expected, Base64.getDecoder().decode(candidate.substring(3)))) {
                        return true;
                    }
                } catch (IllegalArgumentException notBase64) {
                    // not a signature: try the next one
                }
            }
        }
        return false;
    }

    private static byte[] mac(String secret, String content) {
        String key = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(key), "HmacSHA256"));
            return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
