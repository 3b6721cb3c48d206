package orgshare.shared.db;

import orgshare.shared.error.ApiException;
import orgshare.shared.validation.Validate;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CursorsTest {
    private static final UnaryOperator<String> ANY = position -> position;
    private static final String POSITION = "2026-11-30T10:00:00.000Z#PO-1001";
    private final Cursors cursors = Cursors.fromSecret(Cursors::newSecret);
    private final Cursors.Scope pull = Cursors.scope("pull", "01JDMERCHANT0000000000000B", "01JDGROUP00000000000000000",
            "01JDMERCHANT0000000000000A", "order", "");

    private void assertRefused(Cursors.Scope scope, String cursor, String why) {
        ApiException e = assertThrows(ApiException.class, () -> cursors.open(scope, cursor, ANY), why);
        assertEquals("INVALID_CURSOR", e.code(), why);
        assertEquals(400, e.status(), why);
    }

    @Test
    void roundTripsAndNullIsTheLastPage() {
        String cursor = cursors.seal(pull, POSITION);
        assertEquals(POSITION, cursors.open(pull, cursor, ANY));
        assertNull(cursors.seal(pull, null));
        assertNull(cursors.open(pull, null, ANY));
        String longest = "x".repeat(Cursors.MAX_POSITION_BYTES);
        assertEquals(longest, cursors.open(pull, cursors.seal(pull, longest), ANY));
        assertThrows(IllegalStateException.class, () -> cursors.seal(pull, longest + "x"));
    }

    /** Nothing of the position shows: not its text, not its length, not even whether two cursors hold the same one. */
    @Test
    void aCursorRevealsNothingOfItsPosition() {
        String shortOne = cursors.seal(pull, "a");
        String longOne = cursors.seal(pull, "2026-11-30T10:00:00.000Z#" + "x".repeat(128));
        assertEquals(shortOne.length(), longOne.length(), "every cursor has one length");
        String again = cursors.seal(pull, "a");
        assertNotEquals(shortOne, again, "a fresh nonce each time");
        for (String cursor : new String[]{shortOne, longOne}) {
            String bytes = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.ISO_8859_1);
            assertFalse(bytes.contains("2026") || bytes.contains("xxxx") || cursor.contains("MjAy"), cursor);
        }
    }

    @Test
    void aCursorWorksOnlyForTheListItCameFrom() {
        String cursor = cursors.seal(pull, POSITION);
        assertRefused(Cursors.scope("pull", "01JDMERCHANT0000000000000C", "01JDGROUP00000000000000000",
                "01JDMERCHANT0000000000000A", "order", ""), cursor, "another caller");
        assertRefused(Cursors.scope("pull", "01JDMERCHANT0000000000000B", "01JDGROUP00000000000000001",
                "01JDMERCHANT0000000000000A", "order", ""), cursor, "another group");
        assertRefused(Cursors.scope("pull", "01JDMERCHANT0000000000000B", "01JDGROUP00000000000000000",
                "01JDMERCHANT0000000000000C", "order", ""), cursor, "another owner");
        assertRefused(Cursors.scope("pull", "01JDMERCHANT0000000000000B", "01JDGROUP00000000000000000",
                "01JDMERCHANT0000000000000A", "invoice", ""), cursor, "another type");
        assertRefused(Cursors.scope("pull", "01JDMERCHANT0000000000000B", "01JDGROUP00000000000000000",
                "01JDMERCHANT0000000000000A", "order", "2026-11-01T00:00:00.000Z"), cursor, "another mode");
        assertRefused(Cursors.scope("records", "01JDMERCHANT0000000000000B", "01JDGROUP00000000000000000",
                "01JDMERCHANT0000000000000A", "order", ""), cursor, "another list");
        // length-prefixed parts: moving a boundary makes another scope
        assertRefused(Cursors.scope("pull", "01JDMERCHANT0000000000000B01JDGROUP00000000000000000", "",
                "01JDMERCHANT0000000000000A", "order", ""), cursor, "the same bytes split otherwise");
        Cursors otherDeployment = Cursors.fromSecret(Cursors::newSecret);
        assertThrows(ApiException.class, () -> otherDeployment.open(pull, cursor, ANY), "another deployment's secret");
    }

    @Test
    void everyBitFlipIsRefused() {
        String cursor = cursors.seal(pull, POSITION);
        byte[] sealed = Base64.getUrlDecoder().decode(cursor);
        Random random = new Random(42);
        Set<String> tried = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            byte[] flipped = sealed.clone();
            int bit = random.nextInt(flipped.length * 8);
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(flipped);
            tried.add(tampered);
            assertRefused(pull, tampered, "bit " + bit);
        }
        assertTrue(tried.size() > 500, "the flips cover many different bits");
        // and in the text: every other character in every position
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int at = 0; at < cursor.length(); at++) {
            char other = alphabet.charAt((alphabet.indexOf(cursor.charAt(at)) + 1 + random.nextInt(63)) % 64);
            assertRefused(pull, cursor.substring(0, at) + other + cursor.substring(at + 1), "character " + at);
        }
    }

    @Test
    void refusesWhatIsNotACursor() {
        String cursor = cursors.seal(pull, POSITION);
        String oldStyle = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("1:01JDMERCHANT0000000000000A".getBytes(StandardCharsets.UTF_8));
        for (String bad : new String[]{"", "!!!", "x".repeat(600), oldStyle, "MQ", cursor + "A", cursor.substring(1),
                cursor + "=", cursor.replace('-', '+').replace('_', '/')}) {
            if (bad.equals(cursor)) {
                continue;
            }
            assertRefused(pull, bad, bad);
        }
    }

    @Test
    void aPositionTheListWouldNotWriteIsRefusedEvenWhenSealed() {
        String cursor = cursors.seal(pull, "not a generated id");
        ApiException e = assertThrows(ApiException.class,
                () -> cursors.open(pull, cursor, p -> Validate.generatedId("cursor", p)));
        assertEquals("INVALID_CURSOR", e.code());
    }

    @Test
    void aFunctionWithoutTheSecretFailsLoudlyAndPrimesNothing() {
        Cursors none = Cursors.fromSecret(() -> {
            throw new IllegalStateException("no secret here");
        });
        assertFalse(none.prime());
        assertThrows(IllegalStateException.class, () -> none.seal(pull, POSITION));
        assertTrue(cursors.prime());
        assertThrows(IllegalStateException.class, () -> Cursors.fromSecret(() -> "short").seal(pull, POSITION));
    }
}
