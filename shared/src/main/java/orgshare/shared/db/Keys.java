package orgshare.shared.db;

/** Key values of every item kind, in one place (the README's "One table"). Inputs are validated before they get here. */
public final class Keys {
    public static final String CLOUD_SK = "CLOUD";
    /** gsi1 partition listing the clouds this deployment hosts (its federation identity names them). */
    public static final String CLOUDS = "CLOUDS";
    /** gsi1 partition listing this deployment's peers (other clouds it trusts). */
    public static final String PEERS = "PEERS";
    public static final String PEER_SK = "PEER";
    public static final String MERCHANT_SK = "MERCHANT";
    public static final String KEY_SK = "KEY";
    public static final String GROUP_SK = "GROUP";
    public static final String MEMBER_PREFIX = "MEMBER#";
    public static final String RULE_PREFIX = "RULE#";
    /** An owner's cap (consent) in its group's partition: {@code CAP#<ownerId>#<partnerId or *>#<type or *>}. */
    public static final String CAP_PREFIX = "CAP#";
    public static final String GROUP_PREFIX = "GROUP#";
    public static final String MERCHANT_PREFIX = "MERCHANT#";
    public static final String DEPARTED_PREFIX = "DEPARTED#";
    /** gsi1 partition of dissolved groups: the sparse index the cleanup queries. */
    public static final String DISSOLVED_INDEX = "DISSOLVED";
    /** A deletion receipt's plan, in a partition of its own ({@link #receipt}). */
    public static final String RECEIPT_PLAN_SK = "PLAN";
    /** gsi1 partition of departures whose rules the cleanup still has to delete. */
    public static final String DEPARTED_INDEX = "DEPARTED";

    private Keys() {
    }

    public static String cloud(String cloudId) {
        return "CLOUD#" + cloudId;
    }

    public static String peer(String cloudId) {
        return "PEER#" + cloudId;
    }

    public static String merchant(String merchantId) {
        return MERCHANT_PREFIX + merchantId;
    }

    public static String apiKey(String keyHash) {
        return "KEY#" + keyHash;
    }

    public static String group(String groupId) {
        return GROUP_PREFIX + groupId;
    }

    public static String member(String merchantId) {
        return MEMBER_PREFIX + merchantId;
    }

    public static String departed(String merchantId) {
        return DEPARTED_PREFIX + merchantId;
    }

    /** Rules an owner opens: {@code RULE#<ownerId>#}, so one prefix Query finds them. */
    public static String rulesOfOwner(String ownerId) {
        return RULE_PREFIX + ownerId + "#";
    }

    /** A rule's sort key in its group's partition. */
    public static String rule(String ownerId, String partnerId, String type) {
        return RULE_PREFIX + ownerId + "#" + partnerId + "#" + type;
    }

    /** The caps one owner set: {@code CAP#<ownerId>#}, so one prefix Query finds them. */
    public static String capsOfOwner(String ownerId) {
        return CAP_PREFIX + ownerId + "#";
    }

    /** A cap's sort key in its group's partition. */
    public static String cap(String ownerId, String partnerId, String type) {
        return CAP_PREFIX + ownerId + "#" + partnerId + "#" + type;
    }

    /** One owner's records of one type: a partition of its own, in the table and in gsi1 (by update time). */
    public static String records(String ownerId, String type) {
        return "REC#" + ownerId + "#" + type;
    }

    public static String inbox(String merchantId) {
        return "INBOX#" + merchantId;
    }

    /** A deletion receipt's plan and its recipient pages. */
    public static String receipt(String receiptId) {
        return "RECEIPT#" + receiptId;
    }

    /** One merchant's copies of the deletion receipts that name it, sorted by completion time. */
    public static String receipts(String merchantId) {
        return "RECEIPTS#" + merchantId;
    }

    public static String audit(String merchantId) {
        return "AUDIT#" + merchantId;
    }

    /**
     * gsi1 partition listing the rules and the caps that name one partner (or {@code *}) in one group (sorted by their
     * sort keys, {@code CAP#} before {@code RULE#}): discovery reads it in one Query.
     */
    public static String rulesForPartner(String groupId, String partnerId) {
        return "PARTNER#" + groupId + "#" + partnerId;
    }
}
