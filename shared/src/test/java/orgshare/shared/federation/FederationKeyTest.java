package orgshare.shared.federation;

import orgshare.shared.httpsig.Ed25519;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A deployment's federation key: derived from its secret, the same at every start, and its fingerprint the contract's. */
class FederationKeyTest {
    @Test
    void theSameSecretGivesTheSameIdentityAndAnotherSecretAnother() {
        String secret = FederationKey.newSecret();
        FederationKey first = FederationKey.fromSecret(() -> secret);
        FederationKey again = FederationKey.fromSecret(() -> secret);
        FederationKey other = FederationKey.fromSecret(FederationKey::newSecret);
        assertArrayEquals(first.publicKey(), again.publicKey());
        assertEquals(first.fingerprint(), again.fingerprint());
        assertNotEquals(first.fingerprint(), other.fingerprint());
        assertEquals(32, first.publicKey().length);
        assertEquals(first.publicKeyText(), Base64.getUrlEncoder().withoutPadding().encodeToString(first.publicKey()));
        assertEquals(Ed25519.fingerprint(first.publicKey()), first.fingerprint());
        assertTrue(first.fingerprint().matches("sha256:[A-Za-z0-9_-]{43}"), first.fingerprint());
    }

    @Test
    void itSignsWhatItsPublicKeyVerifies() {
        FederationKey key = FederationKey.fromSecret(FederationKey::newSecret);
        byte[] base = "\"@method\": POST".getBytes(StandardCharsets.UTF_8);
        byte[] signature = key.signer().sign(base);
        assertTrue(Ed25519.algorithm(null, Ed25519.publicKey(key.publicKey())).verify(base, signature));
        assertFalse(Ed25519.algorithm(null, Ed25519.publicKey(FederationKey.fromSecret(FederationKey::newSecret).publicKey()))
                .verify(base, signature), "another deployment's key does not verify it");
    }

    @Test
    void aMissingOrShortSecretIsAMistakeSaidAtFirstUse() {
        FederationKey none = FederationKey.fromSecret(() -> {
            throw new IllegalStateException("no secret here");
        });
        assertFalse(none.prime());
        assertThrows(IllegalStateException.class, none::fingerprint);
        assertThrows(IllegalStateException.class, () -> FederationKey.fromSecret(() -> "short").fingerprint());
        assertTrue(FederationKey.fromSecret(FederationKey::newSecret).prime());
    }
}
