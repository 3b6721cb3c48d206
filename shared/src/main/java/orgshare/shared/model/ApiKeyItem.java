package orgshare.shared.model;

import orgshare.shared.db.Keys;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

/** An API key, stored only as its SHA-256: the key item maps the hash to its merchant. */
public final class ApiKeyItem extends BaseItem {
    public static final StaticTableSchema<ApiKeyItem> SCHEMA = StaticTableSchema.builder(ApiKeyItem.class)
            .newItemSupplier(ApiKeyItem::new)
            .extend(KEYS)
            .addAttribute(String.class, a -> a.name("merchantId").getter(ApiKeyItem::getMerchantId).setter(ApiKeyItem::setMerchantId))
            .addAttribute(String.class, a -> a.name("cloudId").getter(ApiKeyItem::getCloudId).setter(ApiKeyItem::setCloudId))
            .addAttribute(String.class, a -> a.name("createdAt").getter(ApiKeyItem::getCreatedAt).setter(ApiKeyItem::setCreatedAt))
            .build();

    private String merchantId;
    private String cloudId;
    private String createdAt;

    public static ApiKeyItem create(String keyHash, String merchantId, String cloudId, String createdAt) {
        ApiKeyItem item = new ApiKeyItem();
        item.setPk(Keys.apiKey(keyHash));
        item.setSk(Keys.KEY_SK);
        item.merchantId = merchantId;
        item.cloudId = cloudId;
        item.createdAt = createdAt;
        return item;
    }

    public String getMerchantId() {
        return merchantId;
    }

    public void setMerchantId(String merchantId) {
        this.merchantId = merchantId;
    }

    public String getCloudId() {
        return cloudId;
    }

    public void setCloudId(String cloudId) {
        this.cloudId = cloudId;
    }

    public String getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(String createdAt) {
        this.createdAt = createdAt;
    }
}
