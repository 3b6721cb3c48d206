package orgshare.shared.auth;

import orgshare.shared.ids.Digests;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** API keys: 256 random bits behind a recognisable prefix, shown once, stored only as SHA-256. */
public final class ApiKeys {
    public static final String PREFIX = "osk_";
    private static final Pattern FORMAT = Pattern.compile("osk_[A-Za-z0-9_-]{43}");
    private static final String BEARER = "bearer ";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The well-formed key of an {@code Authorization: Bearer <key>} header (any case of "Bearer"), or null. */
    public static String fromAuthorization(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String key = authorization.substring(BEARER.length()).strip();
        return wellFormed(key) ? key : null;
    }

    public static boolean wellFormed(String key) {
        return key != null && FORMAT.matcher(key).matches();
    }

    /** Lowercase hex SHA-256 of the key: what the table and the deployment parameter hold. */
    public static String hash(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    /** Constant-time comparison of a presented key with a stored hex hash. */
    public static boolean matches(String key, String expectedHexHash) {
        if (key == null || expectedHexHash == null || !expectedHexHash.matches("[0-9a-f]{64}")) {
            return false;
        }
        return MessageDigest.isEqual(sha256(key), HexFormat.of().parseHex(expectedHexHash));
    }

    private static byte[] sha256(String key) {
        return Digests.sha256(key);
    }
}
