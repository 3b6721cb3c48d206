package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import org.junit.jupiter.api.Test;

import java.util.List;

import static orgshare.shared.service.ExchangeFixture.code;
import static orgshare.shared.service.ExchangeFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A rule holds for the memberships it was set for: after a leave and a re-join (before any cleanup ran) the old
 * rules are still stored, yet they open nothing, list nowhere and offer nothing, on the owner's side as on the
 * partner's.
 */
class RejoinInheritsNoRulesTest {
    private final ExchangeFixture f = new ExchangeFixture();
    private final Caller owner = f.merchant("Owner");
    private final Caller partner = f.merchant("Partner");
    private final String g = f.group(owner, partner);

    /** Orders opened to the partner, stock to every member, one record of each. */
    private void openOrdersAndStock() {
        f.set(g, rule(owner, partner, "order", "FULL"), rule(owner, "*", "stock", "FULL"));
        f.put(owner, "order", "O-1", "{}");
        f.put(owner, "stock", "S-1", "{}");
    }

    private void leaveAndRejoin(Caller member) {
        f.app.memberships().leave(member, g, "me");
        f.join(g, member);
    }

    private List<String> ruleTypes(Caller reader) {
        return f.app.rules().list(reader, g, null, null).rules().stream().map(RuleService.RuleView::type).toList();
    }

    private List<String> providedTypes(Caller reader) {
        return f.app.rules().providers(reader, g).providers().stream().map(RuleService.Provider::type).toList();
    }

    @Test
    void aPartnerWhoRejoinsInheritsNothingThatNamedIt() {
        openOrdersAndStock();
        leaveAndRejoin(partner);
        assertEquals("NOT_SHARED", code(() -> f.pull(partner, g, owner, "order")), "the named rule died with the membership");
        assertEquals(List.of("S-1"), f.pulledIds(partner, g, owner, "stock"), "a rule for every member binds only the owner");
        assertEquals(List.of("stock"), ruleTypes(partner));
        assertEquals(List.of("stock"), providedTypes(partner));
    }

    @Test
    void anOwnerWhoRejoinsHasOpenedNothing() {
        openOrdersAndStock();
        leaveAndRejoin(owner);
        assertEquals("NOT_SHARED", code(() -> f.pull(partner, g, owner, "order")));
        assertEquals("NOT_SHARED", code(() -> f.pull(partner, g, owner, "stock")));
        assertEquals(List.of(), ruleTypes(partner));
        assertEquals(List.of(), providedTypes(partner));

        f.set(g, rule(owner, partner, "order", "SUMMARY"));
        assertEquals(List.of("O-1"), f.pulledIds(partner, g, owner, "order"), "a rule set for the new membership holds");
    }
}
