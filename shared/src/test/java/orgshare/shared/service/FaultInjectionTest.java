package orgshare.shared.service;

import orgshare.shared.Orgshare;
import orgshare.shared.auth.Caller;
import orgshare.shared.error.ApiException;
import orgshare.shared.error.Errors;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.testing.RandomFaults;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A long seeded run of mixed operations while the SDK throws throttling, transaction conflicts and timeouts (before
 * a call, and after a write was applied) at random: every operation completes or answers 4xx/429/503, never 500,
 * and afterwards every invariant holds: member counts, no orphan rules, nothing left of dissolved groups, every
 * audit event in both logs, every delivered push audited.
 */
class FaultInjectionTest {
    private static final long SEED = 20261125L;
    private static final int OPERATIONS = 700;

    private final RandomFaults faults = new RandomFaults(SEED, 0.12);
    private final Orgshare app = DynamoDbLocal.newApp(DynamoDbLocal.client(faults), Map.of());
    private final Random random = new Random(SEED);
    private final Map<String, Integer> outcomes = new TreeMap<>();

    private <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    /** Runs one operation and files its outcome; an answer of 500 fails the test at once. */
    private void attempt(String name, Runnable operation) {
        String outcome;
        try {
            operation.run();
            outcome = "OK";
        } catch (RuntimeException e) {
            ApiException answer = Errors.toApiException(e);
            assertNotEquals(500, answer.status(), name + " answered 500: " + e);
            outcome = answer.status() + " " + answer.code();
        }
        outcomes.merge(name + " -> " + outcome, 1, Integer::sum);
    }

