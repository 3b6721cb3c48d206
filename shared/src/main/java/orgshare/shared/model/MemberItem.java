package orgshare.shared.model;

import orgshare.shared.db.Keys;
import orgshare.shared.db.TableDefinition;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.util.Map;

/**
 * A membership: the merchant's role and status in one group. gsi1 (MERCHANT#id / GROUP#id) lists a merchant's groups.
 * {@code membershipId} is new for every membership, so link IDs derived from it change when a member leaves and re-joins.
 */
public final class MemberItem extends BaseItem {
    public static final String CREATOR = "CREATOR";
    public static final String MEMBER = "MEMBER";
    public static final String INVITED = "INVITED";
    public static final String ACTIVE = "ACTIVE";

    public static final StaticTableSchema<MemberItem> SCHEMA = StaticTableSchema.builder(MemberItem.class)
            .newItemSupplier(MemberItem::new)
            .extend(KEYS)
            .addAttribute(String.class, a -> a.name("groupId").getter(MemberItem::getGroupId).setter(MemberItem::setGroupId))
            .addAttribute(String.class, a -> a.name("merchantId").getter(MemberItem::getMerchantId).setter(MemberItem::setMerchantId))
            .addAttribute(String.class, a -> a.name("cloudId").getter(MemberItem::getCloudId).setter(MemberItem::setCloudId))
            .addAttribute(String.class, a -> a.name("role").getter(MemberItem::getRole).setter(MemberItem::setRole))
            .addAttribute(String.class, a -> a.name("status").getter(MemberItem::getStatus).setter(MemberItem::setStatus))
            .addAttribute(String.class, a -> a.name("membershipId").getter(MemberItem::getMembershipId).setter(MemberItem::setMembershipId))
            .addAttribute(String.class, a -> a.name("invitedAt").getter(MemberItem::getInvitedAt).setter(MemberItem::setInvitedAt))
            .addAttribute(String.class, a -> a.name("joinedAt").getter(MemberItem::getJoinedAt).setter(MemberItem::setJoinedAt))
            .addAttribute(Boolean.class, a -> a.name("federated").getter(MemberItem::getFederated).setter(MemberItem::setFederated))
            .addAttribute(String.class, a -> a.name("homeCloudId").getter(MemberItem::getHomeCloudId).setter(MemberItem::setHomeCloudId))
            .addAttribute(String.class, a -> a.name("groupName").getter(MemberItem::getGroupName).setter(MemberItem::setGroupName))
            .addAttribute(String.class, a -> a.name("creatorId").getter(MemberItem::getCreatorId).setter(MemberItem::setCreatorId))
            .addAttribute(Long.class, a -> a.name("consentVersion").getter(MemberItem::getConsentVersion).setter(MemberItem::setConsentVersion))
            .build();

    private String groupId;
    private String merchantId;
    private String cloudId;
    private String role;
    private String status;
    private String membershipId;
    private String invitedAt;
    private String joinedAt;
    /** At a group's home: the member's merchant lives on a peer cloud (its deployment holds a pointer). */
    private Boolean federated;
    /**
     * On a member's own deployment, for a group whose home is a peer: this item is only a pointer (to list the group
     * and to route to its home); the group, its members and its rules live at {@code homeCloudId}.
     */
    private String homeCloudId;
    private String groupName;
    private String creatorId;
    /** The version of the caps this member set on its own data in the group (none yet: 0); bumped by each batch. */
    private Long consentVersion;

    public static MemberItem create(String groupId, String merchantId, String cloudId, String role, String status,
                                    String membershipId, String at) {
        MemberItem item = new MemberItem();
        item.setPk(Keys.group(groupId));
        item.setSk(Keys.member(merchantId));
        item.setGsi1pk(Keys.merchant(merchantId));
        item.setGsi1sk(Keys.group(groupId));
        item.groupId = groupId;
        item.merchantId = merchantId;
        item.cloudId = cloudId;
        item.role = role;
        item.status = status;
        item.membershipId = membershipId;
        item.invitedAt = at;
        item.joinedAt = ACTIVE.equals(status) ? at : null;
        return item;
    }

