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
import orgshare.shared.rules.Grant;
import orgshare.shared.rules.Resolution;
import orgshare.shared.rules.Rule;
import orgshare.shared.rules.Scope;
import orgshare.shared.time.Timestamps;
import orgshare.shared.validation.Validate;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.Page;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * A group's rules: the creator changes them in versioned, all-or-nothing batches; every active member reads them,
 * and finds what is open to it (discovery). Rules live in the group's partition, bound to the memberships they name.
 */
public final class RuleService {
    public static final int MAX_CHANGES = 50;
    public static final int MAX_FIELDS = 50;
    public static final int MAX_FILTER_CONDITIONS = 10;
    public static final int MAX_FILTER_VALUE_LENGTH = 1024;

    public record RuleInput(String ownerId, String partnerId, String type, String scope, List<String> fields,
                            Map<String, String> filter, Boolean push) {
    }

    public record RuleRef(String ownerId, String partnerId, String type) {
    }

    public record RuleChanges(Long expectedVersion, List<RuleInput> set, List<RuleRef> remove) {
    }

    public record Version(long version) {
    }

    public record RuleView(String ownerId, String partnerId, String type, String scope, List<String> fields,
                           Map<String, String> filter, boolean push) {
        static RuleView of(Rule rule) {
            return new RuleView(rule.ownerId(), rule.partnerId(), rule.type(), rule.scope().name(),
                    rule.fields().isEmpty() ? null : rule.fields(), rule.filter().isEmpty() ? null : rule.filter(), rule.push());
        }
    }

    public record RulesPage(long version, List<RuleView> rules, String cursor) {
    }

    public record Provider(String ownerId, String type, String scope, List<String> fields, Map<String, String> filter,
                           boolean push) {
    }

    public record Providers(List<Provider> providers) {
    }

    /** One change of a batch, as the audit event lists it. */
    private record Change(String op, String ownerId, String partnerId, String type, String scope, Boolean push) {
    }

    private final OrgTable table;
    private final GroupService groups;
    private final AuditService audit;
    private final Outbox outbox;
    private final Clock clock;
    private final Supplier<String> ids;

    private final Cursors cursors;

    public RuleService(OrgTable table, GroupService groups, AuditService audit, Outbox outbox, Clock clock, Supplier<String> ids,
                       Cursors cursors) {
        this.cursors = cursors;
        this.table = table;
        this.groups = groups;
        this.audit = audit;
        this.outbox = outbox;
        this.clock = clock;
        this.ids = ids;
    }

    /**
     * The creator applies a batch of sets (upserts) and removals, all or nothing, if the rules are still at
     * {@code expectedVersion}: one consistent BatchGetItem (group and the members the rules name, for their current
     * memberships) and one TransactWriteItems (version bump, rules, member checks, audit events).
     */
    public Version change(Caller caller, String rawGroupId, RuleChanges request) {
        String me = caller.requireMerchant();
        String groupId = Validate.generatedId("groupId", rawGroupId);
        Long expected = Validate.required("expectedVersion", request.expectedVersion());
        if (expected < 0) {
            throw ApiException.validation("'expectedVersion' must be the version GET /groups/" + groupId + "/rules returned (0 or more).");
        }
        List<Rule> sets = new ArrayList<>();
        List<RuleRef> removes = new ArrayList<>();
        List<RuleInput> rawSets = request.set() == null ? List.of() : request.set();
        List<RuleRef> rawRemoves = request.remove() == null ? List.of() : request.remove();
        int total = rawSets.size() + rawRemoves.size();
        if (total == 0) {
            throw ApiException.validation("The batch changes nothing: give 'set' or 'remove' (or both).");
        }
        if (total > MAX_CHANGES) {
            throw ApiException.validation("A batch holds at most " + MAX_CHANGES + " changes (this one has " + total
                    + "); build large rule sets with several calls.");
        }
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < rawSets.size(); i++) {
            Rule rule = validRule(rawSets.get(i), "set[" + i + "]");
            requireUnique(keys, rule.key(), "set[" + i + "]");
            sets.add(rule);
        }
        for (int i = 0; i < rawRemoves.size(); i++) {
            RuleRef ref = validRef(rawRemoves.get(i), "remove[" + i + "]");
            requireUnique(keys, Rule.key(ref.ownerId(), ref.partnerId(), ref.type()), "remove[" + i + "]");
            removes.add(ref);
        }
        Set<String> bound = new LinkedHashSet<>();
        Set<String> concerned = new LinkedHashSet<>(List.of(me));
        for (Rule rule : sets) {
            bound.add(rule.ownerId());
            if (!Rule.ANY.equals(rule.partnerId())) {
                bound.add(rule.partnerId());
            }
        }
        concerned.addAll(bound);
        for (RuleRef ref : removes) {
            concerned.add(ref.ownerId());
            if (!Rule.ANY.equals(ref.partnerId())) {
                concerned.add(ref.partnerId());
            }
        }
        int actions = 1 + total + bound.size() + concerned.size();
        if (actions > OrgTable.MAX_TRANSACTION) {
            throw ApiException.validation("This batch needs " + actions + " writes in one transaction (1 version, "
                    + total + " changes, " + bound.size() + " member checks, " + concerned.size()
                    + " audit events); at most " + OrgTable.MAX_TRANSACTION + " fit. Split it: fewer distinct members per call.");
        }

