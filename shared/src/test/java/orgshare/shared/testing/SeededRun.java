package orgshare.shared.testing;

import java.util.Random;

/**
 * A seeded run of a fixed number of cases: the seed alone decides every case, on any machine, and is printed so a
 * failure can be replayed with {@code -D<name>.seed=<seed>} ({@code -D<name>.cases=<n>} changes the count). Time is
 * no measure: a run that passes its safety cap fails, saying how far it got, rather than silently testing less.
 */
public final class SeededRun {
    private final String name;
    private final long seed;
    private final int cases;
    private final long safetyNanos;
    private final long started = System.nanoTime();

    private SeededRun(String name, long seed, int cases, long safetyMillis) {
        this.name = name;
        this.seed = seed;
        this.cases = cases;
        this.safetyNanos = safetyMillis * 1_000_000L;
    }

    /** The run named {@code name} (its system properties are {@code name.seed} and {@code name.cases}). */
    public static SeededRun of(String name, long defaultSeed, int defaultCases, long safetyMillis) {
        SeededRun run = new SeededRun(name, Long.getLong(name + ".seed", defaultSeed),
                Integer.getInteger(name + ".cases", defaultCases), safetyMillis);
        System.out.println(name + ": seed " + run.seed + ", " + run.cases + " cases (replay: -D" + name + ".seed="
                + run.seed + " -D" + name + ".cases=" + run.cases + ")");
        return run;
    }

    public long seed() {
        return seed;
    }

    public int cases() {
        return cases;
    }

    public Random random() {
        return new Random(seed);
    }

    /** Call before case {@code done} (counting from 0): fails once the run has passed its safety cap. */
    public void check(int done) {
        if (System.nanoTime() - started > safetyNanos) {
            throw new AssertionError(name + " stopped at its safety cap of " + safetyNanos / 1_000_000_000 + " s after "
                    + done + " of " + cases + " cases (seed " + seed + "): this machine is too slow for the run, or a"
                    + " case hangs; lower -D" + name + ".cases to run fewer");
        }
    }

    /** What to add to a failure message: how to replay the run. */
    @Override
    public String toString() {
        return name + " seed " + seed;
    }
}
