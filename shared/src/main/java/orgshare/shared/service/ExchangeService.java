package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.error.ApiException;
import orgshare.shared.federation.FederationEndpoint;
import orgshare.shared.idempotency.Idempotency;
import orgshare.shared.model.AuditItem;
import orgshare.shared.model.GroupItem;
import orgshare.shared.model.InboxItem;
import orgshare.shared.model.MemberItem;
import orgshare.shared.model.RuleItem;
import orgshare.shared.rules.Resolution;
import orgshare.shared.rules.Rule;
import orgshare.shared.rules.RuleResolver;
import orgshare.shared.time.Timestamps;
import orgshare.shared.validation.Validate;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Exchange between members: a partner pulls an owner's records as far as the owner's rules allow, or pushes a
 * document into the owner's inbox where a rule allows it, each as far as the owner's caps leave it. Authorization is
 * one consistent BatchGetItem (the group, both memberships, the four rules and the four caps that can decide), whatever
 * the size of the group.
 */
public final class ExchangeService {
    public record Pushed(String messageId) {
    }

    /** What one consistent read established: the group, both ACTIVE memberships, and the resolved rule. */
    record Authorization(GroupItem group, MemberItem partner, MemberItem owner, Resolution resolution) {
    }

    private final OrgTable table;
    private final RecordService records;
    private final AuditService audit;
    private final Clock clock;
    private final Supplier<String> ids;
    private final Idempotency idempotency;
    private final PeerExchange peers;
    private final PushStatusService statuses;

    public ExchangeService(OrgTable table, RecordService records, AuditService audit, Clock clock, Supplier<String> ids,
                           Idempotency idempotency, PeerExchange peers, PushStatusService statuses) {
        this.peers = peers;
        this.statuses = statuses;
        this.table = table;
        this.records = records;
        this.audit = audit;
        this.clock = clock;
        this.ids = ids;
        this.idempotency = idempotency;
    }

    /**
     * One page of the owner's records of {@code type}, as the resolved rule shows them to the caller, and an audit
     * event in both merchants' logs. Refusals say why and never touch a record.
     */
    public RecordService.RecordPage pull(Caller caller, String rawGroupId, String rawOwnerId, String rawType,
                                         String rawSince, String rawLimit, String rawCursor) {
        String me = caller.requireMerchant();
        String groupId = Validate.generatedId("groupId", rawGroupId);
        String ownerId = Validate.generatedId("ownerId", rawOwnerId);
        String type = Validate.recordType("type", rawType);
        Instant since = Validate.timestamp("since", rawSince);
        int limit = Validate.pageSize(rawLimit);
        refuseSelf(me, ownerId, "GET /records/" + type);

        Authorization authorization = authorize(caller, groupId, ownerId, type);
        Resolution resolution = authorization.resolution();
        if (!resolution.canRead()) {
            throw ApiException.forbidden("NOT_SHARED", "Merchant '" + ownerId + "' does not open its '" + type
                    + "' records to you in group '" + groupId + "'. GET /groups/" + groupId + "/providers lists what is open to you.");
        }
        MemberItem owner = authorization.owner();
        RecordService.RecordPage page = owner.isFederated()
                ? peers.pull(authorization.group().getHomeCloudId(), creatorOf(authorization.group()), owner, me, caller.cloudId(), groupId, type,
                since, limit, rawCursor, resolution)
                : records.page(ownerId, type, since, limit, rawCursor, resolution,
                RecordService.scope("pull", me, groupId, ownerId, type, since));

        AuditItem event = AuditItem.create(ids.get(), Timestamps.now(clock), AuditItem.PULL, groupId, me);
        event.setOwnerId(ownerId);
        event.setType(type);
        event.setScope(resolution.scope().name());
        event.setCount(page.records().size());
        // both logs or neither: one transaction, so a failed pull leaves no half of its audit behind; each merchant's
        // event is written where it lives (a peer's merchant's by its own deployment, from the signed answer)
        List<TransactWriteItem> logs = logsHere(event, owner, caller);
        if (!logs.isEmpty()) {
            table.transact(logs, failed -> ApiException.conflict("CONCURRENT_CHANGE", "The audit log was busy; retry."));
        }
        return page;
    }