        Map<String, MemberItem> members = new HashMap<>();
        GroupItem group = readGroupAndMembers(groupId, me, concerned, members);
        if (group == null || !members.containsKey(me)) {
            throw ApiException.notFound("GROUP_NOT_FOUND", "No group '" + groupId + "' that you are a member of.");
        }
        requireCreatorOfActive(group, members.get(me), expected);
        for (String merchant : bound) {
            MemberItem member = members.get(merchant);
            if (member == null || !member.isActive()) {
                throw memberNotActive(groupId, merchant);
            }
        }

        long next = expected + 1;
        String now = Timestamps.now(clock);
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().update(Update.builder().tableName(table.name())
                .key(OrgTable.keyMap(Keys.group(groupId), Keys.GROUP_SK))
                .updateExpression("SET rulesVersion = :next")
                .conditionExpression("#status = :active AND creatorId = :me AND rulesVersion = :expected")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(
                        ":active", AttributeValue.fromS(GroupItem.ACTIVE),
                        ":me", AttributeValue.fromS(me),
                        ":expected", AttributeValue.fromN(Long.toString(expected)),
                        ":next", AttributeValue.fromN(Long.toString(next)))).build()).build());
        List<Change> changes = new ArrayList<>();
        for (Rule rule : sets) {
            MemberItem partner = members.get(rule.partnerId());
            RuleItem item = RuleItem.create(groupId, rule, members.get(rule.ownerId()).getMembershipId(),
                    partner == null ? null : partner.getMembershipId(), next, now);
            writes.add(TransactWriteItem.builder().put(Put.builder().tableName(table.name())
                    .item(RuleItem.SCHEMA.itemToMap(item, true)).build()).build());
            changes.add(new Change("SET", rule.ownerId(), rule.partnerId(), rule.type(), rule.scope().name(), rule.push()));
        }
        int firstRemove = writes.size();
        for (RuleRef ref : removes) {
            writes.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table.name())
                    .key(OrgTable.keyMap(Keys.group(groupId), Keys.rule(ref.ownerId(), ref.partnerId(), ref.type())))
                    .conditionExpression("attribute_exists(pk)").build()).build());
            changes.add(new Change("REMOVE", ref.ownerId(), ref.partnerId(), ref.type(), null, null));
        }
        int firstCheck = writes.size();
        List<String> checked = new ArrayList<>(bound);
        for (String merchant : checked) {
            writes.add(MemberItem.stillActive(table.name(), groupId, merchant, members.get(merchant).getMembershipId()));
        }
        AuditItem event = AuditItem.create(ids.get(), now, AuditItem.RULES_CHANGED, groupId, me);
        event.setVersion(next);
        event.setChanges(Json.encode(changes));
        for (String merchant : concerned) {
            MemberItem member = members.get(merchant);
            if (member != null && member.isFederated()) {
                // its log is on its own cloud: told through the outbox, in this same transaction
                writes.add(outbox.put(member.getCloudId(), FederationEndpoint.merchant(me, group.getHomeCloudId()),
                        Pointers.Notice.rulesChanged(groupId, merchant, event)));
            } else {
                writes.add(audit.put(event, merchant));
            }
        }
        table.transact(writes, failed -> {
            if (failed == 0) {
                GroupService.Membership current = groups.requireMembership(groupId, me);
                requireCreatorOfActive(current.group(), current.member(), expected);
                return ApiException.conflict("CONCURRENT_CHANGE", "The rules changed while you changed them; read them again.");
            }
            if (failed >= firstRemove && failed < firstCheck) {
                RuleRef ref = removes.get(failed - firstRemove);
                return ApiException.notFound("RULE_NOT_FOUND", "There is no rule " + ref.ownerId() + " -> "
                        + ref.partnerId() + " for type '" + ref.type() + "' to remove; nothing was changed.");
            }
            if (failed >= firstCheck && failed < firstCheck + checked.size()) {
                return memberNotActive(groupId, checked.get(failed - firstCheck));
            }
            return ApiException.conflict("CONCURRENT_CHANGE", "The group changed while you changed its rules; retry.");
        });
        return new Version(next);
    }

    /**
     * One page of the group's rules, for its active members, with the version to send back with changes (read before
     * the rules, so a change made in between makes that version stale, never silently current). Rules of members who
     * have left are not shown, even before the cleanup deletes them.
     */
    public RulesPage list(Caller caller, String rawGroupId, String rawLimit, String rawCursor) {
        String me = caller.requireMerchant();
        String groupId = Validate.generatedId("groupId", rawGroupId);
        int limit = Validate.pageSize(rawLimit);
        Cursors.Scope scope = Cursors.scope("rules", me, groupId);
        String after = cursors.open(scope, rawCursor, RuleService::validRulePosition);
        GroupService.Membership membership = groups.requireActiveMembership(groupId, me);

        String pk = Keys.group(groupId);
        QueryEnhancedRequest.Builder query = QueryEnhancedRequest.builder()
                .queryConditional(QueryConditional.sortBeginsWith(
                        Key.builder().partitionValue(pk).sortValue(Keys.RULE_PREFIX).build()))
                .consistentRead(true)
                .limit(limit);
        if (after != null) {
            query.exclusiveStartKey(OrgTable.keyMap(pk, Keys.RULE_PREFIX + after));
        }
        Page<RuleItem> page = table.rules().query(query.build()).iterator().next();
        Set<String> named = new HashSet<>();
        for (RuleItem rule : page.items()) {
            named.add(rule.getOwnerId());
            if (!Rule.ANY.equals(rule.getPartnerId())) {
                named.add(rule.getPartnerId());
            }
        }
        Map<String, String> memberships = activeMemberships(groupId, named);
        List<RuleView> rules = new ArrayList<>();
        for (RuleItem rule : page.items()) {
            if (rule.isBoundTo(memberships.get(rule.getOwnerId()), memberships.get(rule.getPartnerId()))) {
                rules.add(RuleView.of(rule.toRule()));
            }
        }
        String last = Positions.lastSortKey(page);
        return new RulesPage(membership.group().getRulesVersion(), rules,
                cursors.seal(scope, last == null ? null : last.substring(Keys.RULE_PREFIX.length())));
    }

    /**
     * Discovery: what each member opens to the caller, resolved per record type exactly as a pull would resolve it
     * (the creator's rule narrowed by the owner's cap). Type {@code *} stands for every type no rule or cap names.
     * Reads the rules and caps naming the caller or {@code *} from gsi1 (eventually consistent: a change shows here
     * within moments; a pull always sees it at once).
     */
    public Providers providers(Caller caller, String rawGroupId) {
        String me = caller.requireMerchant();
        String groupId = Validate.generatedId("groupId", rawGroupId);
        GroupService.Membership membership = groups.requireActiveMembership(groupId, me);

        List<RuleItem> ruleItems = new ArrayList<>();
        List<RuleItem> capItems = new ArrayList<>();
        for (String partner : List.of(me, Rule.ANY)) {
            othersNaming(Keys.rulesForPartner(groupId, partner), me, ruleItems, capItems);
        }
        Set<String> owners = new HashSet<>();
        ruleItems.forEach(r -> owners.add(r.getOwnerId()));
        capItems.forEach(c -> owners.add(c.getOwnerId()));
        Map<String, String> memberships = activeMemberships(groupId, owners);
        String mine = membership.member().getMembershipId();
        Map<String, List<Rule>> rulesByOwner = liveByOwner(ruleItems, memberships, mine);
        Map<String, List<Rule>> capsByOwner = liveByOwner(capItems, memberships, mine);
        List<Provider> providers = new ArrayList<>();
        rulesByOwner.forEach((owner, rules) -> {
            List<Rule> caps = capsByOwner.getOrDefault(owner, List.of());
            Set<String> types = new TreeSet<>(Comparator.comparing((String t) -> Rule.ANY.equals(t)).thenComparing(t -> t));
            rules.forEach(rule -> types.add(rule.type()));
            caps.forEach(cap -> types.add(cap.type()));
            for (String type : types) {
                Resolution resolution = Grant.decide(rules, caps, owner, me, type).effective();
                if (resolution.canRead() || resolution.push()) {
                    providers.add(new Provider(owner, type, resolution.scope().name(),
                            resolution.fields().isEmpty() ? null : resolution.fields(),
                            resolution.filter().isEmpty() ? null : resolution.filter(), resolution.push()));
                }
            }
        });
        return new Providers(providers);
    }

    /** The rules and the caps of one gsi1 partition (those naming a partner) owned by others than {@code me}. */
    private void othersNaming(String partition, String me, List<RuleItem> rules, List<RuleItem> caps) {
        table.rules().index(TableDefinition.GSI1).query(QueryEnhancedRequest.builder()
                        .queryConditional(QueryConditional.keyEqualTo(Key.builder().partitionValue(partition).build()))
                        .build())
                .forEach(page -> page.items().stream().filter(r -> !r.getOwnerId().equals(me))
                        .forEach(item -> (item.getSk().startsWith(Keys.CAP_PREFIX) ? caps : rules).add(item)));
    }

    /** The live items (bound to the owner's current membership and mine), by owner in ID order. */
    private static Map<String, List<Rule>> liveByOwner(List<RuleItem> items, Map<String, String> memberships, String mine) {
        Map<String, List<Rule>> live = new TreeMap<>();
        for (RuleItem item : items) {
            if (item.isBoundTo(memberships.get(item.getOwnerId()), mine)) {
                live.computeIfAbsent(item.getOwnerId(), o -> new ArrayList<>()).add(item.toRule());
            }
        }
        return live;
    }

    /** Current membership IDs of those of {@code merchants} who are ACTIVE members, read consistently. */
    Map<String, String> activeMemberships(String groupId, Set<String> merchants) {
        Map<String, String> active = new HashMap<>();
        List<Map<String, AttributeValue>> keys = merchants.stream()
                .map(m -> OrgTable.keyMap(Keys.group(groupId), Keys.member(m))).toList();
        for (Map<String, AttributeValue> item : table.batchGetConsistent(keys)) {
            MemberItem member = MemberItem.SCHEMA.mapToItem(item);
            if (member.isActive()) {
                active.put(member.getMerchantId(), member.getMembershipId());
            }
        }
        return active;
    }

    /** One consistent BatchGetItem: the group, and the member items of {@code me} and {@code concerned} (into {@code members}). */
    GroupItem readGroupAndMembers(String groupId, String me, Set<String> concerned, Map<String, MemberItem> members) {
        Set<String> wanted = new LinkedHashSet<>(List.of(me));
        wanted.addAll(concerned);
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        keys.add(OrgTable.keyMap(Keys.group(groupId), Keys.GROUP_SK));
        wanted.forEach(m -> keys.add(OrgTable.keyMap(Keys.group(groupId), Keys.member(m))));
        GroupItem group = null;
        for (Map<String, AttributeValue> item : table.batchGetConsistent(keys)) {
            if (Keys.GROUP_SK.equals(item.get(TableDefinition.SK).s())) {
                group = GroupItem.SCHEMA.mapToItem(item);
            } else {
                MemberItem member = MemberItem.SCHEMA.mapToItem(item);
                members.put(member.getMerchantId(), member);
            }
        }
        return group;
    }

    private static void requireCreatorOfActive(GroupItem group, MemberItem me, long expected) {
        if (!group.isActive()) {
            throw ApiException.gone("GROUP_DISSOLVED", "Group '" + group.getGroupId() + "' was dissolved.");
        }
        if (!me.isCreator()) {
            throw ApiException.forbidden("Only the group's creator can change its rules.");
        }
        if (group.getRulesVersion() != expected) {
            throw ApiException.conflict("VERSION_CONFLICT", "The rules are at version " + group.getRulesVersion()
                    + ", not " + expected + ": someone changed them. Read them again (GET /groups/" + group.getGroupId()
                    + "/rules) and resend your changes against that version.");
        }
    }

    static ApiException memberNotActive(String groupId, String merchantId) {
        return ApiException.conflict("MEMBER_NOT_ACTIVE", "Merchant '" + merchantId + "' is not an active member of group '"
                + groupId + "'; rules can name only active members. Nothing was changed.");
    }

    private static void requireUnique(Set<String> keys, String key, String at) {
        if (!keys.add(key)) {
            throw ApiException.validation("'" + at + "' names a rule (owner, partner, type) that this batch already changes; each rule may appear once.");
        }
    }

    private static Rule validRule(RuleInput in, String at) {
        return validRule(in, at, "rule", "scope");
    }

    /**
     * Validates a rule, or a cap (the same shape: {@code noun} names it in errors, {@code scopeField} its scope field);
     * a missing push is false.
     */
    static Rule validRule(RuleInput in, String at, String noun, String scopeField) {
        if (in == null) {
            throw ApiException.validation("'" + at + "' must be a " + noun + " object.");
        }
        RuleRef ref = validRef(new RuleRef(in.ownerId(), in.partnerId(), in.type()), at);
        Scope scope = scope(in.scope(), at + "." + scopeField);
        List<String> fields = in.fields() == null ? List.of() : in.fields();
        if (scope == Scope.FIELDS) {
            if (fields.isEmpty() || fields.size() > MAX_FIELDS) {
                throw ApiException.validation("'" + at + ".fields' must list 1 to " + MAX_FIELDS + " field names for a FIELDS " + noun + ".");
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < fields.size(); i++) {
                String field = Validate.fieldName(at + ".fields[" + i + "]", fields.get(i));
                if (!seen.add(field)) {
                    throw ApiException.validation("'" + at + ".fields' lists '" + field + "' twice.");
                }
            }
        } else if (in.fields() != null) {
            throw ApiException.validation("'" + at + ".fields' belongs only to a FIELDS " + noun + "; this one is " + scope + ".");
        }
        Map<String, String> filter = in.filter() == null ? Map.of() : in.filter();
        if (!filter.isEmpty() && scope == Scope.NONE) {
            throw ApiException.validation("'" + at + ".filter' makes no sense on a NONE " + noun + ", which opens nothing.");
        }
        if (filter.size() > MAX_FILTER_CONDITIONS) {
            throw ApiException.validation("'" + at + ".filter' holds at most " + MAX_FILTER_CONDITIONS + " conditions.");
        }
        Map<String, String> checked = new LinkedHashMap<>();
        for (Map.Entry<String, String> condition : filter.entrySet()) {
            String field = Validate.fieldName(at + ".filter key", condition.getKey());
            String value = condition.getValue();
            if (value == null || value.length() > MAX_FILTER_VALUE_LENGTH) {
                throw ApiException.validation("'" + at + ".filter." + field + "' must be a string of at most "
                        + MAX_FILTER_VALUE_LENGTH + " characters (or \"" + Rule.PARTNER_PLACEHOLDER + "\").");
            }
            checked.put(field, value);
        }
        return new Rule(ref.ownerId(), ref.partnerId(), ref.type(), scope, fields, checked, Boolean.TRUE.equals(in.push()));
    }

    static RuleRef validRef(RuleRef in, String at) {
        if (in == null) {
            throw ApiException.validation("'" + at + "' must be an object with ownerId, partnerId and type.");
        }
        String owner = Validate.generatedId(at + ".ownerId", in.ownerId());
        String partner = Rule.ANY.equals(in.partnerId()) ? Rule.ANY : Validate.generatedId(at + ".partnerId", in.partnerId());
        String type = Rule.ANY.equals(in.type()) ? Rule.ANY : Validate.recordType(at + ".type", in.type());
        if (owner.equals(partner)) {
            throw ApiException.validation("'" + at + "': a rule's owner and partner must be different members.");
        }
        return new RuleRef(owner, partner, type);
    }

    private static Scope scope(String raw, String field) {
        Validate.required(field, raw);
        try {
            return Scope.valueOf(raw);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("'" + field + "' must be one of " + Arrays.toString(Scope.values()) + ".");
        }
    }

    /** A rules cursor position: {@code <ownerId>#<partnerId or *>#<type or *>}. */
    private static String validRulePosition(String position) {
        String[] parts = position.split("#", -1);
        if (parts.length != 3) {
            throw Cursors.invalid();
        }
        validRef(new RuleRef(parts[0], parts[1], parts[2]), "cursor");
        return position;
    }
}
