package orgshare.shared.secrets;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Key material derived from a deployment secret, once, when first needed: HMAC-SHA256 of a fixed label under the
 * secret, so that one secret could key several things without the keys being related.
 */
public final class DerivedKey<T> {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Supplier<String> secret;
    private final byte[] label;
    private final Function<byte[], T> make;
    private volatile T value;

    /** A new deployment secret, for a local run or a test: 256 random bits, base64url. */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public DerivedKey(Supplier<String> secret, String label, Function<byte[], T> make) {
        this.secret = secret;
        this.label = label.getBytes(StandardCharsets.UTF_8);
        this.make = make;
    }

    public T get() {
        T current = value;
        if (current == null) {
            synchronized (this) {
                if (value == null) {
                    value = make.apply(derive(secret.get(), label));
                }
                current = value;
            }
        }
        return current;
    }

    /** Derives it now, so that a SnapStart snapshot holds it; false where this function has no such secret. */
    public boolean prime() {
        try {
            get();
            return true;
        } catch (RuntimeException noSecretHere) {
            return false;
        }
    }

    private static byte[] derive(String secret, byte[] label) {
        if (secret == null || secret.length() < 32) {
            throw new IllegalStateException("A deployment secret must be at least 32 characters");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(label);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JVM", e);
        }
    }
}
