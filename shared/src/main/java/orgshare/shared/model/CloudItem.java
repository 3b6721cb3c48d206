package orgshare.shared.model;

import orgshare.shared.db.Keys;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

/** A merchant cloud: one deployment, registered by the operator. */
public final class CloudItem extends BaseItem {
    public static final StaticTableSchema<CloudItem> SCHEMA = StaticTableSchema.builder(CloudItem.class)
            .newItemSupplier(CloudItem::new)
            .extend(KEYS)
            .addAttribute(String.class, a -> a.name("cloudId").getter(CloudItem::getCloudId).setter(CloudItem::setCloudId))
            .addAttribute(String.class, a -> a.name("name").getter(CloudItem::getName).setter(CloudItem::setName))
            .addAttribute(String.class, a -> a.name("createdAt").getter(CloudItem::getCreatedAt).setter(CloudItem::setCreatedAt))
            .build();

    private String cloudId;
    private String name;
    private String createdAt;

    public static CloudItem create(String cloudId, String name, String createdAt) {
        CloudItem item = new CloudItem();
        item.setPk(Keys.cloud(cloudId));
        item.setSk(Keys.CLOUD_SK);
        item.setGsi1pk(Keys.CLOUDS);
        item.setGsi1sk(cloudId);
        item.cloudId = cloudId;
        item.name = name;
        item.createdAt = createdAt;
        return item;
    }

    public String getCloudId() {
        return cloudId;
    }

    public void setCloudId(String cloudId) {
        this.cloudId = cloudId;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(String createdAt) {
        this.createdAt = createdAt;
    }
}
