package orgshare.shared.service;

import orgshare.shared.Orgshare;
import orgshare.shared.auth.Caller;
import orgshare.shared.error.ApiException;
import orgshare.shared.error.Errors;
import orgshare.shared.ids.SeededIds;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.testing.ManualClock;
import orgshare.shared.testing.RandomFaults;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.HashSet;
import java.util.TreeMap;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A long seeded run of mixed operations while the SDK throws throttling, transaction conflicts and timeouts (before
 * a call, and after a write was applied) at random: every operation completes or answers 4xx/429/503, never 500,
 * and afterwards every invariant holds: member counts, no orphan rules, nothing left of dissolved groups, every
 * audit event in both logs, every delivered push audited. A request with an Idempotency-Key that failed for a
 * transient reason is retried with the same key, as a client would; and whatever the test was told succeeded is in
 * the table afterwards, exactly once, also when its first answer was lost after the write and the retry answered.
 */
class FaultInjectionTest {
    /** The seed decides the operations, the faults, the IDs and the times: replay with {@code -Dorgshare.faults.seed}. */
    private static final long SEED = Long.getLong("orgshare.faults.seed", 20261130L);
    private static final int OPERATIONS = 700;

    private final RandomFaults faults = new RandomFaults(SEED, 0.12);
    private final ManualClock clock = ManualClock.ticking(Instant.parse("2026-11-25T09:00:00Z"), Duration.ofMillis(1));
    private final Orgshare app = DynamoDbLocal.newApp(DynamoDbLocal.client(faults), Map.of(), clock, new SeededIds(clock, SEED));
    private final Random random = new Random(SEED);
    private final Map<String, Integer> outcomes = new TreeMap<>();
    private static final String[] WRITE_AND_ITS_LOOKUP = {"TransactWriteItems", "GetItem"};
    /** What the test was told succeeded: records (owner#type#id -> bodies sent for it), pushes (body -> owner), groups. */
    private final Map<String, Set<String>> recordBodies = new HashMap<>();
    private final Set<String> recordsOk = new HashSet<>();
    private final Map<String, String> pushesOk = new HashMap<>();
    private final Set<String> groupsOk = new HashSet<>();
    private final Set<String> dissolveTried = new HashSet<>();
    private int answersLostThenRetriedOk;

    private <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    /** Runs one operation and files its outcome; an answer of 500 fails the test at once. Returns the status. */
    private int attempt(String name, Runnable operation) {
        String outcome;
        int status;
        try {
            operation.run();
            outcome = "OK";
            status = 200;
        } catch (RuntimeException e) {
            ApiException answer = Errors.toApiException(e);
            assertNotEquals(500, answer.status(), name + " answered 500: " + e);
            outcome = answer.status() + " " + answer.code();
            status = answer.status();
        }
        outcomes.merge(name + " -> " + outcome, 1, Integer::sum);
        return status;
    }

    /**
     * An operation with an Idempotency-Key, retried with the same key while it fails for a transient reason (429,
     * 503), as a client would. True when it finally answered OK.
     */
    private boolean withRetries(String name, Runnable operation) {
        for (int tries = 0; tries < 6; tries++) {
            int lostBefore = faults.injected().getOrDefault(RandomFaults.Kind.LOST_ANSWER, 0);
            int status = attempt(tries == 0 ? name : name + " (retry)", operation);
            if (status < 300) {
                if (tries > 0 && lostFirst) {
                    answersLostThenRetriedOk++;
                }
                lostFirst = false;
                return true;
            }
            if (status != 429 && status != 503) {
                lostFirst = false;
                return false;
            }
            lostFirst |= tries == 0 && faults.injected().getOrDefault(RandomFaults.Kind.LOST_ANSWER, 0) > lostBefore;
        }
        lostFirst = false;
        return false;
    }

