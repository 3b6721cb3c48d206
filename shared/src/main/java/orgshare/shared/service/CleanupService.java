package orgshare.shared.service;

import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.db.TableDefinition;
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
                                boolean complete) {
    }

    private static final int PAGE = 25;
    private final OrgTable table;
    private final GroupPurger purger;

    public CleanupService(OrgTable table, GroupPurger purger) {
        this.table = table;
        this.purger = purger;
    }

    public CleanupReport run(BooleanSupplier keepGoing) {
        int groups = 0;
        long groupItems = 0;
        int departures = 0;
        long rules = 0;
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
                rules += purger.purgeDeparture(marker.get("groupId").s(), marker.get("merchantId").s(),
                        marker.get(TableDefinition.GSI1_SK).s());
                departures++;
            }
            start = next(page);
        } while (start != null);
        return new CleanupReport(groups, groupItems, departures, rules, complete);
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
