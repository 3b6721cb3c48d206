package orgshare.shared.json;

import orgshare.shared.error.ApiException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonTest {
    record Named(String name, Boolean flag) {
    }

    private static ApiException refuse(String body) {
        return assertThrows(ApiException.class, () -> Json.decodeRequest(body, Named.class), body);
    }

    @Test
    void decodesAWellFormedBody() {
        assertEquals(new Named("x", true), Json.decodeRequest("{\"name\":\"x\",\"flag\":true}", Named.class));
    }

    @Test
    void refusesWhatIsNotTheExpectedObject() {
        assertEquals("MALFORMED_JSON", refuse("").code());
        assertEquals("MALFORMED_JSON", refuse("{").code());
        assertEquals("MALFORMED_JSON", refuse("null").code());
        assertEquals("MALFORMED_JSON", refuse("{\"name\":\"x\"} trailing").code());
        assertEquals("The request body must be a JSON object.", refuse("[1,2]").getMessage());
        assertEquals("The request body must be a JSON object.", refuse("\"text\"").getMessage());
        assertEquals("Unknown field 'nam'.", refuse("{\"nam\":\"x\"}").getMessage());
        assertEquals("Field 'name' has the wrong type.", refuse("{\"name\":42}").getMessage());
        assertEquals("Field 'name' has the wrong type.", refuse("{\"name\":{\"a\":1}}").getMessage());
        assertEquals("Field 'flag' has the wrong type.", refuse("{\"flag\":\"true\"}").getMessage());
        assertEquals(400, refuse("{\"name\":" + "[".repeat(1000) + "]".repeat(1000) + "}").status());
    }

    @Test
    void keepsEveryNumberAsWritten() {
        for (String number : List.of("0", "-0", "-0.0", "0.0", "1e3", "1E3", "1e+3", "1E+3", "1e-3", "1E-03", "0.10", "12.50",
                "-12.50", "0.0000001", "1.0E+10", "9e999", "-1.5e-999", "0e5000", "123456789012345678901234567890",
                "-9223372036854775809", "3.14159265358979323846264338327950288")) {
            String body = "{\"n\":" + number + ",\"a\":[" + number + ",{\"m\":" + number + "}]}";
            assertEquals(body, Json.encode(Json.decodeObject(body)), number);
            assertEquals(body, Json.encode(Json.storedObject(body)), number + " stored");
        }
        assertEquals(40, Json.decodeObject("{\"n\":40}").get("n").intValue(), "plain numbers stay numbers");
    }

    @Test
    void keepsWhatStringsMean() {
        ObjectNode body = Json.decodeObject("{\"caf\\u00e9\":\"\\u00e9\\/\\n\\ud83d\\ude00\\u0041\",\"raw\":\"\u00e9/\uD83D\uDE00\"}");
        assertEquals("\u00e9/\n\uD83D\uDE00A", body.get("caf\u00e9").textValue());
        assertEquals("\u00e9/\uD83D\uDE00", body.get("raw").textValue());
    }

    @Test
    void refusesUnpairedSurrogatesEscapedOrRaw() {
        for (String text : List.of("\\ud800", "\\udc00", "\\uDBFF", "a\\ud800", "\\ud800b", "\\ud800\\u0041",
                "\\ud800\\ud800", "\\udc00\\ud800", "\\ude00\\ud83d", "\uD800", "x\uDC00", "\uDE00\uD83D", "\uD83D\uD83D")) {
            for (String body : List.of("{\"name\":\"" + text + "\"}", "{\"" + text + "\":1}", "{\"a\":[{\"b\":\"" + text + "\"}]}")) {
                ApiException refused = assertThrows(ApiException.class, () -> Json.decodeObject(body), body);
                assertEquals("MALFORMED_JSON", refused.code(), body);
                assertEquals("MALFORMED_JSON", refuse(body).code(), body);
            }
        }
    }
}
