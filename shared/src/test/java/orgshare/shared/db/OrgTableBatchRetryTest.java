package orgshare.shared.db;

import orgshare.shared.error.ApiException;
import orgshare.shared.error.Errors;
import orgshare.shared.testing.DynamoDbLocal;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Batch calls against DynamoDB Local whose answers hold items back as unprocessed, as DynamoDB does under load: the
 * table asks again until it has everything, and gives up with a 503 when the store never catches up.
 */
class OrgTableBatchRetryTest {
    private final HoldBack holdBack = new HoldBack();
    private final DynamoDbClient client = DynamoDbLocal.client(holdBack);
    private final OrgTable table = new OrgTable(client, DynamoDbLocal.newTable(client));

    @Test
    void aBatchGetAsksAgainForWhatWasHeldBack() {
        write(5);
        holdBack.calls(3);
        assertEquals(ids(5), sks(table.batchGetConsistent(keys(5))));
        assertEquals(4, holdBack.seen.get(), "three partial answers, then the rest");
    }

    @Test
    void aBatchWriteSendsAgainWhatWasHeldBack() {
        holdBack.calls(3);
        table.batchWrite(IntStream.range(0, 5).mapToObj(i -> put("item-" + i)).toList());
        assertEquals(4, holdBack.seen.get(), "three partial writes, then the rest");
        holdBack.calls(0);
        assertEquals(ids(5), sks(table.batchGetConsistent(keys(5))));
    }

    @Test
    void aStoreThatNeverCatchesUpIsA503AfterTheLastAttempt() {
        write(3);
        holdBack.calls(Integer.MAX_VALUE);
        assertEquals("UNAVAILABLE", assertThrows(ApiException.class, () -> table.batchGetConsistent(keys(3))).code());
        assertEquals(Backoff.MAX_ATTEMPTS, holdBack.seen.getAndSet(0));
        ApiException write = assertThrows(ApiException.class, () -> table.batchWrite(List.of(put("a"), put("b"))));
        assertEquals(503, write.status());
        assertEquals(Backoff.MAX_ATTEMPTS, holdBack.seen.get());
    }

    @Test
    void aTransactionCancelledWithoutAFailedConditionIsNotAConditionFailure() {
        DynamoDbClient conflicting = DynamoDbLocal.client(new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof TransactWriteItemsRequest) {
                    throw TransactionCanceledException.builder().message("conflict").cancellationReasons(
                            CancellationReason.builder().code("None").build(),
                            CancellationReason.builder().code("TransactionConflict").build()).build();
                }
            }
        });
        OrgTable conflicted = new OrgTable(conflicting, table.name());
        Map<String, AttributeValue> item = OrgTable.keyMap("PK", "a");
        TransactionCanceledException thrown = assertThrows(TransactionCanceledException.class, () -> conflicted.transact(
                List.of(OrgTable.putNew(table.name(), item), OrgTable.putNew(table.name(), OrgTable.keyMap("PK", "b"))),
                failed -> fail("no condition failed, yet action " + failed + " was blamed")));
        assertEquals("CONCURRENT_CHANGE", Errors.toApiException(thrown).code(), "a retryable 409");
    }

    private void write(int count) {
        holdBack.calls(0);
        table.batchWrite(IntStream.range(0, count).mapToObj(i -> put("item-" + i)).toList());
        holdBack.seen.set(0);
    }

    private static WriteRequest put(String sk) {
        Map<String, AttributeValue> item = new HashMap<>(OrgTable.keyMap("PK", sk));
        item.put("payload", AttributeValue.fromS("value of " + sk));
        return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
    }

    private static List<Map<String, AttributeValue>> keys(int count) {
        return IntStream.range(0, count).mapToObj(i -> OrgTable.keyMap("PK", "item-" + i)).toList();
    }

    private static Set<String> ids(int count) {
        return IntStream.range(0, count).mapToObj(i -> "item-" + i).collect(Collectors.toSet());
    }

    private static Set<String> sks(List<Map<String, AttributeValue>> items) {
        assertEquals(items.size(), items.stream().map(i -> i.get(TableDefinition.SK).s()).distinct().count(), "no item twice");
        items.forEach(i -> assertEquals("value of " + i.get(TableDefinition.SK).s(), i.get("payload").s()));
        return items.stream().map(i -> i.get(TableDefinition.SK).s()).collect(Collectors.toSet());
    }

    /** For the next {@code calls} batch calls, the store takes or returns one item and reports the rest unprocessed. */
    private static final class HoldBack implements ExecutionInterceptor {
        private static final ExecutionAttribute<List<WriteRequest>> HELD = new ExecutionAttribute<>("held-back writes");
        private static final ExecutionAttribute<Boolean> HOLD = new ExecutionAttribute<>("hold back");
        private final AtomicInteger remaining = new AtomicInteger();
        final AtomicInteger seen = new AtomicInteger();

        void calls(int calls) {
            remaining.set(calls);
        }

        @Override
        public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
            SdkRequest request = context.request();
            if (!(request instanceof BatchGetItemRequest) && !(request instanceof BatchWriteItemRequest)) {
                return request;
            }
            seen.incrementAndGet();
            boolean hold = remaining.getAndUpdate(n -> n > 0 && n < Integer.MAX_VALUE ? n - 1 : n) > 0;
            attributes.putAttribute(HOLD, hold);
            if (hold && request instanceof BatchWriteItemRequest write) {
                Map.Entry<String, List<WriteRequest>> table = write.requestItems().entrySet().iterator().next();
                boolean all = remaining.get() == Integer.MAX_VALUE;
                List<WriteRequest> sent = all ? List.of() : table.getValue().subList(0, 1);
                attributes.putAttribute(HELD, new ArrayList<>(table.getValue().subList(sent.size(), table.getValue().size())));
                // DynamoDB refuses an empty batch, so "nothing written" sends a harmless put of a key no test reads
                return write.toBuilder().requestItems(Map.of(table.getKey(), sent.isEmpty() ? List.of(put("ignored")) : sent)).build();
            }
            return request;
        }

        @Override
        public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
            SdkResponse response = context.response();
            if (!Boolean.TRUE.equals(attributes.getAttribute(HOLD))) {
                return response;
            }
            if (response instanceof BatchWriteItemResponse write) {
                String table = ((BatchWriteItemRequest) context.request()).requestItems().keySet().iterator().next();
                return write.toBuilder().unprocessedItems(Map.of(table, attributes.getAttribute(HELD))).build();
            }
            BatchGetItemResponse get = (BatchGetItemResponse) response;
            String table = ((BatchGetItemRequest) context.request()).requestItems().keySet().iterator().next();
            List<Map<String, AttributeValue>> items = get.responses().getOrDefault(table, List.of());
            int kept = remaining.get() == Integer.MAX_VALUE ? 0 : Math.min(1, items.size());
            List<Map<String, AttributeValue>> heldKeys = items.subList(kept, items.size()).stream()
                    .map(i -> OrgTable.keyMap(i.get(TableDefinition.PK).s(), i.get(TableDefinition.SK).s())).toList();
            return get.toBuilder().responses(Map.of(table, items.subList(0, kept)))
                    .unprocessedKeys(Map.of(table, KeysAndAttributes.builder().keys(heldKeys).consistentRead(true).build()))
                    .build();
        }
    }
}
