package orgshare.shared.db;

import orgshare.shared.error.ApiException;
import orgshare.shared.validation.Validate;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CursorsTest {
    private static String decodeId(String cursor) {
        return Cursors.decode(cursor, p -> Validate.generatedId("cursor", p));
    }

    @Test
    void roundTrips() {
        String id = "01JDMERCHANT0000000000000A";
        assertEquals(id, decodeId(Cursors.encode(id)));
        assertNull(decodeId(null));
        assertNull(Cursors.encode(null));
    }

    @Test
    void refusesForgedCursors() {
        String forgedKey = Base64.getUrlEncoder().encodeToString("1:MEMBER#01JDMERCHANT0000000000000A".getBytes(StandardCharsets.UTF_8));
        String otherVersion = Base64.getUrlEncoder().encodeToString("2:01JDMERCHANT0000000000000A".getBytes(StandardCharsets.UTF_8));
        for (String bad : new String[]{"", "!!!", "x".repeat(600), forgedKey, otherVersion, "MQ"}) {
            ApiException e = assertThrows(ApiException.class, () -> decodeId(bad), bad);
            assertEquals("INVALID_CURSOR", e.code());
            assertEquals(400, e.status());
        }
    }
}
