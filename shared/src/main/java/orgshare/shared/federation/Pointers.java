package orgshare.shared.federation;

import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.error.ApiException;
import orgshare.shared.json.Json;
import orgshare.shared.model.AuditItem;
import orgshare.shared.model.MemberItem;
import orgshare.shared.model.MerchantItem;
import orgshare.shared.service.AuditService;
import orgshare.shared.time.Timestamps;
import orgshare.shared.validation.Validate;
import software.amazon.awssdk.enhanced.dynamodb.model.GetItemEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A member's own deployment keeps, for each group whose home is a peer, only a pointer: a member-shaped item under
 * the group's keys (so it lists with the merchant's groups) naming the home cloud. It is written when the home tells
 * of an invitation, turned ACTIVE and dropped according to the home's signed answers and notices. Correctness never
 * depends on it: the home decides every call.
 */
public final class Pointers {
    /** A home's invitation of one of this deployment's merchants (one signed call, before the home writes the member). */
    public record Invitation(String groupId, String groupName, String creatorId, String homeCloudId, String merchantId,
                             String cloudId, String invitedAt) {
    }

    /**
     * A home's notice: {@code DISSOLVED} (every pointer of the group), {@code DEPARTED} (one merchant's), or
     * {@code RULES_CHANGED} (an audit event for an owner or partner hosted here: the creator changed rules that
     * concern it, version {@code version}, {@code changes} as the home's audit log shows them).
     */
    public record Notice(String kind, String groupId, String merchantId, String eventId, String at, String actorId,
                         Long version, String changes) {
        public Notice(String kind, String groupId, String merchantId) {
            this(kind, groupId, merchantId, null, null, null, null, null);
        }

        public static Notice departed(String groupId, String merchantId, String at) {
            return new Notice(DEPARTED, groupId, merchantId, null, at, null, null, null);
        }

        public static Notice rulesChanged(String groupId, String merchantId, AuditItem event) {
            return new Notice(RULES_CHANGED, groupId, merchantId, event.getEventId(), event.getAt(), event.getActorId(),
                    event.getVersion(), event.getChanges());
        }

        /** An owner on a peer cloud changed its caps through its own deployment: its own log is there. */
        public static Notice consentChanged(String groupId, String merchantId, AuditItem event) {
            return new Notice(CONSENT_CHANGED, groupId, merchantId, event.getEventId(), event.getAt(), event.getActorId(),
                    event.getVersion(), event.getChanges());
        }
    }

    public record Invited(String merchantId, String status) {
    }

    public record Dropped(int dropped) {
    }

    /**
     * Why a group was not found here: the caller holds a pointer to it, read by the very read that found no group. It
     * rides as the cause of the 404, so the request can go to the home without reading the pointer again.
     */
    public static final class Found extends RuntimeException {
        private final transient MemberItem pointer;

        public Found(MemberItem pointer) {
            super("a pointer to a group whose home is " + pointer.getHomeCloudId(), null, false, false);
            this.pointer = pointer;
        }

        public MemberItem pointer() {
            return pointer;
        }
    }

    /** The 404 for a group this deployment does not hold, carrying the caller's pointer when it read one. */
    public static ApiException groupNotFound(String groupId, MemberItem member) {
        return new ApiException(404, "GROUP_NOT_FOUND", "No group '" + groupId + "' that you are a member of.",
                member != null && member.isPointer() ? new Found(member) : null);
    }

    public static final String DISSOLVED = "DISSOLVED";
    public static final String DEPARTED = "DEPARTED";
    public static final String RULES_CHANGED = "RULES_CHANGED";
    public static final String CONSENT_CHANGED = "CONSENT_CHANGED";

    private final OrgTable table;
    private final AuditService audit;
    private final Clock clock;

