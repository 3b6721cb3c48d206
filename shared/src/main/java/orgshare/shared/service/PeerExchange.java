package orgshare.shared.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.error.ApiException;
import orgshare.shared.federation.FederationClient;
import orgshare.shared.federation.FederationEndpoint;
import orgshare.shared.federation.PeerCall;
import orgshare.shared.federation.Pointers;
import orgshare.shared.json.Json;
import orgshare.shared.model.AuditItem;
import orgshare.shared.model.InboxItem;
import orgshare.shared.model.MemberItem;
import orgshare.shared.rules.RecordProjection;
import orgshare.shared.rules.Resolution;
import orgshare.shared.rules.Scope;
import orgshare.shared.time.Timestamps;
import orgshare.shared.validation.Validate;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Exchange with an owner on a third cloud. The home authorizes as for any pull or push (one consistent read, the same
 * rules), then asks the owner's deployment, in one signed call, to serve the page or take the document under the
 * resolved rule; that deployment checks the owner is a member of that group at that home (its pointer), reads and
 * projects its own records (its data never leaves unprojected), writes the owner's audit event, and answers. The home
 * projects the answer once more under the same rule before it passes it on: a peer cannot widen a rule.
 */
public final class PeerExchange {
    /** The home's request for a page of an owner's records, with the rule it resolved. */
    public record PeerPull(String groupId, String homeCloudId, String ownerId, String partnerId, String partnerCloudId,
                           String type, String scope, List<String> fields, Map<String, String> filter, String since,
                           Integer limit, String cursor) {
    }

    /** The home's delivery of a pushed document into an owner's inbox. */
    public record PeerPush(String groupId, String homeCloudId, String ownerId, String partnerId, String partnerCloudId,
                           String type, String messageId, String document) {
    }

    private final OrgTable table;
    private final RecordService records;
    private final AuditService audit;
    private final Pointers pointers;
    private final FederationClient client;
    private final Clock clock;
    private final Supplier<String> ids;
    private final PushStatusService statuses;

    public PeerExchange(OrgTable table, RecordService records, AuditService audit, Pointers pointers,
                        FederationClient client, PushStatusService statuses, Clock clock, Supplier<String> ids) {
        this.statuses = statuses;
        this.table = table;
        this.records = records;
        this.audit = audit;
        this.pointers = pointers;
        this.client = client;
        this.clock = clock;
        this.ids = ids;
    }

    // ---- at the home: ask the owner's deployment ----

    RecordService.RecordPage pull(String homeCloudId, String creator, MemberItem owner, String partnerId, String partnerCloudId,
                                  String groupId, String type, Instant since, int limit, String rawCursor, Resolution resolution) {
        PeerPull request = new PeerPull(groupId, homeCloudId, owner.getMerchantId(), partnerId, partnerCloudId, type,
                resolution.scope().name(), resolution.fields(), resolution.filter(),
                since == null ? null : Timestamps.format(since), limit, rawCursor);
        FederationClient.Reply reply = call(owner, creator, "/pulls", request);
        RecordService.RecordPage page;
        try {
            page = Json.decodeRequest(reply.body(), RecordService.RecordPage.class);
        } catch (ApiException notAPage) {
            throw garbled(owner.getCloudId(), notAPage);
        }
        if (page.records() == null || page.records().size() > limit) {
            throw garbled(owner.getCloudId(), null);
        }
        List<RecordService.RecordView> shown = new ArrayList<>();
        for (RecordService.RecordView view : page.records()) {
            shown.add(reproject(owner.getCloudId(), view, resolution, type));
        }
        return new RecordService.RecordPage(shown, page.cursor());
    }

    void push(String homeCloudId, String creator, MemberItem owner, String partnerId, String partnerCloudId, String groupId, String type,
              String messageId, String document) {
        call(owner, creator, "/pushes", new PeerPush(groupId, homeCloudId, owner.getMerchantId(), partnerId, partnerCloudId, type,
                messageId, document));
    }

    private FederationClient.Reply call(MemberItem owner, String creator, String path, Object request) {
        Duration inner = client.answerTimeout().dividedBy(2); // within the budget of the hop that brought the call here
        FederationClient.Reply reply = client.call(owner.getCloudId(), "POST", path, creator, Json.encode(request), null, inner);
        if (reply.ok()) {
            return reply;
        }
        if (reply.status() == 404) {
            throw ApiException.notFound("OWNER_NOT_FOUND", "Merchant '" + owner.getMerchantId()
                    + "' is not an active member of this group on its own cloud '" + owner.getCloudId() + "'.");
        }
        throw new ApiException(503, "PEER_UNAVAILABLE", "Cloud '" + owner.getCloudId() + "' refused to serve the owner's records ("
                + reply.status() + "); nothing was changed here. Retry later.");
    }

    /** The owner's deployment projected already; projecting again under the same rule keeps a peer from widening it. */
    private static RecordService.RecordView reproject(String cloudId, RecordService.RecordView view, Resolution resolution, String type) {
        if (view == null || view.recordId() == null || !type.equals(view.type()) || view.updatedAt() == null) {
            throw garbled(cloudId, null);
        }
        if (resolution.scope() == Scope.SUMMARY) {
            return new RecordService.RecordView(view.recordId(), view.type(), view.updatedAt(), null);
        }
        if (!(view.body() instanceof ObjectNode body)) {
            throw garbled(cloudId, null);
        }
        return new RecordService.RecordView(view.recordId(), view.type(), view.updatedAt(),
                RecordProjection.project(resolution, body).orElse(null));
    }

