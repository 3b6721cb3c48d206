package orgshare.shared.federation;

import orgshare.shared.httpsig.Ed25519;
import orgshare.shared.httpsig.MessageSignatures;
import orgshare.shared.secrets.DerivedKey;

import java.security.KeyPair;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * The deployment's federation identity: one Ed25519 key pair. Its 32 private bytes are derived (HMAC-SHA256 with a
 * fixed label) from the deployment's federation secret, which Secrets Manager generates at deploy time, so a
 * deployment needs no manual key step; locally the secret is kept in the data folder or given by
 * ORGSHARE_FEDERATION_KEY. Read when first needed, once per container.
 */
public final class FederationKey {
    private final DerivedKey<KeyPair> keys;

    private FederationKey(Supplier<String> secret) {
        this.keys = new DerivedKey<>(secret, "orgshare federation key v1", Ed25519::fromPrivate);
    }

    public static FederationKey fromSecret(Supplier<String> secret) {
        return new FederationKey(secret);
    }

    /** A new secret for a deployment's federation key (256 random bits, base64url). */
    public static String newSecret() {
        return DerivedKey.newSecret();
    }

    private KeyPair keys() {
        return keys.get();
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
        return keys.prime();
    }
}
