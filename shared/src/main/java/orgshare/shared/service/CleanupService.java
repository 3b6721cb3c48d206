package orgshare.shared.service;

import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.db.TableDefinition;
import orgshare.shared.federation.FederationEndpoint;
import orgshare.shared.federation.Outbox;
import orgshare.shared.federation.Pointers;
import orgshare.shared.receipts.Receipts;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The scheduled cleanup: finds dissolved groups and departures through their sparse gsi1 partitions (never a Scan)
 * and deletes what they left, then writes the signed deletion receipt ({@link ReceiptService}): planned before the
 * first deletion, completed after the last. Idempotent and resumable: the item that marks the work is deleted last.
 */
public final class CleanupService {
    /** What one run did; {@code complete} is false when it stopped for time and left work for the next run. */
    public record CleanupReport(int groupsDeleted, long groupItemsDeleted, int departuresProcessed, long rulesDeleted,
                                boolean complete, int noticesQueued, Outbox.DeliveryReport notices) {
        /** A run with no peer cloud to tell. */
        public CleanupReport(int groupsDeleted, long groupItemsDeleted, int departuresProcessed, long rulesDeleted,
                             boolean complete) {
            this(groupsDeleted, groupItemsDeleted, departuresProcessed, rulesDeleted, complete, 0,
                    new Outbox.DeliveryReport(0, 0, 0, 0));
        }
    }

    private static final int PAGE = 25;
    private final OrgTable table;
    private final GroupPurger purger;
    private final Outbox outbox;
    private final ReceiptService receipts;

    public CleanupService(OrgTable table, GroupPurger purger, Outbox outbox, ReceiptService receipts) {
        this.table = table;
        this.purger = purger;
        this.outbox = outbox;
        this.receipts = receipts;
    }

    public CleanupReport run(BooleanSupplier keepGoing) {
        int groups = 0;
        long groupItems = 0;
        int departures = 0;
        long rules = 0;
        int queued = 0;
        boolean complete = true;

        Map<String, AttributeValue> start = null;
        dissolved:
        do {
            QueryResponse page = index(Keys.DISSOLVED_INDEX, start);
            for (Map<String, AttributeValue> group : page.items()) {
                if (!keepGoing.getAsBoolean()) {
                    complete = false;
                    break dissolved;
                }
                String groupId = group.get("groupId").s();
                queued += tellPeerClouds(group, new Pointers.Notice(Pointers.DISSOLVED, groupId, null));
                ReceiptService.Plan plan = dissolvePlan(group);
                long deleted = purger.purgePartition(groupId, keepGoing);
                if (deleted < 0) {
                    groupItems += -1 - deleted;
                    complete = false;
                    break dissolved;
                }
                groupItems += deleted;
                receipts.complete(plan);
                if (purger.deleteDissolvedGroupItem(groupId)) {
                    groups++;
                    groupItems++;
                }
            }
            start = next(page);
        } while (start != null);

        start = null;
        departed:
        do {
            if (!complete) {
                break;
            }
            QueryResponse page = index(Keys.DEPARTED_INDEX, start);
            for (Map<String, AttributeValue> marker : page.items()) {
                if (!keepGoing.getAsBoolean()) {
                    complete = false;
                    break departed;
                }
                Map<String, AttributeValue> group = table.client().getItem(b -> b.tableName(table.name()).consistentRead(true)
                        .key(OrgTable.keyMap(Keys.group(marker.get("groupId").s()), Keys.GROUP_SK))).item();
                String groupId = marker.get("groupId").s();
                String merchantId = marker.get("merchantId").s();
                String departedAt = marker.get(TableDefinition.GSI1_SK).s().split("#", 2)[0];
                if (group != null && !group.isEmpty()) {
                    queued += tellPeerClouds(group, Pointers.Notice.departed(groupId, merchantId, departedAt));
                }
                List<Map<String, AttributeValue>> stale = purger.staleRules(groupId, merchantId);
                ReceiptService.Plan plan = departurePlan(marker, departedAt, group, stale);
                rules += purger.delete(stale);
                receipts.complete(plan);
                purger.deleteDepartureMarker(groupId, merchantId, marker.get(TableDefinition.GSI1_SK).s());
                departures++;
            }
            start = next(page);
        } while (start != null);
        Outbox.DeliveryReport notices = outbox.deliver(keepGoing);
        return new CleanupReport(groups, groupItems, departures, rules, complete, queued, notices);
    }

