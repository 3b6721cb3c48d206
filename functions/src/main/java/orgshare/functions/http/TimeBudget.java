package orgshare.functions.http;

import com.amazonaws.services.lambda.runtime.Context;

import java.util.function.BooleanSupplier;

/** "Keep going" while the invocation has time left, with a margin to answer; without a Lambda context, 10 s. */
public final class TimeBudget {
    private static final long MARGIN_MS = 3_000;
    private static final long DEFAULT_MS = 10_000;

    private TimeBudget() {
    }

    public static BooleanSupplier of(Context context) {
        if (context != null && context.getRemainingTimeInMillis() > 0) {
            return () -> context.getRemainingTimeInMillis() > MARGIN_MS;
        }
        long deadline = System.nanoTime() + DEFAULT_MS * 1_000_000;
        return () -> System.nanoTime() < deadline;
    }
}
