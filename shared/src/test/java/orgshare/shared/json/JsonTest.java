package orgshare.shared.json;

import orgshare.shared.error.ApiException;
import org.junit.jupiter.api.Test;

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
}
