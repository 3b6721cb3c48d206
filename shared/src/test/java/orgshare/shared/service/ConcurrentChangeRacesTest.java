package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import orgshare.shared.testing.Interleaving;
import org.junit.jupiter.api.Test;

import java.util.List;

import static orgshare.shared.service.ExchangeFixture.code;
import static orgshare.shared.service.ExchangeFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Races with a deterministic interleaving: another request's write runs between a request's authorizing read
 * (BatchGetItem) and its transaction. The transaction's conditions must refuse what the write made wrong. Each test
 * first asserts the race happened: the other write ran in between, and landed.
 */
class ConcurrentChangeRacesTest {
    private static final String READ = "BatchGetItem";
    private static final String WRITE = "TransactWriteItems";
    private final Interleaving race = new Interleaving();
    private final ExchangeFixture f = new ExchangeFixture(race);
    private final Caller owner = f.merchant("Owner");
    private final Caller partner = f.merchant("Partner");
    private final String g = f.group(owner, partner);

    private void assertRaced() {
        assertTrue(race.ran(), "the other write ran between the read and the transaction: " + race.log());
        List<String> log = race.log();
        assertEquals(READ, log.get(0), "the request read first: " + log);
        assertEquals(WRITE, log.get(log.size() - 1), "and wrote last: " + log);
    }

    private List<InboxService.InboxMessage> inbox() {
        return f.app.inbox().list(owner, null, null, null).items();
    }

    @Test
    void aPushRacingARuleChangeThatForbidsItIsNotDelivered() {
        long v = f.set(g, rule(owner, partner, "po", "NONE", null, null, true));
        race.arm(READ, WRITE, () -> f.app.rules().change(f.creator, g, new RuleService.RuleChanges(v,
                List.of(rule(owner, partner, "po", "NONE", null, null, false)), null)));
        assertEquals("CONCURRENT_CHANGE", code(() -> f.app.exchange().push(partner, g, owner.merchantId(), "po", "{\"n\":1}")));
        assertRaced();
        assertEquals(v + 1, f.version(g), "the rule change landed");
        assertTrue(inbox().isEmpty(), "nothing delivered under the rules version the push was not authorized by");
        assertEquals("PUSH_NOT_ALLOWED", code(() -> f.app.exchange().push(partner, g, owner.merchantId(), "po", "{\"n\":1}")));
    }

    @Test
    void aPushRacingADissolveIsNotDelivered() {
        f.set(g, rule(owner, partner, "po", "NONE", null, null, true));
        race.arm(READ, WRITE, () -> f.app.memberships().dissolve(f.creator, g));
        assertEquals("CONCURRENT_CHANGE", code(() -> f.app.exchange().push(partner, g, owner.merchantId(), "po", "{\"n\":1}")));
        assertRaced();
        assertEquals("GROUP_DISSOLVED", code(() -> f.app.groups().get(owner, g, null, null)), "the dissolve landed");
        assertTrue(inbox().isEmpty(), "nothing delivered into a dissolved group's exchange");
        assertTrue(f.app.audit().list(owner, null, null).events().stream().noneMatch(e -> "PUSH".equals(e.action())),
                "nor audited");
    }

    @Test
    void aRuleBatchRacingALeaveOfAMemberItNamesChangesNothing() {
        long v = f.version(g);
        race.arm(READ, WRITE, () -> f.app.memberships().leave(partner, g, "me"));
        assertEquals("MEMBER_NOT_ACTIVE", code(() -> f.app.rules().change(f.creator, g, new RuleService.RuleChanges(v,
                List.of(rule(owner, partner, "order", "FULL")), null))));
        assertRaced();
        assertTrue(f.snapshot().stream().noneMatch(item -> item.contains("RULE#")), "no rule bound to the leaver's membership");
        assertEquals(v, f.version(g), "the version did not move");
        assertEquals("GROUP_NOT_FOUND", code(() -> f.pull(partner, g, owner, "order")), "the leave landed");
        f.join(g, partner);
        assertEquals("NOT_SHARED", code(() -> f.pull(partner, g, owner, "order")), "re-joined, it inherits nothing");
    }
}