    /**
     * Puts a document into the owner's inbox. The delivery, and its audit events, are one transaction conditioned on
     * what authorized it (group ACTIVE with the same rules version, both memberships and the owner's caps unchanged),
     * so no push lands after a leave, a dissolve, a rule change or a cap that would have refused it.
     */
    public Pushed push(Caller caller, String rawGroupId, String rawOwnerId, String rawType, String rawBody) {
        return push(caller, rawGroupId, rawOwnerId, rawType, rawBody, null);
    }

    /** As {@link #push(Caller, String, String, String, String)}, delivered at most once per {@code Idempotency-Key}. */
    public Pushed push(Caller caller, String rawGroupId, String rawOwnerId, String rawType, String rawBody,
                       String idempotencyKey) {
        String me = caller.requireMerchant();
        Idempotency.Claim claim = Idempotency.claim(me, idempotencyKey, "POST /exchange", String.valueOf(rawGroupId),
                String.valueOf(rawOwnerId), String.valueOf(rawType), String.valueOf(rawBody));
        return idempotency.once(claim, Pushed.class, () -> deliver(caller, rawGroupId, rawOwnerId, rawType, rawBody, claim));
    }

    private Pushed deliver(Caller caller, String rawGroupId, String rawOwnerId, String rawType, String rawBody,
                           Idempotency.Claim claim) {
        String me = caller.merchantId();
        String callerCloud = caller.cloudId();
        String groupId = Validate.generatedId("groupId", rawGroupId);
        String ownerId = Validate.generatedId("ownerId", rawOwnerId);
        String type = Validate.recordType("type", rawType);
        refuseSelf(me, ownerId, "PUT /records/" + type + "/{recordId}");
        String body = RecordService.storableBody(rawBody);

        Authorization authorization = authorize(caller, groupId, ownerId, type);
        if (!authorization.resolution().push()) {
            throw ApiException.forbidden("PUSH_NOT_ALLOWED", "Merchant '" + ownerId + "' does not accept '" + type
                    + "' documents from you in group '" + groupId + "'.");
        }
        String messageId = ids.get();
        String now = Timestamps.now(clock);
        InboxItem delivery = InboxItem.create(ownerId, messageId, me, groupId, type, now, body);
        AuditItem event = AuditItem.create(messageId, now, AuditItem.PUSH, groupId, me);
        event.setOwnerId(ownerId);
        event.setType(type);
        event.setMessageId(messageId);

        GroupItem group = authorization.group();
        MemberItem owner = authorization.owner();
        List<TransactWriteItem> actions = new ArrayList<>();
        if (owner.isFederated()) {
            // the owner's deployment takes it into the owner's inbox in one transaction conditioned on the owner's
            // pointer (its leave drops it before the leave returns); once it answered, the document is delivered,
            // and what is left here is the sender's log and the idempotency record
            peers.push(group.getHomeCloudId(), creatorOf(group), owner, me, callerCloud, groupId, type, messageId, body);
            if (!caller.isPeerMerchant()) {
                // the sender's record, here where it lives; the owner's cloud tells its acknowledgement back
                actions.add(statuses.received(new PushStatusService.Parties(messageId, groupId, type, me, null, ownerId,
                        owner.getCloudId(), group.getHomeCloudId()), now, false, true));
            }
        } else {
            actions.add(TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table.name())
                    .key(OrgTable.keyMap(Keys.group(groupId), Keys.GROUP_SK))
                    .conditionExpression("#status = :active AND rulesVersion = :version")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(
                            ":active", AttributeValue.fromS(GroupItem.ACTIVE),
                            ":version", AttributeValue.fromN(Long.toString(group.getRulesVersion())))).build()).build());
            MemberItem partner = authorization.partner();
            actions.add(MemberItem.stillActive(table.name(), groupId, partner.getMerchantId(), partner.getMembershipId()));
            // and the owner's caps unchanged: a cap set after this authorization holds for this push too
            actions.add(MemberItem.stillConsenting(table.name(), groupId, ownerId, owner.getMembershipId(), owner.consentVersion()));
            if (caller.isPeerMerchant()) {
                delivery.setFromCloudId(callerCloud);
            }
            actions.add(TransactWriteItem.builder().put(Put.builder().tableName(table.name())
                    .item(InboxItem.SCHEMA.itemToMap(delivery, true))
                    .conditionExpression("attribute_not_exists(pk)").build()).build());
            // received: the owner acknowledges it here; a sender on a peer cloud learns it through the outbox
            actions.add(statuses.received(new PushStatusService.Parties(messageId, groupId, type, me,
                    caller.isPeerMerchant() ? callerCloud : null, ownerId, null, null), now, true, !caller.isPeerMerchant()));
        }
        actions.addAll(logsHere(event, owner, caller));
        Pushed pushed = new Pushed(messageId);
        if (claim != null) {
            actions.add(idempotency.record(claim, pushed));
        }
        if (!actions.isEmpty()) {
            table.transact(actions, failed -> ApiException.conflict("CONCURRENT_CHANGE",
                    "The group, its rules or a membership changed while you pushed; nothing was delivered. Retry."));
        }
        return pushed;
    }

    /** Whom the home's calls to an owner's cloud are made for: the group's creator, at the group's home. */
    private static String creatorOf(GroupItem group) {
        return FederationEndpoint.merchant(group.getCreatorId(), group.getHomeCloudId());
    }

    /**
     * The audit events this deployment writes for an exchange: the owner's and the partner's, each only where that
     * merchant lives here, naming the peer cloud on the other side when the exchange crossed clouds.
     */
    private List<TransactWriteItem> logsHere(AuditItem event, MemberItem owner, Caller caller) {
        List<TransactWriteItem> logs = new ArrayList<>();
        if (!owner.isFederated()) {
            AuditItem forOwner = event.copyFor(owner.getMerchantId());
            forOwner.setPeerCloudId(caller.isPeerMerchant() ? caller.cloudId() : null);
            logs.add(audit.put(forOwner, owner.getMerchantId()));
        }
        if (!caller.isPeerMerchant()) {
            AuditItem forPartner = event.copyFor(caller.merchantId());
            forPartner.setPeerCloudId(owner.isFederated() ? owner.getCloudId() : null);
            logs.add(audit.put(forPartner, caller.merchantId()));
        }
        return logs;
    }

    /**
     * The one consistent read that authorizes an exchange: group, both memberships, the four candidate rules and the
     * owner's four candidate caps. A rule or cap bound to an earlier membership of either member is dead and ignored.
     */
    Authorization authorize(Caller caller, String groupId, String ownerId, String type) {
        String partnerId = caller.merchantId();
        GrantService.PairRead read = GrantService.readPair(table, groupId, List.of(partnerId, ownerId),
                RuleResolver.candidateKeys(ownerId, partnerId, type));
        GroupItem group = read.group();
        MemberItem partner = read.members().get(partnerId);
        MemberItem owner = read.members().get(ownerId);
        GrantService.requireActiveReader(caller, groupId, group, partner);
        if (owner == null || !owner.isActive()) {
            throw ApiException.notFound("OWNER_NOT_FOUND", "Merchant '" + ownerId + "' is not an active member of group '" + groupId + "'.");
        }
        return new Authorization(group, partner, owner, read.decide(owner, partner, type).effective());
    }

    /** The rules (or caps) of {@code items} bound to the owner's and the partner's current memberships. */
    static List<Rule> live(List<RuleItem> items, MemberItem owner, MemberItem partner) {
        List<Rule> live = new ArrayList<>();
        for (RuleItem item : items) {
            if (item.isBoundTo(owner.getMembershipId(), partner.getMembershipId())) {
                live.add(item.toRule());
            }
        }
        return live;
    }

    private static void refuseSelf(String me, String ownerId, String instead) {
        if (me.equals(ownerId)) {
            throw ApiException.badRequest("SELF_EXCHANGE", "You are the owner: your own records need no exchange (" + instead + ").");
        }
    }
}
