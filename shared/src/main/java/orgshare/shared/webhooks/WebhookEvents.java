package orgshare.shared.webhooks;

import orgshare.shared.ids.Digests;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a change of the table means to merchants' business programs. Events are not written by the requests that
 * cause them: the changed items themselves are the record (the stream carries them), and this reads a stream record
 * and says which events it holds, for whom. So no request waits for, or fails by, a webhook.
 */
public final class WebhookEvents {
    /** One record of the table's stream (new and old images). */
    public record StreamRecord(String eventId, String eventName, Map<String, AttributeValue> oldImage,
                               Map<String, AttributeValue> newImage, Instant at) {
    }

    /** Who is told: one merchant, the group's creator, or the group's members hosted here (but one). */
    public sealed interface Audience permits Merchant, CreatorOf, MembersOf {
    }

    public record Merchant(String merchantId) implements Audience {
    }

    public record CreatorOf(String groupId) implements Audience {
    }

    public record MembersOf(String groupId, String except) implements Audience {
    }

    /** An event before its audience is known; {@code key} makes its webhook-id (stable for the same record). */
    public record Pending(String type, Audience audience, Map<String, Object> data, String key, Instant at) {
        /** The webhook-id of this event for one recipient: the same for every retry, and every re-read of the record. */
        public String webhookId(String merchantId) {
            return "msg_" + Digests.sha256Hex(key + "|" + merchantId + "|" + type, 16);
        }
    }

    private WebhookEvents() {
    }

    public static List<Pending> of(StreamRecord record) {
        List<Pending> events = new ArrayList<>();
        Map<String, AttributeValue> image = record.newImage() != null ? record.newImage() : record.oldImage();
        if (image == null || !image.containsKey("pk")) {
            return events;
        }
        String pk = image.get("pk").s();
        String sk = image.get("sk").s();
        String key = record.eventId();
        switch (record.eventName()) {
            case "INSERT" -> {
                if (pk.startsWith("INBOX#")) {
                    Map<String, Object> data = data(image, "messageId", "groupId", "from", "fromCloudId");
                    data.put("type", s(image, "type"));
                    events.add(new Pending("inbox.received", new Merchant(pk.substring(6)), data, key, record.at()));
                } else if (pk.startsWith("AUDIT#") && "RULES_CHANGED".equals(s(image, "action"))) {
                    Map<String, Object> data = data(image, "groupId", "peerCloudId");
                    data.put("version", image.get("version") == null ? null : Long.parseLong(image.get("version").n()));
                    events.add(new Pending("rules.changed", new Merchant(pk.substring(6)), data, key, record.at()));
                } else if (isLocalMember(pk, sk, image) && "INVITED".equals(s(image, "status"))) {
                    events.add(new Pending("group.invited", new Merchant(s(image, "merchantId")),
                            data(image, "groupId", "homeCloudId", "groupName", "creatorId"), key, record.at()));
                }
            }
            case "MODIFY" -> {
                Map<String, AttributeValue> before = record.oldImage();
                if (before == null) {
                    break;
                }
                if (pk.startsWith("PUSH#") && bool(image, "senderSide") && "RECEIVED".equals(s(before, "status"))
                        && !"RECEIVED".equals(s(image, "status"))) {
                    // the owner acknowledged a push the sender made from here (or the acknowledgement came back here)
                    events.add(new Pending("push.status", new Merchant(s(image, "senderId")),
                            data(image, "messageId", "groupId", "ownerId", "type", "status", "reason", "acknowledgedAt"),
                            key, record.at()));
                } else if (isHomeMember(pk, sk, image) && "INVITED".equals(s(before, "status")) && "ACTIVE".equals(s(image, "status"))) {
                    Map<String, Object> data = data(image, "groupId", "merchantId", "cloudId");
                    events.add(new Pending("member.joined", new CreatorOf(s(image, "groupId")), data, key, record.at()));
                } else if (sk.equals("GROUP") && pk.startsWith("GROUP#") && "ACTIVE".equals(s(before, "status"))
                        && "DISSOLVED".equals(s(image, "status"))) {
                    events.add(new Pending("group.dissolved", new MembersOf(s(image, "groupId"), s(image, "creatorId")),
                            data(image, "groupId", "dissolvedAt"), key, record.at()));
                }
            }
            case "REMOVE" -> {
                if (isHomeMember(pk, sk, image) && !"CREATOR".equals(s(image, "role"))) {
                    events.add(new Pending("member.left", new CreatorOf(s(image, "groupId")),
                            data(image, "groupId", "merchantId", "cloudId"), key, record.at()));
                }
            }
            default -> {
                // no other kind of record
            }
        }
        return events;
    }

    /** A member item of this deployment's merchant: at the home (not on a peer), or this deployment's pointer. */
    private static boolean isLocalMember(String pk, String sk, Map<String, AttributeValue> image) {
        return pk.startsWith("GROUP#") && sk.startsWith("MEMBER#") && !bool(image, "federated");
    }

    /** A member item at the group's home (not a pointer): where joins and departures happen. */
    private static boolean isHomeMember(String pk, String sk, Map<String, AttributeValue> image) {
        return pk.startsWith("GROUP#") && sk.startsWith("MEMBER#") && !image.containsKey("homeCloudId");
    }

    private static Map<String, Object> data(Map<String, AttributeValue> image, String... names) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (String name : names) {
            String value = s(image, name);
            if (value != null) {
                data.put(name, value);
            }
        }
        return data;
    }

    private static String s(Map<String, AttributeValue> image, String name) {
        AttributeValue value = image.get(name);
        return value == null ? null : value.s();
    }

    private static boolean bool(Map<String, AttributeValue> image, String name) {
        AttributeValue value = image.get(name);
        return value != null && Boolean.TRUE.equals(value.bool());
    }
}
