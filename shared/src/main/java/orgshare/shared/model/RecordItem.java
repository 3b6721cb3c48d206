package orgshare.shared.model;

import orgshare.shared.db.Keys;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

/**
 * A business record: one owner's typed JSON document, kept as the JSON text the owner sent (so numbers, key order
 * and nesting come back exactly). gsi1 holds the same partition ordered by {@code updatedAt}, for incremental pulls.
 */
public final class RecordItem extends BaseItem {
    public static final StaticTableSchema<RecordItem> SCHEMA = StaticTableSchema.builder(RecordItem.class)
            .newItemSupplier(RecordItem::new)
            .extend(KEYS)
            .addAttribute(String.class, a -> a.name("ownerId").getter(RecordItem::getOwnerId).setter(RecordItem::setOwnerId))
            .addAttribute(String.class, a -> a.name("type").getter(RecordItem::getType).setter(RecordItem::setType))
            .addAttribute(String.class, a -> a.name("recordId").getter(RecordItem::getRecordId).setter(RecordItem::setRecordId))
            .addAttribute(String.class, a -> a.name("updatedAt").getter(RecordItem::getUpdatedAt).setter(RecordItem::setUpdatedAt))
            .addAttribute(String.class, a -> a.name("body").getter(RecordItem::getBody).setter(RecordItem::setBody))
            .build();

    private String ownerId;
    private String type;
    private String recordId;
    private String updatedAt;
    private String body;

    public static RecordItem create(String ownerId, String type, String recordId, String updatedAt, String body) {
        RecordItem item = new RecordItem();
        item.setPk(Keys.records(ownerId, type));
        item.setSk(recordId);
        item.setGsi1pk(item.getPk());
        item.setGsi1sk(updatedAt + "#" + recordId);
        item.ownerId = ownerId;
        item.type = type;
        item.recordId = recordId;
        item.updatedAt = updatedAt;
        item.body = body;
        return item;
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

    public String getRecordId() {
        return recordId;
    }

    public void setRecordId(String recordId) {
        this.recordId = recordId;
    }

    public String getUpdatedAt() {
        return updatedAt;
    }

    public void setUpdatedAt(String updatedAt) {
        this.updatedAt = updatedAt;
    }

    public String getBody() {
        return body;
    }

    public void setBody(String body) {
        this.body = body;
    }
}
