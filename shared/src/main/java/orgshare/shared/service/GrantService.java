package orgshare.shared.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import orgshare.shared.auth.Caller;
import orgshare.shared.db.Cursors;
import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.db.TableDefinition;
import orgshare.shared.error.ApiException;
import orgshare.shared.federation.Pointers;
import orgshare.shared.model.GroupItem;
import orgshare.shared.model.MemberItem;
import orgshare.shared.model.RuleItem;
import orgshare.shared.rules.Explanation;
import orgshare.shared.rules.Grant;
import orgshare.shared.rules.Resolution;
import orgshare.shared.rules.RuleResolver;
import orgshare.shared.validation.Validate;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Why a grant is what it is (DESIGN §7): the explanation of one owner → partner grant, and the matrix of effective
 * grants of a tile of members for the console. Both decide through {@link Grant}, exactly as a pull does, from
 * consistent reads whose cost does not grow with the group beyond the tile asked for.
 */
public final class GrantService {
    public static final int DEFAULT_TILE = 10;
    public static final int MAX_TILE = 20;

    /** The scope, fields, filter ({@code ${partner}} resolved) and push of a resolution. */
    public record GrantView(String scope, List<String> fields, Map<String, String> filter, boolean push) {
        static GrantView of(Resolution resolution) {
            return new GrantView(resolution.scope().name(), resolution.fields().isEmpty() ? null : resolution.fields(),
                    resolution.filter().isEmpty() ? null : resolution.filter(), resolution.push());
        }
    }

    /** The rule and the cap that decide, as written: null (and said so, not left out) when there is none. */
    public record Explained(String ownerId, String partnerId, String type,
                            @JsonInclude(JsonInclude.Include.ALWAYS) RuleService.RuleView rule,
                            @JsonInclude(JsonInclude.Include.ALWAYS) ConsentService.CapView cap,
                            GrantView granted, GrantView effective, List<String> reasons) {
    }

    public record Cell(String ownerId, String partnerId, String scope, boolean push) {
    }

    public record Matrix(String type, List<String> owners, List<String> partners, List<Cell> cells, String cursor) {
    }

    /** What one consistent read found: the group, the members asked for, and the candidate rules and caps (live or dead). */
    record PairRead(GroupItem group, Map<String, MemberItem> members, List<RuleItem> rules, List<RuleItem> caps) {
        Grant decide(MemberItem owner, MemberItem partner, String type) {
            return GrantService.decide(rules, caps, owner, partner, type);
        }
    }

    private final OrgTable table;
    private final Cursors cursors;

    public GrantService(OrgTable table, Cursors cursors) {
        this.table = table;
        this.cursors = cursors;
    }

    /** The grant the pair's live rules and caps decide (those bound to earlier memberships are dead). */
    static Grant decide(List<RuleItem> rules, List<RuleItem> caps, MemberItem owner, MemberItem partner, String type) {
        return Grant.decide(ExchangeService.live(rules, owner, partner), ExchangeService.live(caps, owner, partner),
                owner.getMerchantId(), partner.getMerchantId(), type);
    }

    /**
     * One consistent BatchGetItem: the group, the member items of {@code merchants}, and the rules and caps of the
     * {@code candidates} keys (see {@link RuleResolver#candidateKeys}). Pulls, pushes and explanations authorize from it.
     */
    static PairRead readPair(OrgTable table, String groupId, Collection<String> merchants, Collection<String> candidates) {
        String pk = Keys.group(groupId);
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        keys.add(OrgTable.keyMap(pk, Keys.GROUP_SK));
        new LinkedHashSet<>(merchants).forEach(m -> keys.add(OrgTable.keyMap(pk, Keys.member(m))));
        for (String ruleKey : candidates) {
            keys.add(OrgTable.keyMap(pk, Keys.RULE_PREFIX + ruleKey));
            keys.add(OrgTable.keyMap(pk, Keys.CAP_PREFIX + ruleKey));
        }
        GroupItem group = null;
        Map<String, MemberItem> members = new HashMap<>();
        List<RuleItem> rules = new ArrayList<>();
        List<RuleItem> caps = new ArrayList<>();
        for (Map<String, AttributeValue> item : table.batchGetConsistent(keys)) {
            String sk = item.get(TableDefinition.SK).s();
            if (Keys.GROUP_SK.equals(sk)) {
                group = GroupItem.SCHEMA.mapToItem(item);
            } else if (sk.startsWith(Keys.MEMBER_PREFIX)) {
                MemberItem member = MemberItem.SCHEMA.mapToItem(item);
                members.put(member.getMerchantId(), member);
            } else if (sk.startsWith(Keys.CAP_PREFIX)) {
                caps.add(RuleItem.SCHEMA.mapToItem(item));
            } else {
                rules.add(RuleItem.SCHEMA.mapToItem(item));
            }
        }
        return new PairRead(group, members, rules, caps);
    }

