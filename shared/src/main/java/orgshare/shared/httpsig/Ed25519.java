package orgshare.shared.httpsig;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 keys as the federation uses them: 32 raw bytes each (the private key is any 32 random bytes), on the JDK's
 * own Ed25519. A fingerprint is {@code sha256:} and the base64url of SHA-256 over the 32 public bytes.
 */
public final class Ed25519 {
    public static final String ALGORITHM = "ed25519";
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private Ed25519() {
    }

    /** A key pair from its 32 private bytes (the public half derived, as RFC 8032 does). */
    public static KeyPair fromPrivate(byte[] privateKey) {
        if (privateKey.length != 32) {
            throw new IllegalArgumentException("an Ed25519 private key is 32 bytes");
        }
        try {
            // the JDK draws the 32 private bytes from its random source: hand it ours, and it derives the public key
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(255, new FixedBytes(privateKey));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every JVM since 15", e);
        }
    }

    public static PublicKey publicKey(byte[] raw) {
        if (raw.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
        }
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(concat(X509_PREFIX, raw)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key", e);
        }
    }

    /** The 32 raw bytes of a public key. */
    public static byte[] raw(PublicKey key) {
        byte[] encoded = key.getEncoded();
        return Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    }

    public static String fingerprint(byte[] rawPublicKey) {
        try {
            return "sha256:" + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(rawPublicKey));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /** Signs with the private key; checks with the public one (null: verify only). */
    public static MessageSignatures.Algorithm algorithm(PrivateKey privateKey, PublicKey publicKey) {
        return new MessageSignatures.Algorithm() {
            @Override
            public String name() {
                return ALGORITHM;
            }

            @Override
            public byte[] sign(byte[] base) {
                if (privateKey == null) {
                    throw new IllegalStateException("a verifying key cannot sign");
                }
                try {
                    Signature signature = Signature.getInstance("Ed25519");
                    signature.initSign(privateKey);
                    signature.update(base);
                    return signature.sign();
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public boolean verify(byte[] base, byte[] signed) {
                try {
                    Signature signature = Signature.getInstance("Ed25519");
                    signature.initVerify(publicKey);
                    signature.update(base);
                    return signature.verify(signed);
                } catch (GeneralSecurityException | IllegalArgumentException e) {
                    return false;
                }
            }
        };
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A random source that yields given bytes once: how a known private key goes through the JDK's generator. */
    private static final class FixedBytes extends SecureRandom {
        private final byte[] bytes;

        FixedBytes(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] out) {
            if (out.length != bytes.length) {
                throw new IllegalStateException("asked for " + out.length + " bytes, not 32");
            }
            System.arraycopy(bytes, 0, out, 0, bytes.length);
        }
    }
}
