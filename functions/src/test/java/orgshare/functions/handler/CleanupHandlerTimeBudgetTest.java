package orgshare.functions.handler;

import orgshare.functions.CapturingContext;
import orgshare.shared.Orgshare;
import orgshare.shared.auth.Caller;
import orgshare.shared.service.CleanupService;
import orgshare.shared.service.CloudService;
import orgshare.shared.service.GroupService;
import orgshare.shared.service.MembershipService;
import orgshare.shared.service.MerchantService;
import orgshare.shared.testing.DynamoDbLocal;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scheduled cleanup keeps a margin of the invocation's time to answer: with less time left than that margin (3 s)
 * it stops at once and says {@code complete: false}; the next invocation, with time, does the work.
 */
class CleanupHandlerTimeBudgetTest {
    @Test
    void anInvocationOutOfTimeLeavesTheWorkForTheNext() {
        Orgshare app = DynamoDbLocal.newApp(DynamoDbLocal.client(), Map.of());
        app.clouds().register(Caller.operator(), new CloudService.CreateCloud("acme", "Acme"));
        String creator = app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("acme", "Creator")).merchantId();
        String member = app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("acme", "Member")).merchantId();
        Caller owner = Caller.merchant(creator, "acme");
        String group = app.groups().create(owner, new GroupService.CreateGroup("Gone")).groupId();
        app.memberships().invite(owner, group, new MembershipService.InviteMember(member));
        app.memberships().dissolve(owner, group);
        CleanupHandler handler = new CleanupHandler(app);

        CleanupService.CleanupReport late = handler.handleRequest(Map.of(), new CapturingContext("late", 2_999));
        assertFalse(late.complete(), "within the 3 s margin: stop at once");
        assertEquals(new CleanupService.CleanupReport(0, 0, 0, 0, false), late, "and do nothing");

        CleanupService.CleanupReport next = handler.handleRequest(Map.of(), new CapturingContext("next", 60_000));
        assertTrue(next.complete());
        assertEquals(1, next.groupsDeleted());
        assertEquals(new CleanupService.CleanupReport(0, 0, 0, 0, true), handler.handleRequest(Map.of(), new CapturingContext("after", 60_000)));
    }
}