    /**
     * What decides {@code ownerId}'s grant to {@code partnerId} for {@code type}, asked by the group's creator, the
     * owner or the partner: the rule and the cap that decide, the grant before and after the cap, and the reasons in
     * words. One consistent BatchGetItem (group, caller, owner, partner, four rule and four cap keys).
     */
    public Explained explain(Caller caller, String rawGroupId, String rawOwnerId, String rawPartnerId, String rawType) {
        String me = caller.requireMerchant();
        String groupId = Validate.generatedId("groupId", rawGroupId);
        String ownerId = Validate.generatedId("ownerId", rawOwnerId);
        String partnerId = Validate.generatedId("partnerId", rawPartnerId);
        String type = Validate.recordType("type", rawType);
        if (ownerId.equals(partnerId)) {
            throw ApiException.validation("'ownerId' and 'partnerId' are the same merchant: an owner needs no grant to its own records.");
        }
        PairRead read = readPair(table, groupId, List.of(me, ownerId, partnerId),
                RuleResolver.candidateKeys(ownerId, partnerId, type));
        requireActiveReader(caller, groupId, read.group(), read.members().get(me));
        if (!me.equals(ownerId) && !me.equals(partnerId) && !read.members().get(me).isCreator()) {
            throw ApiException.forbidden("Only the group's creator, the owner and the partner can ask what decides a grant.");
        }
        MemberItem owner = activeMember(groupId, read.members(), ownerId);
        MemberItem partner = activeMember(groupId, read.members(), partnerId);
        Grant grant = read.decide(owner, partner, type);
        return new Explained(ownerId, partnerId, type,
                grant.rule() == null ? null : RuleService.RuleView.of(grant.rule()),
                grant.cap() == null ? null : ConsentService.CapView.of(grant.cap()),
                GrantView.of(grant.granted()), GrantView.of(grant.effective()),
                Explanation.reasons(grant, partnerId, me.equals(ownerId)));
    }

    /**
     * One tile of the effective grants for {@code type}: up to {@code limit} ACTIVE owners × up to {@code limit} ACTIVE
     * partners (an owner is never its own partner), in member ID order; the cursor walks the partners' tiles of an
     * owners' tile, then the next owners' tile. The creator sees every cell; another member only those where it is the
     * owner or the partner. Reads: the group and the caller (one BatchGetItem), the tile's members (a Query per axis),
     * then the candidate rules and caps of the tile's pairs (BatchGetItem, 100 keys a call).
     */
    public Matrix matrix(Caller caller, String rawGroupId, String rawType, String rawLimit, String rawCursor) {
        String me = caller.requireMerchant();
        String groupId = Validate.generatedId("groupId", rawGroupId);
        String type = Validate.recordType("type", rawType);
        int limit = tileSize(rawLimit);
        // the tile size too: a walk resumed with another size would skip or repeat pairs
        Cursors.Scope scope = Cursors.scope("matrix", me, groupId, type, Integer.toString(limit));
        String[] position = split(cursors.open(scope, rawCursor, GrantService::validTilePosition));

        PairRead read = readPair(table, groupId, List.of(me), List.of());
        requireActiveReader(caller, groupId, read.group(), read.members().get(me));
        boolean everyCell = read.members().get(me).isCreator();

        List<MemberItem> ownerRun = activeAfter(groupId, position[0], limit + 1);
        List<MemberItem> partnerRun = position[1].equals(position[0]) ? ownerRun : activeAfter(groupId, position[1], limit + 1);
        List<MemberItem> owners = ownerRun.subList(0, Math.min(limit, ownerRun.size()));
        List<MemberItem> partners = partnerRun.subList(0, Math.min(limit, partnerRun.size()));

        List<MemberItem[]> pairs = new ArrayList<>();
        for (MemberItem owner : owners) {
            for (MemberItem partner : partners) {
                boolean mine = me.equals(owner.getMerchantId()) || me.equals(partner.getMerchantId());
                if (!owner.getMerchantId().equals(partner.getMerchantId()) && (everyCell || mine)) {
                    pairs.add(new MemberItem[]{owner, partner});
                }
            }
        }
        Map<String, List<RuleItem>> rules = new HashMap<>();
        Map<String, List<RuleItem>> caps = new HashMap<>();
        readCandidates(groupId, pairs, type, rules, caps);
        List<Cell> cells = new ArrayList<>();
        for (MemberItem[] pair : pairs) {
            String ownerId = pair[0].getMerchantId();
            Grant grant = decide(rules.getOrDefault(ownerId, List.of()), caps.getOrDefault(ownerId, List.of()), pair[0], pair[1], type);
            cells.add(new Cell(ownerId, pair[1].getMerchantId(), grant.effective().scope().name(), grant.effective().push()));
        }

        String next = null;
        if (partnerRun.size() > limit) {
            next = position[0] + "#" + partners.get(partners.size() - 1).getMerchantId();
        } else if (ownerRun.size() > limit) {
            next = owners.get(owners.size() - 1).getMerchantId() + "#";
        }
        return new Matrix(type, ids(owners), ids(partners), cells, cursors.seal(scope, next));
    }

