package orgshare.shared.db;

import org.junit.jupiter.api.Test;

import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a deployment may rely on across releases: the cursor format, the secret's minimum, the positions that fit. */
class CursorsFormatTest {
    private static final String SECRET = "a-fixed-secret-for-the-format-test-0000";
    private static final Cursors.Scope SCOPE = Cursors.scope("records", "01JDMERCHANT0000000000000A", "",
            "01JDMERCHANT0000000000000A", "order", "");
    /** Sealed by the first release under SECRET and SCOPE, at position "PO-1001". */
    private static final String FIRST_RELEASE_CURSOR = "AY4JZor2r553g_mmpD-m10ijHy16mghlUP8uoQ-_9Xr8HcwzDIFjeGIx4Zva"
            + "fNztHw8T6DuMwFIGg8NyM55fpRbW-8KqnuiVdSnbGyHBowLAhVaJ8YXAwvT6UzrrGUBfm3G43Ltl8C7EfA2HEkRY6obLmx-MEA_Ymz16a"
            + "pk7147_RTsoNaO48L8k9zf44dEOHFbmd7D3phw22D4U5ohErYu9DiNSUxsWCNU_G9iyAmy4cPoghV86JpFRO3yt";

    @Test
    void aCursorSealedByAnEarlierReleaseStillOpens() {
        // a client holding a cursor across a deploy goes on paging: key derivation, associated data and layout are fixed
        assertEquals("PO-1001", Cursors.fromSecret(() -> SECRET).open(SCOPE, FIRST_RELEASE_CURSOR, UnaryOperator.identity()));
    }

    @Test
    void theSecretMustBeAtLeast32Characters() {
        String exactly32 = "x".repeat(32);
        Cursors cursors = Cursors.fromSecret(() -> exactly32);
        assertTrue(cursors.prime());
        assertEquals("p", cursors.open(SCOPE, cursors.seal(SCOPE, "p"), UnaryOperator.identity()));
        assertFalse(Cursors.fromSecret(() -> "x".repeat(31)).prime());
        assertThrows(IllegalStateException.class, () -> Cursors.fromSecret(() -> "x".repeat(31)).seal(SCOPE, "p"));
    }

    @Test
    void positionsFromEmptyToTheLargestRoundTrip() {
        Cursors cursors = Cursors.fromSecret(Cursors::newSecret);
        for (String position : new String[]{"", "é", "x".repeat(Cursors.MAX_POSITION_BYTES)}) {
            String cursor = cursors.seal(SCOPE, position);
            assertEquals(position, cursors.open(SCOPE, cursor, UnaryOperator.identity()));
        }
        String tooLong = "x".repeat(Cursors.MAX_POSITION_BYTES + 1);
        assertThrows(IllegalStateException.class, () -> cursors.seal(SCOPE, tooLong));
    }
}
