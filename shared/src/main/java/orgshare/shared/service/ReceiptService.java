package orgshare.shared.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import orgshare.shared.auth.Caller;
import orgshare.shared.db.Cursors;
import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.db.TableDefinition;
import orgshare.shared.error.ApiException;
import orgshare.shared.federation.FederationEndpoint;
import orgshare.shared.federation.FederationKey;
import orgshare.shared.federation.Outbox;
import orgshare.shared.federation.PeerCall;
import orgshare.shared.httpsig.Ed25519;
import orgshare.shared.ids.Digests;
import orgshare.shared.ids.Ids;
import orgshare.shared.json.Json;
import orgshare.shared.receipts.Receipts;
import orgshare.shared.time.Timestamps;
import orgshare.shared.validation.Validate;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Deletion receipts (DESIGN §7) as the cleanup makes them, exactly once whatever interrupts it: a plan fixed before
 * anything is deleted (what will go, counted and digested, and who gets the receipt), then, once the deletion is
 * done, the receipt signed with the federation key and a copy for each recipient: in its own list here, or sent to
 * its cloud through the outbox, where {@link #receive} keeps it. Every step is idempotent and lands on the same
 * bytes when repeated.
 */
public final class ReceiptService {
    /** The home's message to a peer hosting recipients ({@code POST /federation/v1/receipts}). */
    public static final String MESSAGE_PATH = "/receipts";
    /**
     * Recipients per plan page and merchants per message: a recipient is at most ~100 bytes of JSON, so a page stays
     * under 100 KB (DynamoDB's item limit is 400 KB) and a message under the federation body limit, whatever the
     * group's size.
     */
    static final int RECIPIENTS_PER_PAGE = 1000;
    static final int MERCHANTS_PER_MESSAGE = 500;
    private static final String PAGE_PREFIX = "RECIPIENTS#";
    /**
     * How long a completed plan is kept (TTL), and its recipient pages from when they are written: the cleanup, every
     * few minutes, completes a plan long before, and nothing reads either once the marker or the group item is gone.
     */
    static final Duration PLAN_KEPT = Duration.ofDays(30);
    static final Duration PAGES_KEPT = Duration.ofDays(90);

    /** Who gets a copy: a merchant of this deployment ({@code cloudId} null) or of the peer cloud named. */
    public record Recipient(String merchantId, String cloudId) {
    }

    /**
     * What the cleanup is about to delete for one leave, removal or dissolve, stored before it deletes anything and
     * never computed again: {@code deleted} counts the keys by kind (the sort key up to its first '#', as stored:
     * GROUP, MEMBER, RULE, DEPARTED, CAP...), {@code keysDigest} is {@link Receipts#keysDigest} over them.
     */
    public record Plan(String receiptId, String kind, String groupId, String merchantId, String requestedAt,
                       String creatorId, String homeCloudId, Map<String, Long> deleted, String keysDigest,
                       List<Recipient> recipients) {
    }

    /** {@code GET /receipts}: the caller's receipts, newest first. */
    public record ReceiptPage(List<Receipts.SignedReceipt> receipts, String cursor) {
    }

    /** A home's message: one signed receipt, for these merchants of the receiving deployment. */
    public record ReceiptMessage(Receipts.SignedReceipt receipt, List<String> merchantIds) {
    }

    public record Stored(int stored) {
    }

    private final OrgTable table;
    private final FederationKey key;
    private final Outbox outbox;
    private final Cursors cursors;
    private final Clock clock;

    public ReceiptService(OrgTable table, FederationKey key, Outbox outbox, Cursors cursors, Clock clock) {
        this.table = table;
        this.key = key;
        this.outbox = outbox;
        this.cursors = cursors;
        this.clock = clock;
    }

    /** The same deletion request always has the same receipt ID (an opaque ID of the ID alphabet). */
    public static String receiptId(String kind, String groupId, String merchantId, String requestedAt) {
        return Ids.base32(Digests.sha256(kind + "\n" + groupId + "\n" + (merchantId == null ? "" : merchantId) + "\n" + requestedAt));
    }

    /** A plan over {@code keys} (items with pk and sk) for {@code recipients}, not yet stored. */
    public static Plan plan(String kind, String groupId, String merchantId, String requestedAt, String creatorId,
                            String homeCloudId, Collection<Map<String, AttributeValue>> keys, Collection<Recipient> recipients) {
        Map<String, Long> counts = new TreeMap<>();
        List<String> lines = new ArrayList<>();
        for (Map<String, AttributeValue> item : keys) {
            String sk = item.get(TableDefinition.SK).s();
            counts.merge(sk.split("#", 2)[0], 1L, Long::sum);
            lines.add(item.get(TableDefinition.PK).s() + "\t" + sk);
        }
        return new Plan(receiptId(kind, groupId, merchantId, requestedAt), kind, groupId, merchantId, requestedAt,
                creatorId, homeCloudId, counts, Receipts.keysDigest(lines), List.copyOf(new LinkedHashSet<>(recipients)));
    }

    /**
     * The plan stored for {@code receiptId}, or, when there is none, the one {@code compute} makes, stored now: an
     * earlier run may have deleted part of what its plan names, so a stored plan is the truth and is not made again.
     * Its recipients go first, in pages named by a digest of their content (a concurrent run that computed other
     * recipients writes other pages, never over these); the plan item, written only if absent, names the pages it owns.
     */
    public Plan planned(String receiptId, Supplier<Plan> compute) {
        Plan stored = read(receiptId);
        if (stored != null) {
            return stored;
        }
        Plan plan = compute.get();
        String pk = Keys.receipt(receiptId);
        List<Recipient> recipients = plan.recipients();
        String pagePrefix = PAGE_PREFIX + Digests.sha256Hex(Json.encode(recipients), 8) + "#";
        int pages = (recipients.size() + RECIPIENTS_PER_PAGE - 1) / RECIPIENTS_PER_PAGE;
        for (int page = 0; page < pages; page++) {
            List<Recipient> slice = recipients.subList(page * RECIPIENTS_PER_PAGE, Math.min(recipients.size(), (page + 1) * RECIPIENTS_PER_PAGE));
            Map<String, AttributeValue> item = new HashMap<>(OrgTable.keyMap(pk, pagePrefix + String.format("%06d", page)));
            item.put("recipients", AttributeValue.fromS(Json.encode(slice)));
            item.put(TableDefinition.TTL, AttributeValue.fromN(Long.toString(clock.instant().plus(PAGES_KEPT).getEpochSecond())));
            table.client().putItem(b -> b.tableName(table.name()).item(item));
        }
        Map<String, AttributeValue> item = new HashMap<>(OrgTable.keyMap(pk, Keys.RECEIPT_PLAN_SK));
        Plan withoutRecipients = new Plan(plan.receiptId(), plan.kind(), plan.groupId(), plan.merchantId(), plan.requestedAt(),
                plan.creatorId(), plan.homeCloudId(), plan.deleted(), plan.keysDigest(), List.of());
        item.put("plan", AttributeValue.fromS(Json.encode(withoutRecipients)));
        item.put("pagePrefix", AttributeValue.fromS(pagePrefix));
        try {
            table.client().putItem(b -> b.tableName(table.name()).item(item).conditionExpression("attribute_not_exists(pk)"));
            return plan;
        } catch (ConditionalCheckFailedException another) {
            return read(receiptId); // another run stored it first: its plan is the one
        }
    }

    /** The stored plan with its recipients (one consistent Query of its partition), or null. */
    private Plan read(String receiptId) {
        Plan plan = null;
        String pagePrefix = null;
        Map<String, String> pages = new TreeMap<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> after = start;
            QueryResponse page = table.client().query(b -> b.tableName(table.name()).consistentRead(true)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(Keys.receipt(receiptId))))
                    .exclusiveStartKey(after));
            for (Map<String, AttributeValue> item : page.items()) {
                if (Keys.RECEIPT_PLAN_SK.equals(item.get(TableDefinition.SK).s())) {
                    plan = stored(item.get("plan").s(), new TypeReference<Plan>() { });
                    pagePrefix = item.get("pagePrefix").s();
                } else {
                    pages.put(item.get(TableDefinition.SK).s(), item.get("recipients").s());
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        if (plan == null) {
            return null;
        }
        List<Recipient> own = new ArrayList<>();
        for (Map.Entry<String, String> page : pages.entrySet()) {
            if (page.getKey().startsWith(pagePrefix)) { // other pages are a run's that lost the race to store the plan
                own.addAll(stored(page.getValue(), new TypeReference<List<Recipient>>() { }));
            }
        }
        return new Plan(plan.receiptId(), plan.kind(), plan.groupId(), plan.merchantId(), plan.requestedAt(),
                plan.creatorId(), plan.homeCloudId(), plan.deleted(), plan.keysDigest(), List.copyOf(own));
    }

    /**
     * After the deletion: the completion time (set once; a later run reads the stored one back), the signed receipt,
     * a copy in each local recipient's list and one message per peer cloud (per {@value #MERCHANTS_PER_MESSAGE} of its
     * merchants) in the outbox. Repeated, it writes the same copies and queues the same messages again.
     */
    public Receipts.SignedReceipt complete(Plan plan) {
        Receipts.Receipt receipt = new Receipts.Receipt(plan.receiptId(), plan.kind(), plan.groupId(), plan.merchantId(),
                plan.requestedAt(), completedAt(plan.receiptId()), plan.deleted(), plan.keysDigest());
        Receipts.SignedReceipt signed = Receipts.sign(receipt, key);
        List<String> local = new ArrayList<>();
        Map<String, List<String>> byCloud = new TreeMap<>();
        for (Recipient recipient : plan.recipients()) {
            if (recipient.cloudId() == null) {
                local.add(recipient.merchantId());
            } else {
                byCloud.computeIfAbsent(recipient.cloudId(), cloud -> new ArrayList<>()).add(recipient.merchantId());
            }
        }
        table.batchWriteInParallel(copies(signed, local).stream()
                .map(item -> WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build()).toList());
        if (plan.creatorId() == null || plan.homeCloudId() == null) {
            return signed; // no group item to speak for: no peer recipient either (a peer's member sets the home)
        }
        byCloud.forEach((cloud, merchants) -> {
            String home = FederationEndpoint.merchant(plan.creatorId(), plan.homeCloudId());
            for (int from = 0; from < merchants.size(); from += MERCHANTS_PER_MESSAGE) {
                List<String> chunk = merchants.subList(from, Math.min(merchants.size(), from + MERCHANTS_PER_MESSAGE));
                outbox.enqueue(cloud, home, MESSAGE_PATH, new ReceiptMessage(signed, List.copyOf(chunk)),
                        "RECEIPT\n" + plan.receiptId() + "\n" + from);
            }
        });
        return signed;
    }

    private String completedAt(String receiptId) {
        String now = Timestamps.now(clock);
        // the plan is needed only until the run that completed it deleted the marker or the group item, at once
        String expires = Long.toString(clock.instant().plus(PLAN_KEPT).getEpochSecond());
        try {
            table.client().updateItem(b -> b.tableName(table.name())
                    .key(OrgTable.keyMap(Keys.receipt(receiptId), Keys.RECEIPT_PLAN_SK))
                    .updateExpression("SET completedAt = :now, " + TableDefinition.TTL + " = :expires")
                    .conditionExpression("attribute_exists(pk) AND attribute_not_exists(completedAt)")
                    .expressionAttributeValues(Map.of(":now", AttributeValue.fromS(now), ":expires", AttributeValue.fromN(expires)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return now;
        } catch (ConditionalCheckFailedException done) {
            if (done.hasItem() && done.item().containsKey("completedAt")) {
                return done.item().get("completedAt").s(); // an earlier run completed it: its time stands
            }
            throw new IllegalStateException("receipt " + receiptId + " has no plan", done);
        }
    }

    /** A copy of the receipt for each merchant's list, under a key fixed by the receipt: writing it again changes nothing. */
    private static List<Map<String, AttributeValue>> copies(Receipts.SignedReceipt signed, Collection<String> merchants) {
        String json = Json.encode(signed);
        String sk = signed.receipt().completedAt() + "#" + signed.receipt().receiptId();
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (String merchant : merchants) {
            Map<String, AttributeValue> item = new HashMap<>(OrgTable.keyMap(Keys.receipts(merchant), sk));
            item.put("receiptId", AttributeValue.fromS(signed.receipt().receiptId()));
            item.put("signed", AttributeValue.fromS(json));
            items.add(item);
        }
        return items;
    }

    /** The caller's receipts, newest first, one Query a page, sealed cursors. */
    public ReceiptPage list(Caller caller, String rawLimit, String rawCursor) {
        String me = caller.requireMerchant();
        int limit = Validate.pageSize(rawLimit);
        Cursors.Scope scope = Cursors.scope("receipts", me);
        String after = cursors.open(scope, rawCursor, Positions::timeAndId);
        String partition = Keys.receipts(me);
        QueryResponse page = table.client().query(b -> b.tableName(table.name()).consistentRead(true)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partition)))
                .scanIndexForward(false).limit(limit)
                .exclusiveStartKey(after == null ? null : OrgTable.keyMap(partition, after)));
        List<Receipts.SignedReceipt> receipts = page.items().stream()
                .map(item -> stored(item.get("signed").s(), new TypeReference<Receipts.SignedReceipt>() { })).toList();
        String last = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                ? page.lastEvaluatedKey().get(TableDefinition.SK).s() : null;
        return new ReceiptPage(receipts, cursors.seal(scope, last));
    }

    /**
     * A home's receipt for merchants hosted here: kept in the list of each one that is a merchant of this deployment
     * (others are skipped), once its signature verifies with the key of the peer that sent it. Idempotent.
     */
    public Stored receive(PeerCall from, ReceiptMessage message) {
        Receipts.SignedReceipt signed = Validate.required("receipt", message.receipt());
        Receipts.Receipt receipt = Validate.required("receipt.receipt", signed.receipt());
        List<String> merchants = Validate.required("merchantIds", message.merchantIds());
        if (merchants.isEmpty() || merchants.size() > MERCHANTS_PER_MESSAGE) {
            throw ApiException.validation("'merchantIds' names 1 to " + MERCHANTS_PER_MESSAGE + " merchants.");
        }
        Set<String> named = new LinkedHashSet<>();
        for (String merchant : merchants) {
            named.add(Validate.generatedId("merchantIds", merchant));
        }
        Validate.generatedId("receiptId", receipt.receiptId());
        Validate.generatedId("groupId", receipt.groupId());
        if (!List.of(Receipts.LEAVE, Receipts.REMOVE, Receipts.DISSOLVE).contains(receipt.kind())) {
            throw ApiException.validation("'kind' is LEAVE, REMOVE or DISSOLVE.");
        }
        Validate.timestamp("completedAt", Validate.required("completedAt", receipt.completedAt()));
        if (!Receipts.verify(signed, Ed25519.raw(from.peer().key()))) {
            throw ApiException.badRequest("BAD_RECEIPT_SIGNATURE", "The receipt is not signed by the key of the cloud that sent it.");
        }
        List<Map<String, AttributeValue>> keys = named.stream()
                .map(merchant -> OrgTable.keyMap(Keys.merchant(merchant), Keys.MERCHANT_SK)).toList();
        List<String> hosted = table.batchGetConsistent(keys).stream()
                .map(item -> item.get(TableDefinition.PK).s().substring(Keys.MERCHANT_PREFIX.length())).toList();
        // one put each (at most a message's 500): the federation function holds no batch write
        for (Map<String, AttributeValue> item : copies(signed, hosted)) {
            table.client().putItem(b -> b.tableName(table.name()).item(item));
        }
        return new Stored(hosted.size());
    }

    private static <T> T stored(String json, TypeReference<T> type) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored receipt item is not the JSON this service wrote", e);
        }
    }
}
