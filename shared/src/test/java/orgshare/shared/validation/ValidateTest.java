package orgshare.shared.validation;

import orgshare.shared.error.ApiException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ValidateTest {
    @ParameterizedTest
    @ValueSource(strings = {"", "GROUP#01JDGR0P0000000000000G", "01JDGR0P00000000000000000", "01JDGR0P00000000000000000GG",
            "01jdgr0p00000000000000000g", "01JDGR0P0000000000000000IL", "01JDGR0P000000000000000/0G",
            "01JDGR0P00000000000000\u00000G", "01JDGR0P00000000000000000\uFF27"})
    void refusesMalformedGeneratedIds(String id) {
        ApiException e = assertThrows(ApiException.class, () -> Validate.generatedId("groupId", id));
        assertEquals(400, e.status());
        assertEquals("VALIDATION_FAILED", e.code());
    }

    @Test
    void acceptsGeneratedIds() {
        assertEquals("01JDGR0P00000000000000000G", Validate.generatedId("groupId", "01JDGR0P00000000000000000G"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-acme", "acme-", "Acme", "ac#me", "ac/me", "ac me", "acme\n",
            "a234567890123456789012345678901234567890123456789012345678901234"})
    void refusesBadCloudIds(String id) {
        assertThrows(ApiException.class, () -> Validate.cloudId(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "acme", "acme-eu-1", "a23456789012345678901234567890123456789012345678901234567890123"})
    void acceptsCloudIds(String id) {
        assertEquals(id, Validate.cloudId(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " Acme", "Acme ", "Ac\u0000me", "Ac\nme", "Ac\u202Eme", "Ac\u200Bme"})
    void refusesBadNames(String name) {
        assertThrows(ApiException.class, () -> Validate.name("name", name));
    }

    @Test
    void boundsNameLengthInCharactersNotBytes() {
        assertEquals("é".repeat(200), Validate.name("name", "é".repeat(200)));
        assertThrows(ApiException.class, () -> Validate.name("name", "x".repeat(201)));
        assertEquals("Ärzte & Söhne GmbH", Validate.name("name", "Ärzte & Söhne GmbH"));
    }

    @Test
    void nullIsRequired() {
        ApiException e = assertThrows(ApiException.class, () -> Validate.name("name", null));
        assertEquals("'name' is required.", e.getMessage());
    }

    @Test
    void pageSizes() {
        assertEquals(Validate.DEFAULT_PAGE_SIZE, Validate.pageSize(null));
        assertEquals(1, Validate.pageSize("1"));
        assertEquals(100, Validate.pageSize("100"));
        for (String bad : new String[]{"0", "101", "-1", "1e2", "", "ten", "99999999999"}) {
            assertThrows(ApiException.class, () -> Validate.pageSize(bad), bad);
        }
    }
}
