package orgshare.bench;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The calls and the time spent in each DynamoDB operation (from sending the request to receiving the response), so
 * that a figure can say what it is made of.
 */
final class CallTimer implements ExecutionInterceptor {
    private static final ExecutionAttribute<Long> SENT = new ExecutionAttribute<>("orgshare.bench.sent");
    private final Map<String, long[]> byOperation = new LinkedHashMap<>();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        attributes.putAttribute(SENT, System.nanoTime());
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        long nanos = System.nanoTime() - attributes.getAttribute(SENT);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        synchronized (byOperation) {
            long[] totals = byOperation.computeIfAbsent(operation, k -> new long[2]);
            totals[0]++;
            totals[1] += nanos;
        }
    }

    void reset() {
        synchronized (byOperation) {
            byOperation.clear();
        }
    }

    /** Seconds spent in each operation since the last reset. */
    Map<String, Double> secondsByOperation() {
        synchronized (byOperation) {
            Map<String, Double> seconds = new LinkedHashMap<>();
            byOperation.forEach((operation, totals) -> seconds.put(operation, totals[1] / 1e9));
            return seconds;
        }
    }

    /** "Query ×2 0.51 s, BatchWriteItem ×401 1.25 s". */
    String summary() {
        synchronized (byOperation) {
            return byOperation.entrySet().stream()
                    .map(e -> String.format("%s ×%,d %.2f s", e.getKey(), e.getValue()[0], e.getValue()[1] / 1e9))
                    .collect(Collectors.joining(", "));
        }
    }
}