    @Test
    void aLongFaultyRunLosesNothingAndBreaksNoInvariant() {
        app.clouds().register(Caller.operator(), new CloudService.CreateCloud("acme", "Acme"));
        List<Caller> merchants = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String id = app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("acme", "M" + i)).merchantId();
            merchants.add(Caller.merchant(id, "acme"));
        }
        Map<String, Caller> creators = new HashMap<>();
        List<String> groups = new ArrayList<>();
        List<String> types = List.of("order", "stock", "po");
        String[][] lastRule = new String[1][];
        faults.arm(true);
        for (int i = 0; i < OPERATIONS; i++) {
            int dice = random.nextInt(100);
            Caller who = pick(merchants);
            Caller other = pick(merchants);
            String type = pick(types);
            if (groups.isEmpty() || dice < 6) {
                attempt("create group", () -> {
                    String g = app.groups().create(who, new GroupService.CreateGroup("G"), random.nextBoolean() ? null : "g-" + random.nextInt(8)).groupId();
                    if (!groups.contains(g)) {
                        groups.add(g);
                        creators.put(g, who);
                    }
                });
                continue;
            }
            String g = pick(groups);
            Caller creator = creators.get(g);
            if (dice < 20) {
                attempt("invite", () -> app.memberships().invite(creator, g, new MembershipService.InviteMember(other.merchantId())));
                attempt("join", () -> app.memberships().join(other, g));
            } else if (dice < 32) {
                attempt("join", () -> app.memberships().join(who, g));
            } else if (dice < 38) {
                attempt("leave", () -> app.memberships().leave(who, g, "me"));
            } else if (dice < 41) {
                attempt("remove", () -> app.memberships().leave(creator, g, other.merchantId()));
            } else if (dice < 55) {
                attempt("set rules", () -> {
                    long version = app.rules().list(creator, g, "1", null).version();
                    Object partner = random.nextInt(4) == 0 ? "*" : other;
                    String scope = pick(List.of("NONE", "SUMMARY", "FULL", "FULL"));
                    app.rules().change(creator, g, new RuleService.RuleChanges(version,
                            List.of(ExchangeFixture.rule(who, partner, type, scope, null, null, random.nextInt(3) > 0)), null));
                    lastRule[0] = new String[]{g, who.merchantId(), other.merchantId(), type};
                });
            } else if (dice < 60) {
                attempt("remove rule", () -> {
                    long version = app.rules().list(creator, g, "1", null).version();
                    app.rules().change(creator, g, new RuleService.RuleChanges(version, null,
                            List.of(new RuleService.RuleRef(who.merchantId(), other.merchantId(), type))));
                });
            } else if (dice < 70) {
                attempt("put record", () -> app.records().put(who, type, "R-" + random.nextInt(20),
                        "{\"buyerId\":\"" + other.merchantId() + "\"}", random.nextBoolean() ? null : "r-" + random.nextInt(30)));
            } else if (dice < 82) {
                // half the exchanges follow the last rule set, so that many are allowed
                String[] at = random.nextBoolean() && lastRule[0] != null ? lastRule[0] : new String[]{g, other.merchantId(), who.merchantId(), type};
                attempt("pull", () -> app.exchange().pull(Caller.merchant(at[2], "acme"), at[0], at[1], at[3], null, "5", null));
            } else if (dice < 92) {
                String[] at = random.nextBoolean() && lastRule[0] != null ? lastRule[0] : new String[]{g, other.merchantId(), who.merchantId(), type};
                attempt("push", () -> app.exchange().push(Caller.merchant(at[2], "acme"), at[0], at[1], at[3],
                        "{\"n\":" + random.nextInt() + "}", random.nextBoolean() ? null : "p-" + random.nextInt(30)));
            } else if (dice < 95) {
                attempt("dissolve", () -> app.memberships().dissolve(creator, g));
            } else {
                attempt("cleanup", () -> app.cleanup().run(() -> true));
            }
        }
        faults.arm(false);
        CleanupService.CleanupReport report;
        int runs = 0;
        do {
            report = app.cleanup().run(() -> true);
            runs++;
        } while (!report.complete() && runs < 10);
        assertTrue(report.complete(), "the cleanup finishes once the faults stop");
        assertTrue(app.cleanup().run(() -> true).complete());

        System.out.println("fault injection: " + OPERATIONS + " operations, faults injected " + faults.injected() + "; outcomes " + outcomes);
        assertTrue(faults.injected().values().stream().mapToInt(Integer::intValue).sum() > 50, "faults were injected: " + faults.injected());
        assertTrue(outcomes.keySet().stream().anyMatch(k -> k.endsWith("429 THROTTLED")), outcomes.toString());
        assertTrue(outcomes.keySet().stream().anyMatch(k -> k.endsWith("503 UNAVAILABLE")), outcomes.toString());
        assertTrue(outcomes.keySet().stream().anyMatch(k -> k.startsWith("pull -> OK")), outcomes.toString());
        assertTrue(outcomes.keySet().stream().anyMatch(k -> k.startsWith("push -> OK")), outcomes.toString());
        Invariants.check(app);
    }

    /** What must hold of the whole table, whatever happened before. */
    static final class Invariants {
        private Invariants() {
        }

        static void check(Orgshare app) {
            List<Map<String, AttributeValue>> items = new ArrayList<>();
            app.table().client().scanPaginator(b -> b.tableName(app.table().name()).consistentRead(true)).items().forEach(items::add);
            Map<String, Map<String, AttributeValue>> groups = new HashMap<>();
            Map<String, Map<String, String>> memberships = new HashMap<>();
            Map<String, Integer> memberItems = new HashMap<>();
            for (Map<String, AttributeValue> item : items) {
                String pk = item.get("pk").s();
                String sk = item.get("sk").s();
                if (pk.startsWith("GROUP#") && sk.equals("GROUP")) {
                    groups.put(pk, item);
                } else if (pk.startsWith("GROUP#") && sk.startsWith("MEMBER#")) {
                    memberItems.merge(pk, 1, Integer::sum);
                    memberships.computeIfAbsent(pk, k -> new HashMap<>()).put(item.get("merchantId").s(),
                            "ACTIVE".equals(item.get("status").s()) ? item.get("membershipId").s() : null);
                }
            }
            for (Map<String, AttributeValue> item : items) {
                String pk = item.get("pk").s();
                String sk = item.get("sk").s();
                if (!pk.startsWith("GROUP#")) {
                    continue;
                }
                Map<String, AttributeValue> group = groups.get(pk);
                assertTrue(group != null && "ACTIVE".equals(group.get("status").s()),
                        "nothing is left of a dissolved or deleted group: " + pk + " " + sk);
                assertTrue(!sk.startsWith("DEPARTED#"), "every departure was processed: " + pk + " " + sk);
                if (sk.startsWith("RULE#")) {
                    Map<String, String> current = memberships.getOrDefault(pk, Map.of());
                    String owner = item.get("ownerId").s();
                    String partner = item.get("partnerId").s();
                    assertEquals(current.get(owner), item.get("ownerMembershipId").s(), "no orphan rule (owner): " + sk);
                    if (!partner.equals("*")) {
                        assertEquals(current.get(partner), item.get("partnerMembershipId").s(), "no orphan rule (partner): " + sk);
                    }
                }
            }
            groups.forEach((pk, group) -> assertEquals(memberItems.getOrDefault(pk, 0), Integer.parseInt(group.get("memberCount").n()),
                    "member count of " + pk));

            // audit events come in pairs (both logs, one eventId), and every delivered push has its pair
            Map<String, Integer> copies = new HashMap<>();
            List<String> deliveries = new ArrayList<>();
            for (Map<String, AttributeValue> item : items) {
                String pk = item.get("pk").s();
                if (pk.startsWith("AUDIT#") && !"RULES_CHANGED".equals(item.get("action").s())) {
                    copies.merge(item.get("eventId").s(), 1, Integer::sum);
                } else if (pk.startsWith("INBOX#")) {
                    deliveries.add(item.get("messageId").s());
                }
            }
            copies.forEach((event, count) -> assertEquals(2, count, "audit event " + event + " is in both logs"));
            deliveries.forEach(message -> assertEquals(2, copies.getOrDefault(message, 0), "push " + message + " is audited"));
        }
    }
}
