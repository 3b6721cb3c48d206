package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import orgshare.shared.db.OrgTable;
import orgshare.shared.error.ApiException;
import orgshare.shared.federation.FederationEndpoint;
import orgshare.shared.federation.Outbox;
import orgshare.shared.federation.PeerCall;
import orgshare.shared.time.Timestamps;
import orgshare.shared.validation.Validate;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The push status chain: a push is RECEIVED when it lands in the owner's inbox (its 202); the owner's program then
 * ACCEPTS or REJECTS it, once; the sender reads the status. One item per push on each deployment that takes part
 * ({@code PUSH#<messageId>} / {@code PUSH}): on the owner's, where the acknowledgement is decided, and on the sender's,
 * where the sender reads it (one item where both live on one deployment). Across clouds the acknowledgement travels back
 * through the outbox, by way of the group's home, which every member's cloud is a peer of.
 */
public final class PushStatusService {
    public static final String RECEIVED = "RECEIVED";
    public static final String ACCEPTED = "ACCEPTED";
    public static final String REJECTED = "REJECTED";
    public static final int MAX_REASON = 1000;

    public record Ack(String status, String reason) {
    }

    public record PushStatus(String messageId, String groupId, String ownerId, String type, String status, String reason,
                             String receivedAt, String acknowledgedAt) {
    }

    /** {@code POST /federation/v1/push-statuses}: an owner's acknowledgement, on its way to the sender's deployment. */
    public record StatusMessage(String messageId, String groupId, String senderId, String senderCloudId, String ownerId,
                                String status, String reason, String acknowledgedAt) {
    }

    public static final String PATH = "/push-statuses";

    /** Who takes part in one push, and where they live (null: on this deployment). */
    public record Parties(String messageId, String groupId, String type, String senderId, String senderCloudId,
                         String ownerId, String ownerCloudId, String homeCloudId) {
    }

    private final OrgTable table;
    private final Outbox outbox;
    private final Clock clock;

    public PushStatusService(OrgTable table, Outbox outbox, Clock clock) {
        this.table = table;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * The write that records a push as RECEIVED on this deployment, for a transaction that delivers it (owner's side)
     * or that records it for the sender (sender's side), or both.
     */
    public TransactWriteItem received(Parties parties, String receivedAt, boolean ownerSide, boolean senderSide) {
        Map<String, AttributeValue> item = new HashMap<>(key(parties.messageId()));
        put(item, "messageId", parties.messageId());
        put(item, "groupId", parties.groupId());
        put(item, "type", parties.type());
        put(item, "senderId", parties.senderId());
        put(item, "senderCloudId", parties.senderCloudId());
        put(item, "ownerId", parties.ownerId());
        put(item, "ownerCloudId", parties.ownerCloudId());
        put(item, "homeCloudId", parties.homeCloudId());
        put(item, "status", RECEIVED);
        put(item, "receivedAt", receivedAt);
        item.put("ownerSide", AttributeValue.fromBool(ownerSide));
        item.put("senderSide", AttributeValue.fromBool(senderSide));
        return TransactWriteItem.builder().put(Put.builder().tableName(table.name()).item(item)
                .conditionExpression("attribute_not_exists(pk)").build()).build();
    }

    /** The sender's record of a push that went through a peer (its answer, 202, says it was RECEIVED). */
    public void recordSent(Parties parties, String receivedAt) {
        try {
            table.transact(List.of(received(parties, receivedAt, false, true)),
                    failed -> ApiException.conflict("PUSH_EXISTS", "recorded already"));
        } catch (ApiException recordedBefore) {
            // the same push answered again (an idempotent retry): one record
        }
    }

    /**
     * The owner's program acknowledges a push, once: the same acknowledgement again answers the same (200), another
     * one is 409 ACK_CONFLICT; only the owner may (403); an unknown message is 404. Where the sender lives elsewhere,
     * the status is queued for its deployment in the same transaction.
     */
    public PushStatus ack(Caller caller, String rawMessageId, Ack ack) {
        String me = caller.requireMerchant();
        String messageId = Validate.generatedId("messageId", rawMessageId);
        String status = Validate.required("status", ack.status());
        if (!ACCEPTED.equals(status) && !REJECTED.equals(status)) {
            throw ApiException.validation("'status' is ACCEPTED or REJECTED.");
        }
        String reason = ack.reason();
        if (reason != null && (reason.isBlank() || reason.length() > MAX_REASON)) {
            throw ApiException.validation("'reason' is 1 to " + MAX_REASON + " characters when given.");
        }
        Map<String, AttributeValue> current = read(messageId);
        if (current == null || !bool(current, "ownerSide")) {
            throw ApiException.notFound("MESSAGE_NOT_FOUND", "No message '" + messageId + "' in an inbox here.");
        }
        if (!me.equals(s(current, "ownerId"))) {
            throw ApiException.forbidden("NOT_THE_OWNER", "Only the merchant whose inbox holds message '" + messageId
                    + "' acknowledges it.");
        }
        String now = Timestamps.now(clock);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":received", AttributeValue.fromS(RECEIVED));
        values.put(":status", AttributeValue.fromS(status));
        values.put(":now", AttributeValue.fromS(now));
        values.put(":me", AttributeValue.fromS(me));
        String update = "SET #status = :status, acknowledgedAt = :now";
        if (reason != null) {
            values.put(":reason", AttributeValue.fromS(reason));
            update += ", reason = :reason";
        }
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().update(Update.builder().tableName(table.name()).key(key(messageId))
                .updateExpression(update).conditionExpression("#status = :received AND ownerId = :me")
                .expressionAttributeNames(Map.of("#status", "status")).expressionAttributeValues(values).build()).build());
        String relayTo = relayTarget(current);
        if (relayTo != null) {
            writes.add(outbox.put(relayTo, FederationEndpoint.merchant(me, caller.cloudId()), PATH,
                    new StatusMessage(messageId, s(current, "groupId"), s(current, "senderId"), s(current, "senderCloudId"),
                            me, status, reason, now), messageId));
        }
        try {
            table.transact(writes, failed -> ApiException.conflict("ACK_CONFLICT", "acknowledged already"));
            // acknowledged now: what was read, as the update left it
            Map<String, AttributeValue> acknowledged = new HashMap<>(current);
            acknowledged.put("status", AttributeValue.fromS(status));
            acknowledged.put("acknowledgedAt", AttributeValue.fromS(now));
            if (reason != null) {
                acknowledged.put("reason", AttributeValue.fromS(reason));
            }
            return view(acknowledged);
        } catch (ApiException acknowledgedBefore) {
            // what is there now decides: the same acknowledgement answers the same, another one is a conflict
        }
        Map<String, AttributeValue> after = read(messageId);
        if (!status.equals(s(after, "status")) || !Objects.equals(reason, s(after, "reason"))) {
            throw ApiException.conflict("ACK_CONFLICT", "Message '" + messageId + "' was acknowledged "
                    + s(after, "status") + " already; an acknowledgement is given once.");
        }
        return view(after);
    }

    /** The status of a push the caller sent. 404 for anyone else (its existence is not revealed). */
    public PushStatus get(Caller caller, String rawMessageId) {
        String me = caller.requireMerchant();
        String messageId = Validate.generatedId("messageId", rawMessageId);
        Map<String, AttributeValue> current = read(messageId);
        if (current == null || !bool(current, "senderSide") || !me.equals(s(current, "senderId"))) {
            throw ApiException.notFound("PUSH_NOT_FOUND", "No push '" + messageId + "' that you sent.");
        }
        return view(current);
    }

    /**
     * A status from a peer: on the sender's deployment it updates the sender's record; on the group's home, for a
     * sender on a third cloud, it is passed on through the outbox. Idempotent.
     */
    public void receive(PeerCall from, StatusMessage message) {
        String messageId = Validate.generatedId("messageId", message.messageId());
        String status = Validate.required("status", message.status());
        if (!ACCEPTED.equals(status) && !REJECTED.equals(status)) {
            throw ApiException.validation("A push status is ACCEPTED or REJECTED.");
        }
        String reason = message.reason();
        String acknowledgedAt = Timestamps.format(Validate.timestamp("acknowledgedAt",
                Validate.required("acknowledgedAt", message.acknowledgedAt())));
        Map<String, AttributeValue> current = read(messageId);
        if (current != null && bool(current, "senderSide")) {
            // the sender's record: only the home it pushed through, or the owner's cloud, may tell its status
            if (!from.peer().cloudIds().contains(s(current, "homeCloudId")) && !from.peer().cloudIds().contains(s(current, "ownerCloudId"))) {
                throw ApiException.forbidden("NOT_PEER_CLOUD", "This peer took no part in push '" + messageId + "'.");
            }
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":received", AttributeValue.fromS(RECEIVED));
            values.put(":status", AttributeValue.fromS(status));
            values.put(":at", AttributeValue.fromS(acknowledgedAt));
            String update = "SET #status = :status, acknowledgedAt = :at";
            if (reason != null) {
                values.put(":reason", AttributeValue.fromS(reason));
                update += ", reason = :reason";
            }
            String expression = update;
            try {
                table.client().updateItem(b -> b.tableName(table.name()).key(key(messageId)).updateExpression(expression)
                        .conditionExpression("#status = :received").expressionAttributeNames(Map.of("#status", "status"))
                        .expressionAttributeValues(values));
            } catch (ConditionalCheckFailedException already) {
                // told before: the first word stands
            }
            return;
        }
        String senderCloudId = message.senderCloudId() == null ? null : Validate.cloudId(message.senderCloudId());
        String home = senderCloudId == null || from.peer().cloudIds().contains(senderCloudId) ? null : homeOf(message.groupId(), from);
        if (home != null) {
            // the home passes it on to the sender's cloud (the owner's cloud need not be a peer of it), in the name of
            // the group's creator, as the home speaks for the group (a peer takes a merchant of a cloud it hosts only)
            outbox.enqueue(senderCloudId, home, PATH, message, messageId);
        }
    }

    /**
     * Where the group lives here and the owner who acknowledged is a member of it on the calling peer's cloud: who
     * the home speaks as (the group's creator, of the home's cloud); else null.
     */
    private String homeOf(String groupId, PeerCall from) {
        if (groupId == null) {
            return null;
        }
        String group = "GROUP#" + Validate.generatedId("groupId", groupId);
        Map<String, AttributeValue> owner = table.client().getItem(b -> b.tableName(table.name()).consistentRead(true)
                .key(OrgTable.keyMap(group, "MEMBER#" + from.merchantId()))).item();
        if (owner == null || owner.isEmpty() || owner.containsKey("homeCloudId") || !from.peer().cloudIds().contains(s(owner, "cloudId"))) {
            return null;
        }
        Map<String, AttributeValue> item = table.client().getItem(b -> b.tableName(table.name()).consistentRead(true)
                .key(OrgTable.keyMap(group, "GROUP"))).item();
        return item == null || item.isEmpty() ? null : FederationEndpoint.merchant(s(item, "creatorId"), s(item, "homeCloudId"));
    }

    /** Where the owner's deployment sends a status: nowhere (the sender is here), the sender's cloud, or the home. */
    private static String relayTarget(Map<String, AttributeValue> item) {
        String senderCloud = s(item, "senderCloudId");
        if (senderCloud == null || bool(item, "senderSide")) {
            return null;
        }
        String home = s(item, "homeCloudId");
        return home == null ? senderCloud : home;
    }

    private Map<String, AttributeValue> read(String messageId) {
        Map<String, AttributeValue> item = table.client().getItem(b -> b.tableName(table.name()).consistentRead(true)
                .key(key(messageId))).item();
        return item == null || item.isEmpty() ? null : item;
    }

    private static PushStatus view(Map<String, AttributeValue> item) {
        return new PushStatus(s(item, "messageId"), s(item, "groupId"), s(item, "ownerId"), s(item, "type"),
                s(item, "status"), s(item, "reason"), s(item, "receivedAt"), s(item, "acknowledgedAt"));
    }

    private static Map<String, AttributeValue> key(String messageId) {
        return OrgTable.keyMap("PUSH#" + messageId, "PUSH");
    }

    private static void put(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, AttributeValue.fromS(value));
        }
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item == null ? null : item.get(name);
        return value == null ? null : value.s();
    }

    private static boolean bool(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value != null && Boolean.TRUE.equals(value.bool());
    }
}
