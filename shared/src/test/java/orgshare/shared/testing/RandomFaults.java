package orgshare.shared.testing;

import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Seeded random DynamoDB faults: throttling, transaction conflicts and timeouts before a call reaches the table,
 * and timeouts after the table applied it (the answer is lost, the write is not). Armed and disarmed by the test.
 */
public final class RandomFaults implements ExecutionInterceptor {
    public enum Kind { THROTTLED, TRANSACTION_CONFLICT, TIMEOUT, LOST_ANSWER }

    private final Random random;
    private final double rate;
    private final Map<Kind, AtomicInteger> injected = new ConcurrentHashMap<>();
    private volatile boolean armed;
    private final Queue<String> answersToLose = new ConcurrentLinkedQueue<>();

    public RandomFaults(long seed, double rate) {
        this.random = new Random(seed);
        this.rate = rate;
    }

    public void arm(boolean on) {
        armed = on;
    }

    /**
     * The answers to the next calls of these operations, in this order, are lost after the table applied them, armed
     * or not: each once.
     */
    public void loseNextAnswersOf(String... operations) {
        answersToLose.addAll(List.of(operations));
    }

    public Map<Kind, Integer> injected() {
        Map<Kind, Integer> counts = new java.util.EnumMap<>(Kind.class);
        injected.forEach((kind, count) -> counts.put(kind, count.get()));
        return counts;
    }

    private synchronized boolean roll(double probability) {
        return armed && random.nextDouble() < probability;
    }

    private synchronized int pick(int bound) {
        return random.nextInt(bound);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (!roll(rate)) {
            return;
        }
        boolean transaction = "TransactWriteItems".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        switch (pick(transaction ? 3 : 2)) {
            case 0 -> {
                count(Kind.THROTTLED);
                throw ProvisionedThroughputExceededException.builder().message("injected throttling").build();
            }
            case 1 -> {
                count(Kind.TIMEOUT);
                throw ApiCallTimeoutException.create("injected timeout");
            }
            default -> {
                count(Kind.TRANSACTION_CONFLICT);
                throw TransactionCanceledException.builder().message("injected conflict")
                        .cancellationReasons(CancellationReason.builder().code("TransactionConflict").build()).build();
            }
        }
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        boolean chosen = operation.equals(answersToLose.peek()) && answersToLose.remove(operation);
        if (chosen || roll(rate / 3)) {
            count(Kind.LOST_ANSWER);
            throw ApiCallTimeoutException.create("injected timeout after the write was applied");
        }
        return context.response();
    }

    private void count(Kind kind) {
        injected.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    }
}