    /**
     * The dissolve's receipt plan: every item of the partition, the group item included (deleted last), and as
     * recipients every member then (the creator included) and every departed merchant whose departure is not yet
     * cleaned up (its marker goes with the partition, and with it its own receipt).
     */
    private ReceiptService.Plan dissolvePlan(Map<String, AttributeValue> group) {
        String groupId = group.get("groupId").s();
        String requestedAt = group.containsKey("dissolvedAt") ? group.get("dissolvedAt").s()
                : group.get(TableDefinition.GSI1_SK).s().split("#", 2)[0];
        return receipts.planned(ReceiptService.receiptId(Receipts.DISSOLVE, groupId, null, requestedAt), () -> {
            List<Map<String, AttributeValue>> items = purger.contents(groupId);
            Map<String, ReceiptService.Recipient> recipients = new LinkedHashMap<>();
            for (Map<String, AttributeValue> item : items) {
                String sk = item.get(TableDefinition.SK).s();
                if (item.containsKey("merchantId") && (sk.startsWith(Keys.MEMBER_PREFIX) || sk.startsWith(Keys.DEPARTED_PREFIX))) {
                    AttributeValue federated = item.get("federated");
                    boolean peer = sk.startsWith(Keys.DEPARTED_PREFIX) || (federated != null && Boolean.TRUE.equals(federated.bool()));
                    String cloud = peer && item.containsKey("cloudId") ? item.get("cloudId").s() : null;
                    String merchant = item.get("merchantId").s();
                    recipients.putIfAbsent(merchant, new ReceiptService.Recipient(merchant, cloud));
                }
            }
            return ReceiptService.plan(Receipts.DISSOLVE, groupId, null, requestedAt, text(group, "creatorId"),
                    text(group, "homeCloudId"), items, recipients.values());
        });
    }

    /**
     * A departure's receipt plan: the departed merchant's stale rules and the marker itself (deleted last), for the
     * departed merchant (on its cloud, when a peer's) and the group's creator. A marker from before receipts is a LEAVE.
     */
    private ReceiptService.Plan departurePlan(Map<String, AttributeValue> marker, String departedAt,
                                              Map<String, AttributeValue> group, List<Map<String, AttributeValue>> stale) {
        String groupId = marker.get("groupId").s();
        String merchantId = marker.get("merchantId").s();
        String kind = marker.containsKey("kind") ? marker.get("kind").s() : Receipts.LEAVE;
        String requestedAt = marker.containsKey("requestedAt") ? marker.get("requestedAt").s() : departedAt;
        return receipts.planned(ReceiptService.receiptId(kind, groupId, merchantId, requestedAt), () -> {
            List<Map<String, AttributeValue>> keys = new ArrayList<>(stale);
            keys.add(OrgTable.keyMap(Keys.group(groupId), Keys.departed(merchantId)));
            List<ReceiptService.Recipient> recipients = new ArrayList<>();
            recipients.add(new ReceiptService.Recipient(merchantId, text(marker, "cloudId")));
            boolean known = group != null && !group.isEmpty();
            if (known) {
                recipients.add(new ReceiptService.Recipient(group.get("creatorId").s(), null));
            }
            return ReceiptService.plan(kind, groupId, merchantId, requestedAt, known ? text(group, "creatorId") : null,
                    known ? text(group, "homeCloudId") : null, keys, recipients);
        });
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    /**
     * Queues a notice for every peer cloud a member of the group was invited from (its home learns of them at the
     * invitation), before the work that follows deletes what it needs: the dissolve or the departure itself was
     * written at once by its call, and this item, kept until the cleanup finished, is the durable intent to tell.
     * Peers drop the pointers the notice names; a peer with none ignores it.
     */
    private int tellPeerClouds(Map<String, AttributeValue> group, Pointers.Notice notice) {
        AttributeValue clouds = group.get("peerClouds");
        AttributeValue home = group.get("homeCloudId");
        if (clouds == null || !clouds.hasSs() || home == null) {
            return 0;
        }
        String groupId = group.get("groupId").s();
        String creator = FederationEndpoint.merchant(group.get("creatorId").s(), home.s());
        for (String cloud : clouds.ss()) {
            outbox.enqueue(cloud, creator, notice);
        }
        if (Pointers.DISSOLVED.equals(notice.kind())) {
            // told once: a later run (this one was interrupted) does not queue the notices again
            table.client().updateItem(b -> b.tableName(table.name())
                    .key(OrgTable.keyMap(Keys.group(groupId), Keys.GROUP_SK)).updateExpression("REMOVE peerClouds"));
        }
        return clouds.ss().size();
    }

    private QueryResponse index(String partition, Map<String, AttributeValue> start) {
        return table.client().query(QueryRequest.builder()
                .tableName(table.name())
                .indexName(TableDefinition.GSI1)
                .keyConditionExpression("gsi1pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partition)))
                .limit(PAGE)
                .exclusiveStartKey(start)
                .build());
    }

    private static Map<String, AttributeValue> next(QueryResponse page) {
        return page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    }
}
