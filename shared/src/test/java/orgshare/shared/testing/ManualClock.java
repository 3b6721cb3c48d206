package orgshare.shared.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock the test moves by hand (UTC): what happens in one instant shares its timestamps. A ticking one also moves
 * by a step each time it is read, so a single-threaded run gets the same timestamps on every machine.
 */
public final class ManualClock extends Clock {
    private Instant now;
    private final Duration tick;

    public ManualClock(Instant start) {
        this(start, Duration.ZERO);
    }

    private ManualClock(Instant start, Duration tick) {
        this.now = start;
        this.tick = tick;
    }

    /** A clock that reads {@code start}, then {@code start + step}, and so on. */
    public static ManualClock ticking(Instant start, Duration step) {
        return new ManualClock(start, step);
    }

    public synchronized void advance(Duration by) {
        now = now.plus(by);
    }

    public synchronized void set(Instant instant) {
        now = instant;
    }

    @Override
    public synchronized Instant instant() {
        Instant read = now;
        now = read.plus(tick);
        return read;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
