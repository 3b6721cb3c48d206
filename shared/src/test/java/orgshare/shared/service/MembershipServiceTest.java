package orgshare.shared.service;

import orgshare.shared.Orgshare;
import orgshare.shared.auth.Caller;
import orgshare.shared.db.Keys;
import orgshare.shared.db.TableDefinition;
import orgshare.shared.error.ApiException;
import orgshare.shared.model.MemberItem;
import orgshare.shared.testing.CallCounter;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.testing.FaultInjector;
import orgshare.shared.testing.TableSnapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The membership lifecycle and its races, run for real with threads against DynamoDB Local. */
class MembershipServiceTest {
    private final CallCounter calls = new CallCounter();
    private final FaultInjector faults = new FaultInjector();
    private Orgshare app;
    private Caller creator;

    @BeforeEach
    void setUp() {
        app = DynamoDbLocal.newApp(DynamoDbLocal.client(calls, faults), Map.of());
        app.clouds().register(Caller.operator(), new CloudService.CreateCloud("acme", "Acme"));
        creator = merchant("Creator");
    }

    private Caller merchant(String name) {
        MerchantService.MerchantView view = app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("acme", name));
        return Caller.merchant(view.merchantId(), "acme");
    }

    private String group() {
        return app.groups().create(creator, new GroupService.CreateGroup("Network")).groupId();
    }

    private void inviteAndJoin(String groupId, Caller who) {
        app.memberships().invite(creator, groupId, new MembershipService.InviteMember(who.merchantId()));
        app.memberships().join(who, groupId);
    }

    private static int status(Runnable call) {
        try {
            call.run();
            return 200;
        } catch (ApiException e) {
            return e.status();
        }
    }

    private static String code(Runnable call) {
        return assertThrows(ApiException.class, call::run).code();
    }

    private List<Map<String, AttributeValue>> partition(String groupId) {
        return app.table().client().query(QueryRequest.builder().tableName(app.table().name())
                .keyConditionExpression("pk = :pk").consistentRead(true)
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(Keys.group(groupId)))).build()).items();
    }

    private Map<String, String> memberStatuses(String groupId) {
        Map<String, String> statuses = new HashMap<>();
        partition(groupId).stream().filter(i -> i.get(TableDefinition.SK).s().startsWith(Keys.MEMBER_PREFIX))
                .forEach(i -> statuses.put(i.get("merchantId").s(), i.get("status").s()));
        return statuses;
    }

    private long memberItems(String groupId) {
        return partition(groupId).stream().filter(i -> i.get(TableDefinition.SK).s().startsWith(Keys.MEMBER_PREFIX)).count();
    }

    private int memberCount(String groupId) {
        return partition(groupId).stream().filter(i -> i.get(TableDefinition.SK).s().equals(Keys.GROUP_SK))
                .findFirst().map(i -> Integer.parseInt(i.get("memberCount").n())).orElse(-1);
    }

    @Test
    void inviteJoinLeaveAndRemove() {
        String groupId = group();
        Caller bob = merchant("Bob");
        Caller carol = merchant("Carol");

        assertEquals(new MembershipService.MemberState(bob.merchantId(), "INVITED"),
                app.memberships().invite(creator, groupId, new MembershipService.InviteMember(bob.merchantId())));
        assertEquals("INVITED", app.groups().get(bob, groupId, null, null).members().stream()
                .filter(m -> m.merchantId().equals(bob.merchantId())).findFirst().orElseThrow().status());
        assertEquals("ALREADY_MEMBER", code(() -> app.memberships().invite(creator, groupId, new MembershipService.InviteMember(bob.merchantId()))));
        assertEquals("ALREADY_MEMBER", code(() -> app.memberships().invite(creator, groupId, new MembershipService.InviteMember(creator.merchantId()))));
        assertEquals("MERCHANT_NOT_FOUND", code(() -> app.memberships().invite(creator, groupId, new MembershipService.InviteMember("01JDMERCHANT000000000000ZZ"))));
        assertEquals("FORBIDDEN", code(() -> app.memberships().invite(bob, groupId, new MembershipService.InviteMember(carol.merchantId()))));
        assertEquals("GROUP_NOT_FOUND", code(() -> app.memberships().invite(carol, groupId, new MembershipService.InviteMember(carol.merchantId()))));
        assertEquals("GROUP_NOT_FOUND", code(() -> app.memberships().join(carol, groupId)));

        assertEquals(new MembershipService.MemberState(bob.merchantId(), "ACTIVE"), app.memberships().join(bob, groupId));
        assertEquals("ALREADY_MEMBER", code(() -> app.memberships().join(bob, groupId)));
        assertEquals(2, app.groups().get(creator, groupId, null, null).memberCount());
        assertTrue(app.groups().listMine(bob, null, null).groups().stream().anyMatch(g -> g.groupId().equals(groupId) && g.memberStatus().equals("ACTIVE")));

        inviteAndJoin(groupId, carol);
        assertEquals("FORBIDDEN", code(() -> app.memberships().leave(bob, groupId, carol.merchantId())));
        assertEquals("CREATOR_CANNOT_LEAVE", code(() -> app.memberships().leave(creator, groupId, "me")));
        assertEquals("FORBIDDEN", code(() -> app.memberships().leave(bob, groupId, creator.merchantId())), "only the creator removes others");

        app.memberships().leave(bob, groupId, "me");
        assertEquals("GROUP_NOT_FOUND", code(() -> app.groups().get(bob, groupId, null, null)));
        assertTrue(app.groups().listMine(bob, null, null).groups().isEmpty());
        app.memberships().leave(creator, groupId, carol.merchantId());
        assertEquals("GROUP_NOT_FOUND", code(() -> app.groups().get(carol, groupId, null, null)));
        assertEquals("MEMBER_NOT_FOUND", code(() -> app.memberships().leave(creator, groupId, carol.merchantId())));
        GroupService.GroupDetail detail = app.groups().get(creator, groupId, null, null);
        assertEquals(1, detail.memberCount());
        assertEquals(List.of(creator.merchantId()), detail.members().stream().map(GroupService.MemberView::merchantId).toList());
    }

    @Test
    void anInviteeMayDeclineByLeaving() {
        String groupId = group();
        Caller bob = merchant("Bob");
        app.memberships().invite(creator, groupId, new MembershipService.InviteMember(bob.merchantId()));
        app.memberships().leave(bob, groupId, "me");
        assertEquals("GROUP_NOT_FOUND", code(() -> app.memberships().join(bob, groupId)));
        assertEquals(1, memberCount(groupId));
    }

    @Test
    void aNewMembershipGetsANewLinkId() {
        String groupId = group();
        Caller bob = merchant("Bob");
        inviteAndJoin(groupId, bob);
        String before = linkTo(bob, groupId);
        assertEquals(before, app.groups().get(bob, groupId, null, null).members().stream()
                .filter(m -> m.merchantId().equals(creator.merchantId())).findFirst().orElseThrow().linkId(), "both sides see one link");
        app.memberships().leave(bob, groupId, "me");
        inviteAndJoin(groupId, bob);
        assertNotEquals(before, linkTo(bob, groupId));
    }

    private String linkTo(Caller who, String groupId) {
        return app.groups().get(creator, groupId, null, null).members().stream()
                .filter(m -> m.merchantId().equals(who.merchantId())).findFirst().orElseThrow().linkId();
    }

    @Test
    void roundTripsOfEachChange() {
        String groupId = group();
        Caller bob = merchant("Bob");
        calls.reset();
        app.memberships().invite(creator, groupId, new MembershipService.InviteMember(bob.merchantId()));
        assertEquals(List.of("GetItem", "TransactWriteItems"), calls.calls());
        calls.reset();
        app.memberships().join(bob, groupId);
        assertEquals(List.of("TransactWriteItems"), calls.calls());
        calls.reset();
        app.memberships().leave(bob, groupId, "me");
        assertEquals(List.of("TransactWriteItems"), calls.calls());
        calls.reset();
        app.memberships().dissolve(creator, groupId);
        assertEquals(List.of("UpdateItem"), calls.calls(), "one conditional write; the cleanup deletes");
    }

    @Test
    void dissolvedMeansNothingWorksAndCleanupLeavesNothing() {
        String groupId = group();
        String otherGroup = group();
        Caller bob = merchant("Bob");
        Caller carol = merchant("Carol");
        inviteAndJoin(groupId, bob);
        app.memberships().invite(creator, groupId, new MembershipService.InviteMember(carol.merchantId()));
        inviteAndJoin(otherGroup, bob);
        List<Map<String, AttributeValue>> otherBefore = partition(otherGroup);

        assertEquals("FORBIDDEN", code(() -> app.memberships().dissolve(bob, groupId)));
        app.memberships().dissolve(creator, groupId);

        for (Caller who : List.of(creator, bob, carol)) {
            assertEquals("GROUP_DISSOLVED", code(() -> app.groups().get(who, groupId, null, null)), "read after dissolve");
            assertTrue(app.groups().listMine(who, null, null).groups().stream().noneMatch(g -> g.groupId().equals(groupId)));
        }
        assertTrue(status(() -> app.memberships().join(carol, groupId)) >= 400);
        assertTrue(status(() -> app.memberships().invite(creator, groupId, new MembershipService.InviteMember(carol.merchantId()))) >= 400);
        assertTrue(status(() -> app.memberships().leave(bob, groupId, "me")) >= 400);
        assertTrue(status(() -> app.memberships().dissolve(creator, groupId)) >= 400);
        assertEquals(3, memberItems(groupId), "the memberships are left to the cleanup, and none of them works");

        CleanupService.CleanupReport report = app.cleanup().run(() -> true);
        assertTrue(report.complete());
        assertEquals(1, report.groupsDeleted());
        assertEquals(List.of(), partition(groupId), "nothing of the group remains");
        assertEquals(otherBefore, partition(otherGroup), "another group is untouched");
        assertEquals(new CleanupService.CleanupReport(0, 0, 0, 0, true), app.cleanup().run(() -> true), "a second run does nothing");
    }

    @Test
    void joinsRacingADissolveNeverLandAfterIt() throws Exception {
        for (int r = 0; r < 3; r++) {
            int round = r;
            String groupId = group();
            List<Caller> joiners = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Caller m = merchant("Joiner " + i);
                app.memberships().invite(creator, groupId, new MembershipService.InviteMember(m.merchantId()));
                joiners.add(m);
            }
            ExecutorService pool = Executors.newFixedThreadPool(13);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> joins = new ArrayList<>();
            for (Caller m : joiners) {
                joins.add(pool.submit(() -> {
                    start.await();
                    return status(() -> app.memberships().join(m, groupId));
                }));
            }
            Future<Integer> dissolve = pool.submit(() -> {
                start.await();
                Thread.sleep(round * 3L);
                return status(() -> app.memberships().dissolve(creator, groupId));
            });
            start.countDown();
            assertEquals(200, dissolve.get(30, TimeUnit.SECONDS));
            // the dissolve returned: whichever joins landed before it, none may land from now on
            Map<String, String> atDissolve = memberStatuses(groupId);
            for (Future<Integer> join : joins) {
                int s = join.get(30, TimeUnit.SECONDS);
                assertTrue(s == 200 || s == 404 || s == 409 || s == 410, "join answered " + s);
            }
            pool.shutdown();
            assertEquals(atDissolve, memberStatuses(groupId), "no join landed after the dissolve, round " + round);
            app.cleanup().run(() -> true);
            assertEquals(List.of(), partition(groupId));
        }
    }

    @Test
    void interleavedJoinsAndLeavesKeepTheCountEqualToTheMemberItems() throws Exception {
        String groupId = group();
        List<Caller> merchants = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            merchants.add(merchant("M" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Random random = new Random(42 + t);
            work.add(pool.submit(() -> {
                for (int i = 0; i < 25; i++) {
                    Caller m = merchants.get(random.nextInt(merchants.size()));
                    switch (random.nextInt(3)) {
                        case 0 -> status(() -> app.memberships().invite(creator, groupId, new MembershipService.InviteMember(m.merchantId())));
                        case 1 -> status(() -> app.memberships().join(m, groupId));
                        default -> status(() -> app.memberships().leave(m, groupId, "me"));
                    }
                    if (i % 5 == 0) {
                        // a consistent read of the partition is one snapshot of both
                        List<Map<String, AttributeValue>> items = partition(groupId);
                        long members = items.stream().filter(x -> x.get(TableDefinition.SK).s().startsWith(Keys.MEMBER_PREFIX)).count();
                        int count = items.stream().filter(x -> x.get(TableDefinition.SK).s().equals(Keys.GROUP_SK))
                                .findFirst().map(x -> Integer.parseInt(x.get("memberCount").n())).orElseThrow();
                        assertEquals(members, count);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(memberItems(groupId), memberCount(groupId));
        assertEquals(memberItems(groupId), app.groups().get(creator, groupId, null, null).memberCount().longValue());
    }

    @Test
    void afterLeaveOrDissolveReturnsEveryLaterRequestIsRefused() {
        String groupId = group();
        Caller bob = merchant("Bob");
        inviteAndJoin(groupId, bob);
        app.memberships().leave(bob, groupId, "me");
        assertEquals(404, status(() -> app.groups().get(bob, groupId, null, null)));
        assertEquals(404, status(() -> app.memberships().join(bob, groupId)));
        assertEquals(404, status(() -> app.memberships().leave(bob, groupId, "me")));
        assertEquals(404, status(() -> app.memberships().invite(bob, groupId, new MembershipService.InviteMember(bob.merchantId()))));

        Caller carol = merchant("Carol");
        inviteAndJoin(groupId, carol);
        app.memberships().dissolve(creator, groupId); // the call deletes nothing itself this time
        int get = status(() -> app.groups().get(carol, groupId, null, null));
        assertEquals(410, get, "a member still listed sees the group as dissolved");
        assertEquals(410, status(() -> app.memberships().leave(carol, groupId, "me")));
        assertEquals(410, status(() -> app.memberships().invite(creator, groupId, new MembershipService.InviteMember(bob.merchantId()))));
    }

    /** A rule item as the rules issue stores them: keyed by owner, findable by partner, bound to both memberships. */
    private void putRule(String groupId, Caller owner, Caller partner) {
        Map<String, String> memberships = new HashMap<>();
        for (GroupService.MemberView m : app.groups().get(creator, groupId, "100", null).members()) {
            memberships.put(m.merchantId(), membershipIdOf(groupId, m.merchantId()));
        }
        Map<String, AttributeValue> rule = new HashMap<>();
        rule.put("pk", AttributeValue.fromS(Keys.group(groupId)));
        rule.put("sk", AttributeValue.fromS(Keys.rulesOfOwner(owner.merchantId()) + partner.merchantId() + "#order"));
        rule.put("gsi1pk", AttributeValue.fromS(Keys.rulesForPartner(groupId, partner.merchantId())));
        rule.put("gsi1sk", rule.get("sk"));
        rule.put("ownerMembershipId", AttributeValue.fromS(memberships.get(owner.merchantId())));
        rule.put("partnerMembershipId", AttributeValue.fromS(memberships.get(partner.merchantId())));
        app.table().client().putItem(b -> b.tableName(app.table().name()).item(rule));
    }

    private String membershipIdOf(String groupId, String merchantId) {
        MemberItem m = app.table().members().getItem(r -> r.key(k -> k.partitionValue(Keys.group(groupId)).sortValue(Keys.member(merchantId))));
        return m.getMembershipId();
    }

    private long rules(String groupId) {
        return partition(groupId).stream().filter(i -> i.get(TableDefinition.SK).s().startsWith(Keys.RULE_PREFIX)).count();
    }

    @Test
    void cleanupDeletesTheLeaversRulesButNotThoseOfItsNewMembership() {
        String groupId = group();
        Caller bob = merchant("Bob");
        Caller carol = merchant("Carol");
        inviteAndJoin(groupId, bob);
        inviteAndJoin(groupId, carol);
        putRule(groupId, bob, carol);     // bob as owner
        putRule(groupId, carol, bob);     // bob as partner
        putRule(groupId, creator, carol); // not bob's
        assertEquals(3, rules(groupId));

        app.memberships().leave(bob, groupId, "me");
        // bob re-joins before the cleanup ran, and gets a rule of its new membership
        inviteAndJoin(groupId, bob);
        putRule(groupId, creator, bob);
        CleanupService.CleanupReport report = app.cleanup().run(() -> true);
        assertEquals(1, report.departuresProcessed());
        assertEquals(2, report.rulesDeleted(), "both rules of the old membership, none of the new one");
        assertEquals(2, rules(groupId));
        assertTrue(partition(groupId).stream().noneMatch(i -> i.get(TableDefinition.SK).s().startsWith(Keys.DEPARTED_PREFIX)));
        assertEquals(new CleanupService.CleanupReport(0, 0, 0, 0, true), app.cleanup().run(() -> true));
    }

    @Test
    void aCleanupKilledHalfWayIsFinishedByTheNextRun() {
        String big = group();
        for (int i = 0; i < 60; i++) {
            Caller m = merchant("Member " + i);
            app.memberships().invite(creator, big, new MembershipService.InviteMember(m.merchantId()));
        }
        String bystander = group();
        Caller bob = merchant("Bob");
        inviteAndJoin(bystander, bob);
        List<Map<String, AttributeValue>> bystanderBefore = partition(bystander);

        app.memberships().dissolve(creator, big); // leave all the deleting to the cleanup
        assertEquals(61, memberItems(big));
        faults.failAfter("BatchWriteItem", 1);
        assertThrows(SdkClientException.class, () -> app.cleanup().run(() -> true));
        faults.disarm();
        long left = memberItems(big);
        assertTrue(left > 0 && left < 61, "the first run was cut half-way: " + left);
        assertFalse(partition(big).isEmpty(), "the group item goes last");

        CleanupService.CleanupReport report = app.cleanup().run(() -> true);
        assertTrue(report.complete());
        assertEquals(1, report.groupsDeleted());
        assertEquals(List.of(), partition(big));
        assertEquals(bystanderBefore, partition(bystander));
        assertTrue(TableSnapshot.of(app.table().client(), app.table().name()).stream()
                        .filter(row -> !row.contains("S=RECEIPT")).noneMatch(row -> row.contains(big)),
                "no item anywhere names the dissolved group, but for its deletion receipt");
    }
}
