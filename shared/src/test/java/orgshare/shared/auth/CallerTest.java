package orgshare.shared.auth;

import orgshare.shared.error.ApiException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CallerTest {
    @Test
    void contextRoundTrips() {
        Caller merchant = Caller.merchant("01JDMERCHANT0000000000000A", "acme");
        assertEquals(merchant, Caller.fromContext(merchant.toContext()));
        assertEquals(Caller.operator(), Caller.fromContext(Caller.operator().toContext()));
        assertEquals(Caller.anonymous("INVALID_KEY"), Caller.fromContext(Caller.anonymous("INVALID_KEY").toContext()));
    }

    @Test
    void missingOrForeignContextIsUnauthenticated() {
        assertEquals(401, assertThrows(ApiException.class, () -> Caller.fromContext(null).requireAuthenticated()).status());
        assertEquals(401, assertThrows(ApiException.class,
                () -> Caller.fromContext(Map.of("principal", "ADMIN")).requireAuthenticated()).status());
        // a merchant principal without an ID is nobody
        assertEquals(401, assertThrows(ApiException.class,
                () -> Caller.fromContext(Map.of("principal", "MERCHANT")).requireAuthenticated()).status());
    }

    @Test
    void rolesAreEnforced() {
        assertEquals(403, assertThrows(ApiException.class, () -> Caller.operator().requireMerchant()).status());
        assertEquals(403, assertThrows(ApiException.class,
                () -> Caller.merchant("01JDMERCHANT0000000000000A", "acme").requireOperator()).status());
        ApiException invalid = assertThrows(ApiException.class, () -> Caller.anonymous("INVALID_KEY").requireOperator());
        assertEquals("INVALID_KEY", invalid.code());
    }
}
