package orgshare.shared.federation;

import orgshare.shared.db.OrgTable;
import orgshare.shared.db.TableDefinition;
import orgshare.shared.error.ApiException;
import orgshare.shared.ids.Digests;
import orgshare.shared.json.Json;
import orgshare.shared.time.Timestamps;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Notices to peer clouds that must arrive even when a peer is down: each is an item ({@code OUTBOX#<id>}, listed in
 * the sparse gsi1 partition {@value #INDEX} by cloud and then in the order they were written), delivered by the
 * scheduled function in that order, per cloud (a notice waits behind an older one to the same cloud, so a peer learns
 * of a rule change before it learns that the group is gone), with exponential backoff and jitter on the oldest,
 * deleted once the peer's signed answer took it (or refused it for good), and given up after {@link #GIVE_UP} (kept,
 * out of the index, for the operator to see).
 */
public final class Outbox {
    public static final String INDEX = "OUTBOX";
    public static final String NOTICES = "/notices";
    static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    static final Duration MAX_RETRY = Duration.ofHours(1);
    public static final Duration GIVE_UP = Duration.ofHours(72);
    private static final int PAGE = 25;

    /** What one run did. */
    public record DeliveryReport(int delivered, int retrying, int refused, int gaveUp) {
    }

    private final OrgTable table;
    private final FederationClient client;
    private final Clock clock;

    public Outbox(OrgTable table, FederationClient client, Clock clock) {
        this.table = table;
        this.client = client;
        this.clock = clock;
    }

    /**
     * Queues a notice for {@code cloudId}, made for {@code merchant}, due now. The ID comes from what the notice says,
     * so queueing the same notice again (a cleanup run that was interrupted) keeps one item.
     */
    public void enqueue(String cloudId, String merchant, Pointers.Notice notice) {
        enqueue(cloudId, merchant, NOTICES, notice, identity(notice));
    }

    /** The same, as one write of a transaction: the notice exists if and only if the change that causes it does. */
    public TransactWriteItem put(String cloudId, String merchant, Pointers.Notice notice) {
        return put(cloudId, merchant, NOTICES, notice, identity(notice));
    }

    /** Queues any message for {@code path} ({@code identity}: what makes it this message, and not another). */
    public void enqueue(String cloudId, String merchant, String path, Object message, String identity) {
        table.client().putItem(b -> b.tableName(table.name()).item(item(cloudId, merchant, path, message, identity)));
    }

    public TransactWriteItem put(String cloudId, String merchant, String path, Object message, String identity) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table.name())
                .item(item(cloudId, merchant, path, message, identity)).build()).build();
    }

    private static String identity(Pointers.Notice notice) {
        return notice.kind() + "\n" + notice.groupId() + "\n" + notice.merchantId() + "\n" + notice.eventId();
    }

    private Map<String, AttributeValue> item(String cloudId, String merchant, String path, Object message, String identity) {
        String id = id(cloudId + "\n" + path + "\n" + identity);
        String now = Timestamps.now(clock);
        Map<String, AttributeValue> item = new HashMap<>(OrgTable.keyMap("OUTBOX#" + id, "OUTBOX"));
        item.put(TableDefinition.GSI1_PK, AttributeValue.fromS(INDEX));
        item.put(TableDefinition.GSI1_SK, AttributeValue.fromS(cloudId + "#" + now + "#" + id));
        item.put("dueAt", AttributeValue.fromS(now));
        item.put("cloudId", AttributeValue.fromS(cloudId));
        item.put("merchant", AttributeValue.fromS(merchant));
        item.put("path", AttributeValue.fromS(path));
        item.put("body", AttributeValue.fromS(Json.encode(message)));
        item.put("attempts", AttributeValue.fromN("0"));
        item.put("createdAt", AttributeValue.fromS(now));
        return item;
    }

    /** Delivers what is due, per cloud in the order written, while {@code keepGoing}. */
    public DeliveryReport deliver(BooleanSupplier keepGoing) {
        int delivered = 0;
        int retrying = 0;
        int refused = 0;
        int gaveUp = 0;
        Instant now = clock.instant();
        Set<String> waiting = new HashSet<>(); // clouds whose oldest notice is not due or just failed: the rest wait
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> after = start;
            QueryResponse page = table.client().query(b -> b.tableName(table.name()).indexName(TableDefinition.GSI1)
                    .keyConditionExpression("gsi1pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(INDEX)))
                    .limit(PAGE).exclusiveStartKey(after));
            for (Map<String, AttributeValue> item : page.items()) {
                String cloud = item.get("cloudId").s();
                if (waiting.contains(cloud)) {
                    continue;
                }
                if (!keepGoing.getAsBoolean()) {
                    return new DeliveryReport(delivered, retrying, refused, gaveUp);
                }
                if (Instant.parse(item.get("dueAt").s()).isAfter(now)) {
                    waiting.add(cloud);
                    continue;
                }
                switch (deliverOne(item, now)) {
                    case DELIVERED -> delivered++;
                    case REFUSED -> refused++;
                    case RETRYING -> {
                        retrying++;
                        waiting.add(cloud);
                    }
                    case GAVE_UP -> gaveUp++;
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return new DeliveryReport(delivered, retrying, refused, gaveUp);
    }

    private enum Outcome { DELIVERED, REFUSED, RETRYING, GAVE_UP }

    private Outcome deliverOne(Map<String, AttributeValue> item, Instant now) {
        String pk = item.get(TableDefinition.PK).s();
        try {
            FederationClient.Reply reply = client.call(item.get("cloudId").s(), "POST", item.get("path").s(),
                    item.get("merchant").s(), item.get("body").s(), null, client.answerTimeout());
            if (reply.status() == 401 || reply.status() >= 500) {
                // not registered there yet, or down: its operator or its recovery can still change that
                throw new ApiException(503, "PEER_UNAVAILABLE", "answered " + reply.status());
            }
            delete(pk);
            return reply.ok() ? Outcome.DELIVERED : Outcome.REFUSED; // a signed refusal is final: asking again changes nothing
        } catch (ApiException unavailable) {
            int attempts = Integer.parseInt(item.get("attempts").n()) + 1;
            Instant created = Instant.parse(item.get("createdAt").s());
            if (!now.isBefore(created.plus(GIVE_UP))) {
                table.client().updateItem(b -> b.tableName(table.name()).key(OrgTable.keyMap(pk, "OUTBOX"))
                        .updateExpression("REMOVE gsi1pk, gsi1sk SET attempts = :a, gaveUpAt = :now, lastError = :e")
                        .expressionAttributeValues(Map.of(":a", AttributeValue.fromN(Integer.toString(attempts)),
                                ":now", AttributeValue.fromS(Timestamps.format(now)),
                                ":e", AttributeValue.fromS(unavailable.code()))));
                return Outcome.GAVE_UP;
            }
            Instant due = now.plus(backoff(attempts));
            table.client().updateItem(b -> b.tableName(table.name()).key(OrgTable.keyMap(pk, "OUTBOX"))
                    .updateExpression("SET attempts = :a, dueAt = :due, lastError = :e")
                    .expressionAttributeValues(Map.of(":a", AttributeValue.fromN(Integer.toString(attempts)),
                            ":due", AttributeValue.fromS(Timestamps.format(due)),
                            ":e", AttributeValue.fromS(unavailable.code()))));
            return Outcome.RETRYING;
        }
    }

    /** 30 s, 1 min, 2 min, ... up to an hour, each with up to a fifth more at random, so peers are not hit in step. */
    static Duration backoff(int attempts) {
        long base = FIRST_RETRY.toMillis() << Math.min(attempts - 1, 20);
        long capped = Math.min(base, MAX_RETRY.toMillis());
        return Duration.ofMillis(capped + ThreadLocalRandom.current().nextLong(capped / 5 + 1));
    }

    private void delete(String pk) {
        table.client().deleteItem(b -> b.tableName(table.name()).key(OrgTable.keyMap(pk, "OUTBOX")));
    }

    private static String id(String identity) {
        return Digests.sha256Hex(identity, 16);
    }
}
