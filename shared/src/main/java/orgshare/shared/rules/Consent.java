package orgshare.shared.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Owner consent (DESIGN §7): the creator's rules open an owner's data; the owner's caps narrow what is opened of its
 * own data, never widen it. A cap has the shape of a rule (its scope is the most it allows) and resolves like one,
 * most specific first; no cap means no narrowing. The effective grant is the rule's resolution narrowed by the cap's:
 * the lower scope, the intersection of fields, both row filters, push only if both allow. No AWS here.
 */
public final class Consent {
    private Consent() {
    }

    /** The cap that decides for (owner, partner, type), resolved like a rule, or empty when the owner set none. */
    public static Optional<Resolution> cap(Collection<Rule> caps, String ownerId, String partnerId, String type) {
        return Optional.ofNullable(RuleResolver.winner(caps, ownerId, partnerId, type))
                .map(cap -> RuleResolver.resolution(cap, partnerId));
    }

    /** The effective grant: {@code granted} narrowed by {@code cap} (none: as granted). Never wider than {@code granted}. */
    public static Resolution narrow(Resolution granted, Optional<Resolution> cap) {
        if (cap.isEmpty()) {
            return granted;
        }
        Resolution limit = cap.get();
        boolean push = granted.push() && limit.push();
        Scope scope = granted.scope().compareTo(limit.scope()) <= 0 ? granted.scope() : limit.scope();
        Map<String, String> filter = new HashMap<>(granted.filter());
        for (Map.Entry<String, String> condition : limit.filter().entrySet()) {
            String mine = filter.putIfAbsent(condition.getKey(), condition.getValue());
            if (mine != null && !mine.equals(condition.getValue())) {
                // no row can match both filters: nothing is read (push is not a read: it stands as both allow it)
                return new Resolution(Scope.NONE, List.of(), Map.of(), push);
            }
        }
        if (scope == Scope.NONE) {
            return new Resolution(Scope.NONE, List.of(), Map.of(), push);
        }
        List<String> fields = List.of();
        if (scope == Scope.FIELDS) {
            fields = intersection(granted.scope() == Scope.FIELDS ? granted.fields() : null,
                    limit.scope() == Scope.FIELDS ? limit.fields() : null);
            if (fields.isEmpty()) {
                scope = Scope.SUMMARY; // no field is opened by both: what is left to see is the summary
            }
        }
        return new Resolution(scope, fields, filter, push);
    }

    /** The fields both lists open (null: every field), in the rule's order. */
    private static List<String> intersection(List<String> first, List<String> second) {
        if (first == null) {
            return second;
        }
        if (second == null) {
            return first;
        }
        List<String> both = new ArrayList<>(first);
        both.retainAll(second);
        return both;
    }
}
