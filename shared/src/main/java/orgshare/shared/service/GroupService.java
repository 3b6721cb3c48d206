package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import orgshare.shared.db.Cursors;
import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.db.TableDefinition;
import orgshare.shared.error.ApiException;
import orgshare.shared.federation.Pointers;
import orgshare.shared.idempotency.Idempotency;
import orgshare.shared.model.GroupItem;
import orgshare.shared.model.MemberItem;
import orgshare.shared.time.Timestamps;
import orgshare.shared.validation.Validate;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.Page;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Groups: create, read one with its members, list mine. */
public final class GroupService {
    public record CreateGroup(String name) {
    }

    public record GroupView(String groupId, String name, String creatorId, String status) {
    }

    public record MemberView(String merchantId, String cloudId, String role, String status, String linkId) {
    }

    public record GroupDetail(String groupId, String name, String creatorId, String status, Integer memberCount,
                              List<MemberView> members, String cursor) {
    }

    public record MyGroup(String groupId, String name, String creatorId, String status, String role,
                          String memberStatus, String homeCloudId) {
    }

    public record MyGroups(List<MyGroup> groups, String cursor) {
    }

    /** The group and the caller's own membership, read together and consistently. */
    public record Membership(GroupItem group, MemberItem member) {
        public void requireActive() {
            if (!member.isActive()) {
                throw ApiException.forbidden("NOT_ACTIVE_MEMBER", "You are invited to group '" + group.getGroupId()
                        + "' but have not joined it; join first (PUT /groups/" + group.getGroupId() + "/members/me).");
            }
        }
    }

    private final OrgTable table;
    private final Clock clock;
    private final Supplier<String> ids;
    private final Idempotency idempotency;
    private final Cursors cursors;

    public GroupService(OrgTable table, Clock clock, Supplier<String> ids, Idempotency idempotency, Cursors cursors) {
        this.cursors = cursors;
        this.table = table;
        this.clock = clock;
        this.ids = ids;
        this.idempotency = idempotency;
    }

    /** The group and its creator's ACTIVE membership are written in one transaction. */
    public GroupView create(Caller caller, CreateGroup request) {
        return create(caller, request, null);
    }

    /** As {@link #create(Caller, CreateGroup)}, at most once per {@code Idempotency-Key}: a retry gets the first answer. */
    public GroupView create(Caller caller, CreateGroup request, String idempotencyKey) {
        String creatorId = caller.requireMerchant();
        Idempotency.Claim claim = Idempotency.claim(creatorId, idempotencyKey, "POST /groups", String.valueOf(request.name()));
        return idempotency.once(claim, GroupView.class, () -> {
            String name = Validate.name("name", request.name());
            String groupId = ids.get();
            String now = Timestamps.now(clock);
            GroupItem group = GroupItem.create(groupId, name, creatorId, now);
            group.setHomeCloudId(caller.cloudId());
            MemberItem creator = MemberItem.create(groupId, creatorId, caller.cloudId(), MemberItem.CREATOR,
                    MemberItem.ACTIVE, ids.get(), now);
            GroupView created = new GroupView(groupId, name, creatorId, group.getStatus());
            List<TransactWriteItem> writes = new ArrayList<>(List.of(
                    OrgTable.putNew(table.name(), GroupItem.SCHEMA.itemToMap(group, true)),
                    OrgTable.putNew(table.name(), MemberItem.SCHEMA.itemToMap(creator, true))));
            if (claim != null) {
                writes.add(idempotency.record(claim, created));
            }
            table.transact(writes, failed -> ApiException.conflict("CONCURRENT_CHANGE",
                    "A generated ID collided, or this request was already made; retry."));
            return created;
        });
    }

    /** The group and one page of its members, with the caller's link ID to each other member. Members only. */
    public GroupDetail get(Caller caller, String rawGroupId, String rawLimit, String rawCursor) {
        String me = caller.requireMerchant();
        String groupId = Validate.generatedId("groupId", rawGroupId);
        int limit = Validate.pageSize(rawLimit);
        Cursors.Scope scope = Cursors.scope("members", me, groupId);
        String after = cursors.open(scope, rawCursor, position -> Validate.generatedId("cursor", position));
        Membership membership = requireMembership(groupId, me);

        QueryEnhancedRequest.Builder query = QueryEnhancedRequest.builder()
                .queryConditional(QueryConditional.sortBeginsWith(
                        Key.builder().partitionValue(Keys.group(groupId)).sortValue(Keys.MEMBER_PREFIX).build()))
                .consistentRead(true)
                .limit(limit);
        if (after != null) {
            query.exclusiveStartKey(OrgTable.keyMap(Keys.group(groupId), Keys.member(after)));
        }
        Page<MemberItem> page = table.members().query(query.build()).iterator().next();
        List<MemberView> members = new ArrayList<>();
        for (MemberItem other : page.items()) {
            String linkId = other.getMerchantId().equals(me) ? null : Links.linkId(groupId, membership.member(), other);
            members.add(new MemberView(other.getMerchantId(), other.getCloudId(), other.getRole(), other.getStatus(), linkId));
        }
        String cursor = page.lastEvaluatedKey() == null ? null
                : cursors.seal(scope, page.lastEvaluatedKey().get(TableDefinition.SK).s().substring(Keys.MEMBER_PREFIX.length()));
        GroupItem group = membership.group();
        return new GroupDetail(groupId, group.getName(), group.getCreatorId(), group.getStatus(), group.getMemberCount(),
                members, cursor);
    }

