package orgshare.shared.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** RFC 8785, proven by the test data of its reference implementations (cyberphone/json-canonicalization, testdata/). */
class CanonicalJsonTest {
    private static final ObjectMapper PLAIN = new ObjectMapper();

    private static String canonical(String json) throws Exception {
        return CanonicalJson.of(PLAIN.readTree(json));
    }

    @Test
    void sortsMembersByUtf16CodeUnitsAndWritesStringsMinimally() throws Exception {
        assertEquals("{\"1\":\"One\",\"</script>\":\"Browser Challenge\",\"\u0080\":\"Control\u007f\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\","
                        + "\"\u20ac\":\"Euro Sign\",\"\ud83d\ude02\":\"Smiley\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}",
                canonical("{\n  \"\\u20ac\": \"Euro Sign\",\n  \"1\": \"One\",\n  \"\\u0080\": \"Control\\u007f\",\n  \"\\ud83d\\ude02\": \"Smiley\",\n"
                        + "  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\",\n  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n"
                        + "  \"</script>\": \"Browser Challenge\"\n}\n"));
    }

    @Test
    void writesNumbersAsEcmaScriptDoesAndEscapesAsTheSchemeSays() throws Exception {
        assertEquals("{\"escaping\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\",\"literals\":[null,true,false],"
                        + "\"numbers\":[1e+30,4.5,333333333.3333333,0.002,1e-27]}",
                canonical("{\n  \"numbers\": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001],\n"
                        + "  \"escaping\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n  \"literals\": [null, true, false]\n}"));
    }

    @Test
    void nestsAndEmptiesAsTheSchemeSays() throws Exception {
        assertEquals("{\"\":\"empty\",\"1\":{\"\\n\":56,\"f\":{\"F\":5,\"f\":\"hi\"}},\"10\":{},\"111\":[{}],\"A\":{},\"a\":{}}",
                canonical("{\n  \"1\": {\"f\": {\"f\": \"hi\",\"F\": 5} ,\"\\n\": 56.0},\n  \"10\": { },\n  \"\": \"empty\",\n  \"a\": { },\n"
                        + "  \"111\": [ { } ],\n  \"A\": { }\n}"));
    }

    @Test
    void numbersAtTheEdgesOfEachForm() {
        assertEquals("0", CanonicalJson.number(-0.0));
        assertEquals("-1", CanonicalJson.number(-1));
        assertEquals("100000000000000000000", CanonicalJson.number(1e20));
        assertEquals("1e+21", CanonicalJson.number(1e21));
        assertEquals("0.000001", CanonicalJson.number(1e-6));
        assertEquals("1e-7", CanonicalJson.number(1e-7));
        assertEquals("123.456", CanonicalJson.number(123.456));
        assertEquals("9007199254740992", CanonicalJson.number(9007199254740992.0));
        assertEquals("5e-324", CanonicalJson.number(Double.MIN_VALUE));
        assertEquals("1.7976931348623157e+308", CanonicalJson.number(Double.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.number(Double.NaN));
    }

    @Test
    void everyWrittenNumberReadsBackAsTheSameDoubleInNoMoreDigitsThanJavaWrites() {
        java.util.Random random = new java.util.Random(8785);
        for (int i = 0; i < 100_000; i++) {
            double value = Double.longBitsToDouble(random.nextLong());
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                continue;
            }
            String written = CanonicalJson.number(value);
            assertEquals(value == 0 ? 0.0 : value, Double.parseDouble(written), written);
            assertEquals(true, significant(written) <= significant(Double.toString(value)), written + " vs " + value);
        }
    }

    private static int significant(String number) {
        String mantissa = number.replaceFirst("[eE].*$", "").replace("-", "").replace(".", "").replaceFirst("^0+", "");
        return mantissa.replaceFirst("0+$", "").length();
    }
}
