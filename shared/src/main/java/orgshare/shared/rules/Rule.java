package orgshare.shared.rules;

import java.util.List;
import java.util.Map;

/**
 * What an owner member opens to a partner member (or every member, {@code *}) for a record type (or every type,
 * {@code *}): a read scope, the fields of a FIELDS scope, an optional row filter, and whether the partner may push.
 * Values are validated before a Rule is made (see {@code RuleService}).
 */
public record Rule(String ownerId, String partnerId, String type, Scope scope, List<String> fields,
                   Map<String, String> filter, boolean push) {
    public static final String ANY = "*";
    /** In a filter value, stands for the merchant ID of the caller pulling the records. */
    public static final String PARTNER_PLACEHOLDER = "${partner}";

    public Rule {
        fields = fields == null ? List.of() : List.copyOf(fields);
        filter = filter == null ? Map.of() : Map.copyOf(filter);
    }

    /** The rule's key inside its group: {@code ownerId#partnerId#type}. */
    public String key() {
        return key(ownerId, partnerId, type);
    }

    public static String key(String ownerId, String partnerId, String type) {
        return ownerId + "#" + partnerId + "#" + type;
    }
}
