package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import orgshare.shared.testing.BeforeNextTransaction;
import orgshare.shared.error.ApiException;
import orgshare.shared.testing.CallCounter;
import org.junit.jupiter.api.Test;

import java.util.List;

import static orgshare.shared.service.ExchangeFixture.code;
import static orgshare.shared.service.ExchangeFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rule batch read a state that changes before its transaction lands: the creator is told what changed (the
 * version, the group, a member), not a bare "retry", and nothing of the batch is applied.
 */
class RuleChangeInterleavingTest {
    private final CallCounter calls = new CallCounter();
    private final BeforeNextTransaction between = new BeforeNextTransaction();
    private final ExchangeFixture f = new ExchangeFixture(calls, between);
    private final Caller a = f.merchant("A");
    private final Caller b = f.merchant("B");
    private final String g = f.group(a, b);

    private RuleService.RuleChanges orderRule(long version) {
        return new RuleService.RuleChanges(version, List.of(rule(a, b, "order", "FULL")), null);
    }

    @Test
    void aStaleVersionIsRefusedOnTheReadAloneWithoutTryingTheWrite() {
        f.set(g, rule(a, b, "stock", "FULL"));
        calls.reset();
        assertEquals("VERSION_CONFLICT", code(() -> f.app.rules().change(f.creator, g, orderRule(0))));
        assertEquals(List.of("BatchGetItem"), calls.calls(), "one read, no transaction attempted");
        assertEquals(1, f.version(g));
    }

    @Test
    void anotherBatchLandingFirstIsAVersionConflict() {
        between.then(() -> f.set(g, rule(a, b, "stock", "FULL")));
        assertEquals("VERSION_CONFLICT", code(() -> f.app.rules().change(f.creator, g, orderRule(0))));
        assertEquals(1, f.version(g), "only the other batch");
        assertEquals(List.of("stock"), f.app.rules().list(b, g, null, null).rules().stream().map(RuleService.RuleView::type).toList());
    }

    @Test
    void aDissolveLandingFirstSaysTheGroupIsGone() {
        between.then(() -> f.app.memberships().dissolve(f.creator, g));
        ApiException gone = assertThrows(ApiException.class, () -> f.app.rules().change(f.creator, g, orderRule(0)));
        assertEquals("GROUP_DISSOLVED", gone.code());
        assertEquals(410, gone.status());
    }

    @Test
    void aNamedMemberLeavingFirstIsNamedInTheRefusal() {
        between.then(() -> f.app.memberships().leave(a, g, "me"));
        ApiException refused = assertThrows(ApiException.class, () -> f.app.rules().change(f.creator, g, orderRule(0)));
        assertEquals("MEMBER_NOT_ACTIVE", refused.code());
        assertTrue(refused.getMessage().contains(a.merchantId()), refused.getMessage());
        assertEquals(0, f.version(g), "nothing applied");
    }
}
