package orgshare.shared.rules;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What decides one owner → partner grant for one record type: the creator's rule that wins (most specific first), the
 * owner's cap that wins (the same way), and the effective grant, the rule's resolution narrowed by the cap's (see
 * {@link Consent}). Pulls, pushes, discovery, the explanation and the matrix all decide through here. No AWS here.
 */
public record Grant(Rule rule, Rule cap, Resolution granted, Resolution effective) {
    /** Decides from any set of live rules and caps (those not matching the owner, partner and type are ignored). */
    public static Grant decide(Collection<Rule> rules, Collection<Rule> caps, String ownerId, String partnerId, String type) {
        Rule rule = winner(rules, ownerId, partnerId, type);
        Rule cap = winner(caps, ownerId, partnerId, type);
        Resolution granted = rule == null ? Resolution.NOTHING : RuleResolver.resolve(java.util.List.of(rule), ownerId, partnerId, type);
        Optional<Resolution> limit = cap == null ? Optional.empty() : Consent.cap(java.util.List.of(cap), ownerId, partnerId, type);
        return new Grant(rule, cap, granted, Consent.narrow(granted, limit));
    }

    /** The rule (or cap) that decides for (owner, partner, type): the most specific present, or null. */
    static Rule winner(Collection<Rule> candidates, String ownerId, String partnerId, String type) {
        Map<String, Rule> byKey = new HashMap<>();
        for (Rule candidate : candidates) {
            byKey.put(candidate.key(), candidate);
        }
        for (String key : RuleResolver.candidateKeys(ownerId, partnerId, type)) {
            Rule found = byKey.get(key);
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
