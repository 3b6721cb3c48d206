package orgshare.shared.federation;

import orgshare.shared.httpsig.Ed25519;
import orgshare.shared.httpsig.MessageSignatures;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * The deployment's federation identity: one Ed25519 key pair. Its 32 private bytes are derived (HMAC-SHA256 with a
 * fixed label) from the deployment's federation secret, which Secrets Manager generates at deploy time, so a
 * deployment needs no manual key step; locally the secret is kept in the data folder or given by
 * ORGSHARE_FEDERATION_KEY. Read when first needed, once per container.
 */
public final class FederationKey {
    private static final byte[] LABEL = "orgshare federation key v1".getBytes(StandardCharsets.UTF_8);
    private final Supplier<String> secret;
    private volatile KeyPair keys;

    private FederationKey(Supplier<String> secret) {
        this.secret = secret;
    }

    public static FederationKey fromSecret(Supplier<String> secret) {
        return new FederationKey(secret);
    }

    /** A new secret for a deployment's federation key (256 random bits, base64url). */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private KeyPair keys() {
        KeyPair current = keys;
        if (current == null) {
            synchronized (this) {
                if (keys == null) {
                    keys = derive(secret.get());
                }
                current = keys;
            }
        }
        return current;
    }

    static KeyPair derive(String secret) {
        if (secret == null || secret.length() < 32) {
            throw new IllegalStateException("The federation secret must be at least 32 characters");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Ed25519.fromPrivate(mac.doFinal(LABEL));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JVM", e);
        }
    }

    /** The 32 public bytes. */
    public byte[] publicKey() {
        return Ed25519.raw(keys().getPublic());
    }

    public String publicKeyText() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(publicKey());
    }

    /** {@code sha256:} and the base64url of SHA-256 over the 32 public bytes: what operators exchange. */
    public String fingerprint() {
        return Ed25519.fingerprint(publicKey());
    }

    /** Signs with this deployment's key. */
    public MessageSignatures.Algorithm signer() {
        return Ed25519.algorithm(keys().getPrivate(), keys().getPublic());
    }

    /** Derives the key now, so that a SnapStart snapshot holds it; false where this function has no such secret. */
    public boolean prime() {
        try {
            keys();
            return true;
        } catch (RuntimeException noSecretHere) {
            return false;
        }
    }
}
