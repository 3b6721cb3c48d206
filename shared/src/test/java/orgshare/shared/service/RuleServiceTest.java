package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import orgshare.shared.error.ApiException;
import orgshare.shared.testing.CallCounter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static orgshare.shared.service.ExchangeFixture.code;
import static orgshare.shared.service.ExchangeFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Versioned, all-or-nothing rule batches, and reading them, against DynamoDB Local. */
class RuleServiceTest {
    private final CallCounter calls = new CallCounter();

    private static RuleService.RuleChanges changes(long version, List<RuleService.RuleInput> set, List<RuleService.RuleRef> remove) {
        return new RuleService.RuleChanges(version, set, remove);
    }

    @Test
    void aBatchIsAppliedWholeAgainstTheVersionItWasMadeFor() {
        ExchangeFixture f = new ExchangeFixture(calls);
        Caller a = f.merchant("A");
        Caller b = f.merchant("B");
        String g = f.group(a, b);
        assertEquals(0, f.version(g));
        calls.reset();
        long v1 = f.app.rules().change(f.creator, g, changes(0, List.of(rule(a, b, "order", "FULL"), rule(a, "*", "*", "SUMMARY")), null)).version();
        assertEquals(List.of("BatchGetItem", "TransactWriteItems"), calls.calls(), "set rules: one read, one transaction");
        assertEquals(1, v1);

        f.refused("VERSION_CONFLICT", () -> f.app.rules().change(f.creator, g, changes(0, List.of(rule(b, a, "order", "FULL")), null)));
        // a valid set and a removal of a rule that is not there: nothing at all is applied
        f.refused("RULE_NOT_FOUND", () -> f.app.rules().change(f.creator, g, changes(v1, List.of(rule(b, a, "order", "FULL")),
                List.of(new RuleService.RuleRef(a.merchantId(), b.merchantId(), "invoice")))));
        long v2 = f.app.rules().change(f.creator, g, changes(v1, List.of(rule(a, b, "order", "FIELDS", List.of("id"), null, true)),
                List.of(new RuleService.RuleRef(a.merchantId(), "*", "*")))).version();
        assertEquals(2, v2);

        calls.reset();
        RuleService.RulesPage page = f.app.rules().list(b, g, null, null);
        assertEquals(List.of("BatchGetItem", "Query", "BatchGetItem"), calls.calls(), "membership, a page, the named members' state");
        assertEquals(2, page.version());
        assertEquals(List.of(new RuleService.RuleView(a.merchantId(), b.merchantId(), "order", "FIELDS", List.of("id"), null, true)), page.rules());
    }

    @Test
    void concurrentEditorsOfOneVersionCannotBothWin() throws Exception {
        ExchangeFixture f = new ExchangeFixture();
        Caller a = f.merchant("A");
        Caller b = f.merchant("B");
        String g = f.group(a, b);
        int editors = 8;
        ExecutorService pool = Executors.newFixedThreadPool(editors);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> outcomes = new ArrayList<>();
        for (int i = 0; i < editors; i++) {
            String type = "type" + i;
            outcomes.add(pool.submit(() -> {
                start.await();
                try {
                    f.app.rules().change(f.creator, g, changes(0, List.of(rule(a, b, type, "FULL")), null));
                    return "OK";
                } catch (ApiException e) {
                    return e.code();
                }
            }));
        }
        start.countDown();
        List<String> results = new ArrayList<>();
        for (Future<String> outcome : outcomes) {
            results.add(outcome.get());
        }
        pool.shutdown();
        assertEquals(1, results.stream().filter("OK"::equals).count(), results.toString());
        assertTrue(results.stream().allMatch(r -> r.equals("OK") || r.equals("VERSION_CONFLICT") || r.equals("CONCURRENT_CHANGE")), results.toString());
        assertEquals(1, f.version(g));
        assertEquals(1, f.app.rules().list(f.creator, g, null, null).rules().size(), "exactly the winner's rule");
    }

    @Test
    void onlyTheCreatorOfAnActiveGroupChangesRulesNamingActiveMembers() {
        ExchangeFixture f = new ExchangeFixture();
        Caller a = f.merchant("A");
        Caller b = f.merchant("B");
        Caller invitee = f.merchant("Invitee");
        Caller outsider = f.merchant("Outsider");
        String g = f.group(a, b);
        f.app.memberships().invite(f.creator, g, new MembershipService.InviteMember(invitee.merchantId()));
        RuleService.RuleChanges ok = changes(0, List.of(rule(a, b, "order", "FULL")), null);

        f.refused("FORBIDDEN", () -> f.app.rules().change(a, g, ok));
        f.refused("GROUP_NOT_FOUND", () -> f.app.rules().change(outsider, g, ok));
        f.refused("MEMBER_NOT_ACTIVE", () -> f.app.rules().change(f.creator, g, changes(0, List.of(rule(a, invitee, "order", "FULL")), null)));
        f.refused("MEMBER_NOT_ACTIVE", () -> f.app.rules().change(f.creator, g, changes(0, List.of(rule(outsider, "*", "order", "FULL")), null)));
        f.refused("NOT_ACTIVE_MEMBER", () -> f.app.rules().list(invitee, g, null, null));
        f.refused("GROUP_NOT_FOUND", () -> f.app.rules().list(outsider, g, null, null));
        f.app.memberships().dissolve(f.creator, g); // members not yet purged: they learn it is gone
        f.refused("GROUP_DISSOLVED", () -> f.app.rules().change(f.creator, g, ok));
        f.refused("GROUP_DISSOLVED", () -> f.app.rules().list(a, g, null, null));
    }

