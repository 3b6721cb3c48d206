package orgshare.shared.db;

import orgshare.shared.model.ApiKeyItem;
import orgshare.shared.model.AuditItem;
import orgshare.shared.model.InboxItem;
import orgshare.shared.model.RecordItem;
import orgshare.shared.model.RuleItem;
import orgshare.shared.model.CloudItem;
import orgshare.shared.model.GroupItem;
import orgshare.shared.model.MemberItem;
import orgshare.shared.model.MerchantItem;
import orgshare.shared.error.ApiException;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactWriteItemsEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

/** The one physical table, seen through one typed view per item kind (aws-sdk-java-v2 #1870: no polymorphic mapping). */
public final class OrgTable {
    public static final Expression ITEM_ABSENT = Expression.builder().expression("attribute_not_exists(pk)").build();
    public static final Expression ITEM_PRESENT = Expression.builder().expression("attribute_exists(pk)").build();

    /** DynamoDB's limits on one BatchWriteItem and one TransactWriteItems. */
    public static final int MAX_BATCH_WRITE = 25;
    public static final int MAX_BATCH_GET = 100;
    public static final int MAX_TRANSACTION = 100;

    private final DynamoDbClient client;
    private final DynamoDbEnhancedClient enhanced;
    private final String name;
    // the typed views, each made on first use: its schema (a mapper per attribute) is built only by a function that
    // reads or writes that kind of item, which a cold start would otherwise pay for every kind. Two threads that race
    // on a first use make two equal views, and either serves (a view holds no state of its own).
    private volatile DynamoDbTable<CloudItem> clouds;
    private volatile DynamoDbTable<MerchantItem> merchants;
    private volatile DynamoDbTable<ApiKeyItem> keys;
    private volatile DynamoDbTable<GroupItem> groups;
    private volatile DynamoDbTable<MemberItem> members;
    private volatile DynamoDbTable<RuleItem> rules;
    private volatile DynamoDbTable<RecordItem> records;
    private volatile DynamoDbTable<InboxItem> inbox;
    private volatile DynamoDbTable<AuditItem> audit;

    public OrgTable(DynamoDbClient client, String name) {
        this.client = client;
        this.name = name;
        this.enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(client).build();
    }

    public DynamoDbClient client() {
        return client;
    }

    public DynamoDbEnhancedClient enhanced() {
        return enhanced;
    }

    public String name() {
        return name;
    }

    public DynamoDbTable<CloudItem> clouds() {
        DynamoDbTable<CloudItem> view = clouds;
        return view != null ? view : (clouds = enhanced.table(name, CloudItem.SCHEMA));
    }

    public DynamoDbTable<MerchantItem> merchants() {
        DynamoDbTable<MerchantItem> view = merchants;
        return view != null ? view : (merchants = enhanced.table(name, MerchantItem.SCHEMA));
    }

    public DynamoDbTable<ApiKeyItem> keys() {
        DynamoDbTable<ApiKeyItem> view = keys;
        return view != null ? view : (keys = enhanced.table(name, ApiKeyItem.SCHEMA));
    }

    public DynamoDbTable<GroupItem> groups() {
        DynamoDbTable<GroupItem> view = groups;
        return view != null ? view : (groups = enhanced.table(name, GroupItem.SCHEMA));
    }

    public DynamoDbTable<MemberItem> members() {
        DynamoDbTable<MemberItem> view = members;
        return view != null ? view : (members = enhanced.table(name, MemberItem.SCHEMA));
    }

    public DynamoDbTable<RuleItem> rules() {
        DynamoDbTable<RuleItem> view = rules;
        return view != null ? view : (rules = enhanced.table(name, RuleItem.SCHEMA));
    }

    public DynamoDbTable<RecordItem> records() {
        DynamoDbTable<RecordItem> view = records;
        return view != null ? view : (records = enhanced.table(name, RecordItem.SCHEMA));
    }

    public DynamoDbTable<InboxItem> inbox() {
        DynamoDbTable<InboxItem> view = inbox;
        return view != null ? view : (inbox = enhanced.table(name, InboxItem.SCHEMA));
    }

    public DynamoDbTable<AuditItem> audit() {
        DynamoDbTable<AuditItem> view = audit;
        return view != null ? view : (audit = enhanced.table(name, AuditItem.SCHEMA));
    }

    public static Key key(String pk, String sk) {
        return Key.builder().partitionValue(pk).sortValue(sk).build();
    }

    public static Map<String, AttributeValue> keyMap(String pk, String sk) {
        return Map.of(TableDefinition.PK, AttributeValue.fromS(pk), TableDefinition.SK, AttributeValue.fromS(sk));
    }

