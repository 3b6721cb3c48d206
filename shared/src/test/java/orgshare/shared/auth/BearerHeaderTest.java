package orgshare.shared.auth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The key of an Authorization header: "Bearer" in any case, then a well-formed key; anything else is no key. */
class BearerHeaderTest {
    @Test
    void theKeyAfterBearerInAnyCase() {
        String key = ApiKeys.generate();
        assertEquals(key, ApiKeys.fromAuthorization("Bearer " + key));
        assertEquals(key, ApiKeys.fromAuthorization("bEARER " + key));
        assertEquals(key, ApiKeys.fromAuthorization("Bearer   " + key + " "));
    }

    @Test
    void noKeyWithoutAWellFormedOne() {
        String key = ApiKeys.generate();
        for (String header : new String[]{null, "", "Bearer", "Bearer ", "Bearer  ", "Basic " + key, key,
                "Bearer " + key.substring(1), "Bearer " + key + "x", "Bearer" + key}) {
            assertNull(ApiKeys.fromAuthorization(header), header);
        }
    }
}
