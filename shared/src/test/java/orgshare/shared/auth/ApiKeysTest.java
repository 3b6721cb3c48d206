package orgshare.shared.auth;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiKeysTest {
    @Test
    void keysAreWellFormedAndDistinct() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String key = ApiKeys.generate();
            assertTrue(ApiKeys.wellFormed(key), key);
            assertTrue(keys.add(key));
        }
    }

    @Test
    void hashIsSha256Hex() {
        // SHA-256("abc")
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiKeys.hash("abc"));
    }

    @Test
    void matchesOnlyItsOwnHash() {
        String key = ApiKeys.generate();
        assertTrue(ApiKeys.matches(key, ApiKeys.hash(key)));
        assertFalse(ApiKeys.matches(ApiKeys.generate(), ApiKeys.hash(key)));
        assertFalse(ApiKeys.matches(key, null));
        assertFalse(ApiKeys.matches(key, "not-a-hash"));
        assertFalse(ApiKeys.matches(key, ApiKeys.hash(key).toUpperCase()));
    }

    @Test
    void refusesMalformedKeys() {
        assertFalse(ApiKeys.wellFormed(null));
        assertFalse(ApiKeys.wellFormed("osk_short"));
        assertFalse(ApiKeys.wellFormed("xyz_" + "A".repeat(43)));
        assertFalse(ApiKeys.wellFormed("osk_" + "A".repeat(42) + "#"));
        assertTrue(ApiKeys.wellFormed("osk_" + "A".repeat(43)));
    }
}
