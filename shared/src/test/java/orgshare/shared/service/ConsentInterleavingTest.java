package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import orgshare.shared.testing.BeforeNextTransaction;
import org.junit.jupiter.api.Test;

import java.util.List;

import static orgshare.shared.service.ExchangeFixture.code;
import static orgshare.shared.service.ExchangeFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cap changes between what a request read and its write: a push authorized under the old caps does not land, a
 * cap batch read at a version another batch moved is a version conflict, and an owner who left meanwhile changes
 * nothing. Caps hold from the request after the change, including the one already in flight.
 */
class ConsentInterleavingTest {
    private final BeforeNextTransaction between = new BeforeNextTransaction();
    private final ExchangeFixture f = new ExchangeFixture(between);
    private final Caller owner = f.creator;
    private final Caller partner = f.merchant("Partner");
    private final Caller other = f.merchant("Other");
    private final String g = f.group(partner, other);

    private ConsentService.ConsentChanges noPushes(long version) {
        return new ConsentService.ConsentChanges(version, List.of(
                new ConsentService.CapInput(partner.merchantId(), "*", "FULL", null, null, false)), null);
    }

    private int inboxSize() {
        return f.app.inbox().list(owner, null, null, null).items().size();
    }

    @Test
    void aPushAuthorizedBeforeACapThatRefusesItDoesNotLand() {
        f.set(g, rule(owner, "*", "purchase-order", "NONE", null, null, true));
        between.then(() -> f.app.consent().change(owner, g, noPushes(0)));
        assertEquals("CONCURRENT_CHANGE", code(() -> f.app.exchange().push(partner, g, owner.merchantId(), "purchase-order", "{\"po\":1}")));
        assertEquals(0, inboxSize(), "nothing delivered");
        assertEquals("PUSH_NOT_ALLOWED", code(() -> f.app.exchange().push(partner, g, owner.merchantId(), "purchase-order", "{\"po\":2}")),
                "and the next push is refused on the cap");
        // another partner, whom the cap does not name, still pushes; a cap change that allows it again holds at once
        f.app.exchange().push(other, g, owner.merchantId(), "purchase-order", "{\"po\":3}");
        f.app.consent().change(owner, g, new ConsentService.ConsentChanges(1L, null,
                List.of(new ConsentService.CapRef(partner.merchantId(), "*"))));
        f.app.exchange().push(partner, g, owner.merchantId(), "purchase-order", "{\"po\":4}");
        assertEquals(2, inboxSize());
    }

    @Test
    void anotherCapBatchLandingFirstIsAVersionConflictAndNothingOfTheLaterOneApplies() {
        between.then(() -> f.app.consent().change(owner, g, noPushes(0)));
        ConsentService.ConsentChanges summary = new ConsentService.ConsentChanges(0L, List.of(
                new ConsentService.CapInput("*", "order", "SUMMARY", null, null, null)), null);
        assertEquals("VERSION_CONFLICT", code(() -> f.app.consent().change(owner, g, summary)));
        ConsentService.ConsentPage caps = f.app.consent().list(owner, g, null, null, null);
        assertEquals(1, caps.version());
        assertEquals(List.of(partner.merchantId()), caps.caps().stream().map(ConsentService.CapView::partnerId).toList());
    }

    @Test
    void anOwnerLeavingFirstChangesNothing() {
        between.then(() -> f.app.memberships().leave(partner, g, "me"));
        String refused = code(() -> f.app.consent().change(partner, g, new ConsentService.ConsentChanges(0L, List.of(
                new ConsentService.CapInput("*", "*", "NONE", null, null, null)), null)));
        assertEquals("GROUP_NOT_FOUND", refused);
        assertTrue(f.snapshot().stream().noneMatch(item -> item.contains("CAP#")), "no cap was written");
    }
}
