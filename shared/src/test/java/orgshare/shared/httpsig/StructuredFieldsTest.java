package orgshare.shared.httpsig;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The structured-field subset the signatures read (RFC 8941): what it parses, what it refuses, round trips. */
class StructuredFieldsTest {
    @Test
    void parsesDictionariesOfInnerListsAndItemsWithParameters() {
        Map<String, Object> d = StructuredFields.parseDictionary(
                "sig1=(\"@method\" \"content-digest\";req);created=1618884473;nonce=\"b3k2\";tag=\"orgshare\", sig2=:AAEC:;x=?1, flag, t=sha-256");
        StructuredFields.InnerList sig1 = (StructuredFields.InnerList) d.get("sig1");
        assertEquals(List.of("@method", "content-digest"), sig1.items().stream().map(StructuredFields.Item::value).toList());
        assertEquals(Map.of("req", true), sig1.items().get(1).parameters());
        assertEquals(1618884473L, sig1.parameters().get("created"));
        assertEquals("b3k2", sig1.parameters().get("nonce"));
        StructuredFields.Item sig2 = (StructuredFields.Item) d.get("sig2");
        assertArrayEquals(new byte[]{0, 1, 2}, (byte[]) sig2.value());
        assertEquals(true, sig2.parameters().get("x"));
        assertEquals(true, ((StructuredFields.Item) d.get("flag")).value());
        assertEquals(new StructuredFields.Token("sha-256"), ((StructuredFields.Item) d.get("t")).value());
        // canonical serialization round-trips
        assertEquals("(\"@method\" \"content-digest\";req);created=1618884473;nonce=\"b3k2\";tag=\"orgshare\"",
                StructuredFields.serialize(sig1));
        assertEquals("\"a\\\"b\\\\c\"", StructuredFields.bareItem("a\"b\\c"));
    }

    @Test
    void refusesWhatIsNotAStructuredDictionary() {
        for (String bad : List.of("Sig=1", "a=(", "a=(\"x\"", "a=\"unterminated", "a=:not base64!:", "a=1,", "a=1.5",
                "a=1234567890123456", "a=?2", "a=\"\\n\"", "a=(\"x\"\"y\")", "a=\"\u00e9\"")) {
            assertThrows(IllegalArgumentException.class, () -> StructuredFields.parseDictionary(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> StructuredFields.bareItem("caf\u00e9"));
    }
}