    private static ApiException garbled(String cloudId, Throwable cause) {
        return new ApiException(503, "PEER_UNAVAILABLE", "Cloud '" + cloudId
                + "' answered with something that is not a page of records under this rule. Retry later.", cause);
    }

    // ---- at the owner's deployment: serve what the home asked ----

    /** Serves a page of the owner's records under the rule the home resolved, and logs it in the owner's audit log. */
    public RecordService.RecordPage servePull(PeerCall from, PeerPull request) {
        Exchange x = Exchange.of(request.groupId(), request.ownerId(), request.partnerId(), request.partnerCloudId(), request.type());
        String groupId = x.groupId();
        String ownerId = x.ownerId();
        String partnerId = x.partnerId();
        String partnerCloudId = x.partnerCloudId();
        String type = x.type();
        Instant since = Validate.timestamp("since", request.since());
        int limit = Validate.pageSize(request.limit() == null ? null : request.limit().toString());
        from.requireHome(Validate.cloudId(request.homeCloudId()));
        Resolution resolution = resolution(request);
        if (!resolution.canRead()) {
            throw ApiException.forbidden("NOT_SHARED", "The rule opens nothing to read.");
        }
        pointers.requireActiveOwner(from, groupId, ownerId);
        RecordService.RecordPage page = records.page(ownerId, type, since, limit, request.cursor(), resolution,
                RecordService.scope("peer-pull", partnerId + "@" + partnerCloudId, groupId, ownerId, type, since));
        AuditItem event = AuditItem.create(ids.get(), Timestamps.now(clock), AuditItem.PULL, groupId, partnerId);
        event.setOwnerId(ownerId);
        event.setType(type);
        event.setScope(resolution.scope().name());
        event.setCount(page.records().size());
        event.setPeerCloudId(partnerCloudId);
        audit.write(event, ownerId);
        return page;
    }

    /** Takes a document the home authorized into the owner's inbox, while the owner's pointer is ACTIVE. */
    public ExchangeService.Pushed receivePush(PeerCall from, PeerPush request) {
        Exchange x = Exchange.of(request.groupId(), request.ownerId(), request.partnerId(), request.partnerCloudId(), request.type());
        String groupId = x.groupId();
        String ownerId = x.ownerId();
        String partnerId = x.partnerId();
        String partnerCloudId = x.partnerCloudId();
        String type = x.type();
        String messageId = Validate.generatedId("messageId", request.messageId());
        String body = RecordService.storableBody(request.document());
        from.requireHome(Validate.cloudId(request.homeCloudId()));
        MemberItem owner = pointers.requireActiveOwner(from, groupId, ownerId);
        String now = Timestamps.now(clock);
        InboxItem delivery = InboxItem.create(ownerId, messageId, partnerId, groupId, type, now, body);
        delivery.setFromCloudId(partnerCloudId);
        AuditItem event = AuditItem.create(messageId, now, AuditItem.PUSH, groupId, partnerId);
        event.setOwnerId(ownerId);
        event.setType(type);
        event.setMessageId(messageId);
        event.setPeerCloudId(partnerCloudId);
        table.transact(List.of(
                TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table.name())
                        .key(OrgTable.keyMap(Keys.group(groupId), Keys.member(ownerId)))
                        .conditionExpression("#status = :active AND homeCloudId = :home")
                        .expressionAttributeNames(Map.of("#status", "status"))
                        .expressionAttributeValues(Map.of(":active", AttributeValue.fromS(MemberItem.ACTIVE),
                                ":home", AttributeValue.fromS(owner.getHomeCloudId()))).build()).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(table.name())
                        .item(InboxItem.SCHEMA.itemToMap(delivery, true))
                        .conditionExpression("attribute_not_exists(pk)").build()).build(),
                audit.put(event, ownerId),
                statuses.received(new PushStatusService.Parties(messageId, groupId, type, partnerId, partnerCloudId, ownerId,
                        null, owner.getHomeCloudId()), now, true, false)),
                failed -> failed == 3 ? ApiException.conflict("MESSAGE_EXISTS", "Message '" + messageId + "' was delivered already.")
                        : ApiException.notFound("OWNER_NOT_FOUND", "Merchant '" + ownerId + "' left group '" + groupId
                        + "' while the document was on its way; nothing was delivered."));
        return new ExchangeService.Pushed(messageId);
    }

    /** Who exchanges what, as a home's message names it, each part checked as a request's would be. */
    private record Exchange(String groupId, String ownerId, String partnerId, String partnerCloudId, String type) {
        static Exchange of(String groupId, String ownerId, String partnerId, String partnerCloudId, String type) {
            return new Exchange(Validate.generatedId("groupId", groupId), Validate.generatedId("ownerId", ownerId),
                    Validate.generatedId("partnerId", partnerId), Validate.cloudId(partnerCloudId),
                    Validate.recordType("type", type));
        }
    }

    private static Resolution resolution(PeerPull request) {
        Scope scope;
        try {
            scope = Scope.valueOf(Validate.required("scope", request.scope()));
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("'scope' is NONE, SUMMARY, FIELDS or FULL.");
        }
        List<String> fields = request.fields() == null ? List.of() : request.fields();
        fields.forEach(f -> Validate.fieldName("fields", f));
        Map<String, String> filter = request.filter() == null ? Map.of() : request.filter();
        filter.keySet().forEach(f -> Validate.fieldName("filter", f));
        if (scope == Scope.FIELDS && fields.isEmpty()) {
            throw ApiException.validation("A FIELDS rule names its fields.");
        }
        return new Resolution(scope, fields, filter, false);
    }
}
