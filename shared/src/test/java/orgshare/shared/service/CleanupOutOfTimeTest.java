package orgshare.shared.service;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A cleanup that runs out of time stops before it deletes a group item, says it is incomplete, and the next run ends it. */
class CleanupOutOfTimeTest {
    @Test
    void aGroupLeftHalfWayIsFinishedByTheNextRun() {
        ExchangeFixture f = new ExchangeFixture();
        String g = f.group(f.merchant("Member"));
        f.app.memberships().dissolve(f.creator, g);
        AtomicInteger checks = new AtomicInteger();
        // time for the group's turn, none for its partition
        assertEquals(new CleanupService.CleanupReport(0, 0, 0, 0, false), f.app.cleanup().run(() -> checks.incrementAndGet() < 2));
        assertEquals("GROUP_DISSOLVED", ExchangeFixture.code(() -> f.app.groups().get(f.creator, g, null, null)), "the group item stays");
        assertEquals(new CleanupService.CleanupReport(1, 3, 0, 0, true), f.app.cleanup().run(() -> true));
    }
}