    public Pointers(OrgTable table, AuditService audit, Clock clock) {
        this.table = table;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Takes a home's invitation for a merchant hosted here. Refused unless the merchant exists here in the cloud named,
     * the home is one of the calling peer's clouds, and the group ID is not one of this deployment's own groups.
     * Idempotent: the same invitation again answers the same.
     */
    public Invited receiveInvitation(PeerCall from, Invitation invitation) {
        String groupId = Validate.generatedId("groupId", invitation.groupId());
        String merchantId = Validate.generatedId("merchantId", invitation.merchantId());
        String cloudId = Validate.cloudId(invitation.cloudId());
        String homeCloudId = Validate.cloudId(invitation.homeCloudId());
        String creatorId = Validate.generatedId("creatorId", invitation.creatorId());
        String groupName = Validate.name("groupName", invitation.groupName());
        from.requireHome(homeCloudId);
        if (!creatorId.equals(from.merchantId()) || !homeCloudId.equals(from.cloudId())) {
            throw ApiException.badRequest("MERCHANT_MISMATCH", "An invitation is made for the group's creator, at its home.");
        }
        MerchantItem merchant = table.merchants().getItem(GetItemEnhancedRequest.builder()
                .key(OrgTable.key(Keys.merchant(merchantId), Keys.MERCHANT_SK)).consistentRead(true).build());
        if (merchant == null || !cloudId.equals(merchant.getCloudId())) {
            throw ApiException.notFound("MERCHANT_NOT_FOUND", "No merchant '" + merchantId + "' in cloud '" + cloudId + "' here.");
        }
        // the home's time of the invitation: a departure the home tells of later drops only an older invitation
        String invitedAt = Timestamps.format(Validate.timestamp("invitedAt", Validate.required("invitedAt", invitation.invitedAt())));
        MemberItem pointer = MemberItem.pointer(groupId, merchantId, cloudId, homeCloudId, groupName, creatorId, invitedAt);
        table.transact(List.of(
                // a group of this deployment's own never gets a foreign member item
                TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table.name())
                        .key(OrgTable.keyMap(Keys.group(groupId), Keys.GROUP_SK))
                        .conditionExpression("attribute_not_exists(pk)").build()).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(table.name())
                        .item(MemberItem.SCHEMA.itemToMap(pointer, true))
                        .conditionExpression("attribute_not_exists(pk) OR homeCloudId = :home")
                        .expressionAttributeValues(Map.of(":home", AttributeValue.fromS(homeCloudId))).build()).build()),
                failed -> ApiException.conflict("GROUP_CONFLICT", "Group '" + groupId + "' is not one this cloud can take an invitation for."));
        return new Invited(merchantId, MemberItem.INVITED);
    }

    /** Takes a home's notice: drops the pointers it names, those of that home only. Idempotent. */
    public Dropped receiveNotice(PeerCall from, Notice notice) {
        String groupId = Validate.generatedId("groupId", notice.groupId());
        String kind = Validate.required("kind", notice.kind());
        if (DISSOLVED.equals(kind)) {
            int dropped = 0;
            Map<String, AttributeValue> values = Map.of(":pk", AttributeValue.fromS(Keys.group(groupId)),
                    ":prefix", AttributeValue.fromS(Keys.MEMBER_PREFIX));
            QueryResponse page;
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> after = start;
                page = table.client().query(b -> b.tableName(table.name()).consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                        .expressionAttributeValues(values).exclusiveStartKey(after));
                for (Map<String, AttributeValue> item : page.items()) {
                    AttributeValue home = item.get("homeCloudId");
                    if (home != null && from.peer().cloudIds().contains(home.s())
                            && drop(groupId, item.get("merchantId").s(), home.s())) {
                        dropped++;
                    }
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null);
            return new Dropped(dropped);
        }
        if (DEPARTED.equals(kind)) {
            String merchantId = Validate.generatedId("merchantId", notice.merchantId());
            String departedAt = Timestamps.format(Validate.timestamp("at", Validate.required("at", notice.at())));
            int dropped = 0;
            for (String home : from.peer().cloudIds()) {
                if (dropInvitedBefore(groupId, merchantId, home, departedAt)) {
                    dropped++;
                }
            }
            return new Dropped(dropped);
        }
        if (RULES_CHANGED.equals(kind) || CONSENT_CHANGED.equals(kind)) {
            String merchantId = Validate.generatedId("merchantId", notice.merchantId());
            MemberItem pointer = pointer(groupId, merchantId);
            if (pointer == null || !from.peer().cloudIds().contains(pointer.getHomeCloudId())) {
                return new Dropped(0); // not a member through this home (any more): nothing to log here
            }
            AuditItem event = AuditItem.create(Validate.generatedId("eventId", notice.eventId()),
                    Timestamps.format(Validate.timestamp("at", Validate.required("at", notice.at()))),
                    RULES_CHANGED.equals(kind) ? AuditItem.RULES_CHANGED : AuditItem.CONSENT_CHANGED, groupId,
                    Validate.generatedId("actorId", notice.actorId()));
            event.setVersion(Validate.required("version", notice.version()));
            event.setChanges(Json.encode(Json.decodeTree(Validate.required("changes", notice.changes()))));
            event.setPeerCloudId(pointer.getHomeCloudId());
            audit.write(event, merchantId);
            return new Dropped(0);
        }
        throw ApiException.validation("'kind' is DISSOLVED, DEPARTED, RULES_CHANGED or CONSENT_CHANGED.");
    }

    /** The caller's pointer to a group whose home is a peer, read consistently, or null (no pointer: not a remote group). */
    public MemberItem pointer(String groupId, String merchantId) {
        Map<String, AttributeValue> item = table.client().getItem(b -> b.tableName(table.name()).consistentRead(true)
                .key(OrgTable.keyMap(Keys.group(groupId), Keys.member(merchantId)))).item();
        if (item == null || item.isEmpty() || !item.containsKey("homeCloudId")) {
            return null;
        }
        return MemberItem.SCHEMA.mapToItem(item);
    }

    /**
     * The pointer of an owner hosted here to a group whose home is {@code from}'s: what a home's pull or push for that
     * owner needs (the owner joined the group through this deployment). 404 OWNER_NOT_FOUND otherwise.
     */
    public MemberItem requireActiveOwner(PeerCall from, String groupId, String ownerId) {
        MemberItem pointer = pointer(groupId, ownerId);
        if (pointer == null || !pointer.isActive() || !from.peer().cloudIds().contains(pointer.getHomeCloudId())) {
            throw ApiException.notFound("OWNER_NOT_FOUND", "Merchant '" + ownerId + "' is not an active member of group '"
                    + groupId + "' at your cloud, as this cloud knows it.");
        }
        return pointer;
    }

    /** After the home's signed 200 to a join: the pointer is ACTIVE. */
    public void activate(String groupId, String merchantId) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":active", AttributeValue.fromS(MemberItem.ACTIVE));
        values.put(":now", AttributeValue.fromS(Timestamps.now(clock)));
        try {
            table.client().updateItem(b -> b.tableName(table.name())
                    .key(OrgTable.keyMap(Keys.group(groupId), Keys.member(merchantId)))
                    .updateExpression("SET #status = :active, joinedAt = :now")
                    .conditionExpression("attribute_exists(homeCloudId)")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException gone) {
            // the pointer was dropped meanwhile (a notice): the home's word stands, nothing to mark here
        }
    }

    /**
     * Drops the pointer when the invitation it holds is older than the departure the home tells of (home times both):
     * a notice that arrives after the merchant was invited again leaves the new invitation alone.
     */
    private boolean dropInvitedBefore(String groupId, String merchantId, String homeCloudId, String departedAt) {
        try {
            table.client().deleteItem(b -> b.tableName(table.name())
                    .key(OrgTable.keyMap(Keys.group(groupId), Keys.member(merchantId)))
                    .conditionExpression("homeCloudId = :home AND invitedAt < :departed")
                    .expressionAttributeValues(Map.of(":home", AttributeValue.fromS(homeCloudId),
                            ":departed", AttributeValue.fromS(departedAt))));
            return true;
        } catch (ConditionalCheckFailedException none) {
            return false;
        }
    }

    /** Drops a merchant's pointer to a group of {@code homeCloudId}; true when there was one. */
    public boolean drop(String groupId, String merchantId, String homeCloudId) {
        try {
            table.client().deleteItem(b -> b.tableName(table.name())
                    .key(OrgTable.keyMap(Keys.group(groupId), Keys.member(merchantId)))
                    .conditionExpression("homeCloudId = :home")
                    .expressionAttributeValues(Map.of(":home", AttributeValue.fromS(homeCloudId))));
            return true;
        } catch (ConditionalCheckFailedException none) {
            return false;
        }
    }
}
