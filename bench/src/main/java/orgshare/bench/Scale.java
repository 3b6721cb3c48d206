package orgshare.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import orgshare.local.TemplateModel.HttpRoute;
import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.service.CleanupService;
import orgshare.shared.service.RuleService;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Section 3: pull in a large group, the cleanup of a dissolved one, and paging through many records. */
final class Scale {
    private Scale() {
    }

    static Section run(Db db, Path template, Settings settings) {
        Section section = new Section("3. Scale", settings.command("scale"));
        largeGroupPull(db, template, settings, section);
        cleanup(db, template, settings, section);
        recordPager(db, template, settings, section);
        return section;
    }

    /** (a) The same pull in a 2-member group and in a large one with many rules, both in one table, interleaved. */
    private static void largeGroupPull(Db db, Path template, Settings settings, Section section) {
        World w = new World(db, template, 2, 1, db.client());
        long seeding = System.nanoTime();
        String large = w.group(settings.scaleMembers(), settings.scaleRulesPerMember());
        double seedSeconds = (System.nanoTime() - seeding) / 1e9;
        long version = w.app.rules().list(w.creator, large, "1", null).version();
        w.app.rules().change(w.creator, large, new RuleService.RuleChanges(version, List.of(new RuleService.RuleInput(
                w.creator.merchantId(), w.partner.merchantId(), "order", "FULL", null, null, false)), null));
        long rules = (long) (settings.scaleMembers() - 2) * settings.scaleRulesPerMember() + 1;

        HttpRoute pull = w.route(Routes.PULL);
        APIGatewayV2HTTPEvent inSmall = Routes.prepare(w, pull);
        APIGatewayV2HTTPEvent inLarge = World.event(pull, w.partner, null,
                Map.of("groupId", large, "ownerId", w.creator.merchantId(), "type", "order"), Map.of());
        List<Stats> stats = Stats.interleaved(settings.warmup(), settings.runs(),
                w.timedOk(pull, inSmall), w.timedOk(pull, inLarge));
        double ratio = stats.get(1).median() / stats.get(0).median();
        String size = String.format("%,d members and %,d rules", settings.scaleMembers(), rules);
        section.target("pull, " + size + " / 2 members", "<= 1.1", String.format("%.2f (%s ms / %s ms)", ratio,
                Stats.ms(stats.get(1).median()), Stats.ms(stats.get(0).median())), ratio <= 1.1,
                "the pull reads the same 7 keys and one records page in both groups; the difference is the storage's");
        section.line("**(a) Pull in a large group.** One table holds a 2-member group and a group of " + size
                + " (seeded with BatchWriteItem in " + String.format("%.1f", seedSeconds) + " s, each rule bound to its members' "
                + "memberships as RuleItem.create binds them); the partner pulls the same 20 orders in each, "
                + settings.runs() + " times interleaved after warm-up.");
        section.table(List.of("group", "pull p50 / p90 / p99 (ms)"), List.of(
                List.of("2 members", stats.get(0).spread()), List.of(size, stats.get(1).spread())));
    }

    /**
     * (b) The scheduled cleanup of a dissolved group, against bare BatchWriteItem deletes of as many items (keys known
     * in advance: no Query), both sequential; a warm-up round of each, then rounds in alternating order.
     */
    private static void cleanup(Db db, Path template, Settings settings, Section section) {
        CallTimer timer = new CallTimer();
        World w = new World(db, template, 2, 1, db.client(timer));
        int members = settings.cleanupMembers();
        // warm-up at full size: DynamoDB Local's own JIT must have seen deletes of this many items too
        timeCleanup(w, members, timer);
        timeBareDeletes(w, members + 1, timer);
        List<Deletion> cleanup = new ArrayList<>();
        List<Deletion> bare = new ArrayList<>();
        for (int round = 0; round < settings.cleanupRounds(); round++) {
            if (round % 2 == 1) {
                bare.add(timeBareDeletes(w, members + 1, timer));
            }
            cleanup.add(timeCleanup(w, members, timer));
            if (round % 2 == 0) {
                bare.add(timeBareDeletes(w, members + 1, timer));
            }
        }
        Deletion c = median(cleanup);
        Deletion b = median(bare);
        double ratio = c.rate() / b.rate();
        section.target("cleanup, dissolved " + String.format("%,d", members) + "-member group / bare BatchWriteItem",
                ">= 0.8", String.format("%.2f (%,.0f / %,.0f items/s)", ratio, c.rate(), b.rate()), ratio >= 0.8,
                String.format("the cleanup took %.2f s against %.2f s: reading the partition's keys (Query) %.2f s, which "
                                + "the bare deleter does not need; its BatchWriteItem calls %.2f s against %.2f s; outside "
                                + "DynamoDB calls (unmarshalling the keys, building the batches) %.2f s against %.2f s",
                        c.seconds(), b.seconds(), c.seconds("Query"), c.seconds("BatchWriteItem"), b.seconds("BatchWriteItem"),
                        c.outside(), b.outside()));
        section.line(String.format("**(b) Cleanup.** A %,d-member group is dissolved through its handler (which only marks "
                + "it DISSOLVED), then CleanupService deletes all of it: its %,d items (members and the group item) "
                + "at %,.0f items/s, and writes the signed deletion receipt: a plan before, one copy per member after. "
                + "Bare BatchWriteItem requests (25 a call, sequential, keys known) doing the same storage work for another "
                + "such group (its deletes, and a receipt-sized put per member): %,.0f items of the group/s. Medians of %d rounds, in alternating order, after a round of each. "
                + "Time in DynamoDB calls in the median rounds, cleanup: %s; bare: %s.",
                members, members + 1, c.rate(), b.rate(), settings.cleanupRounds(), c.calls(), b.calls()));
        section.line("");
    }

