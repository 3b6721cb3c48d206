package orgshare.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import orgshare.local.TemplateModel.HttpRoute;
import orgshare.shared.auth.Caller;
import orgshare.shared.service.ConsentService;
import orgshare.shared.service.RuleService;
import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.rules.RuleResolver;
import orgshare.shared.testing.CallCounter;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Section 2: each operation through its handler (event object -> handleRequest: caller, validation, authorization,
 * the service, JSON, the log line), against the bare SDK calls that operation needs, built by hand on the low-level
 * client with the same keys, timed interleaved in the same run after warm-up.
 */
final class Overhead {
    private static final double TARGET = 1.3;

    /** An operation: its route, and the bare calls it needs. */
    private record Op(String name, String routeKey, boolean target, Runnable bare) {
    }

    private Overhead() {
    }

    static Section run(Db db, Path template, Settings settings) {
        Section section = new Section("2. Overhead over the storage floor", settings.command("overhead"));
        CallCounter calls = new CallCounter();
        World w = new World(db, template, 2, 1, db.client(calls));
        Bare sdk = new Bare(w);
        List<Op> ops = List.of(
                new Op("pull", Routes.PULL, true, sdk::pull),
                new Op("push", Routes.PUSH, true, sdk::push),
                new Op("get me", Routes.GET_ME, false, sdk::getMe),
                new Op("put record", Routes.PUT_RECORD, false, sdk::putRecord),
                new Op("list records", Routes.LIST_RECORDS, false, sdk::listRecords),
                new Op("get group", Routes.GET_GROUP, false, sdk::getGroup));

        List<List<String>> rows = new ArrayList<>();
        for (Op op : ops) {
            HttpRoute route = w.route(op.routeKey());
            APIGatewayV2HTTPEvent event = Routes.prepare(w, route);
            // the counter is cleared before every call on both sides alike, so its list never grows while timing
            Runnable invocation = w.timedOk(route, event);
            Runnable handler = () -> {
                calls.reset();
                invocation.run();
            };
            Runnable bare = () -> {
                calls.reset();
                op.bare().run();
            };
            handler.run();
            List<String> handlerCalls = calls.calls();
            bare.run();
            List<String> bareNames = calls.calls();

            List<Stats> stats = Stats.interleaved(settings.warmup(), settings.runs(), handler, bare);
            Stats h = stats.get(0);
            Stats b = stats.get(1);
            double ratio = h.median() / b.median();
            boolean sameCalls = handlerCalls.equals(bareNames);
            rows.add(List.of(op.name(), "`" + op.routeKey() + "`", h.spread(), b.spread(), String.format("%.2f", ratio),
                    Stats.ms(h.median() - b.median()), String.join(", ", handlerCalls) + (sameCalls ? "" : " (bare: "
                            + String.join(", ", bareNames) + ")"), ratio <= TARGET ? "PASS" : "MISS"));
            if (op.target()) {
                section.target(op.name() + " / bare SDK calls", "<= " + TARGET, String.format("%.2f (%s ms / %s ms)", ratio,
                                Stats.ms(h.median()), Stats.ms(b.median())), ratio <= TARGET && sameCalls,
                        sameCalls ? "the handler's own work (validation, mapping, JSON, the log line) is "
                                + Stats.ms(h.median() - b.median()) + " ms a request over " + Stats.ms(b.median()) + " ms of storage"
                                : "the bare calls differ from the handler's: " + bareNames + " vs " + handlerCalls);
            }
        }
        capsOverhead(w, calls, settings, section);
        section.line(String.format("Medians of %d interleaved runs each (after %d warm-up rounds), in a 2-member group with "
                + "20 records, on DynamoDB Local over loopback HTTP. Latencies in ms as p50 / p90 / p99.",
                settings.runs(), settings.warmup()));
        section.table(List.of("operation", "route", "handler", "bare SDK calls", "ratio of medians", "handler - bare (ms)",
                "DynamoDB calls", "<= " + TARGET), rows);
        section.line("The bare side sends the same requests by hand: the same keys, consistency, page size and items "
                + "written, without orgshare's code (no validation, enhanced-client mapping, JSON or log line). "
                + "The Lambda authorizer (one GetItem) is a separate function and is in neither side.");
        return section;
    }

