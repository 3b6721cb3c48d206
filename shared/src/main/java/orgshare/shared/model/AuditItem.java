package orgshare.shared.model;

import orgshare.shared.db.Keys;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

/**
 * One audit event in the log of one merchant it concerns ({@code AUDIT#<merchantId>}, {@code <at>#<eventId>}).
 * An event that concerns several merchants is written once into each log, with the same {@code eventId}.
 * It never holds record content: who, what type, how many, which message.
 */
public final class AuditItem extends BaseItem {
    public static final String PULL = "PULL";
    public static final String PUSH = "PUSH";
    public static final String RULES_CHANGED = "RULES_CHANGED";
    /** An owner changed its caps (consent): in the owner's and the creator's logs. */
    public static final String CONSENT_CHANGED = "CONSENT_CHANGED";

    public static final StaticTableSchema<AuditItem> SCHEMA = StaticTableSchema.builder(AuditItem.class)
            .newItemSupplier(AuditItem::new)
            .extend(KEYS)
            .addAttribute(String.class, a -> a.name("eventId").getter(AuditItem::getEventId).setter(AuditItem::setEventId))
            .addAttribute(String.class, a -> a.name("at").getter(AuditItem::getAt).setter(AuditItem::setAt))
            .addAttribute(String.class, a -> a.name("action").getter(AuditItem::getAction).setter(AuditItem::setAction))
            .addAttribute(String.class, a -> a.name("groupId").getter(AuditItem::getGroupId).setter(AuditItem::setGroupId))
            .addAttribute(String.class, a -> a.name("actorId").getter(AuditItem::getActorId).setter(AuditItem::setActorId))
            .addAttribute(String.class, a -> a.name("ownerId").getter(AuditItem::getOwnerId).setter(AuditItem::setOwnerId))
            .addAttribute(String.class, a -> a.name("type").getter(AuditItem::getType).setter(AuditItem::setType))
            .addAttribute(String.class, a -> a.name("scope").getter(AuditItem::getScope).setter(AuditItem::setScope))
            .addAttribute(Integer.class, a -> a.name("count").getter(AuditItem::getCount).setter(AuditItem::setCount))
            .addAttribute(String.class, a -> a.name("messageId").getter(AuditItem::getMessageId).setter(AuditItem::setMessageId))
            .addAttribute(Long.class, a -> a.name("version").getter(AuditItem::getVersion).setter(AuditItem::setVersion))
            .addAttribute(String.class, a -> a.name("changes").getter(AuditItem::getChanges).setter(AuditItem::setChanges))
            .addAttribute(String.class, a -> a.name("peerCloudId").getter(AuditItem::getPeerCloudId).setter(AuditItem::setPeerCloudId))
            .build();

    private String eventId;
    private String at;
    private String action;
    private String groupId;
    private String actorId;
    private String ownerId;
    private String type;
    private String scope;
    private Integer count;
    private String messageId;
    private Long version;
    private String changes;
    /** Where the event crossed clouds: the peer cloud on the other side of it (the counterparty's, or the group's home). */
    private String peerCloudId;

    /** The event's common part; the caller fills in what its action records. */
    public static AuditItem create(String eventId, String at, String action, String groupId, String actorId) {
        AuditItem item = new AuditItem();
        item.eventId = eventId;
        item.at = at;
        item.action = action;
        item.groupId = groupId;
        item.actorId = actorId;
        return item;
    }

    /** This event, keyed into {@code merchantId}'s log. */
    public AuditItem copyFor(String merchantId) {
        AuditItem copy = new AuditItem();
        copy.setPk(Keys.audit(merchantId));
        copy.setSk(at + "#" + eventId);
        copy.eventId = eventId;
        copy.at = at;
        copy.action = action;
        copy.groupId = groupId;
        copy.actorId = actorId;
        copy.ownerId = ownerId;
        copy.type = type;
        copy.scope = scope;
        copy.count = count;
        copy.messageId = messageId;
        copy.version = version;
        copy.changes = changes;
        copy.peerCloudId = peerCloudId;
        return copy;
    }

    public String getEventId() {
        return eventId;
    }

    public void setEventId(String eventId) {
        this.eventId = eventId;
    }

    public String getAt() {
        return at;
    }

    public void setAt(String at) {
        this.at = at;
    }

    public String getAction() {
        return action;
    }

    public void setAction(String action) {
        this.action = action;
    }

    public String getGroupId() {
        return groupId;
    }

    public void setGroupId(String groupId) {
        this.groupId = groupId;
    }

    public String getActorId() {
        return actorId;
    }

    public void setActorId(String actorId) {
        this.actorId = actorId;
    }

    public String getOwnerId() {
        return ownerId;
    }

    public void setOwnerId(String ownerId) {
        this.ownerId = ownerId;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getScope() {
        return scope;
    }

    public void setScope(String scope) {
        this.scope = scope;
    }

    public Integer getCount() {
        return count;
    }

    public void setCount(Integer count) {
        this.count = count;
    }

    public String getMessageId() {
        return messageId;
    }

    public void setMessageId(String messageId) {
        this.messageId = messageId;
    }

    public Long getVersion() {
        return version;
    }

    public void setVersion(Long version) {
        this.version = version;
    }

    public String getChanges() {
        return changes;
    }

    public void setChanges(String changes) {
        this.changes = changes;
    }

    public String getPeerCloudId() {
        return peerCloudId;
    }

    public void setPeerCloudId(String peerCloudId) {
        this.peerCloudId = peerCloudId;
    }
}
