package orgshare.shared.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Says in words what decided one grant (DESIGN §7, explain): which rule, which cap, and why the effective grant is what
 * it is. Every sentence is derived from the {@link Grant} itself, so the words cannot drift from what a pull does.
 * No AWS here.
 */
public final class Explanation {
    private Explanation() {
    }

    /**
     * The reasons for {@code grant}, decided for {@code partnerId}, addressed to the owner ("your cap") when
     * {@code readerIsOwner}.
     */
    public static List<String> reasons(Grant grant, String partnerId, boolean readerIsOwner) {
        List<String> reasons = new ArrayList<>();
        Rule rule = grant.rule();
        if (rule == null) {
            reasons.add("No rule names this pair and type: nothing is open.");
        } else {
            reasons.add("The rule for " + target(rule) + " decides: " + describe(grant.granted(), rule.filter()) + ".");
        }
        Rule cap = grant.cap();
        if (cap == null) {
            reasons.add("No cap: nothing is narrowed.");
            return reasons;
        }
        String whose = readerIsOwner ? "Your cap for " : "The owner's cap for ";
        Resolution limit = RuleResolver.resolve(List.of(cap), cap.ownerId(), partnerId, cap.type());
        String allows = "at most " + describe(limit, cap.filter());
        if (grant.effective().equals(grant.granted())) {
            reasons.add(whose + target(cap) + " allows " + allows + ": it narrows nothing here.");
            return reasons;
        }
        reasons.add(whose + target(cap) + " narrows it: " + allows + ".");
        Optional<String> clash = clash(grant.granted().filter(), limit.filter());
        if (clash.isPresent()) {
            reasons.add("The rule's and the cap's filters cannot both hold (" + clash.get() + "): nothing is read.");
        } else if (lower(grant.granted().scope(), limit.scope()) == Scope.FIELDS && grant.effective().scope() == Scope.SUMMARY) {
            reasons.add("No field is open under both the rule and the cap: SUMMARY is what is left.");
        }
        reasons.add("What is left: " + describe(grant.effective(), grant.effective().filter()) + ".");
        return reasons;
    }

    /** "(this partner, order)", "(every partner, every type)": what a rule or a cap names. */
    private static String target(Rule rule) {
        return "(" + (Rule.ANY.equals(rule.partnerId()) ? "every partner" : "this partner") + ", "
                + (Rule.ANY.equals(rule.type()) ? "every type" : rule.type()) + ")";
    }

    /** "FIELDS [a, b] of the rows where buyerId = ${partner}, push allowed". */
    private static String describe(Resolution resolution, Map<String, String> filter) {
        StringBuilder text = new StringBuilder(resolution.scope().name());
        if (resolution.scope() == Scope.FIELDS) {
            text.append(' ').append(resolution.fields());
        }
        if (resolution.canRead() && !filter.isEmpty()) {
            List<String> conditions = new ArrayList<>();
            new TreeMap<>(filter).forEach((field, value) -> conditions.add(field + " = " + value));
            text.append(" of the rows where ").append(String.join(" and ", conditions));
        }
        return text.append(resolution.push() ? ", push allowed" : ", push refused").toString();
    }

    /** The first field both filters fix to different values, said as "region: north or south". */
    private static Optional<String> clash(Map<String, String> first, Map<String, String> second) {
        return new TreeMap<>(first).entrySet().stream()
                .filter(e -> second.containsKey(e.getKey()) && !second.get(e.getKey()).equals(e.getValue()))
                .map(e -> e.getKey() + ": " + e.getValue() + " or " + second.get(e.getKey()))
                .findFirst();
    }

    private static Scope lower(Scope a, Scope b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
