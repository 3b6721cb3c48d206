package orgshare.shared.json;

import orgshare.shared.error.ApiException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A refused document says which of its problems it has, and the exponent range is exact at both ends. */
class JsonRefusalMessagesTest {
    private static ApiException refused(String body) {
        return assertThrows(ApiException.class, () -> Json.decodeObject(body), body);
    }

    @Test
    void aRepeatedKeyIsNamedAsSuch() {
        ApiException repeated = refused("{\"a\":1,\"b\":{\"c\":1,\"c\":2}}");
        assertEquals("MALFORMED_JSON", repeated.code());
        assertTrue(repeated.getMessage().contains("repeats a key"), repeated.getMessage());
        ApiException broken = refused("{\"a\":1,}");
        assertEquals("MALFORMED_JSON", broken.code());
        assertEquals("The request body is not valid JSON.", broken.getMessage());
    }

    @Test
    void aDocumentThatIsNotAnObjectSaysWhatItIs() {
        assertEquals("The body must be a JSON object ({...}), not an array.", refused("[{}]").getMessage());
        assertEquals("The body must be a JSON object ({...}), not a string.", refused("\"{}\"").getMessage());
        assertEquals("The body must be a JSON object ({...}), not a number.", refused("12").getMessage());
        assertEquals("The body must be a JSON object ({...}), not a boolean.", refused("true").getMessage());
        assertEquals("The body must be a JSON object ({...}), not null.", refused("null").getMessage());
    }

    @Test
    void exponentsReachPlusAndMinusOneThousandAndNoFurther() {
        // the exponent of the number's leading digit, as precision - scale counts it: 1e999 is 1000, 1e-1001 is -1000
        for (String kept : new String[]{"1e999", "-1e999", "1e-1001", "-2.5e-1001"}) {
            String body = "{\"n\":" + kept + "}";
            assertEquals(body, Json.encode(Json.decodeObject(body)), kept);
        }
        for (String beyond : new String[]{"1e1000", "-1e1000", "1e-1002", "0.1e-1001"}) {
            ApiException out = refused("{\"n\":" + beyond + "}");
            assertEquals("VALIDATION_FAILED", out.code(), beyond);
            assertTrue(out.getMessage().contains("out of range"), beyond);
        }
    }
}
