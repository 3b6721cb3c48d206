package orgshare.shared.service;

import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.db.TableDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Deletes what a dissolve or a departure leaves behind, in batches of 25 with unprocessed items retried.
 * Every step is idempotent, and the item that marks the work to do is deleted last, so a run killed half-way is
 * finished by the next one.
 */
public final class GroupPurger {
    private static final String KEYS_ONLY = TableDefinition.PK + ", " + TableDefinition.SK;

    private final OrgTable table;

    public GroupPurger(OrgTable table) {
        this.table = table;
    }

    /**
     * Deletes every item of a group's partition except the group item itself (members first: they grant access).
     * Returns how many items it deleted, or -1 - deleted when {@code keepGoing} said stop before the end.
     */
    public long purgePartition(String groupId, BooleanSupplier keepGoing) {
        long deleted = 0;
        Map<String, AttributeValue> start = null;
        do {
            if (!keepGoing.getAsBoolean()) {
                return -1 - deleted;
            }
            QueryResponse page = table.client().query(QueryRequest.builder()
                    .tableName(table.name())
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(Keys.group(groupId))))
                    .projectionExpression(KEYS_ONLY)
                    .consistentRead(true)
                    .exclusiveStartKey(start)
                    .build());
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (Map<String, AttributeValue> item : page.items()) {
                if (!Keys.GROUP_SK.equals(item.get(TableDefinition.SK).s())) {
                    keys.add(item);
                }
            }
            deleted += delete(keys);
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return deleted;
    }

    /** Deletes the group item once its partition is empty; only a dissolved group item is ever deleted. */
    public boolean deleteDissolvedGroupItem(String groupId) {
        try {
            table.client().deleteItem(b -> b.tableName(table.name())
                    .key(OrgTable.keyMap(Keys.group(groupId), Keys.GROUP_SK))
                    .conditionExpression("#status = :dissolved")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":dissolved", AttributeValue.fromS("DISSOLVED"))));
            return true;
        } catch (ConditionalCheckFailedException alreadyGone) {
            return false;
        }
    }

    /**
     * Every item of a group's partition, the group item included: its key, and who it names (merchantId, cloudId,
     * federated), read consistently. What a dissolve's receipt plans to delete, before anything is.
     */
    public List<Map<String, AttributeValue>> contents(String groupId) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = table.client().query(QueryRequest.builder()
                    .tableName(table.name())
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(Keys.group(groupId))))
                    .projectionExpression(KEYS_ONLY + ", merchantId, cloudId, federated")
                    .consistentRead(true)
                    .exclusiveStartKey(start)
                    .build());
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    /**
     * The keys of the rules and caps a departed merchant held in a group, as owner and as partner, except those of a
     * membership it holds now (it may have re-joined).
     */
    public List<Map<String, AttributeValue>> staleRules(String groupId, String merchantId) {
        Map<String, AttributeValue> current = table.client().getItem(b -> b.tableName(table.name())
                .key(OrgTable.keyMap(Keys.group(groupId), Keys.member(merchantId))).consistentRead(true)).item();
        String currentMembership = current == null || !current.containsKey("membershipId") ? null
                : current.get("membershipId").s();

        List<Map<String, AttributeValue>> stale = new ArrayList<>();
        // its rules and its caps (consent) as owner; then those naming it as partner (one gsi1 partition holds both)
        for (String ownPrefix : List.of(Keys.rulesOfOwner(merchantId), Keys.capsOfOwner(merchantId))) {
            queryAll(QueryRequest.builder().tableName(table.name())
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                    .expressionAttributeValues(Map.of(
                            ":pk", AttributeValue.fromS(Keys.group(groupId)),
                            ":prefix", AttributeValue.fromS(ownPrefix)))
                    .consistentRead(true), "ownerMembershipId", currentMembership, stale);
        }
        queryAll(QueryRequest.builder().tableName(table.name()).indexName(TableDefinition.GSI1)
                .keyConditionExpression("gsi1pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(Keys.rulesForPartner(groupId, merchantId)))),
                "partnerMembershipId", currentMembership, stale);
        return stale;
    }

    /** Deletes the departure marker the run was started for, last; a newer departure keeps its own. */
    public void deleteDepartureMarker(String groupId, String merchantId, String markerSortKey) {
        try {
            table.client().deleteItem(b -> b.tableName(table.name())
                    .key(OrgTable.keyMap(Keys.group(groupId), Keys.departed(merchantId)))
                    .conditionExpression("gsi1sk = :seen")
                    .expressionAttributeValues(Map.of(":seen", AttributeValue.fromS(markerSortKey))));
        } catch (ConditionalCheckFailedException newerDeparture) {
            // the next cleanup run handles the newer marker
        }
    }

    private void queryAll(QueryRequest.Builder query, String bindingAttribute, String currentMembership,
                          List<Map<String, AttributeValue>> stale) {
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = table.client().query(query.exclusiveStartKey(start).build());
            for (Map<String, AttributeValue> item : page.items()) {
                AttributeValue binding = item.get(bindingAttribute);
                if (currentMembership == null || binding == null || !currentMembership.equals(binding.s())) {
                    stale.add(Map.of(TableDefinition.PK, item.get(TableDefinition.PK), TableDefinition.SK, item.get(TableDefinition.SK)));
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }

    /** Deletes {@code keys} in parallel batches ({@link OrgTable#batchWriteInParallel}); returns how many. */
    long delete(List<Map<String, AttributeValue>> keys) {
        table.batchWriteInParallel(keys.stream()
                .map(key -> WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key).build()).build())
                .toList());
        return keys.size();
    }
}
