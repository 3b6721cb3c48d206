package orgshare.shared.ids;

import java.time.Clock;
import java.util.Random;
import java.util.function.Supplier;

/** IDs shaped as the service's (time, then 80 bits), the bits from a seeded Random: the same IDs on every run. */
public final class SeededIds implements Supplier<String> {
    private final Clock clock;
    private final Random random;

    public SeededIds(Clock clock, long seed) {
        this.clock = clock;
        this.random = new Random(seed);
    }

    @Override
    public synchronized String get() {
        byte[] bits = new byte[10];
        random.nextBytes(bits);
        return Ids.encode(clock.millis(), bits);
    }
}
