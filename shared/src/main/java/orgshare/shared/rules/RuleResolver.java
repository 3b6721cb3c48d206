package orgshare.shared.rules;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The README's resolution ("Rules and exchange"): of the rules an owner set, the most specific one that names the partner and the type
 * wins, in the order (partner, type), (partner, *), (*, type), (*, *); its scope holds even where a broader rule
 * grants more (so NONE hides), and no rule at all means NONE. No AWS here: the caller passes the candidate rules.
 */
public final class RuleResolver {
    private RuleResolver() {
    }

    /** The four rule keys that can decide for (owner, partner, type), most specific first. */
    public static List<String> candidateKeys(String ownerId, String partnerId, String type) {
        return List.of(
                Rule.key(ownerId, partnerId, type),
                Rule.key(ownerId, partnerId, Rule.ANY),
                Rule.key(ownerId, Rule.ANY, type),
                Rule.key(ownerId, Rule.ANY, Rule.ANY));
    }

    /**
     * Resolves what {@code partnerId} may do with {@code ownerId}'s records of {@code type}, from any set of rules
     * (those that do not match are ignored). {@code type} is a concrete type, or {@code *} for "a type no rule
     * names".
     */
    public static Resolution resolve(Collection<Rule> rules, String ownerId, String partnerId, String type) {
        Rule winner = winner(rules, ownerId, partnerId, type);
        return winner == null ? Resolution.NOTHING : resolution(winner, partnerId);
    }

    /**
     * Of {@code candidates} (rules, or an owner's caps: they resolve alike), the one that decides for (owner, partner,
     * type): the most specific present, or null when none matches.
     */
    public static Rule winner(Collection<Rule> candidates, String ownerId, String partnerId, String type) {
        Map<String, Rule> byKey = new HashMap<>();
        for (Rule candidate : candidates) {
            byKey.put(candidate.key(), candidate);
        }
        for (String key : candidateKeys(ownerId, partnerId, type)) {
            Rule found = byKey.get(key);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** What {@code rule} (or a cap) grants {@code partnerId}: its scope, a FIELDS scope's fields, its filter resolved. */
    static Resolution resolution(Rule rule, String partnerId) {
        Map<String, String> filter = new HashMap<>();
        rule.filter().forEach((field, value) ->
                filter.put(field, Rule.PARTNER_PLACEHOLDER.equals(value) ? partnerId : value));
        return new Resolution(rule.scope(), rule.scope() == Scope.FIELDS ? rule.fields() : List.of(), filter, rule.push());
    }
}