    /**
     * Consistent BatchGetItem for items of any kinds, {@value #MAX_BATCH_GET} keys a call (one call for up to that
     * many); the caller decodes each by its sort key. Unprocessed keys are asked again with a short backoff, so the
     * result is complete or an exception.
     */
    public List<Map<String, AttributeValue>> batchGetConsistent(List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> found = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += MAX_BATCH_GET) {
            Map<String, KeysAndAttributes> pending = Map.of(name, KeysAndAttributes.builder()
                    .keys(keys.subList(from, Math.min(keys.size(), from + MAX_BATCH_GET))).consistentRead(true).build());
            for (int attempt = 0; !pending.isEmpty(); attempt++) {
                if (attempt > 0) {
                    Backoff.sleep(attempt);
                }
                BatchGetItemResponse response = client.batchGetItem(BatchGetItemRequest.builder().requestItems(pending).build());
                found.addAll(response.responses().getOrDefault(name, List.of()));
                pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        return found;
    }

    /** A transaction's put of a new item: it fails if an item with that key exists. */
    public static TransactWriteItem putNew(String tableName, Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(software.amazon.awssdk.services.dynamodb.model.Put.builder()
                .tableName(tableName).item(item).conditionExpression("attribute_not_exists(pk)").build()).build();
    }

    /** BatchWriteItem, 25 requests a call, unprocessed items asked again with backoff until all are written. */
    public void batchWrite(List<WriteRequest> requests) {
        for (int from = 0; from < requests.size(); from += MAX_BATCH_WRITE) {
            Map<String, List<WriteRequest>> pending = Map.of(name,
                    List.copyOf(requests.subList(from, Math.min(requests.size(), from + MAX_BATCH_WRITE))));
            for (int attempt = 0; !pending.isEmpty(); attempt++) {
                if (attempt > 0) {
                    Backoff.sleep(attempt);
                }
                Map<String, List<WriteRequest>> batch = pending;
                BatchWriteItemResponse response = client.batchWriteItem(b -> b.requestItems(batch));
                pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
            }
        }
    }

    /**
     * BatchWriteItem, 25 at a time, unprocessed items retried with backoff; up to {@value #PARALLEL_BATCHES} batches in
     * flight, so a large group's items are not written one round trip at a time. Returns once all are done; the first
     * failure is rethrown after the others finished (the callers are idempotent: the next run writes what is left).
     */
    public void batchWriteInParallel(List<WriteRequest> requests) {
        if (requests.size() <= MAX_BATCH_WRITE) {
            batchWrite(requests);
            return;
        }
        List<CompletableFuture<Void>> batches = new ArrayList<>();
        for (int from = 0; from < requests.size(); from += MAX_BATCH_WRITE) {
            List<WriteRequest> batch = requests.subList(from, Math.min(requests.size(), from + MAX_BATCH_WRITE));
            batches.add(CompletableFuture.runAsync(() -> batchWrite(batch), POOL));
        }
        RuntimeException first = null;
        for (CompletableFuture<Void> batch : batches) {
            try {
                batch.join();
            } catch (CompletionException e) {
                if (first == null) {
                    first = e.getCause() instanceof RuntimeException cause ? cause : e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static final int PARALLEL_BATCHES = 4;
    private static final ExecutorService POOL = Executors.newFixedThreadPool(PARALLEL_BATCHES, task -> {
        Thread thread = new Thread(task, "orgshare-batch-write");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * Runs one transaction. When a condition fails, {@code onConditionFailed} gets the index of the first failed
     * action (in the order they were added) and says which error the client sees; everything else propagates.
     */
    public void transact(TransactWriteItemsEnhancedRequest request, IntFunction<ApiException> onConditionFailed) {
        transact(() -> enhanced.transactWriteItems(request), onConditionFailed);
    }

    /** The same for actions the enhanced client cannot express (counters, conditions on other attributes). */
    public void transact(List<TransactWriteItem> actions, IntFunction<ApiException> onConditionFailed) {
        transact(() -> client.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(actions).build()),
                onConditionFailed);
    }

    private static void transact(Runnable write, IntFunction<ApiException> onConditionFailed) {
        try {
            write.run();
        } catch (TransactionCanceledException e) {
            throw refusal(e, onConditionFailed);
        }
    }

    /** What a cancelled transaction means to the client: {@code onConditionFailed}'s error, or the cancellation itself. */
    public static RuntimeException refusal(TransactionCanceledException e, IntFunction<ApiException> onConditionFailed) {
        int failed = firstConditionFailure(e);
        return failed >= 0 ? onConditionFailed.apply(failed) : e;
    }

    /**
     * The item that action {@code index} found when its condition failed (the action asked for it with
     * ReturnValuesOnConditionCheckFailure ALL_OLD), or null: no item, or that action's condition did not fail.
     */
    public static Map<String, AttributeValue> failedItem(TransactionCanceledException e, int index) {
        if (!e.hasCancellationReasons() || e.cancellationReasons().size() <= index) {
            return null;
        }
        CancellationReason reason = e.cancellationReasons().get(index);
        return "ConditionalCheckFailed".equals(reason.code()) && reason.hasItem() && !reason.item().isEmpty()
                ? reason.item() : null;
    }

    private static int firstConditionFailure(TransactionCanceledException e) {
        if (!e.hasCancellationReasons()) {
            return -1;
        }
        List<CancellationReason> reasons = e.cancellationReasons();
        for (int i = 0; i < reasons.size(); i++) {
            if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
                return i;
            }
        }
        return -1;
    }
}