    /** My groups (created and joined), from gsi1, with each group's current state read consistently. */
    public MyGroups listMine(Caller caller, String rawLimit, String rawCursor) {
        String me = caller.requireMerchant();
        int limit = Validate.pageSize(rawLimit);
        Cursors.Scope scope = Cursors.scope("groups", me);
        String after = cursors.open(scope, rawCursor, position -> Validate.generatedId("cursor", position));
        QueryEnhancedRequest.Builder query = QueryEnhancedRequest.builder()
                .queryConditional(QueryConditional.sortBeginsWith(
                        Key.builder().partitionValue(Keys.merchant(me)).sortValue(Keys.GROUP_PREFIX).build()))
                .limit(limit);
        if (after != null) {
            Map<String, AttributeValue> start = new HashMap<>(OrgTable.keyMap(Keys.group(after), Keys.member(me)));
            start.put(TableDefinition.GSI1_PK, AttributeValue.fromS(Keys.merchant(me)));
            start.put(TableDefinition.GSI1_SK, AttributeValue.fromS(Keys.group(after)));
            query.exclusiveStartKey(start);
        }
        Page<MemberItem> page = table.members().index(TableDefinition.GSI1).query(query.build()).iterator().next();
        Map<String, GroupItem> groups = new HashMap<>();
        if (!page.items().isEmpty()) {
            List<Map<String, AttributeValue>> keys = page.items().stream()
                    .map(m -> OrgTable.keyMap(Keys.group(m.getGroupId()), Keys.GROUP_SK)).toList();
            for (Map<String, AttributeValue> item : table.batchGetConsistent(keys)) {
                GroupItem group = GroupItem.SCHEMA.mapToItem(item);
                groups.put(group.getGroupId(), group);
            }
        }
        List<MyGroup> mine = new ArrayList<>();
        for (MemberItem m : page.items()) {
            GroupItem group = groups.get(m.getGroupId());
            if (group != null && group.isActive()) { // a dissolved group is gone for its members at once
                mine.add(new MyGroup(group.getGroupId(), group.getName(), group.getCreatorId(), group.getStatus(),
                        m.getRole(), m.getStatus(), group.getHomeCloudId() != null ? group.getHomeCloudId() : caller.cloudId()));
            } else if (group == null && m.isPointer()) {
                // a group whose home is a peer: listed from the pointer; its home has the last word on every call
                mine.add(new MyGroup(m.getGroupId(), m.getGroupName(), m.getCreatorId(), GroupItem.ACTIVE,
                        m.getRole(), m.getStatus(), m.getHomeCloudId()));
            }
        }
        String cursor = page.lastEvaluatedKey() == null ? null
                : cursors.seal(scope, page.lastEvaluatedKey().get(TableDefinition.GSI1_SK).s().substring(Keys.GROUP_PREFIX.length()));
        return new MyGroups(mine, cursor);
    }

    /** As {@link #requireMembership}, for what only ACTIVE members may do (an invited merchant must join first). */
    public Membership requireActiveMembership(String groupId, String merchantId) {
        Membership membership = requireMembership(groupId, merchantId);
        membership.requireActive();
        return membership;
    }

    /**
     * Reads the group and the caller's membership in one consistent BatchGetItem. A group the caller is not in is
     * "not found" (its existence is not revealed). A dissolved group is "gone" (410) to its former members only until
     * their member items are deleted (the dissolve call itself usually does that); after that it is "not found".
     */
    public Membership requireMembership(String groupId, String merchantId) {
        GroupItem group = null;
        MemberItem member = null;
        for (Map<String, AttributeValue> item : table.batchGetConsistent(List.of(
                OrgTable.keyMap(Keys.group(groupId), Keys.GROUP_SK),
                OrgTable.keyMap(Keys.group(groupId), Keys.member(merchantId))))) {
            String sk = item.get(TableDefinition.SK).s();
            if (Keys.GROUP_SK.equals(sk)) {
                group = GroupItem.SCHEMA.mapToItem(item);
            } else {
                member = MemberItem.SCHEMA.mapToItem(item);
            }
        }
        if (group == null || member == null) {
            throw Pointers.groupNotFound(groupId, member);
        }
        if (!group.isActive()) {
            throw ApiException.gone("GROUP_DISSOLVED", "Group '" + groupId + "' was dissolved.");
        }
        return new Membership(group, member);
    }
}
