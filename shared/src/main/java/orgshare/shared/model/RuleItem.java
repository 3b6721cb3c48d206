package orgshare.shared.model;

import orgshare.shared.db.Keys;
import orgshare.shared.rules.Rule;
import orgshare.shared.rules.Scope;
import software.amazon.awssdk.enhanced.dynamodb.EnhancedType;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

import java.util.List;
import java.util.Map;

/**
 * A rule, stored with its group. gsi1 ({@code PARTNER#<groupId>#<partnerId or *>}) lets a partner find what is
 * open to it. A rule is bound to the memberships it was set for ({@code ownerMembershipId}, and
 * {@code partnerMembershipId} unless the partner is {@code *}): once either member leaves, the rule is dead, even
 * before the cleanup deletes it, so a member who re-joins inherits nothing.
 */
public final class RuleItem extends BaseItem {
    public static final StaticTableSchema<RuleItem> SCHEMA = StaticTableSchema.builder(RuleItem.class)
            .newItemSupplier(RuleItem::new)
            .extend(KEYS)
            .addAttribute(String.class, a -> a.name("groupId").getter(RuleItem::getGroupId).setter(RuleItem::setGroupId))
            .addAttribute(String.class, a -> a.name("ownerId").getter(RuleItem::getOwnerId).setter(RuleItem::setOwnerId))
            .addAttribute(String.class, a -> a.name("partnerId").getter(RuleItem::getPartnerId).setter(RuleItem::setPartnerId))
            .addAttribute(String.class, a -> a.name("type").getter(RuleItem::getType).setter(RuleItem::setType))
            .addAttribute(String.class, a -> a.name("scope").getter(RuleItem::getScope).setter(RuleItem::setScope))
            .addAttribute(EnhancedType.listOf(String.class), a -> a.name("fields").getter(RuleItem::getFields).setter(RuleItem::setFields))
            .addAttribute(EnhancedType.mapOf(String.class, String.class), a -> a.name("filter").getter(RuleItem::getFilter).setter(RuleItem::setFilter))
            .addAttribute(Boolean.class, a -> a.name("push").getter(RuleItem::getPush).setter(RuleItem::setPush))
            .addAttribute(String.class, a -> a.name("ownerMembershipId").getter(RuleItem::getOwnerMembershipId).setter(RuleItem::setOwnerMembershipId))
            .addAttribute(String.class, a -> a.name("partnerMembershipId").getter(RuleItem::getPartnerMembershipId).setter(RuleItem::setPartnerMembershipId))
            .addAttribute(Long.class, a -> a.name("version").getter(RuleItem::getVersion).setter(RuleItem::setVersion))
            .addAttribute(String.class, a -> a.name("setAt").getter(RuleItem::getSetAt).setter(RuleItem::setSetAt))
            .build();

    private String groupId;
    private String ownerId;
    private String partnerId;
    private String type;
    private String scope;
    private List<String> fields;
    private Map<String, String> filter;
    private Boolean push;
    private String ownerMembershipId;
    private String partnerMembershipId;
    private Long version;
    private String setAt;

    public static RuleItem create(String groupId, Rule rule, String ownerMembershipId, String partnerMembershipId,
                                  long version, String at) {
        RuleItem item = new RuleItem();
        item.setPk(Keys.group(groupId));
        item.setSk(Keys.rule(rule.ownerId(), rule.partnerId(), rule.type()));
        item.setGsi1pk(Keys.rulesForPartner(groupId, rule.partnerId()));
        item.setGsi1sk(item.getSk());
        item.groupId = groupId;
        item.ownerId = rule.ownerId();
        item.partnerId = rule.partnerId();
        item.type = rule.type();
        item.scope = rule.scope().name();
        item.fields = rule.fields().isEmpty() ? null : rule.fields();
        item.filter = rule.filter().isEmpty() ? null : rule.filter();
        item.push = rule.push();
        item.ownerMembershipId = ownerMembershipId;
        item.partnerMembershipId = partnerMembershipId;
        item.version = version;
        item.setAt = at;
        return item;
    }

    /**
     * An owner's cap (DESIGN §7): a rule's shape (its scope is the most the owner allows), stored beside the rules
     * under {@code CAP#}, bound to the memberships it was set for exactly like a rule.
     */
    public static RuleItem cap(String groupId, Rule cap, String ownerMembershipId, String partnerMembershipId,
                               long version, String at) {
        RuleItem item = create(groupId, cap, ownerMembershipId, partnerMembershipId, version, at);
        item.setSk(Keys.cap(cap.ownerId(), cap.partnerId(), cap.type()));
        item.setGsi1sk(item.getSk()); // in the partner's partition of gsi1 with the rules naming it
        return item;
    }

    public Rule toRule() {
        return new Rule(ownerId, partnerId, type, Scope.valueOf(scope), fields, filter, Boolean.TRUE.equals(push));
    }

    /**
     * Whether the rule still holds: it was set for the owner's current membership and, for a named partner, the
     * partner's current one. A null membership ID means "not a member now".
     */
    public boolean isBoundTo(String ownerMembership, String partnerMembership) {
        if (ownerMembership == null || !ownerMembership.equals(ownerMembershipId)) {
            return false;
        }
        return Rule.ANY.equals(partnerId) || (partnerMembership != null && partnerMembership.equals(partnerMembershipId));
    }

    public String getGroupId() {
        return groupId;
    }

    public void setGroupId(String groupId) {
        this.groupId = groupId;
    }

    public String getOwnerId() {
        return ownerId;
    }

    public void setOwnerId(String ownerId) {
        this.ownerId = ownerId;
    }

    public String getPartnerId() {
        return partnerId;
    }

    public void setPartnerId(String partnerId) {
        this.partnerId = partnerId;
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

    public List<String> getFields() {
        return fields;
    }

    public void setFields(List<String> fields) {
        this.fields = fields;
    }

    public Map<String, String> getFilter() {
        return filter;
    }

    public void setFilter(Map<String, String> filter) {
        this.filter = filter;
    }

    public Boolean getPush() {
        return push;
    }

    public void setPush(Boolean push) {
        this.push = push;
    }

    public String getOwnerMembershipId() {
        return ownerMembershipId;
    }

    public void setOwnerMembershipId(String ownerMembershipId) {
        this.ownerMembershipId = ownerMembershipId;
    }

    public String getPartnerMembershipId() {
        return partnerMembershipId;
    }

    public void setPartnerMembershipId(String partnerMembershipId) {
        this.partnerMembershipId = partnerMembershipId;
    }

    public Long getVersion() {
        return version;
    }

    public void setVersion(Long version) {
        this.version = version;
    }

    public String getSetAt() {
        return setAt;
    }

    public void setSetAt(String setAt) {
        this.setAt = setAt;
    }
}
