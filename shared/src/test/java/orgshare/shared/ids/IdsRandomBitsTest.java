package orgshare.shared.ids;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An ID carries all 80 of its random bits, each in one place: no bit is lost or written twice. */
class IdsRandomBitsTest {
    @Test
    void eachRandomBitChangesOneCharacterOfItsOwn() {
        String zero = Ids.encode(0, new byte[10]);
        Set<Integer> changedPositions = new HashSet<>();
        for (int bit = 0; bit < 80; bit++) {
            byte[] random = new byte[10];
            random[bit / 8] = (byte) (0x80 >>> (bit % 8));
            String id = Ids.encode(0, random);
            int differing = 0;
            for (int i = 0; i < id.length(); i++) {
                if (id.charAt(i) != zero.charAt(i)) {
                    differing++;
                    changedPositions.add(i);
                    assertTrue(i >= 10, "bit " + bit + " reached the timestamp part at " + i);
                }
            }
            assertEquals(1, differing, "bit " + bit + " of the random part: " + id);
        }
        assertEquals(16, changedPositions.size(), "the 80 bits fill all 16 random characters");
    }
}
