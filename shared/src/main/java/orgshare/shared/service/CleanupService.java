package orgshare.shared.service;

import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.db.TableDefinition;
import orgshare.shared.federation.FederationEndpoint;
import orgshare.shared.federation.Outbox;
import orgshare.shared.federation.Pointers;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The scheduled cleanup: finds dissolved groups and departures through their sparse gsi1 partitions (never a Scan)
 * and deletes what they left. Idempotent and resumable: the item that marks the work is deleted last.
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

    public CleanupService(OrgTable table, GroupPurger purger, Outbox outbox) {
        this.table = table;
        this.purger = purger;
        this.outbox = outbox;
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
                long deleted = purger.purgePartition(groupId, keepGoing);
                if (deleted < 0) {
                    groupItems += -1 - deleted;
                    complete = false;
                    break dissolved;
                }
                groupItems += deleted;
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
                if (group != null && !group.isEmpty()) {
                    String departedAt = marker.get(TableDefinition.GSI1_SK).s().split("#", 2)[0];
                    queued += tellPeerClouds(group, Pointers.Notice.departed(group.get("groupId").s(), marker.get("merchantId").s(), departedAt));
                }
                rules += purger.purgeDeparture(marker.get("groupId").s(), marker.get("merchantId").s(),
                        marker.get(TableDefinition.GSI1_SK).s());
                departures++;
            }
            start = next(page);
        } while (start != null);
        Outbox.DeliveryReport notices = outbox.deliver(keepGoing);
        return new CleanupReport(groups, groupItems, departures, rules, complete, queued, notices);
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
