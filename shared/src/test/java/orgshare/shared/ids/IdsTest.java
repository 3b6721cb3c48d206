package orgshare.shared.ids;

import orgshare.shared.validation.Validate;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdsTest {
    @Test
    void idsAreValidUniqueAndSortByTime() {
        Ids early = new Ids(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
        Ids late = new Ids(Clock.fixed(Instant.parse("2026-01-01T00:00:00.001Z"), ZoneOffset.UTC));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = early.get();
            Validate.generatedId("id", id);
            assertTrue(seen.add(id), "duplicate " + id);
        }
        String later = late.get();
        assertTrue(seen.stream().allMatch(id -> id.compareTo(later) < 0));
    }

    @Test
    void encodesTheTimestampInTheFirstTenCharacters() {
        // 2^48 - 1 ms is the largest timestamp: all 'Z' after the leading 7
        assertEquals("7ZZZZZZZZZ0000000000000000", Ids.encode((1L << 48) - 1, new byte[10]));
        assertEquals("0000000001ZZZZZZZZZZZZZZZZ", Ids.encode(1, new byte[]{-1, -1, -1, -1, -1, -1, -1, -1, -1, -1}));
    }

    @Test
    void base32OfSixteenBytesIsTwentySixCharacters() {
        assertEquals("00000000000000000000000000", Ids.base32(new byte[32]));
        byte[] ones = new byte[16];
        java.util.Arrays.fill(ones, (byte) -1);
        assertEquals("ZZZZZZZZZZZZZZZZZZZZZZZZZW", Ids.base32(ones));
    }
}