    @Test
    void badBatchesAreRefusedWithAReasonAndChangeNothing() {
        ExchangeFixture f = new ExchangeFixture();
        Caller a = f.merchant("A");
        Caller b = f.merchant("B");
        String g = f.group(a, b);
        String A = a.merchantId();
        String B = b.merchantId();
        List<RuleService.RuleChanges> bad = new ArrayList<>();
        bad.add(new RuleService.RuleChanges(null, List.of(rule(a, b, "order", "FULL")), null));
        bad.add(changes(-1, List.of(rule(a, b, "order", "FULL")), null));
        bad.add(changes(0, null, null));
        bad.add(changes(0, List.of(), List.of()));
        List<RuleService.RuleInput> tooMany = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            tooMany.add(rule(a, b, "t" + i, "FULL"));
        }
        bad.add(changes(0, tooMany, null));
        bad.add(changes(0, List.of(rule(a, b, "order", "FULL"), rule(a, b, "order", "NONE")), null));
        bad.add(changes(0, List.of(rule(a, b, "order", "FULL")), List.of(new RuleService.RuleRef(A, B, "order"))));
        bad.add(changes(0, List.of(rule(a, a, "order", "FULL")), null));
        bad.add(changes(0, List.of(rule(a, b, "order", "FIELDS")), null));
        bad.add(changes(0, List.of(rule(a, b, "order", "FIELDS", List.of("x", "x"), null, false)), null));
        bad.add(changes(0, List.of(rule(a, b, "order", "FULL", List.of("x"), null, false)), null));
        bad.add(changes(0, List.of(rule(a, b, "order", "NONE", null, Map.of("x", "1"), true)), null));
        bad.add(changes(0, List.of(rule(a, b, "order", "ALL")), null));
        bad.add(changes(0, List.of(rule(a, b, "order", null)), null));
        bad.add(changes(0, List.of(rule(a, b, "ord#er", "FULL")), null));
        bad.add(changes(0, List.of(rule(a, b, "", "FULL")), null));
        bad.add(changes(0, List.of(new RuleService.RuleInput(A, "**", "order", "FULL", null, null, false)), null));
        bad.add(changes(0, List.of(new RuleService.RuleInput("a", B, "order", "FULL", null, null, false)), null));
        bad.add(changes(0, List.of(rule(a, b, "order", "FULL", null, Map.of("x", "v".repeat(1025)), false)), null));
        bad.add(changes(0, List.of(rule(a, b, "order", "FULL", null, Map.of("\u0000", "v"), false)), null));
        bad.add(changes(0, new ArrayList<>(java.util.Collections.singletonList(null)), null));
        bad.add(changes(0, null, new ArrayList<>(java.util.Collections.singletonList(null))));
        for (RuleService.RuleChanges batch : bad) {
            f.refused("VALIDATION_FAILED", () -> f.app.rules().change(f.creator, g, batch));
        }
    }

    @Test
    void aBatchNamingTooManyMembersForOneTransactionIsRefusedBeforeAnyRead() {
        ExchangeFixture f = new ExchangeFixture(calls);
        Caller owner = f.merchant("Owner");
        String g = f.group(owner);
        List<RuleService.RuleInput> wide = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            wide.add(new RuleService.RuleInput(owner.merchantId(), String.format("01JDPARTNER%015d", i), "order", "FULL", null, null, false));
        }
        calls.reset();
        ApiException e = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class,
                () -> f.app.rules().change(f.creator, g, changes(0, wide, null)));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("Split it"), e.getMessage());
        assertTrue(calls.calls().isEmpty(), "refused before any DynamoDB call");
    }

    @Test
    void largeRuleSetsAreBuiltInSeveralBatchesAndReadInPages() {
        ExchangeFixture f = new ExchangeFixture();
        Caller a = f.merchant("A");
        Caller b = f.merchant("B");
        String g = f.group(a, b);
        long version = 0;
        for (int batch = 0; batch < 3; batch++) {
            List<RuleService.RuleInput> rules = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                rules.add(rule(batch % 2 == 0 ? a : b, batch % 2 == 0 ? b : a, String.format("type-%d-%02d", batch, i), "SUMMARY"));
            }
            version = f.app.rules().change(f.creator, g, changes(version, rules, null)).version();
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            RuleService.RulesPage page = f.app.rules().list(b, g, "50", cursor);
            assertEquals(3, page.version());
            page.rules().forEach(r -> seen.add(r.ownerId() + r.partnerId() + r.type()));
            cursor = page.cursor();
        } while (cursor != null);
        assertEquals(120, seen.size());
        assertEquals(120, new HashSet<>(seen).size(), "no rule twice");
        assertEquals("INVALID_CURSOR", code(() -> f.app.rules().list(b, g, null, "MTpub3QtYS1ydWxl")));
    }
}