    private boolean lostFirst;

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
                String key = random.nextBoolean() ? null : "g-" + random.nextInt(8);
                Runnable create = () -> {
                    String g = app.groups().create(who, new GroupService.CreateGroup("G"), key).groupId();
                    groupsOk.add(g);
                    if (!groups.contains(g)) {
                        groups.add(g);
                        creators.put(g, who);
                    }
                };
                if (key == null) {
                    attempt("create group", create);
                } else {
                    withRetries("create group", create);
                }
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
                String record = who.merchantId() + "#" + type + "#R-" + random.nextInt(20);
                String body = "{\"buyerId\":\"" + other.merchantId() + "\",\"op\":" + i + "}";
                String key = random.nextBoolean() ? null : "r-" + random.nextInt(30);
                recordBodies.computeIfAbsent(record, r -> new HashSet<>()).add(body);
                Runnable put = () -> {
                    app.records().put(who, type, record.substring(record.lastIndexOf('#') + 1), body, key);
                    recordsOk.add(record);
                };
                if (key == null) {
                    attempt("put record", put);
                } else {
                    withRetries("put record", put);
                }
            } else if (dice < 82) {
                // half the exchanges follow the last rule set, so that many are allowed
                String[] at = random.nextBoolean() && lastRule[0] != null ? lastRule[0] : new String[]{g, other.merchantId(), who.merchantId(), type};
                attempt("pull", () -> app.exchange().pull(Caller.merchant(at[2], "acme"), at[0], at[1], at[3], null, "5", null));
            } else if (dice < 92) {
                String[] at = random.nextBoolean() && lastRule[0] != null ? lastRule[0] : new String[]{g, other.merchantId(), who.merchantId(), type};
                String body = "{\"n\":" + random.nextInt() + ",\"op\":" + i + "}";
                String key = random.nextBoolean() ? null : "p-" + random.nextInt(30);
                Runnable push = () -> {
                    app.exchange().push(Caller.merchant(at[2], "acme"), at[0], at[1], at[3], body, key);
                    pushesOk.put(body, at[1]);
                };
                if (key == null) {
                    attempt("push", push);
                } else {
                    withRetries("push", push);
                }
            } else if (dice < 95) {
                dissolveTried.add(g);
                attempt("dissolve", () -> app.memberships().dissolve(creator, g));
            } else {
                attempt("cleanup", () -> app.cleanup().run(() -> true));
            }
        }
        faults.arm(false);
        loseEachKeyedWritesAnswerOnce(merchants);
        CleanupService.CleanupReport report;
        int runs = 0;
        do {
            report = app.cleanup().run(() -> true);
            runs++;
        } while (!report.complete() && runs < 10);
        assertTrue(report.complete(), "the cleanup finishes once the faults stop");
        assertTrue(app.cleanup().run(() -> true).complete());

        System.out.println("fault injection: seed " + SEED + ", " + OPERATIONS + " operations, faults injected " + faults.injected() + "; outcomes " + outcomes);
        assertTrue(faults.injected().values().stream().mapToInt(Integer::intValue).sum() > 50, "faults were injected: " + faults.injected());
        assertTrue(outcomes.keySet().stream().anyMatch(k -> k.endsWith("429 THROTTLED")), outcomes.toString());
        assertTrue(outcomes.keySet().stream().anyMatch(k -> k.endsWith("503 UNAVAILABLE")), outcomes.toString());
        assertTrue(outcomes.keySet().stream().anyMatch(k -> k.startsWith("pull -> OK")), outcomes.toString());
        assertTrue(outcomes.keySet().stream().anyMatch(k -> k.startsWith("push -> OK")), outcomes.toString());
        Invariants.check(app);
        everythingToldOkIsThere();
        System.out.println("fault injection: " + answersLostThenRetriedOk + " requests lost their first answer after the write and were retried to OK");
        assertTrue(answersLostThenRetriedOk >= 3, "answers were lost after the write and their retry answered OK");
    }

    /**
     * A group, a record and a push with an Idempotency-Key, each losing its first answer after the write (and the
     * service's own look for the recorded answer, which would else hide the loss), then retried by the client.
     */
    private void loseEachKeyedWritesAnswerOnce(List<Caller> merchants) {
        Caller owner = merchants.get(0);
        Caller partner = merchants.get(1);
        String[] made = new String[1];
        faults.loseNextAnswersOf(WRITE_AND_ITS_LOOKUP);
        assertTrue(withRetries("create group (answer lost)", () -> {
            made[0] = app.groups().create(owner, new GroupService.CreateGroup("Lost"), "lost-g").groupId();
            groupsOk.add(made[0]);
        }));
        String g = made[0];
        app.memberships().invite(owner, g, new MembershipService.InviteMember(partner.merchantId()));
        app.memberships().join(partner, g);
        app.rules().change(owner, g, new RuleService.RuleChanges(0L,
                List.of(ExchangeFixture.rule(owner, partner, "lost", "NONE", null, null, true)), null));
        String record = owner.merchantId() + "#lost#R-lost";
        String recordBody = "{\"lost\":\"record\"}";
        recordBodies.computeIfAbsent(record, r -> new HashSet<>()).add(recordBody);
        faults.loseNextAnswersOf(WRITE_AND_ITS_LOOKUP);
        assertTrue(withRetries("put record (answer lost)", () -> {
            app.records().put(owner, "lost", "R-lost", recordBody, "lost-r");
            recordsOk.add(record);
        }));
        String pushBody = "{\"lost\":\"push\"}";
        faults.loseNextAnswersOf(WRITE_AND_ITS_LOOKUP);
        assertTrue(withRetries("push (answer lost)", () -> {
            app.exchange().push(partner, g, owner.merchantId(), "lost", pushBody, "lost-p");
            pushesOk.put(pushBody, owner.merchantId());
        }));
    }

    /** Each record, push and group the test was told was written is in the table; each push exactly once. */
    private void everythingToldOkIsThere() {
        Map<String, String> recordsFound = new HashMap<>();
        Map<String, List<String>> inboxByBody = new HashMap<>();
        Set<String> groupsFound = new HashSet<>();
        app.table().client().scanPaginator(b -> b.tableName(app.table().name()).consistentRead(true)).items().forEach(item -> {
            String pk = item.get("pk").s();
            String sk = item.get("sk").s();
            if (pk.startsWith("INBOX#")) {
                inboxByBody.computeIfAbsent(item.get("body").s(), b -> new ArrayList<>()).add(pk);
            } else if (pk.startsWith("GROUP#") && sk.equals("GROUP")) {
                groupsFound.add(pk.substring("GROUP#".length()));
            } else if (item.containsKey("recordId") && item.containsKey("body")) {
                recordsFound.put(item.get("ownerId").s() + "#" + item.get("type").s() + "#" + item.get("recordId").s(), item.get("body").s());
            }
        });
        assertTrue(recordsOk.size() > 10 && pushesOk.size() > 1 && groupsOk.size() > 3,
                "enough successes to judge: " + recordsOk.size() + " records, " + pushesOk.size() + " pushes, " + groupsOk.size() + " groups");
        for (String record : recordsOk) {
            assertTrue(recordBodies.get(record).contains(recordsFound.get(record)), "record " + record + " is stored: " + recordsFound.get(record));
        }
        pushesOk.forEach((body, owner) -> assertEquals(List.of("INBOX#" + owner), inboxByBody.get(body),
                "push " + body + " delivered exactly once"));
        for (String g : groupsOk) {
            assertTrue(groupsFound.contains(g) || dissolveTried.contains(g), "group " + g + " exists (or was dissolved)");
        }
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
