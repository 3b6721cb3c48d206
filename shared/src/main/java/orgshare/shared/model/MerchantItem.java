package orgshare.shared.model;

import orgshare.shared.db.Keys;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

/** A merchant (an organization) under one cloud; gsi1 lists a cloud's merchants. */
public final class MerchantItem extends BaseItem {
    public static final StaticTableSchema<MerchantItem> SCHEMA = StaticTableSchema.builder(MerchantItem.class)
            .newItemSupplier(MerchantItem::new)
            .extend(KEYS)
            .addAttribute(String.class, a -> a.name("merchantId").getter(MerchantItem::getMerchantId).setter(MerchantItem::setMerchantId))
            .addAttribute(String.class, a -> a.name("cloudId").getter(MerchantItem::getCloudId).setter(MerchantItem::setCloudId))
            .addAttribute(String.class, a -> a.name("name").getter(MerchantItem::getName).setter(MerchantItem::setName))
            .addAttribute(String.class, a -> a.name("keyHash").getter(MerchantItem::getKeyHash).setter(MerchantItem::setKeyHash))
            .addAttribute(String.class, a -> a.name("createdAt").getter(MerchantItem::getCreatedAt).setter(MerchantItem::setCreatedAt))
            .build();

    private String merchantId;
    private String cloudId;
    private String name;
    private String keyHash;
    private String createdAt;

    public static MerchantItem create(String merchantId, String cloudId, String name, String keyHash, String createdAt) {
        MerchantItem item = new MerchantItem();
        item.setPk(Keys.merchant(merchantId));
        item.setSk(Keys.MERCHANT_SK);
        item.setGsi1pk(Keys.cloud(cloudId));
        item.setGsi1sk(Keys.merchant(merchantId));
        item.merchantId = merchantId;
        item.cloudId = cloudId;
        item.name = name;
        item.keyHash = keyHash;
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

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    /** SHA-256 of the merchant's current API key: the key item it points at is the only one that authenticates. */
    public String getKeyHash() {
        return keyHash;
    }

    public void setKeyHash(String keyHash) {
        this.keyHash = keyHash;
    }

    public String getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(String createdAt) {
        this.createdAt = createdAt;
    }
}