    /** One timed deletion: items, seconds, and the DynamoDB calls it made with the time spent in them. */
    private record Deletion(long items, double seconds, String calls, Map<String, Double> secondsIn) {
        static Deletion of(long items, double seconds, CallTimer timer) {
            return new Deletion(items, seconds, timer.summary(), timer.secondsByOperation());
        }

        double rate() {
            return items / seconds;
        }

        double seconds(String operation) {
            return secondsIn.getOrDefault(operation, 0.0);
        }

        /** Time not spent waiting for DynamoDB. */
        double outside() {
            return seconds - secondsIn.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    private static Deletion median(List<Deletion> deletions) {
        List<Deletion> sorted = deletions.stream().sorted(java.util.Comparator.comparingDouble(Deletion::rate)).toList();
        return sorted.get((sorted.size() - 1) / 2);
    }

    /** Dissolves a new group of {@code members} and times the cleanup that deletes it. */
    private static Deletion timeCleanup(World w, int members, CallTimer timer) {
        String group = w.group(members, 0);
        HttpRoute dissolve = w.route(Routes.DISSOLVE);
        // the dissolve only marks the group (one UpdateItem); all of the deletion is the cleanup's
        World.requireOk("dissolve", w.invoke(dissolve, World.event(dissolve, w.creator, null, Map.of("groupId", group),
                Map.of()), 1_000));
        timer.reset();
        long started = System.nanoTime();
        CleanupService.CleanupReport report = w.app.cleanup().run(() -> true);
        double seconds = (System.nanoTime() - started) / 1e9;
        Deletion deletion = Deletion.of(report.groupItemsDeleted(), seconds, timer);
        if (report.groupsDeleted() != 1 || countPartition(w, group) != 0) {
            throw new IllegalStateException("the cleanup did not delete the group: " + report);
        }
        if (report.groupItemsDeleted() != members + 1) {
            throw new IllegalStateException("the cleanup deleted " + report.groupItemsDeleted() + " items, not " + (members + 1));
        }
        return deletion;
    }

    /** Times bare BatchWriteItem deletes of {@code items} items of a new group, and the receipt copies' puts. */
    private static Deletion timeBareDeletes(World w, int items, CallTimer timer) {
        String group = w.group(items - 1, 0); // its members and the group item: as many items as the cleanup deleted
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        String pk = Keys.group(group);
        keys.add(OrgTable.keyMap(pk, Keys.GROUP_SK));
        keys.add(OrgTable.keyMap(pk, Keys.member(w.creator.merchantId())));
        keys.add(OrgTable.keyMap(pk, Keys.member(w.partner.merchantId())));
        for (int i = 0; i < items - 3; i++) {
            keys.add(OrgTable.keyMap(pk, Keys.member(World.seededId("01JDSEED", i))));
        }
        // the same storage work as the cleanup's: the deletes, and a receipt copy (a signed receipt's size) for each
        // member, as the receipts of a dissolve are written (DESIGN §7)
        List<WriteRequest> writes = new ArrayList<>();
        keys.forEach(k -> writes.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(k).build()).build()));
        String copy = "{\"receipt\":{\"receiptId\":\"" + World.seededId("01JDRCPT", items) + "\",\"kind\":\"DISSOLVE\","
                + "\"groupId\":\"" + group + "\",\"requestedAt\":\"" + World.SEED_TIME + "\",\"completedAt\":\""
                + World.SEED_TIME + "\",\"deleted\":{\"GROUP\":1,\"MEMBER\":" + (items - 1) + "},\"keysDigest\":\"sha256:"
                + "0".repeat(64) + "\"},\"signature\":\"" + "A".repeat(86) + "\",\"fingerprint\":\"sha256:" + "0".repeat(64) + "\"}";
        for (Map<String, AttributeValue> k : keys.subList(1, keys.size())) {
            String merchant = k.get("sk").s().substring(Keys.MEMBER_PREFIX.length());
            writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(Map.of(
                    "pk", AttributeValue.fromS(Keys.receipts(merchant)), "sk", AttributeValue.fromS(World.SEED_TIME + "#" + group),
                    "receiptId", AttributeValue.fromS(group), "signed", AttributeValue.fromS(copy))).build()).build());
        }
        timer.reset();
        long started = System.nanoTime();
        for (int from = 0; from < writes.size(); from += OrgTable.MAX_BATCH_WRITE) {
            List<WriteRequest> batch = writes.subList(from, Math.min(writes.size(), from + OrgTable.MAX_BATCH_WRITE));
            Map<String, List<WriteRequest>> pending = Map.of(w.table, batch);
            while (!pending.isEmpty()) {
                Map<String, List<WriteRequest>> request = pending;
                BatchWriteItemResponse response = w.client.batchWriteItem(b -> b.requestItems(request));
                pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Deletion deletion = Deletion.of(keys.size(), seconds, timer); // items of the group deleted, as the cleanup counts
        if (countPartition(w, group) != 0) {
            throw new IllegalStateException("the bare deletes left items behind");
        }
        return deletion;
    }

    private static long countPartition(World w, String group) {
        long count = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = w.client.query(b -> b.tableName(w.table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(Keys.group(group))))
                    .select(Select.COUNT).consistentRead(true).exclusiveStartKey(from));
            count += page.count();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return count;
    }

    /** (c) Paging through many records with GET /records (pages of 100), against a bare Query pager. */
    private static void recordPager(Db db, Path template, Settings settings, Section section) {
        CallTimer timer = new CallTimer();
        World w = new World(db, template, 2, 1, db.client(timer));
        int records = settings.records();
        long seeding = System.nanoTime();
        w.seedRecords("ledger", records);
        double seedSeconds = (System.nanoTime() - seeding) / 1e9;
        HttpRoute list = w.route(Routes.LIST_RECORDS);
        // the time in Query calls of the latest pass of each, to say where the rest of a pass goes
        double[] querySeconds = new double[2];
        Runnable handler = () -> {
            timer.reset();
            handlerPages(w, list, records);
            querySeconds[0] = timer.secondsByOperation().getOrDefault("Query", 0.0);
        };
        Runnable bare = () -> {
            timer.reset();
            barePages(w, records);
            querySeconds[1] = timer.secondsByOperation().getOrDefault("Query", 0.0);
        };
        List<Stats> stats = Stats.interleaved(1, settings.pagerRounds(), handler, bare);
        double handlerRate = records / (stats.get(0).median() / 1e3);
        double bareRate = records / (stats.get(1).median() / 1e3);
        double ratio = handlerRate / bareRate;
        section.target(String.format("paging %,d records, GET /records / bare Query", records), ">= 0.8",
                String.format("%.2f (%,.0f / %,.0f records/s)", ratio, handlerRate, bareRate), ratio >= 0.8,
                String.format("a pass took %.2f s against %.2f s; its Query calls %.2f s against %.2f s (last passes): the "
                                + "rest is orgshare's work on each page (mapping, parsing the stored JSON, encoding the page)",
                        stats.get(0).median() / 1e3, stats.get(1).median() / 1e3, querySeconds[0], querySeconds[1]));
        section.line(String.format("**(c) Paging.** %,d records of one type (written with BatchWriteItem in %.1f s, %,.0f "
                        + "items/s), read in pages of 100 through the ListRecords handler following its cursor, and by a bare "
                        + "Query pager (Limit 100, consistent, ExclusiveStartKey): median of %d rounds each, interleaved, "
                        + "after one round of each. Handler: %.2f s a pass (%,.0f records/s); bare: %.2f s (%,.0f records/s).",
                records, seedSeconds, records / seedSeconds, settings.pagerRounds(), stats.get(0).median() / 1e3,
                handlerRate, stats.get(1).median() / 1e3, bareRate));
    }

    private static void handlerPages(World w, HttpRoute list, int expected) {
        String cursor = null;
        int records = 0;
        do {
            Map<String, String> query = new HashMap<>(Map.of("limit", "100"));
            if (cursor != null) {
                query.put("cursor", cursor);
            }
            APIGatewayV2HTTPResponse page = w.invokeOk(list, World.event(list, w.creator, null, Map.of("type", "ledger"), query));
            String body = page.getBody();
            records += count(body, "\"recordId\":\"");
            cursor = cursorOf(body);
        } while (cursor != null);
        if (records != expected) {
            throw new IllegalStateException("the handler pager read " + records + " records of " + expected);
        }
    }

    private static void barePages(World w, int expected) {
        Map<String, AttributeValue> start = null;
        int records = 0;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = w.client.query(b -> b.tableName(w.table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(Keys.records(w.creator.merchantId(), "ledger"))))
                    .consistentRead(true).limit(100).exclusiveStartKey(from));
            records += page.count();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        if (records != expected) {
            throw new IllegalStateException("the bare pager read " + records + " records of " + expected);
        }
    }

    /** The page's cursor, found without parsing the page: the pager's own reading is not orgshare's work. */
    private static String cursorOf(String body) {
        int at = body.lastIndexOf("\"cursor\":\"");
        if (at < 0) {
            return null;
        }
        int from = at + "\"cursor\":\"".length();
        return body.substring(from, body.indexOf('"', from));
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
            n++;
        }
        return n;
    }
}
