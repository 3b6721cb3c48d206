package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.db.TableDefinition;
import orgshare.shared.error.ApiException;
import orgshare.shared.federation.FederationClient;
import orgshare.shared.federation.FederationEndpoint;
import orgshare.shared.federation.Pointers;
import orgshare.shared.json.Json;
import orgshare.shared.model.GroupItem;
import orgshare.shared.model.MemberItem;
import orgshare.shared.model.MerchantItem;
import orgshare.shared.receipts.Receipts;
import orgshare.shared.time.Timestamps;
import orgshare.shared.validation.Validate;
import software.amazon.awssdk.enhanced.dynamodb.model.GetItemEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The membership lifecycle. Every state change is one conditional write or one transaction whose conditions
 * (group ACTIVE, caller's role, member state) make the races impossible: no join lands after a dissolve, an
 * invitation is joined once, a member leaves once; the member count changes in the same transaction as the member
 * items, so it cannot drift. A read happens only to explain a refusal.
 */
public final class MembershipService {
    /** {@code cloudId}: the invitee's cloud when it is a peer's (optional for a merchant hosted here). */
    public record InviteMember(String merchantId, String cloudId) {
        public InviteMember(String merchantId) {
            this(merchantId, null);
        }
    }

    public record MemberState(String merchantId, String status) {
    }

    private static final Map<String, String> STATUS_NAME = Map.of("#status", "status");
    private static final String ME = "me";

    private final OrgTable table;
    private final GroupService groups;
    private final Clock clock;
    private final Supplier<String> ids;
    private final FederationClient peers;

    public MembershipService(OrgTable table, GroupService groups, Clock clock, Supplier<String> ids, FederationClient peers) {
        this.peers = peers;
        this.table = table;
        this.groups = groups;
        this.clock = clock;
        this.ids = ids;
    }

    /** The creator adds a merchant as INVITED: one read (the merchant, for its cloud) and one transaction. */
    public MemberState invite(Caller caller, String rawGroupId, InviteMember request) {
        String me = caller.requireMerchant();
        String groupId = Validate.generatedId("groupId", rawGroupId);
        String merchantId = Validate.generatedId("merchantId", request.merchantId());
        if (request.cloudId() != null) {
            MemberState remote = invitePeerMerchant(caller, groupId, merchantId, Validate.cloudId(request.cloudId()));
            if (remote != null) {
                return remote;
            }
        }
        MerchantItem merchant = table.merchants().getItem(GetItemEnhancedRequest.builder()
                .key(OrgTable.key(Keys.merchant(merchantId), Keys.MERCHANT_SK)).consistentRead(true).build());
        if (merchant == null) {
            explainCreatorRefusal(groupId, me);
            throw ApiException.notFound("MERCHANT_NOT_FOUND", "No merchant '" + merchantId + "'.");
        }
        String now = Timestamps.now(clock);
        MemberItem invited = MemberItem.create(groupId, merchantId, merchant.getCloudId(), MemberItem.MEMBER,
                MemberItem.INVITED, ids.get(), now);
        table.transact(List.of(
                countChange(groupId, me, +1),
                TransactWriteItem.builder().put(Put.builder().tableName(table.name())
                        .item(MemberItem.SCHEMA.itemToMap(invited, true))
                        .conditionExpression("attribute_not_exists(pk)").build()).build()),
                failed -> {
                    if (failed == 0) {
                        explainCreatorRefusal(groupId, me);
                    }
                    return ApiException.conflict("ALREADY_MEMBER", "Merchant '" + merchantId + "' is already in the member list.");
                });
        return new MemberState(merchantId, MemberItem.INVITED);
    }

    /**
     * Invites a merchant of a peer cloud: one consistent read (the group, both memberships, a local merchant with that
     * ID, the cloud, the peer), then one signed call that asks the peer whether the merchant exists and tells it of the
     * invitation, then one transaction. Null when {@code cloudId} is hosted here and the merchant is one of its own
     * (the local invitation applies). Nothing is written here unless the peer took the invitation.
     */
    private MemberState invitePeerMerchant(Caller caller, String groupId, String merchantId, String cloudId) {
        String me = caller.merchantId();
        GroupItem group = null;
        MemberItem mine = null;
        boolean invitee = false;
        MerchantItem local = null;
        boolean localCloud = false;
        boolean peer = false;
        for (Map<String, AttributeValue> item : table.batchGetConsistent(List.of(
                OrgTable.keyMap(Keys.group(groupId), Keys.GROUP_SK),
                OrgTable.keyMap(Keys.group(groupId), Keys.member(me)),
                OrgTable.keyMap(Keys.group(groupId), Keys.member(merchantId)),
                OrgTable.keyMap(Keys.merchant(merchantId), Keys.MERCHANT_SK),
                OrgTable.keyMap(Keys.cloud(cloudId), Keys.CLOUD_SK),
                OrgTable.keyMap(Keys.peer(cloudId), Keys.PEER_SK)))) {
            String pk = item.get(TableDefinition.PK).s();
            String sk = item.get(TableDefinition.SK).s();
            if (Keys.GROUP_SK.equals(sk)) {
                group = GroupItem.SCHEMA.mapToItem(item);
            } else if (sk.equals(Keys.member(me))) {
                mine = MemberItem.SCHEMA.mapToItem(item);
            } else if (sk.equals(Keys.member(merchantId))) {
                invitee = true;
            } else if (pk.startsWith(Keys.MERCHANT_PREFIX)) {
                local = MerchantItem.SCHEMA.mapToItem(item);
            } else if (Keys.CLOUD_SK.equals(sk)) {
                localCloud = true;
            } else {
                peer = true;
            }
        }
        if (group == null || mine == null) {
            throw ApiException.notFound("GROUP_NOT_FOUND", "No group '" + groupId + "' that you are a member of.");
        }
        if (!group.isActive()) {
            throw ApiException.gone("GROUP_DISSOLVED", "Group '" + groupId + "' was dissolved.");
        }
        if (!mine.isCreator()) {
            throw ApiException.forbidden("Only the group's creator can do this.");
        }
        if (local != null) {
            if (cloudId.equals(local.getCloudId())) {
                return null;
            }
            throw ApiException.conflict("MERCHANT_IS_LOCAL", "Merchant '" + merchantId + "' is hosted here, in cloud '"
                    + local.getCloudId() + "', not in cloud '" + cloudId + "'.");
        }
        if (localCloud) {
            throw ApiException.notFound("MERCHANT_NOT_FOUND", "No merchant '" + merchantId + "' in cloud '" + cloudId + "'.");
        }
        if (!peer) {
            throw ApiException.notFound("CLOUD_NOT_FOUND", "Cloud '" + cloudId + "' is neither hosted here nor a peer of this"
                    + " deployment; the operator registers peers (POST /peers).");
        }
        if (invitee) {
            throw ApiException.conflict("ALREADY_MEMBER", "Merchant '" + merchantId + "' is already in the member list.");
        }
        String home = group.getHomeCloudId() != null ? group.getHomeCloudId() : caller.cloudId();
        String now = Timestamps.now(clock);
        FederationClient.Reply reply = peers.call(cloudId, "POST", "/invitations",
                FederationEndpoint.merchant(group.getCreatorId(), home), Json.encode(new Pointers.Invitation(groupId,
                        group.getName(), group.getCreatorId(), home, merchantId, cloudId, now)), null, peers.answerTimeout());
        if (reply.status() == 404) {
            throw ApiException.notFound("MERCHANT_NOT_FOUND", "No merchant '" + merchantId + "' in cloud '" + cloudId + "'.");
        }
        if (!reply.ok()) {
            throw new ApiException(503, "PEER_UNAVAILABLE", "Cloud '" + cloudId + "' refused the invitation ("
                    + reply.status() + "); nothing was written. Retry later.");
        }
        MemberItem invited = MemberItem.create(groupId, merchantId, cloudId, MemberItem.MEMBER, MemberItem.INVITED, ids.get(), now);
        invited.setFederated(true);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":active", AttributeValue.fromS(GroupItem.ACTIVE));
        values.put(":creatorId", AttributeValue.fromS(me));
        values.put(":one", AttributeValue.fromN("1"));
        values.put(":cloud", AttributeValue.fromSs(List.of(cloudId)));
        values.put(":home", AttributeValue.fromS(home));
        try {
            table.transact(List.of(
                    TransactWriteItem.builder().update(Update.builder().tableName(table.name())
                            .key(OrgTable.keyMap(Keys.group(groupId), Keys.GROUP_SK))
                            .updateExpression("SET memberCount = memberCount + :one, homeCloudId = if_not_exists(homeCloudId, :home)"
                                    + " ADD peerClouds :cloud")
                            .conditionExpression("#status = :active AND creatorId = :creatorId")
                            .expressionAttributeNames(STATUS_NAME)
                            .expressionAttributeValues(values).build()).build(),
                    OrgTable.putNew(table.name(), MemberItem.SCHEMA.itemToMap(invited, true))),
                    failed -> failed == 0
                            ? ApiException.conflict("CONCURRENT_CHANGE", "The group changed while you invited; nothing was written. Retry.")
                            : ApiException.conflict("ALREADY_MEMBER", "Merchant '" + merchantId + "' is already in the member list."));
        } catch (RuntimeException refused) {
            withdraw(cloudId, groupId, merchantId, FederationEndpoint.merchant(group.getCreatorId(), home));
            throw refused;
        }
        return new MemberState(merchantId, MemberItem.INVITED);
    }

    /** Tells the peer an invitation it took did not happen after all (best effort: a stale pointer heals on first use). */
    private void withdraw(String cloudId, String groupId, String merchantId, String creator) {
        try {
            peers.call(cloudId, "POST", "/notices", creator,
                    Json.encode(Pointers.Notice.departed(groupId, merchantId, Timestamps.now(clock))), null, peers.answerTimeout());
        } catch (RuntimeException unreachable) {
            // the pointer there answers GROUP_NOT_FOUND from here at its first use, and is dropped then
        }
    }

    /** The invited merchant accepts: its member item turns ACTIVE while the group is ACTIVE, atomically. */
    public MemberState join(Caller caller, String rawGroupId) {
        String me = caller.requireMerchant();
        String groupId = Validate.generatedId("groupId", rawGroupId);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":active", AttributeValue.fromS(GroupItem.ACTIVE));
        values.put(":invited", AttributeValue.fromS(MemberItem.INVITED));
        values.put(":now", AttributeValue.fromS(Timestamps.now(clock)));
        String condition = "#status = :invited";
        if (caller.isPeerMerchant()) {
            // a peer speaks only for its own clouds' merchants: the invitation must name the caller's cloud
            condition += " AND cloudId = :cloud";
            values.put(":cloud", AttributeValue.fromS(caller.cloudId()));
        }
        table.transact(List.of(
                TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table.name())
                        .key(OrgTable.keyMap(Keys.group(groupId), Keys.GROUP_SK))
                        .conditionExpression("#status = :active")
                        .expressionAttributeNames(STATUS_NAME)
                        .expressionAttributeValues(Map.of(":active", values.get(":active"))).build()).build(),
                TransactWriteItem.builder().update(Update.builder().tableName(table.name())
                        .key(OrgTable.keyMap(Keys.group(groupId), Keys.member(me)))
                        .updateExpression("SET #status = :active, joinedAt = :now")
                        .conditionExpression(condition)
                        .expressionAttributeNames(STATUS_NAME)
                        .expressionAttributeValues(values).build()).build()),
                failed -> {
                    GroupService.Membership membership = groups.requireMembership(groupId, me);
                    if (caller.isPeerMerchant() && !caller.cloudId().equals(membership.member().getCloudId())) {
                        return ApiException.forbidden("NOT_PEER_CLOUD", "This invitation is for a merchant of another cloud.");
                    }
                    if (membership.member().isActive()) {
                        return ApiException.conflict("ALREADY_MEMBER", "You are already an active member of this group.");
                    }
                    return ApiException.conflict("CONCURRENT_CHANGE", "The group changed while you joined; retry.");
                });
        return new MemberState(me, MemberItem.ACTIVE);
    }

    /**
     * A member leaves ({@code merchantId} is itself or "me"), or the creator removes one. One transaction: the member
     * item goes, the count drops, and a departure marker tells the cleanup to delete the leaver's rules and to write
     * the deletion receipt (what kind of departure, when, and the member's cloud when it is a peer's). The rules
     * are dead at once anyway: each is bound to the membership it was set for, which no longer exists.
     */
    public void leave(Caller caller, String rawGroupId, String rawMerchantId) {
        String me = caller.requireMerchant();
        String groupId = Validate.generatedId("groupId", rawGroupId);
        String target = ME.equals(rawMerchantId) ? me : Validate.generatedId("merchantId", rawMerchantId);
        boolean self = target.equals(me);
        String now = Timestamps.now(clock);
        // the member's cloud, when a peer's: the caller's own when it leaves through its deployment; else the first
        // try assumes a member of this deployment, and only when that is wrong does the member item (returned by the
        // failed condition) name its cloud for a second try: no read, and a round trip more only to remove a peer's member
        String cloud = self && caller.isPeerMerchant() ? caller.cloudId() : null;
        try {
            List<TransactWriteItem> first = leaveActions(groupId, me, target, now, cloud);
            table.client().transactWriteItems(r -> r.transactItems(first));
            return;
        } catch (TransactionCanceledException e) {
            Map<String, AttributeValue> member = OrgTable.failedItem(e, 1);
            if (member == null || member.get("role") == null || MemberItem.CREATOR.equals(member.get("role").s())
                    || Objects.equals(peerCloudOf(member), cloud)) {
                throw OrgTable.refusal(e, failed -> explainLeaveRefusal(groupId, me, target));
            }
            cloud = peerCloudOf(member);
        }
        table.transact(leaveActions(groupId, me, target, now, cloud), failed -> explainLeaveRefusal(groupId, me, target));
    }

    /** The leave's transaction for a member of {@code cloud} (a peer's), or of this deployment (null). */
    private List<TransactWriteItem> leaveActions(String groupId, String me, String target, String now, String cloud) {
        boolean self = target.equals(me);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":creator", AttributeValue.fromS(MemberItem.CREATOR));
        // the creator cannot leave (it dissolves), and nobody removes the creator
        String condition = "attribute_exists(pk) AND #role <> :creator AND ";
        if (cloud == null) {
            condition += "(attribute_not_exists(federated) OR federated = :local)";
            values.put(":local", AttributeValue.fromBool(false));
        } else {
            condition += "federated = :federated AND cloudId = :cloud";
            values.put(":federated", AttributeValue.fromBool(true));
            values.put(":cloud", AttributeValue.fromS(cloud));
        }
        Delete removeMember = Delete.builder().tableName(table.name())
                .key(OrgTable.keyMap(Keys.group(groupId), Keys.member(target)))
                .expressionAttributeNames(Map.of("#role", "role"))
                .expressionAttributeValues(values)
                .conditionExpression(condition)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build();
        Map<String, AttributeValue> marker = new HashMap<>();
        marker.put(TableDefinition.PK, AttributeValue.fromS(Keys.group(groupId)));
        marker.put(TableDefinition.SK, AttributeValue.fromS(Keys.departed(target)));
        marker.put(TableDefinition.GSI1_PK, AttributeValue.fromS(Keys.DEPARTED_INDEX));
        marker.put(TableDefinition.GSI1_SK, AttributeValue.fromS(now + "#" + groupId + "#" + target));
        marker.put("groupId", AttributeValue.fromS(groupId));
        marker.put("merchantId", AttributeValue.fromS(target));
        marker.put("kind", AttributeValue.fromS(self ? Receipts.LEAVE : Receipts.REMOVE));
        marker.put("requestedAt", AttributeValue.fromS(now));
        if (cloud != null) {
            marker.put("cloudId", AttributeValue.fromS(cloud));
        }
        return List.of(
                countChange(groupId, self ? null : me, -1),
                TransactWriteItem.builder().delete(removeMember).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(table.name()).item(marker).build()).build());
    }

    /** The cloud of a member item's merchant when it is a peer's; null for a merchant of this deployment. */
    private static String peerCloudOf(Map<String, AttributeValue> member) {
        AttributeValue federated = member.get("federated");
        return federated != null && Boolean.TRUE.equals(federated.bool()) && member.containsKey("cloudId")
                ? member.get("cloudId").s() : null;
    }

    /**
     * The creator dissolves the group: one conditional write makes it DISSOLVED (and puts it in the sparse index);
     * from then on every condition that needs an ACTIVE group fails, and every read answers 410. The scheduled
     * cleanup deletes the partition, and the group item last. One round trip, whatever the group's size.
     */
    public void dissolve(Caller caller, String rawGroupId) {
        String me = caller.requireMerchant();
        String groupId = Validate.generatedId("groupId", rawGroupId);
        String now = Timestamps.now(clock);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":active", AttributeValue.fromS(GroupItem.ACTIVE));
        values.put(":dissolved", AttributeValue.fromS(GroupItem.DISSOLVED));
        values.put(":me", AttributeValue.fromS(me));
        values.put(":now", AttributeValue.fromS(now));
        values.put(":index", AttributeValue.fromS(Keys.DISSOLVED_INDEX));
        values.put(":sort", AttributeValue.fromS(now + "#" + groupId));
        try {
            table.client().updateItem(b -> b.tableName(table.name())
                    .key(OrgTable.keyMap(Keys.group(groupId), Keys.GROUP_SK))
                    .updateExpression("SET #status = :dissolved, dissolvedAt = :now, gsi1pk = :index, gsi1sk = :sort")
                    .conditionExpression("#status = :active AND creatorId = :me")
                    .expressionAttributeNames(STATUS_NAME)
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            explainCreatorRefusal(groupId, me);
            throw ApiException.conflict("CONCURRENT_CHANGE", "The group changed while you dissolved it; retry.");
        }
    }

    /** memberCount += delta while the group is ACTIVE (and, when {@code creatorId} is given, created by it). */
    private TransactWriteItem countChange(String groupId, String creatorId, int delta) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":active", AttributeValue.fromS(GroupItem.ACTIVE));
        values.put(":delta", AttributeValue.fromN(Integer.toString(delta)));
        String condition = "#status = :active";
        if (creatorId != null) {
            values.put(":creatorId", AttributeValue.fromS(creatorId));
            condition += " AND creatorId = :creatorId";
        }
        return TransactWriteItem.builder().update(Update.builder().tableName(table.name())
                .key(OrgTable.keyMap(Keys.group(groupId), Keys.GROUP_SK))
                .updateExpression("SET memberCount = memberCount + :delta")
                .conditionExpression(condition)
                .expressionAttributeNames(STATUS_NAME)
                .expressionAttributeValues(values).build()).build();
    }

    /** Throws why a creator-only action on the group was refused: not there for the caller, dissolved, or not the creator. */
    private void explainCreatorRefusal(String groupId, String me) {
        GroupService.Membership membership = groups.requireMembership(groupId, me);
        if (!membership.member().isCreator()) {
            throw ApiException.forbidden("Only the group's creator can do this.");
        }
    }

    private ApiException explainLeaveRefusal(String groupId, String me, String target) {
        GroupService.Membership membership = groups.requireMembership(groupId, me);
        if (target.equals(me)) {
            return membership.member().isCreator()
                    ? ApiException.conflict("CREATOR_CANNOT_LEAVE", "The creator cannot leave its group; dissolve it instead (DELETE /groups/" + groupId + ").")
                    : ApiException.conflict("CONCURRENT_CHANGE", "The group changed while you left; retry.");
        }
        if (!membership.member().isCreator()) {
            return ApiException.forbidden("Only the group's creator can remove another member.");
        }
        return ApiException.notFound("MEMBER_NOT_FOUND", "Merchant '" + target + "' is not in this group's member list.");
    }
}