    /**
     * A transaction's check that {@code merchantId} is still an ACTIVE member of the group under the same membership
     * (it has not left, re-joined or been removed since it was read).
     */
    public static TransactWriteItem stillActive(String tableName, String groupId, String merchantId, String membershipId) {
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(tableName)
                .key(Map.of(TableDefinition.PK, AttributeValue.fromS(Keys.group(groupId)),
                        TableDefinition.SK, AttributeValue.fromS(Keys.member(merchantId))))
                .conditionExpression("#status = :active AND membershipId = :membership")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(
                        ":active", AttributeValue.fromS(ACTIVE),
                        ":membership", AttributeValue.fromS(membershipId))).build()).build();
    }

    /**
     * As {@link #stillActive}, and the owner's caps are still at {@code consentVersion}: an exchange authorized under
     * caps that changed since does not commit.
     */
    public static TransactWriteItem stillConsenting(String tableName, String groupId, String merchantId, String membershipId,
                                                    long consentVersion) {
        Map<String, AttributeValue> values = new java.util.HashMap<>(Map.of(
                ":active", AttributeValue.fromS(ACTIVE),
                ":membership", AttributeValue.fromS(membershipId)));
        String version = "attribute_not_exists(consentVersion)";
        if (consentVersion > 0) {
            version = "consentVersion = :consent";
            values.put(":consent", AttributeValue.fromN(Long.toString(consentVersion)));
        }
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(tableName)
                .key(Map.of(TableDefinition.PK, AttributeValue.fromS(Keys.group(groupId)),
                        TableDefinition.SK, AttributeValue.fromS(Keys.member(merchantId))))
                .conditionExpression("#status = :active AND membershipId = :membership AND " + version)
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(values).build()).build();
    }

    /**
     * The pointer a member's deployment keeps to a group whose home is the peer hosting {@code homeCloudId}: under
     * the same keys as a member item, so it lists with the merchant's groups; no group item exists beside it here.
     */
    public static MemberItem pointer(String groupId, String merchantId, String cloudId, String homeCloudId,
                                     String groupName, String creatorId, String at) {
        MemberItem item = create(groupId, merchantId, cloudId, MEMBER, INVITED, "pointer", at);
        item.membershipId = null;
        item.homeCloudId = homeCloudId;
        item.groupName = groupName;
        item.creatorId = creatorId;
        return item;
    }

    /** Whether this is a pointer to a group whose home is a peer (see {@link #pointer}). */
    public boolean isPointer() {
        return homeCloudId != null;
    }

    public boolean isFederated() {
        return Boolean.TRUE.equals(federated);
    }

    public Boolean getFederated() {
        return federated;
    }

    public void setFederated(Boolean federated) {
        this.federated = federated;
    }

    public String getHomeCloudId() {
        return homeCloudId;
    }

    public void setHomeCloudId(String homeCloudId) {
        this.homeCloudId = homeCloudId;
    }

    public String getGroupName() {
        return groupName;
    }

    public void setGroupName(String groupName) {
        this.groupName = groupName;
    }

    public String getCreatorId() {
        return creatorId;
    }

    public void setCreatorId(String creatorId) {
        this.creatorId = creatorId;
    }

    public boolean isActive() {
        return ACTIVE.equals(status);
    }

    public boolean isCreator() {
        return CREATOR.equals(role);
    }

    public String getGroupId() {
        return groupId;
    }

    public void setGroupId(String groupId) {
        this.groupId = groupId;
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

    public String getRole() {
        return role;
    }

    public void setRole(String role) {
        this.role = role;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public String getMembershipId() {
        return membershipId;
    }

    public void setMembershipId(String membershipId) {
        this.membershipId = membershipId;
    }

    public String getInvitedAt() {
        return invitedAt;
    }

    public void setInvitedAt(String invitedAt) {
        this.invitedAt = invitedAt;
    }

    public String getJoinedAt() {
        return joinedAt;
    }

    public void setJoinedAt(String joinedAt) {
        this.joinedAt = joinedAt;
    }

    public Long getConsentVersion() {
        return consentVersion;
    }

    public void setConsentVersion(Long consentVersion) {
        this.consentVersion = consentVersion;
    }

    /** The current consent version: 0 until the member's first batch of caps. */
    public long consentVersion() {
        return consentVersion == null ? 0 : consentVersion;
    }
}
