package orgshare.shared.httpsig;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * The Content-Digest field (RFC 9530): {@code sha-256=:<base64>:}. Verification accepts sha-256 and sha-512, needs at
 * least one of them, and every one present must match the body; other algorithms are ignored.
 */
public final class ContentDigest {
    public static final String HEADER = "content-digest";

    private ContentDigest() {
    }

    /** The field value for {@code body} (sha-256). */
    public static String of(byte[] body) {
        return "sha-256=:" + java.util.Base64.getEncoder().encodeToString(digest("SHA-256", body)) + ":";
    }

    /** Whether {@code field} is a Content-Digest that {@code body} matches. */
    public static boolean matches(String field, byte[] body) {
        if (field == null) {
            return false;
        }
        Map<String, Object> members;
        try {
            members = StructuredFields.parseDictionary(field);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
        boolean checked = false;
        for (Map.Entry<String, Object> member : members.entrySet()) {
            String algorithm = switch (member.getKey()) {
                case "sha-256" -> "SHA-256";
                case "sha-512" -> "SHA-512";
                default -> null;
            };
            if (algorithm == null) {
                continue;
            }
            if (!(member.getValue() instanceof StructuredFields.Item item) || !(item.value() instanceof byte[] sent)
                    || !MessageDigest.isEqual(sent, digest(algorithm, body))) {
                return false;
            }
            checked = true;
        }
        return checked;
    }

    private static byte[] digest(String algorithm, byte[] body) {
        try {
            return MessageDigest.getInstance(algorithm).digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JVM", e);
        }
    }
}
