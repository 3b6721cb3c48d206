package orgshare.shared.model;

import orgshare.shared.db.TableDefinition;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.secondaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.secondarySortKey;

/**
 * The key attributes every item kind shares. Each kind has its own typed schema over the one table
 * (static schemas: no reflection at cold start); gsi1 keys left null are simply not written (sparse index).
 */
public abstract class BaseItem {
    private String pk;
    private String sk;
    private String gsi1pk;
    private String gsi1sk;

    static final StaticTableSchema<BaseItem> KEYS = StaticTableSchema.builder(BaseItem.class)
            .addAttribute(String.class, a -> a.name(TableDefinition.PK)
                    .getter(BaseItem::getPk).setter(BaseItem::setPk).tags(primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name(TableDefinition.SK)
                    .getter(BaseItem::getSk).setter(BaseItem::setSk).tags(primarySortKey()))
            .addAttribute(String.class, a -> a.name(TableDefinition.GSI1_PK)
                    .getter(BaseItem::getGsi1pk).setter(BaseItem::setGsi1pk)
                    .tags(secondaryPartitionKey(TableDefinition.GSI1)))
            .addAttribute(String.class, a -> a.name(TableDefinition.GSI1_SK)
                    .getter(BaseItem::getGsi1sk).setter(BaseItem::setGsi1sk)
                    .tags(secondarySortKey(TableDefinition.GSI1)))
            .build();

    public String getPk() {
        return pk;
    }

    public void setPk(String pk) {
        this.pk = pk;
    }

    public String getSk() {
        return sk;
    }

    public void setSk(String sk) {
        this.sk = sk;
    }

    public String getGsi1pk() {
        return gsi1pk;
    }

    public void setGsi1pk(String gsi1pk) {
        this.gsi1pk = gsi1pk;
    }

    public String getGsi1sk() {
        return gsi1sk;
    }

    public void setGsi1sk(String gsi1sk) {
        this.gsi1sk = gsi1sk;
    }
}
