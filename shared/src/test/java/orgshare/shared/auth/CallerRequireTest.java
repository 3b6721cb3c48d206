package orgshare.shared.auth;

import orgshare.shared.error.ApiException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** requireAuthenticated hands back the caller it checked, so a handler can go on with it. */
class CallerRequireTest {
    @Test
    void anAuthenticatedCallerIsReturnedAsItIs() {
        Caller merchant = Caller.merchant("01JDMERCHANT0000000000000A", "acme");
        assertSame(merchant, merchant.requireAuthenticated());
        assertEquals(Caller.Principal.OPERATOR, Caller.operator().requireAuthenticated().principal());
        assertEquals("INVALID_KEY", assertThrows(ApiException.class,
                () -> Caller.anonymous("INVALID_KEY").requireAuthenticated()).code());
    }
}
