package orgshare.shared.model;

import orgshare.shared.db.Keys;
import software.amazon.awssdk.enhanced.dynamodb.EnhancedType;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

import java.util.Set;

/** A group: its creator, status, member count and rules version. Once dissolved it enters the sparse gsi1 "DISSOLVED" index. */
public final class GroupItem extends BaseItem {
    public static final String ACTIVE = "ACTIVE";
    public static final String DISSOLVED = "DISSOLVED";

    public static final StaticTableSchema<GroupItem> SCHEMA = StaticTableSchema.builder(GroupItem.class)
            .newItemSupplier(GroupItem::new)
            .extend(KEYS)
            .addAttribute(String.class, a -> a.name("groupId").getter(GroupItem::getGroupId).setter(GroupItem::setGroupId))
            .addAttribute(String.class, a -> a.name("name").getter(GroupItem::getName).setter(GroupItem::setName))
            .addAttribute(String.class, a -> a.name("creatorId").getter(GroupItem::getCreatorId).setter(GroupItem::setCreatorId))
            .addAttribute(String.class, a -> a.name("status").getter(GroupItem::getStatus).setter(GroupItem::setStatus))
            .addAttribute(Integer.class, a -> a.name("memberCount").getter(GroupItem::getMemberCount).setter(GroupItem::setMemberCount))
            .addAttribute(Long.class, a -> a.name("rulesVersion").getter(GroupItem::getRulesVersion).setter(GroupItem::setRulesVersion))
            .addAttribute(String.class, a -> a.name("createdAt").getter(GroupItem::getCreatedAt).setter(GroupItem::setCreatedAt))
            .addAttribute(String.class, a -> a.name("dissolvedAt").getter(GroupItem::getDissolvedAt).setter(GroupItem::setDissolvedAt))
            .addAttribute(String.class, a -> a.name("homeCloudId").getter(GroupItem::getHomeCloudId).setter(GroupItem::setHomeCloudId))
            .addAttribute(EnhancedType.setOf(String.class), a -> a.name("peerClouds").getter(GroupItem::getPeerClouds).setter(GroupItem::setPeerClouds))
            .build();

    private String groupId;
    private String name;
    private String creatorId;
    private String status;
    private Integer memberCount;
    private Long rulesVersion;
    private String createdAt;
    private String dissolvedAt;
    /** The cloud of the creator: this deployment's, where the group lives. */
    private String homeCloudId;
    /** The peer clouds any member was invited from: told when the group is dissolved or a member departs. */
    private Set<String> peerClouds;

    public static GroupItem create(String groupId, String name, String creatorId, String createdAt) {
        GroupItem item = new GroupItem();
        item.setPk(Keys.group(groupId));
        item.setSk(Keys.GROUP_SK);
        item.groupId = groupId;
        item.name = name;
        item.creatorId = creatorId;
        item.status = ACTIVE;
        item.memberCount = 1;
        item.rulesVersion = 0L;
        item.createdAt = createdAt;
        return item;
    }

    public boolean isActive() {
        return ACTIVE.equals(status);
    }

    public String getGroupId() {
        return groupId;
    }

    public void setGroupId(String groupId) {
        this.groupId = groupId;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getCreatorId() {
        return creatorId;
    }

    public void setCreatorId(String creatorId) {
        this.creatorId = creatorId;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public Integer getMemberCount() {
        return memberCount;
    }

    public void setMemberCount(Integer memberCount) {
        this.memberCount = memberCount;
    }

    public Long getRulesVersion() {
        return rulesVersion;
    }

    public void setRulesVersion(Long rulesVersion) {
        this.rulesVersion = rulesVersion;
    }

    public String getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(String createdAt) {
        this.createdAt = createdAt;
    }

    public String getDissolvedAt() {
        return dissolvedAt;
    }

    public void setDissolvedAt(String dissolvedAt) {
        this.dissolvedAt = dissolvedAt;
    }

    public String getHomeCloudId() {
        return homeCloudId;
    }

    public void setHomeCloudId(String homeCloudId) {
        this.homeCloudId = homeCloudId;
    }

    public Set<String> getPeerClouds() {
        return peerClouds;
    }

    public void setPeerClouds(Set<String> peerClouds) {
        this.peerClouds = peerClouds;
    }
}
