package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import org.junit.jupiter.api.Test;

import java.util.List;

import static orgshare.shared.service.ExchangeFixture.code;
import static orgshare.shared.service.ExchangeFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rule is bound to both memberships it was set for. The partner's side is covered elsewhere; here the owner leaves
 * and re-joins, and nobody sets the rule again: the rule of its old membership opens nothing, before the cleanup runs.
 */
class OwnerRejoinTest {
    @Test
    void aRejoinedOwnerDoesNotInheritTheRulesOfItsOldMembership() {
        ExchangeFixture f = new ExchangeFixture();
        Caller owner = f.merchant("Owner");
        Caller partner = f.merchant("Partner");
        String g = f.group(owner, partner);
        f.put(owner, "order", "O-1", "{}");
        f.set(g, rule(owner, partner, "order", "FULL", null, null, true), rule(owner, "*", "stock", "FULL"));
        f.put(owner, "stock", "S-1", "{}");
        assertEquals(List.of("O-1"), f.pulledIds(partner, g, owner, "order"), "the rule works before the owner leaves");
        assertEquals(List.of("S-1"), f.pulledIds(partner, g, owner, "stock"));

        f.app.memberships().leave(owner, g, "me");
        f.join(g, owner);

        assertEquals("NOT_SHARED", code(() -> f.pull(partner, g, owner, "order")), "the partner-specific rule died with the owner's membership");
        assertEquals("NOT_SHARED", code(() -> f.pull(partner, g, owner, "stock")), "so did the rule for every member");
        assertEquals("PUSH_NOT_ALLOWED", code(() -> f.app.exchange().push(partner, g, owner.merchantId(), "order", "{}")));
        assertTrue(f.app.rules().list(partner, g, null, null).rules().isEmpty(), "the dead rules are not listed");
        assertTrue(f.app.rules().providers(partner, g).providers().isEmpty(), "nor offered");
    }
}
