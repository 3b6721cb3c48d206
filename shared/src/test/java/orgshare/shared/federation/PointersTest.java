package orgshare.shared.federation;

import orgshare.shared.Orgshare;
import orgshare.shared.auth.Caller;
import orgshare.shared.error.ApiException;
import orgshare.shared.service.CloudService;
import orgshare.shared.service.GroupService;
import orgshare.shared.service.MerchantService;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.testing.TableSnapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The member cloud's side of federation: pointers are taken only from the group's home, for merchants hosted here, never
 * into one of this deployment's own groups, and are dropped only by that home.
 */
class PointersTest {
    private static final String GROUP = "01JDGR0VP00000000000000001";
    private static final String CREATOR = "01JDMERCHANT00000000000001";
    private Orgshare app;
    private String tableName;
    private Caller alice;
    private final PeerCall home = call(Set.of("globex"), CREATOR, "globex");
    private final PeerCall otherPeer = call(Set.of("initech"), "01JDMERCHANT00000000000002", "initech");

    private static PeerCall call(Set<String> clouds, String merchant, String cloud) {
        return new PeerCall(new PeerService.Trusted(null, "sha256:x", clouds), merchant, cloud);
    }

    @BeforeEach
    void setUp() {
        tableName = DynamoDbLocal.newTable(DynamoDbLocal.client());
        app = Orgshare.create(DynamoDbLocal.client(), DynamoDbLocal.environment(Map.of(), tableName));
        app.clouds().register(Caller.operator(), new CloudService.CreateCloud("acme", "Acme"));
        MerchantService.MerchantView view = app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("acme", "Alice"));
        alice = Caller.merchant(view.merchantId(), "acme");
    }

    private Pointers.Invitation invitation(String groupId, String merchantId, String cloudId) {
        return new Pointers.Invitation(groupId, "Supply", CREATOR, "globex", merchantId, cloudId, "2026-11-30T09:00:00.000Z");
    }

    private List<String> table() {
        return TableSnapshot.of(DynamoDbLocal.client(), tableName);
    }

    @Test
    void anInvitationFromTheHomeListsTheGroupWithItsHomeAndIsIdempotent() {
        assertEquals("INVITED", app.pointers().receiveInvitation(home, invitation(GROUP, alice.merchantId(), "acme")).status());
        int items = table().size();
        app.pointers().receiveInvitation(home, invitation(GROUP, alice.merchantId(), "acme"));
        assertEquals(items, table().size(), "the same invitation again keeps the one pointer");
        GroupService.MyGroup listed = app.groups().listMine(alice, null, null).groups().get(0);
        assertEquals(new GroupService.MyGroup(GROUP, "Supply", CREATOR, "ACTIVE", "MEMBER", "INVITED", "globex"), listed);
        assertEquals("globex", app.pointers().pointer(GROUP, alice.merchantId()).getHomeCloudId());
    }

    @Test
    void anInvitationIsRefusedAndWritesNothingUnlessItIsTheHomesForAMerchantHostedHere() {
        String own = app.groups().create(alice, new GroupService.CreateGroup("Alice's own")).groupId();
        List<String> before = table();
        assertEquals("GROUP_CONFLICT", assertThrows(ApiException.class,
                () -> app.pointers().receiveInvitation(home, invitation(own, alice.merchantId(), "acme"))).code());
        assertEquals("MERCHANT_NOT_FOUND", assertThrows(ApiException.class,
                () -> app.pointers().receiveInvitation(home, invitation(GROUP, alice.merchantId(), "other"))).code());
        assertEquals("MERCHANT_NOT_FOUND", assertThrows(ApiException.class,
                () -> app.pointers().receiveInvitation(home, invitation(GROUP, "01JDMERCHANT00000000000009", "acme"))).code());
        assertEquals("NOT_PEER_CLOUD", assertThrows(ApiException.class,
                () -> app.pointers().receiveInvitation(otherPeer, invitation(GROUP, alice.merchantId(), "acme"))).code());
        assertEquals("MERCHANT_MISMATCH", assertThrows(ApiException.class,
                () -> app.pointers().receiveInvitation(call(Set.of("globex"), "01JDMERCHANT00000000000003", "globex"),
                        invitation(GROUP, alice.merchantId(), "acme"))).code());
        assertEquals(before, table());
    }

    @Test
    void onlyTheHomeDropsItsPointersAndItsRuleChangesReachOnlyItsMembersLogs() {
        app.pointers().receiveInvitation(home, invitation(GROUP, alice.merchantId(), "acme"));
        Pointers.Notice changed = new Pointers.Notice(Pointers.RULES_CHANGED, GROUP, alice.merchantId(),
                "01JDEVENT00000000000000001", "2026-11-30T10:00:00.000Z", CREATOR, 3L, "[{\"op\":\"REMOVE\"}]");
        app.pointers().receiveNotice(otherPeer, changed);
        assertTrue(app.audit().list(alice, null, null).events().isEmpty(), "another peer writes nothing into alice's log");
        app.pointers().receiveNotice(home, changed);
        app.pointers().receiveNotice(home, changed);
        assertEquals(1, app.audit().list(alice, null, null).events().size(), "the home's event, once");
        assertEquals("globex", app.audit().list(alice, null, null).events().get(0).peerCloudId());

        assertEquals(0, app.pointers().receiveNotice(otherPeer, new Pointers.Notice(Pointers.DISSOLVED, GROUP, null)).dropped());
        assertEquals(0, app.pointers().receiveNotice(otherPeer, Pointers.Notice.departed(GROUP, alice.merchantId(),
                "2026-11-30T10:00:00.000Z")).dropped());
        assertEquals(0, app.pointers().receiveNotice(home, Pointers.Notice.departed(GROUP, alice.merchantId(),
                "2026-11-30T08:59:59.999Z")).dropped(), "a departure from before this invitation leaves it alone");
        assertEquals("globex", app.pointers().pointer(GROUP, alice.merchantId()).getHomeCloudId());
        assertEquals(1, app.pointers().receiveNotice(home, new Pointers.Notice(Pointers.DISSOLVED, GROUP, null)).dropped());
        assertNull(app.pointers().pointer(GROUP, alice.merchantId()));
        app.pointers().receiveInvitation(home, invitation(GROUP, alice.merchantId(), "acme"));
        assertEquals(1, app.pointers().receiveNotice(home, Pointers.Notice.departed(GROUP, alice.merchantId(),
                "2026-11-30T09:00:00.001Z")).dropped(), "a departure after the invitation drops it");
        assertNull(app.pointers().pointer(GROUP, alice.merchantId()));
        assertTrue(app.groups().listMine(alice, null, null).groups().isEmpty());
        assertEquals(0, app.pointers().receiveNotice(home, new Pointers.Notice(Pointers.DISSOLVED, GROUP, null)).dropped(),
                "idempotent");
        assertEquals("VALIDATION_FAILED", assertThrows(ApiException.class,
                () -> app.pointers().receiveNotice(home, new Pointers.Notice("EXPLODE", GROUP, null))).code());
    }

    @Test
    void backoffGrowsFromThirtySecondsToAnHourWithAFifthOfJitterAtMost() {
        for (int attempts = 1; attempts < 30; attempts++) {
            Duration base = Duration.ofSeconds(30).multipliedBy(1L << Math.min(attempts - 1, 20));
            Duration capped = base.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : base;
            Duration wait = Outbox.backoff(attempts);
            assertTrue(wait.compareTo(capped) >= 0 && wait.compareTo(capped.plus(capped.dividedBy(5)).plusMillis(1)) <= 0,
                    attempts + ": " + wait);
        }
    }
}
