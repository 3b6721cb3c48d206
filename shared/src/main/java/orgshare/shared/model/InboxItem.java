package orgshare.shared.model;

import orgshare.shared.db.Keys;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

/** A document a partner pushed into an owner's inbox, in arrival order ({@code <receivedAt>#<messageId>}). */
public final class InboxItem extends BaseItem {
    public static final StaticTableSchema<InboxItem> SCHEMA = StaticTableSchema.builder(InboxItem.class)
            .newItemSupplier(InboxItem::new)
            .extend(KEYS)
            .addAttribute(String.class, a -> a.name("messageId").getter(InboxItem::getMessageId).setter(InboxItem::setMessageId))
            .addAttribute(String.class, a -> a.name("from").getter(InboxItem::getFrom).setter(InboxItem::setFrom))
            .addAttribute(String.class, a -> a.name("groupId").getter(InboxItem::getGroupId).setter(InboxItem::setGroupId))
            .addAttribute(String.class, a -> a.name("type").getter(InboxItem::getType).setter(InboxItem::setType))
            .addAttribute(String.class, a -> a.name("receivedAt").getter(InboxItem::getReceivedAt).setter(InboxItem::setReceivedAt))
            .addAttribute(String.class, a -> a.name("body").getter(InboxItem::getBody).setter(InboxItem::setBody))
            .addAttribute(String.class, a -> a.name("fromCloudId").getter(InboxItem::getFromCloudId).setter(InboxItem::setFromCloudId))
            .build();

    private String messageId;
    private String from;
    private String groupId;
    private String type;
    private String receivedAt;
    private String body;
    /** The sender's cloud, when it is a peer's (the push crossed clouds). */
    private String fromCloudId;

    public static InboxItem create(String ownerId, String messageId, String from, String groupId, String type,
                                   String receivedAt, String body) {
        InboxItem item = new InboxItem();
        item.setPk(Keys.inbox(ownerId));
        item.setSk(receivedAt + "#" + messageId);
        item.messageId = messageId;
        item.from = from;
        item.groupId = groupId;
        item.type = type;
        item.receivedAt = receivedAt;
        item.body = body;
        return item;
    }

    public String getMessageId() {
        return messageId;
    }

    public void setMessageId(String messageId) {
        this.messageId = messageId;
    }

    public String getFrom() {
        return from;
    }

    public void setFrom(String from) {
        this.from = from;
    }

    public String getGroupId() {
        return groupId;
    }

    public void setGroupId(String groupId) {
        this.groupId = groupId;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getReceivedAt() {
        return receivedAt;
    }

    public void setReceivedAt(String receivedAt) {
        this.receivedAt = receivedAt;
    }

    public String getBody() {
        return body;
    }

    public void setBody(String body) {
        this.body = body;
    }

    public String getFromCloudId() {
        return fromCloudId;
    }

    public void setFromCloudId(String fromCloudId) {
        this.fromCloudId = fromCloudId;
    }
}
