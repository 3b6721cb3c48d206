package orgshare.shared.validation;

import orgshare.shared.error.ApiException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Field names of FIELDS scopes and row filters: 1 to 128 visible characters, counted as code points. */
class FieldNameTest {
    private static void refused(String name) {
        assertEquals("VALIDATION_FAILED", assertThrows(ApiException.class, () -> Validate.fieldName("f", name)).code(), name);
    }

    @Test
    void oneTo128CodePoints() {
        assertEquals("a", Validate.fieldName("f", "a"));
        String longest = "a".repeat(Validate.MAX_FIELD_NAME_LENGTH);
        assertEquals(longest, Validate.fieldName("f", longest));
        // 128 characters outside the BMP are 256 UTF-16 units and still one name
        String astral = "\uD83D\uDE00".repeat(Validate.MAX_FIELD_NAME_LENGTH);
        assertEquals(astral, Validate.fieldName("f", astral));
        refused("");
        refused("a".repeat(Validate.MAX_FIELD_NAME_LENGTH + 1));
        refused("\uD83D\uDE00".repeat(Validate.MAX_FIELD_NAME_LENGTH + 1));
        refused(null);
    }

    @Test
    void noControlOrInvisibleCharacters() {
        assertEquals("caf\u00e9 total", Validate.fieldName("f", "caf\u00e9 total"));
        for (String name : new String[]{"a\u0000", "a\n", "\u200b", "a\u202e", "\uD800", "\u2028", "\uE000"}) {
            refused(name);
        }
    }
}
