package orgshare.shared.db;

import orgshare.shared.error.ApiException;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter for unprocessed batch items: 25 ms doubling, capped at 1 s. */
public final class Backoff {
    public static final int MAX_ATTEMPTS = 8;

    private Backoff() {
    }

    public static void sleep(int attempt) {
        if (attempt >= MAX_ATTEMPTS) {
            throw new ApiException(503, "UNAVAILABLE", "The data store is busy; retry.");
        }
        long cap = Math.min(1000L, 25L << Math.min(attempt, 6));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off", e);
        }
    }
}
