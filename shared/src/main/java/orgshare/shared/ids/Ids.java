package orgshare.shared.ids;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * ULID-style IDs: 48 bits of milliseconds then 80 random bits, as 26 Crockford base32 characters,
 * so IDs sort by creation time and never contain a key separator.
 */
public final class Ids implements Supplier<String> {
    static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Clock clock;

    public Ids(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String get() {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        return encode(clock.millis(), random);
    }

    static String encode(long millis, byte[] random) {
        char[] out = new char[26];
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
        // 80 random bits -> 16 characters
        long hi = 0;
        for (int i = 0; i < 5; i++) {
            hi = (hi << 8) | (random[i] & 0xff);
        }
        long lo = 0;
        for (int i = 5; i < 10; i++) {
            lo = (lo << 8) | (random[i] & 0xff);
        }
        for (int i = 17; i >= 10; i--) {
            out[i] = ALPHABET[(int) (hi & 31)];
            hi >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo >>>= 5;
        }
        return new String(out);
    }

    /** Crockford base32 of the first 16 bytes of {@code bytes}: 26 characters, the same alphabet as IDs. */
    public static String base32(byte[] bytes) {
        StringBuilder sb = new StringBuilder(26);
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < 16; i++) {
            buffer = (buffer << 8) | (bytes[i] & 0xff);
            bits += 8;
            while (bits >= 5) {
                sb.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            sb.append(ALPHABET[(buffer << (5 - bits)) & 31]);
        }
        return sb.toString();
    }
}