    /**
     * Owner caps (DESIGN §7): the same pull, by the world's partner (no cap: the four cap keys are read and absent) and
     * by another member whose data the owner capped (two caps present, as wide as the rule, so the page is the same):
     * what a cap costs a pull. And, from the storage alone, what reading the four cap keys costs at all: the bare
     * authorization's BatchGetItem with and without them.
     */
    private static void capsOverhead(World w, CallCounter calls, Settings settings, Section section) {
        Caller capped = w.joined();
        String owner = w.creator.merchantId();
        long rules = w.rulesVersion();
        w.app.rules().change(w.creator, w.group, new RuleService.RuleChanges(rules, List.of(
                new RuleService.RuleInput(owner, capped.merchantId(), "order", "FULL", null, null, false)), null));
        w.app.consent().change(w.creator, w.group, new ConsentService.ConsentChanges(w.consentVersion(), List.of(
                new ConsentService.CapInput(capped.merchantId(), "order", "FULL", null, null, true),
                new ConsentService.CapInput(capped.merchantId(), "*", "FULL", null, null, true)), null));
        HttpRoute route = w.route(Routes.PULL);
        Map<String, String> path = Map.of("groupId", w.group, "ownerId", owner, "type", "order");
        APIGatewayV2HTTPEvent withCaps = World.event(route, capped, null, path, Map.of());
        APIGatewayV2HTTPEvent without = World.event(route, w.partner, null, path, Map.of());
        Runnable withCapsInvocation = w.timedOk(route, withCaps);
        Runnable withoutInvocation = w.timedOk(route, without);
        Runnable pullWithCaps = () -> {
            calls.reset();
            withCapsInvocation.run();
        };
        Runnable pullWithout = () -> {
            calls.reset();
            withoutInvocation.run();
        };
        Bare sdk = new Bare(w);
        Runnable authorizeWithCapKeys = () -> sdk.authorize("order", true);
        Runnable authorizeRulesOnly = () -> sdk.authorize("order", false);
        List<Stats> stats = Stats.interleaved(settings.warmup(), settings.runs(), pullWithCaps, pullWithout,
                authorizeWithCapKeys, authorizeRulesOnly);
        double ratio = stats.get(0).median() / stats.get(1).median();
        double keys = stats.get(2).median() / stats.get(3).median();
        section.target("pull with owner caps / the same pull without", "<= " + CAPS_TARGET,
                String.format("%.2f (%s ms / %s ms)", ratio, Stats.ms(stats.get(0).median()), Stats.ms(stats.get(1).median())),
                ratio <= CAPS_TARGET, "the same 20-record FULL page; the capped partner's BatchGetItem returns two cap items more, "
                        + "narrowed by Consent.narrow");
        section.line(String.format("Owner caps: the pull authorization's one BatchGetItem reads eleven keys (the group, two "
                + "members, four rule and four cap keys). That read alone, bare: %s ms with the four cap keys, %s ms "
                + "without (%.2f). The capped pull, p50 / p90 / p99: %s; the pull without a cap: %s.",
                Stats.ms(stats.get(2).median()), Stats.ms(stats.get(3).median()), keys, stats.get(0).spread(), stats.get(1).spread()));
    }

    private static final double CAPS_TARGET = 1.05;

    /** The bare SDK requests of each operation, on the world's low-level client. */
    private static final class Bare {
        private final World w;
        private final DynamoDbClient client;
        private final String table;
        private final String owner;
        private final String partner;
        private final String groupPk;
        private final String rulesVersion;
        private final String ownerMembership;
        private final String partnerMembership;
        private long sequence;

        Bare(World w) {
            this.w = w;
            this.client = w.client;
            this.table = w.table;
            this.owner = w.creator.merchantId();
            this.partner = w.partner.merchantId();
            this.groupPk = Keys.group(w.group);
            Map<String, AttributeValue> group = get(Keys.GROUP_SK);
            this.rulesVersion = group.get("rulesVersion").n();
            this.ownerMembership = get(Keys.member(owner)).get("membershipId").s();
            this.partnerMembership = get(Keys.member(partner)).get("membershipId").s();
        }

        private Map<String, AttributeValue> get(String sk) {
            return client.getItem(b -> b.tableName(table).key(OrgTable.keyMap(groupPk, sk)).consistentRead(true)).item();
        }

        /** BatchGetItem of the group, both memberships, the four candidate rules and caps; Query of a page; both audit puts. */
        void pull() {
            authorize("order");
            client.query(b -> b.tableName(table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(Keys.records(owner, "order"))))
                    .consistentRead(true).limit(50));
            String at = Instant.now().toString();
            String eventId = eventId();
            client.transactWriteItems(b -> b.transactItems(audit(owner, at, eventId, "PULL"), audit(partner, at, eventId, "PULL")));
        }

