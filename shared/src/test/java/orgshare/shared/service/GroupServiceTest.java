package orgshare.shared.service;

import orgshare.shared.Orgshare;
import orgshare.shared.auth.Caller;
import orgshare.shared.error.ApiException;
import orgshare.shared.ids.Ids;
import orgshare.shared.model.GroupItem;
import orgshare.shared.model.MemberItem;
import orgshare.shared.testing.CallCounter;
import orgshare.shared.testing.DynamoDbLocal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Groups against DynamoDB Local: paging, link IDs, visibility and the round trips each read costs. */
class GroupServiceTest {
    private final CallCounter calls = new CallCounter();
    private final Ids ids = new Ids(Clock.systemUTC());
    private Orgshare app;
    private Caller alice;
    private Caller bob;

    @BeforeEach
    void setUp() {
        app = DynamoDbLocal.newApp(DynamoDbLocal.client(calls), Map.of());
        app.clouds().register(Caller.operator(), new CloudService.CreateCloud("acme", "Acme"));
        alice = merchant("Alice");
        bob = merchant("Bob");
    }

    private Caller merchant(String name) {
        MerchantService.MerchantView view = app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("acme", name));
        return Caller.merchant(view.merchantId(), "acme");
    }

    /** Writes a member item as the membership issue's join will; this issue only needs it to exist. */
    private MemberItem addMember(String groupId, Caller who, String status) {
        MemberItem member = MemberItem.create(groupId, who.merchantId(), "acme", MemberItem.MEMBER, status, ids.get(), "2026-11-25T00:00:00.000Z");
        app.table().members().putItem(member);
        return member;
    }

    @Test
    void createIsOneTransactionAndReadsAreTwoRoundTrips() {
        calls.reset();
        String groupId = app.groups().create(alice, new GroupService.CreateGroup("G")).groupId();
        assertEquals(List.of("TransactWriteItems"), calls.calls());

        calls.reset();
        app.groups().get(alice, groupId, null, null);
        assertEquals(List.of("BatchGetItem", "Query"), calls.calls());

        calls.reset();
        app.groups().listMine(alice, null, null);
        assertEquals(List.of("Query", "BatchGetItem"), calls.calls());

        calls.reset();
        app.merchants().me(alice);
        assertEquals(List.of("GetItem"), calls.calls());
    }

    @Test
    void membersArePagedWithoutGapsOrRepeats() {
        String groupId = app.groups().create(alice, new GroupService.CreateGroup("Big")).groupId();
        Set<String> expected = new HashSet<>(Set.of(alice.merchantId()));
        for (int i = 0; i < 11; i++) {
            Caller m = Caller.merchant(ids.get(), "acme");
            addMember(groupId, m, MemberItem.ACTIVE);
            expected.add(m.merchantId());
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            GroupService.GroupDetail page = app.groups().get(alice, groupId, "4", cursor);
            assertTrue(page.members().size() <= 4);
            page.members().forEach(m -> seen.add(m.merchantId()));
            cursor = page.cursor();
            pages++;
        } while (cursor != null && pages < 10);
        assertEquals(expected.size(), seen.size(), "no repeats");
        assertEquals(expected, new HashSet<>(seen), "no gaps");
        assertTrue(pages >= 3 && pages <= 4, "pages: " + pages);
    }

    @Test
    void linkIdsAreSymmetricPerPairAndChangeWithANewMembership() {
        String groupId = app.groups().create(alice, new GroupService.CreateGroup("Pair")).groupId();
        addMember(groupId, bob, MemberItem.ACTIVE);
        Caller carol = merchant("Carol");
        addMember(groupId, carol, MemberItem.ACTIVE);

        Map<String, String> fromAlice = links(alice, groupId);
        Map<String, String> fromBob = links(bob, groupId);
        Map<String, String> fromCarol = links(carol, groupId);
        assertNull(fromAlice.get(alice.merchantId()));
        assertEquals(fromAlice.get(bob.merchantId()), fromBob.get(alice.merchantId()));
        assertEquals(fromAlice.get(carol.merchantId()), fromCarol.get(alice.merchantId()));
        assertEquals(fromBob.get(carol.merchantId()), fromCarol.get(bob.merchantId()));
        assertEquals(3, new HashSet<>(List.of(fromAlice.get(bob.merchantId()), fromAlice.get(carol.merchantId()),
                fromBob.get(carol.merchantId()))).size(), "each pair has its own link");

        // a new membership of Bob (leave and re-join) is a new relationship
        addMember(groupId, bob, MemberItem.ACTIVE);
        assertNotEquals(fromAlice.get(bob.merchantId()), links(alice, groupId).get(bob.merchantId()));
        assertEquals(fromAlice.get(carol.merchantId()), links(alice, groupId).get(carol.merchantId()));
    }

    private Map<String, String> links(Caller who, String groupId) {
        Map<String, String> links = new java.util.HashMap<>();
        for (GroupService.MemberView m : app.groups().get(who, groupId, null, null).members()) {
            if (m.linkId() != null) {
                links.put(m.merchantId(), m.linkId());
            } else {
                assertEquals(who.merchantId(), m.merchantId(), "only the caller's own entry has no link");
            }
        }
        return links;
    }

    @Test
    void myGroupsArePagedAndShowRoleAndStatus() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(app.groups().create(alice, new GroupService.CreateGroup("G" + i)).groupId());
        }
        String bobsGroup = app.groups().create(bob, new GroupService.CreateGroup("Bob's")).groupId();
        addMember(bobsGroup, alice, MemberItem.INVITED);

        List<GroupService.MyGroup> all = new ArrayList<>();
        String cursor = null;
        do {
            GroupService.MyGroups page = app.groups().listMine(alice, "2", cursor);
            assertTrue(page.groups().size() <= 2);
            all.addAll(page.groups());
            cursor = page.cursor();
        } while (cursor != null);
        assertEquals(6, all.size());
        assertEquals(6, all.stream().map(GroupService.MyGroup::groupId).distinct().count());
        GroupService.MyGroup invited = all.stream().filter(g -> g.groupId().equals(bobsGroup)).findFirst().orElseThrow();
        assertEquals("MEMBER", invited.role());
        assertEquals("INVITED", invited.memberStatus());
        assertEquals(bob.merchantId(), invited.creatorId());
        assertTrue(all.stream().filter(g -> created.contains(g.groupId())).allMatch(g -> g.role().equals("CREATOR")));
    }

    @Test
    void outsidersSeeNothingAndDissolvedGroupsAreGone() {
        String groupId = app.groups().create(alice, new GroupService.CreateGroup("Private")).groupId();
        ApiException outsider = assertThrows(ApiException.class, () -> app.groups().get(bob, groupId, null, null));
        assertEquals(404, outsider.status());

        GroupItem group = app.table().groups().getItem(r -> r.key(k -> k.partitionValue("GROUP#" + groupId).sortValue("GROUP")));
        group.setStatus(GroupItem.DISSOLVED);
        app.table().groups().putItem(group);
        ApiException gone = assertThrows(ApiException.class, () -> app.groups().get(alice, groupId, null, null));
        assertEquals(410, gone.status());
        assertEquals("GROUP_DISSOLVED", gone.code());
        assertTrue(app.groups().listMine(alice, null, null).groups().isEmpty());
        // an outsider still cannot tell the group ever existed
        assertEquals(404, assertThrows(ApiException.class, () -> app.groups().get(bob, groupId, null, null)).status());
    }

    @Test
    void theCreatorIsTheFirstActiveMember() {
        GroupService.GroupView view = app.groups().create(alice, new GroupService.CreateGroup("Mine"));
        GroupService.GroupDetail detail = app.groups().get(alice, view.groupId(), null, null);
        assertEquals(1, detail.memberCount());
        assertEquals(alice.merchantId(), detail.creatorId());
        GroupService.MemberView creator = detail.members().get(0);
        assertEquals("CREATOR", creator.role());
        assertEquals("ACTIVE", creator.status());
        assertEquals("acme", creator.cloudId());
        assertNotNull(view.groupId());
    }
}