    /** The candidate rules and caps of every pair, deduplicated, read consistently, by owner. */
    private void readCandidates(String groupId, List<MemberItem[]> pairs, String type, Map<String, List<RuleItem>> rules,
                                Map<String, List<RuleItem>> caps) {
        String pk = Keys.group(groupId);
        Set<String> candidates = new LinkedHashSet<>();
        for (MemberItem[] pair : pairs) {
            candidates.addAll(RuleResolver.candidateKeys(pair[0].getMerchantId(), pair[1].getMerchantId(), type));
        }
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (String key : candidates) {
            keys.add(OrgTable.keyMap(pk, Keys.RULE_PREFIX + key));
            keys.add(OrgTable.keyMap(pk, Keys.CAP_PREFIX + key));
        }
        for (Map<String, AttributeValue> found : table.batchGetConsistent(keys)) {
            RuleItem item = RuleItem.SCHEMA.mapToItem(found);
            (item.getSk().startsWith(Keys.CAP_PREFIX) ? caps : rules)
                    .computeIfAbsent(item.getOwnerId(), o -> new ArrayList<>()).add(item);
        }
    }

    /**
     * Up to {@code count} ACTIVE members after member ID {@code after} ("" from the first), in ID order: a consistent
     * Query on the group's member items, asked again only where invited members took places on a page.
     */
    private List<MemberItem> activeAfter(String groupId, String after, int count) {
        String pk = Keys.group(groupId);
        List<MemberItem> active = new ArrayList<>();
        Map<String, AttributeValue> start = after.isEmpty() ? null : OrgTable.keyMap(pk, Keys.member(after));
        do {
            QueryResponse page = table.client().query(QueryRequest.builder().tableName(table.name())
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                    .filterExpression("#status = :active")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk),
                            ":prefix", AttributeValue.fromS(Keys.MEMBER_PREFIX),
                            ":active", AttributeValue.fromS(MemberItem.ACTIVE)))
                    .exclusiveStartKey(start)
                    .consistentRead(true)
                    .limit(count - active.size())
                    .build());
            page.items().stream().map(MemberItem.SCHEMA::mapToItem).forEach(active::add);
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && active.size() < count);
        return active;
    }

    /**
     * The caller is an ACTIVE member of an ACTIVE group (and, called by a peer, a merchant of that peer's clouds): the
     * refusals of every group read, in the same order (404, 403 for another cloud, 410, 403 for an invitee).
     */
    static void requireActiveReader(Caller caller, String groupId, GroupItem group, MemberItem reader) {
        if (group == null || reader == null) {
            throw Pointers.groupNotFound(groupId, reader);
        }
        if (caller.isPeerMerchant() && !caller.cloudId().equals(reader.getCloudId())) {
            // a peer speaks only for its own clouds' merchants, whatever it signs
            throw ApiException.forbidden("NOT_PEER_CLOUD", "Merchant '" + reader.getMerchantId()
                    + "' is in this group as a merchant of another cloud than the one this call speaks for.");
        }
        if (!group.isActive()) {
            throw ApiException.gone("GROUP_DISSOLVED", "Group '" + groupId + "' was dissolved.");
        }
        new GroupService.Membership(group, reader).requireActive();
    }

    private static MemberItem activeMember(String groupId, Map<String, MemberItem> members, String merchantId) {
        MemberItem member = members.get(merchantId);
        if (member == null || !member.isActive()) {
            throw ApiException.notFound("MEMBER_NOT_FOUND", "Merchant '" + merchantId + "' is not an active member of group '"
                    + groupId + "'.");
        }
        return member;
    }

    /** {@code ?limit=}: members per axis of a tile, 1 to {@value #MAX_TILE}, {@value #DEFAULT_TILE} when absent. */
    static int tileSize(String raw) {
        if (raw == null) {
            return DEFAULT_TILE;
        }
        if (!raw.matches("[1-9][0-9]?") || Integer.parseInt(raw) > MAX_TILE) {
            throw ApiException.validation("'limit' must be a whole number from 1 to " + MAX_TILE + " (members per axis of a tile).");
        }
        return Integer.parseInt(raw);
    }

    /** A tile position: {@code <last owner before the tile or "">#<last partner before the tile or "">}. */
    private static String validTilePosition(String position) {
        String[] parts = split(position);
        for (String part : parts) {
            if (!part.isEmpty()) {
                Validate.generatedId("cursor", part);
            }
        }
        return position;
    }

    private static String[] split(String position) {
        if (position == null) {
            return new String[]{"", ""};
        }
        String[] parts = position.split("#", -1);
        if (parts.length != 2) {
            throw Cursors.invalid();
        }
        return parts;
    }

    private static List<String> ids(List<MemberItem> members) {
        return members.stream().map(MemberItem::getMerchantId).toList();
    }
}
