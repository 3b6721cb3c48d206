package orgshare.shared.rules;

import java.util.Collection;
import java.util.Optional;

/**
 * What decides one owner → partner grant for one record type: the creator's rule that wins (most specific first), the
 * owner's cap that wins (the same way), and the effective grant, the rule's resolution narrowed by the cap's (see
 * {@link Consent}). Pulls, pushes, discovery, the explanation and the matrix all decide through here. No AWS here.
 */
public record Grant(Rule rule, Rule cap, Resolution granted, Resolution effective) {
    /** Decides from any set of live rules and caps (those not matching the owner, partner and type are ignored). */
    public static Grant decide(Collection<Rule> rules, Collection<Rule> caps, String ownerId, String partnerId, String type) {
        Rule rule = RuleResolver.winner(rules, ownerId, partnerId, type);
        Rule cap = RuleResolver.winner(caps, ownerId, partnerId, type);
        Resolution granted = rule == null ? Resolution.NOTHING : RuleResolver.resolution(rule, partnerId);
        Optional<Resolution> limit = Optional.ofNullable(cap).map(c -> RuleResolver.resolution(c, partnerId));
        return new Grant(rule, cap, granted, Consent.narrow(granted, limit));
    }
}
