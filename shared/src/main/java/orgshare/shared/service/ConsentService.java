package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import orgshare.shared.db.Cursors;
import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.db.TableDefinition;
import orgshare.shared.error.ApiException;
import orgshare.shared.federation.FederationEndpoint;
import orgshare.shared.federation.Outbox;
import orgshare.shared.federation.Pointers;
import orgshare.shared.json.Json;
import orgshare.shared.model.AuditItem;
import orgshare.shared.model.GroupItem;
import orgshare.shared.model.MemberItem;
import orgshare.shared.model.RuleItem;
import orgshare.shared.rules.Rule;
import orgshare.shared.time.Timestamps;
import orgshare.shared.validation.Validate;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Owner consent (DESIGN §7): each owner narrows what the creator's rules open of its own data with caps, in
 * versioned all-or-nothing batches of its own (one version per owner and membership, kept on its member item, so
 * owners never conflict with each other or with the creator's rule changes). A cap is bound to the memberships it
 * was set for, like a rule: the owner's leave kills its caps at once, and the cleanup deletes them.
 */
public final class ConsentService {
    public record CapInput(String partnerId, String type, String maxScope, List<String> fields, Map<String, String> filter,
                           Boolean push) {
    }

    public record CapRef(String partnerId, String type) {
    }

    public record ConsentChanges(Long expectedVersion, List<CapInput> set, List<CapRef> remove) {
    }

    public record CapView(String partnerId, String type, String maxScope, List<String> fields, Map<String, String> filter,
                          boolean push) {
        static CapView of(Rule cap) {
            return new CapView(cap.partnerId(), cap.type(), cap.scope().name(), cap.fields().isEmpty() ? null : cap.fields(),
                    cap.filter().isEmpty() ? null : cap.filter(), cap.push());
        }
    }

    public record ConsentPage(String ownerId, long version, List<CapView> caps, String cursor) {
    }

    /** One change of a batch, as the audit event lists it. */
    private record Change(String op, String ownerId, String partnerId, String type, String maxScope, Boolean push) {
    }

    private final OrgTable table;
    private final GroupService groups;
    private final RuleService rules;
    private final AuditService audit;
    private final Outbox outbox;
    private final Clock clock;
    private final Supplier<String> ids;
    private final Cursors cursors;

    public ConsentService(OrgTable table, GroupService groups, RuleService rules, AuditService audit, Outbox outbox,
                          Clock clock, Supplier<String> ids, Cursors cursors) {
        this.table = table;
        this.groups = groups;
        this.rules = rules;
        this.audit = audit;
        this.outbox = outbox;
        this.clock = clock;
        this.ids = ids;
        this.cursors = cursors;
    }

    /**
     * The caller, an ACTIVE member, sets and removes caps on its own data, all or nothing, if its caps are still at
     * {@code expectedVersion}: one consistent BatchGetItem (the group, the caller and the partners its caps name) and
     * one TransactWriteItems (the version on the caller's member item, the caps, partner checks, audit events).
     */
    public RuleService.Version change(Caller caller, String rawGroupId, ConsentChanges request) {
        String me = caller.requireMerchant();
        String groupId = Validate.generatedId("groupId", rawGroupId);
        Long expected = Validate.required("expectedVersion", request.expectedVersion());
        if (expected < 0) {
            throw ApiException.validation("'expectedVersion' must be the version GET /groups/" + groupId
                    + "/consent returned (0 or more).");
        }
        List<CapInput> rawSets = request.set() == null ? List.of() : request.set();
        List<CapRef> rawRemoves = request.remove() == null ? List.of() : request.remove();
        int total = rawSets.size() + rawRemoves.size();
        if (total == 0) {
            throw ApiException.validation("The batch changes nothing: give 'set' or 'remove' (or both).");
        }
        if (total > RuleService.MAX_CHANGES) {
            throw ApiException.validation("A batch holds at most " + RuleService.MAX_CHANGES + " changes (this one has "
                    + total + ").");
        }
        List<Rule> sets = new ArrayList<>();
        List<RuleService.RuleRef> removes = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < rawSets.size(); i++) {
            Rule cap = validCap(me, rawSets.get(i), "set[" + i + "]");
            requireUnique(keys, cap.key(), "set[" + i + "]");
            sets.add(cap);
        }
        for (int i = 0; i < rawRemoves.size(); i++) {
            CapRef ref = rawRemoves.get(i);
            if (ref == null) {
                throw ApiException.validation("'remove[" + i + "]' must be an object with partnerId and type.");
            }
            RuleService.RuleRef valid = validRef(me, ref.partnerId(), ref.type(), "remove[" + i + "]");
            requireUnique(keys, Rule.key(me, valid.partnerId(), valid.type()), "remove[" + i + "]");
            removes.add(valid);
        }
        Set<String> partners = new LinkedHashSet<>();
        sets.stream().map(Rule::partnerId).filter(p -> !Rule.ANY.equals(p)).forEach(partners::add);
        int actions = 2 + total + partners.size() + 2;
        if (actions > OrgTable.MAX_TRANSACTION) {
            throw ApiException.validation("This batch needs " + actions + " writes in one transaction; at most "
                    + OrgTable.MAX_TRANSACTION + " fit. Split it: fewer distinct partners per call.");
        }

        Map<String, MemberItem> members = new HashMap<>();
        GroupItem group = rules.readGroupAndMembers(groupId, me, partners, members);
        MemberItem owner = members.get(me);
        requireOwnerAt(caller, groupId, group, owner, expected);
        for (String partner : partners) {
            MemberItem member = members.get(partner);
            if (member == null || !member.isActive()) {
                throw RuleService.memberNotActive(groupId, partner);
            }
        }

        long next = expected + 1;
        String now = Timestamps.now(clock);
        List<TransactWriteItem> writes = new ArrayList<>();
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":active", AttributeValue.fromS(MemberItem.ACTIVE),
                ":membership", AttributeValue.fromS(owner.getMembershipId()),
                ":next", AttributeValue.fromN(Long.toString(next))));
        String version = "attribute_not_exists(consentVersion)";
        if (expected > 0) {
            version = "consentVersion = :expected";
            values.put(":expected", AttributeValue.fromN(Long.toString(expected)));
        }
        writes.add(TransactWriteItem.builder().update(Update.builder().tableName(table.name())
                .key(OrgTable.keyMap(Keys.group(groupId), Keys.member(me)))
                .updateExpression("SET consentVersion = :next")
                .conditionExpression("#status = :active AND membershipId = :membership AND " + version)
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(values).build()).build());
        writes.add(TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table.name())
                .key(OrgTable.keyMap(Keys.group(groupId), Keys.GROUP_SK))
                .conditionExpression("#status = :active")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":active", AttributeValue.fromS(GroupItem.ACTIVE))).build()).build());
        List<Change> changes = new ArrayList<>();
        for (Rule cap : sets) {
            MemberItem partner = members.get(cap.partnerId());
            RuleItem item = RuleItem.cap(groupId, cap, owner.getMembershipId(),
                    partner == null ? null : partner.getMembershipId(), next, now);
            writes.add(TransactWriteItem.builder().put(Put.builder().tableName(table.name())
                    .item(RuleItem.SCHEMA.itemToMap(item, true)).build()).build());
            changes.add(new Change("SET", me, cap.partnerId(), cap.type(), cap.scope().name(), cap.push()));
        }
        int firstRemove = writes.size();
        for (RuleService.RuleRef ref : removes) {
            writes.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table.name())
                    .key(OrgTable.keyMap(Keys.group(groupId), Keys.cap(me, ref.partnerId(), ref.type())))
                    .conditionExpression("ownerMembershipId = :membership")
                    .expressionAttributeValues(Map.of(":membership", AttributeValue.fromS(owner.getMembershipId())))
                    .build()).build());
            changes.add(new Change("REMOVE", me, ref.partnerId(), ref.type(), null, null));
        }
        int firstCheck = writes.size();
        List<String> checked = new ArrayList<>(partners);
        for (String partner : checked) {
            writes.add(MemberItem.stillActive(table.name(), groupId, partner, members.get(partner).getMembershipId()));
        }
        AuditItem event = AuditItem.create(ids.get(), now, AuditItem.CONSENT_CHANGED, groupId, me);
        event.setOwnerId(me);
        event.setVersion(next);
        event.setChanges(Json.encode(changes));
        if (owner.isFederated()) {
            // the owner's log is on its own cloud: told through the outbox, in this same transaction
            writes.add(outbox.put(owner.getCloudId(), FederationEndpoint.merchant(group.getCreatorId(), group.getHomeCloudId()),
                    Pointers.Notice.consentChanged(groupId, me, event)));
        } else {
            writes.add(audit.put(event, me));
        }
        if (!group.getCreatorId().equals(me)) {
            writes.add(audit.put(event, group.getCreatorId())); // the creator sees the caps on what it opened
        }
        table.transact(writes, failed -> {
            if (failed == 0) {
                GroupService.Membership current = groups.requireMembership(groupId, me);
                requireOwnerAt(caller, groupId, current.group(), current.member(), expected);
                return ApiException.conflict("CONCURRENT_CHANGE", "Your caps changed while you changed them; read them again.");
            }
            if (failed == 1) {
                return ApiException.gone("GROUP_DISSOLVED", "Group '" + groupId + "' was dissolved.");
            }
            if (failed >= firstRemove && failed < firstCheck) {
                RuleService.RuleRef ref = removes.get(failed - firstRemove);
                return ApiException.notFound("CAP_NOT_FOUND", "You have no cap for partner " + ref.partnerId()
                        + " and type '" + ref.type() + "' to remove; nothing was changed.");
            }
            if (failed >= firstCheck && failed < firstCheck + checked.size()) {
                return RuleService.memberNotActive(groupId, checked.get(failed - firstCheck));
            }
            return ApiException.conflict("CONCURRENT_CHANGE", "The group changed while you changed your caps; retry.");
        });
        return new RuleService.Version(next);
    }

    /**
     * One page of an owner's live caps and their version: the owner's own ({@code ownerId} absent or the caller), or
     * any owner's for the group's creator, whose rules they narrow. Caps of an earlier membership are not shown.
     */
    public ConsentPage list(Caller caller, String rawGroupId, String rawOwnerId, String rawLimit, String rawCursor) {
        String me = caller.requireMerchant();
        String groupId = Validate.generatedId("groupId", rawGroupId);
        String ownerId = rawOwnerId == null || rawOwnerId.isEmpty() ? me : Validate.generatedId("ownerId", rawOwnerId);
        int limit = Validate.pageSize(rawLimit);
        Cursors.Scope scope = Cursors.scope("consent", me, groupId, ownerId);
        String after = cursors.open(scope, rawCursor, ConsentService::validCapPosition);

        Map<String, MemberItem> members = new HashMap<>();
        GroupItem group = rules.readGroupAndMembers(groupId, me, Set.of(ownerId), members);
        MemberItem mine = members.get(me);
        GrantService.requireActiveReader(caller, groupId, group, mine);
        if (!ownerId.equals(me) && !mine.isCreator()) {
            throw ApiException.forbidden("Only the owner and the group's creator can read an owner's caps.");
        }
        MemberItem owner = members.get(ownerId);
        if (owner == null || !owner.isActive()) {
            throw ApiException.notFound("OWNER_NOT_FOUND", "Merchant '" + ownerId + "' is not an active member of group '"
                    + groupId + "'.");
        }

        String pk = Keys.group(groupId);
        QueryRequest.Builder query = QueryRequest.builder().tableName(table.name())
                .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk),
                        ":prefix", AttributeValue.fromS(Keys.capsOfOwner(ownerId))))
                .consistentRead(true)
                .limit(limit);
        if (after != null) {
            query.exclusiveStartKey(OrgTable.keyMap(pk, Keys.cap(ownerId, after.split("#", 2)[0], after.split("#", 2)[1])));
        }
        QueryResponse page = table.client().query(query.build());
        List<RuleItem> items = page.items().stream().map(RuleItem.SCHEMA::mapToItem).toList();
        Set<String> named = new HashSet<>();
        items.stream().map(RuleItem::getPartnerId).filter(p -> !Rule.ANY.equals(p)).forEach(named::add);
        Map<String, String> memberships = rules.activeMemberships(groupId, named);
        List<CapView> caps = new ArrayList<>();
        for (RuleItem item : items) {
            if (item.isBoundTo(owner.getMembershipId(), memberships.get(item.getPartnerId()))) {
                caps.add(CapView.of(item.toRule()));
            }
        }
        String last = null;
        if (page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()) {
            last = page.lastEvaluatedKey().get(TableDefinition.SK).s().substring(Keys.capsOfOwner(ownerId).length());
        }
        return new ConsentPage(ownerId, owner.consentVersion(), caps, cursors.seal(scope, last));
    }

    /** The caller is an ACTIVE member of the ACTIVE group, as for any group read, and its caps are at {@code expected}. */
    private static void requireOwnerAt(Caller caller, String groupId, GroupItem group, MemberItem owner, long expected) {
        GrantService.requireActiveReader(caller, groupId, group, owner);
        if (owner.consentVersion() != expected) {
            throw ApiException.conflict("VERSION_CONFLICT", "Your caps are at version " + owner.consentVersion() + ", not "
                    + expected + ". Read them again (GET /groups/" + groupId
                    + "/consent) and resend your changes against that version.");
        }
    }

    /** A cap on the caller's own data: a rule's shape whose owner is the caller; a missing push does not narrow pushes. */
    private static Rule validCap(String me, CapInput in, String at) {
        if (in == null) {
            throw ApiException.validation("'" + at + "' must be a cap object.");
        }
        validRef(me, in.partnerId(), in.type(), at);
        return RuleService.validRule(new RuleService.RuleInput(me, in.partnerId(), in.type(), in.maxScope(), in.fields(),
                in.filter(), in.push() == null ? Boolean.TRUE : in.push()), at, "cap", "maxScope");
    }

    private static RuleService.RuleRef validRef(String me, String partnerId, String type, String at) {
        if (me.equals(partnerId)) {
            throw ApiException.validation("'" + at + ".partnerId' is you: a cap narrows what another member (or \"*\") sees of your data.");
        }
        return RuleService.validRef(new RuleService.RuleRef(me, partnerId, type), at);
    }

    private static void requireUnique(Set<String> keys, String key, String at) {
        if (!keys.add(key)) {
            throw ApiException.validation("'" + at + "' names a cap (partner, type) that this batch already changes; each cap may appear once.");
        }
    }

    /** A consent cursor position: {@code <partnerId or *>#<type or *>}. */
    private static String validCapPosition(String position) {
        String[] parts = position.split("#", -1);
        if (parts.length != 2) {
            throw Cursors.invalid();
        }
        if (!Rule.ANY.equals(parts[0])) {
            Validate.generatedId("cursor", parts[0]);
        }
        if (!Rule.ANY.equals(parts[1])) {
            Validate.recordType("cursor", parts[1]);
        }
        return position;
    }
}
