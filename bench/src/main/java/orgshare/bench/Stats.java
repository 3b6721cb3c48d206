package orgshare.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Percentiles of measured durations (nearest rank: every figure reported is one that was measured). */
record Stats(int n, double p50, double p90, double p99) {

    /** The durations, in nanoseconds, summarised in milliseconds. */
    static Stats ofNanos(List<Long> nanos) {
        if (nanos.isEmpty()) {
            throw new IllegalArgumentException("nothing was measured");
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return new Stats(sorted.length, rank(sorted, 50) / 1e6, rank(sorted, 90) / 1e6, rank(sorted, 99) / 1e6);
    }

    /**
     * Times each of {@code ops} {@code runs} times, interleaved (one of each per round, the order rotated every round,
     * so drift in the machine or the storage falls on all alike), after {@code warmup} untimed rounds for the JIT.
     */
    static List<Stats> interleaved(int warmup, int runs, Runnable... ops) {
        for (int i = 0; i < warmup; i++) {
            for (Runnable op : ops) {
                op.run();
            }
        }
        List<List<Long>> nanos = new ArrayList<>();
        for (Runnable ignored : ops) {
            nanos.add(new ArrayList<>(runs));
        }
        for (int round = 0; round < runs; round++) {
            for (int k = 0; k < ops.length; k++) {
                int op = (round + k) % ops.length;
                long started = System.nanoTime();
                ops[op].run();
                nanos.get(op).add(System.nanoTime() - started);
            }
        }
        return nanos.stream().map(Stats::ofNanos).toList();
    }

    static long rank(long[] sorted, double percentile) {
        int index = (int) Math.ceil(percentile / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** The median. */
    double median() {
        return p50;
    }

    /** "p50 / p90 / p99" in ms. */
    String spread() {
        return ms(p50) + " / " + ms(p90) + " / " + ms(p99);
    }

    static String ms(double millis) {
        return millis >= 100 ? String.format("%.0f", millis) : String.format("%.2f", millis);
    }
}
