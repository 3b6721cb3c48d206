package orgshare.shared.rules;

import java.util.List;
import java.util.Map;

/**
 * What one partner may do with one owner's records of one type, after resolution: the winning rule's scope,
 * fields and push, with its filter's {@code ${partner}} replaced by the partner's merchant ID.
 */
public record Resolution(Scope scope, List<String> fields, Map<String, String> filter, boolean push) {
    /** No rule: nothing to read, nothing to push. */
    public static final Resolution NOTHING = new Resolution(Scope.NONE, List.of(), Map.of(), false);

    public Resolution {
        fields = List.copyOf(fields);
        filter = Map.copyOf(filter);
    }

    public boolean canRead() {
        return scope != Scope.NONE;
    }
}
