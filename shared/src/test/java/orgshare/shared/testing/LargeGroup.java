package orgshare.shared.testing;

import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.model.MemberItem;
import orgshare.shared.model.RuleItem;
import orgshare.shared.rules.Rule;
import orgshare.shared.rules.Scope;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Makes a group large for cost tests: members and rules written directly (the lifecycle is tested elsewhere). */
public final class LargeGroup {
    private static final String AT = "2026-11-25T10:00:00.000Z";

    private LargeGroup() {
    }

    /**
     * Adds {@code extra} ACTIVE members to {@code groupId}, each with a FULL "order" rule from {@code ownerId} (an
     * ACTIVE member already) bound to both memberships, as a rule change would bind it.
     */
    public static void addMembersWithRules(OrgTable table, String groupId, String ownerId, int extra) {
        String ownerMembership = table.members().getItem(OrgTable.key(Keys.group(groupId), Keys.member(ownerId))).getMembershipId();
        List<WriteRequest> writes = new ArrayList<>();
        for (int i = 0; i < extra; i++) {
            String merchantId = String.format("01JDSEED%018d", i);
            String membershipId = String.format("01JDMSHP%018d", i);
            writes.add(put(MemberItem.SCHEMA.itemToMap(MemberItem.create(groupId, merchantId, "acme", MemberItem.MEMBER,
                    MemberItem.ACTIVE, membershipId, AT), true)));
            writes.add(put(RuleItem.SCHEMA.itemToMap(RuleItem.create(groupId, new Rule(ownerId, merchantId, "order",
                    Scope.FULL, null, null, false), ownerMembership, membershipId, 1, AT), true)));
        }
        table.batchWrite(writes);
    }

    private static WriteRequest put(Map<String, AttributeValue> item) {
        return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
    }
}
