package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import orgshare.shared.testing.LargeGroup;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static orgshare.shared.service.ExchangeFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cleanup works within a time budget: when its "keep going" says stop, it answers {@code complete: false} and
 * leaves the rest where the next run finds it; the next runs finish the work, and then there is nothing to do.
 */
class CleanupResumesTest {
    /** A budget that says yes {@code times} times, then no: time running out at a point the test chooses. */
    private static BooleanSupplier budget(int times) {
        AtomicInteger left = new AtomicInteger(times);
        return () -> left.getAndDecrement() > 0;
    }

    @Test
    void aRunThatStopsForTimeIsIncompleteAndTheNextRunsFinish() {
        ExchangeFixture f = new ExchangeFixture();
        Caller partner = f.merchant("Partner");
        Caller leaver = f.merchant("Leaver");
        String first = f.group(partner);
        String second = f.group(partner);
        String kept = f.group(partner, leaver);
        LargeGroup.addMembersWithRules(f.app.table(), first, partner.merchantId(), 40);
        LargeGroup.addMembersWithRules(f.app.table(), second, partner.merchantId(), 40);
        f.set(kept, rule(leaver, partner, "order", "FULL"));
        f.app.memberships().dissolve(f.creator, first);
        f.app.memberships().dissolve(f.creator, second);
        f.app.memberships().leave(leaver, kept, "me");

        CleanupService.CleanupReport stopped = f.app.cleanup().run(budget(0));
        assertFalse(stopped.complete(), "out of time at once: incomplete");
        assertEquals(0, stopped.groupsDeleted() + stopped.groupItemsDeleted() + stopped.departuresProcessed());

        // enough for the first group (one look at it, one page of its partition), not for the second
        CleanupService.CleanupReport partial = f.app.cleanup().run(budget(2));
        assertFalse(partial.complete(), "stopped for time: incomplete");
        assertEquals(1, partial.groupsDeleted());
        assertEquals(0, partial.departuresProcessed(), "the departures wait for the next run");
        assertFalse(snapshotHas(f, "GROUP#" + first), "the first group is gone");
        assertTrue(snapshotHas(f, "GROUP#" + second), "the second waits");

        CleanupService.CleanupReport rest = f.app.cleanup().run(() -> true);
        assertTrue(rest.complete(), "the next run finishes");
        assertEquals(1, rest.groupsDeleted());
        assertEquals(1, rest.departuresProcessed());
        assertEquals(1, rest.rulesDeleted(), "the leaver's rule");
        for (String g : List.of(first, second)) {
            assertFalse(snapshotHas(f, "GROUP#" + g), "nothing of a dissolved group is left");
        }
        assertTrue(snapshotHas(f, "GROUP#" + kept), "the other group stays");
        assertFalse(snapshotHas(f, "RULE#" + leaver.merchantId()), "the leaver's rule is gone");
        assertEquals(new CleanupService.CleanupReport(0, 0, 0, 0, true), f.app.cleanup().run(() -> true), "then nothing is left to do");
    }

    private static boolean snapshotHas(ExchangeFixture f, String text) {
        return f.snapshot().stream().anyMatch(item -> item.contains(text));
    }
}