        /** The same BatchGetItem; one transaction: three condition checks, the inbox put and both audit puts. */
        void push() {
            authorize("purchase-order");
            String at = Instant.now().toString();
            String messageId = eventId();
            Map<String, AttributeValue> inbox = new HashMap<>(Map.of("pk", s(Keys.inbox(owner)), "sk", s(at + "#" + messageId),
                    "messageId", s(messageId), "from", s(partner), "groupId", s(w.group), "type", s("purchase-order"),
                    "receivedAt", s(at), "body", s("{\"poNumber\":\"N-1\",\"sku\":\"W-1\",\"quantity\":25}")));
            client.transactWriteItems(b -> b.transactItems(
                    check(Keys.GROUP_SK, "#status = :active AND rulesVersion = :version",
                            Map.of(":active", s("ACTIVE"), ":version", AttributeValue.fromN(rulesVersion))),
                    check(Keys.member(partner), "#status = :active AND membershipId = :membership",
                            Map.of(":active", s("ACTIVE"), ":membership", s(partnerMembership))),
                    check(Keys.member(owner), "#status = :active AND membershipId = :membership AND attribute_not_exists(consentVersion)",
                            Map.of(":active", s("ACTIVE"), ":membership", s(ownerMembership))),
                    TransactWriteItem.builder().put(Put.builder().tableName(table).item(inbox)
                            .conditionExpression("attribute_not_exists(pk)").build()).build(),
                    audit(owner, at, messageId, "PUSH"), audit(partner, at, messageId, "PUSH")));
        }

        void getMe() {
            client.getItem(b -> b.tableName(table).key(w.merchantKey(w.partner)).consistentRead(true));
        }

        void putRecord() {
            String now = Instant.now().toString();
            String recordId = "BARE-" + (++sequence);
            client.putItem(b -> b.tableName(table).item(Map.of("pk", s(Keys.records(owner, "order")), "sk", s(recordId),
                    "gsi1pk", s(Keys.records(owner, "order")), "gsi1sk", s(now + "#" + recordId), "ownerId", s(owner),
                    "type", s("order"), "recordId", s(recordId), "updatedAt", s(now),
                    "body", s("{\"item\":\"widget\",\"quantity\":10,\"total\":42.50}"))));
        }

        void listRecords() {
            client.query(b -> b.tableName(table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(Keys.records(owner, "order"))))
                    .consistentRead(true).limit(50));
        }

        void getGroup() {
            client.batchGetItem(b -> b.requestItems(Map.of(table, KeysAndAttributes.builder().consistentRead(true)
                    .keys(OrgTable.keyMap(groupPk, Keys.GROUP_SK), OrgTable.keyMap(groupPk, Keys.member(partner))).build())));
            client.query(b -> b.tableName(table).keyConditionExpression("pk = :pk AND begins_with(sk, :members)")
                    .expressionAttributeValues(Map.of(":pk", s(groupPk), ":members", s(Keys.MEMBER_PREFIX)))
                    .consistentRead(true).limit(50));
        }

        private void authorize(String type) {
            authorize(type, true);
        }

        /** The authorization's BatchGetItem: the group, both members, the four rule keys and (as the handler) the four cap keys. */
        private void authorize(String type, boolean capKeys) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>(List.of(OrgTable.keyMap(groupPk, Keys.GROUP_SK),
                    OrgTable.keyMap(groupPk, Keys.member(partner)), OrgTable.keyMap(groupPk, Keys.member(owner))));
            for (String rule : RuleResolver.candidateKeys(owner, partner, type)) {
                keys.add(OrgTable.keyMap(groupPk, Keys.RULE_PREFIX + rule));
                if (capKeys) {
                    keys.add(OrgTable.keyMap(groupPk, Keys.CAP_PREFIX + rule));
                }
            }
            client.batchGetItem(b -> b.requestItems(Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build())));
        }

        private TransactWriteItem audit(String merchant, String at, String eventId, String action) {
            Map<String, AttributeValue> item = new HashMap<>(Map.of("pk", s(Keys.audit(merchant)), "sk", s(at + "#" + eventId),
                    "eventId", s(eventId), "at", s(at), "action", s(action), "groupId", s(w.group), "actorId", s(partner),
                    "ownerId", s(owner), "type", s("order"), "scope", s("FULL")));
            item.put("count", AttributeValue.fromN("20"));
            return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item).build()).build();
        }

        private TransactWriteItem check(String sk, String condition, Map<String, AttributeValue> values) {
            return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table)
                    .key(OrgTable.keyMap(groupPk, sk)).conditionExpression(condition)
                    .expressionAttributeNames(Map.of("#status", "status")).expressionAttributeValues(values).build()).build();
        }

        private String eventId() {
            return String.format("01JDBARE%018d", ++sequence);
        }

        private static AttributeValue s(String value) {
            return AttributeValue.fromS(value);
        }
    }
}
