package orgshare.shared.service;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.shared.auth.Caller;
import orgshare.shared.json.Json;
import orgshare.shared.testing.RandomJson;
import orgshare.shared.testing.SeededRun;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static orgshare.shared.service.ExchangeFixture.rule;
import static orgshare.shared.testing.RandomJson.tokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded property test, against DynamoDB Local: random valid documents (see {@link RandomJson}) stored as records
 * and pushed, then read back by their owner, pulled under FULL, FIELDS and SUMMARY, and read from the inbox. What
 * comes back must be the same JSON value with every number spelled as sent, compared token by token (never with
 * JsonNode.equals, under which 12.50 equals 12.5). A fixed number of cases from a seed: reproduce a run with
 * {@code -Dorgshare.bodies.seed=<seed>}, {@code -Dorgshare.bodies.cases=<n>}.
 */
class BodyPropertyTest {
    private static final SeededRun RUN = SeededRun.of("orgshare.bodies", 20261210L, 300, 120_000L);
    private static final long SEED = RUN.seed();
    private static final List<String> FIELDS = List.of("total", "lines", "note");
    private static final String TYPE = "doc";
    /** Every fifth document is also pushed into the owner's inbox. */
    private static final int PUSH_EVERY = 5;

    @Test
    void everyDocumentComesBackWithTheSameValueAndEveryNumberSpelledAsSent() {
        ExchangeFixture f = new ExchangeFixture();
        Caller owner = f.creator;
        Caller full = f.merchant("Full");
        Caller fields = f.merchant("Fields");
        Caller summary = f.merchant("Summary");
        String group = f.group(full, fields, summary);
        f.set(group,
                rule(owner, full, TYPE, "FULL", null, null, true),
                rule(owner, fields, TYPE, "FIELDS", FIELDS, null, false),
                rule(owner, summary, TYPE, "SUMMARY"));

        RandomJson json = new RandomJson(RUN.random(), List.of("total", "lines", "note", "qty", "price"));
        Map<String, RandomJson.Document> stored = new LinkedHashMap<>();
        Map<String, RandomJson.Document> pushed = new HashMap<>();
        for (int i = 0; i < RUN.cases(); i++) {
            RUN.check(i);
            RandomJson.Document document = json.document();
            String recordId = String.format("R-%05d", i);
            f.put(owner, TYPE, recordId, document.text());
            stored.put(recordId, document);
            if (i % PUSH_EVERY == 0) {
                pushed.put(f.app.exchange().push(full, group, owner.merchantId(), TYPE, document.text()).messageId(), document);
            }
        }
        System.out.println("BODIES seed=" + SEED + ": " + stored.size() + " documents stored, " + pushed.size() + " pushed");

        Map<String, JsonNode> own = bodies(cursor -> f.app.records().list(owner, TYPE, null, "100", cursor));
        Map<String, JsonNode> pulledFull = bodies(cursor -> f.app.exchange().pull(full, group, owner.merchantId(), TYPE, null, "100", cursor));
        Map<String, JsonNode> pulledFields = bodies(cursor -> f.app.exchange().pull(fields, group, owner.merchantId(), TYPE, null, "100", cursor));
        Map<String, JsonNode> pulledSummary = bodies(cursor -> f.app.exchange().pull(summary, group, owner.merchantId(), TYPE, null, "100", cursor));
        for (Map<String, JsonNode> read : List.of(own, pulledFull, pulledFields, pulledSummary)) {
            assertEquals(List.copyOf(stored.keySet()), List.copyOf(read.keySet()), "seed " + SEED + ": every record, in record ID order");
        }
        stored.forEach((recordId, document) -> {
            String where = "seed " + SEED + ", record " + recordId + " sent as " + document.text();
            assertEquals(tokens(document.text()), tokens(Json.encode(own.get(recordId))), where + ", read by its owner");
            assertEquals(tokens(document.text()), tokens(Json.encode(pulledFull.get(recordId))), where + ", pulled under FULL");
            assertEquals(tokens(projected(document)), tokens(Json.encode(pulledFields.get(recordId))), where + ", pulled under FIELDS " + FIELDS);
            assertNull(pulledSummary.get(recordId), where + ", pulled under SUMMARY: no body");
        });

        Map<String, JsonNode> inbox = new HashMap<>();
        String cursor = null;
        do {
            InboxService.InboxPage page = f.app.inbox().list(owner, null, "100", cursor);
            page.items().forEach(message -> inbox.put(message.messageId(), message.body()));
            cursor = page.cursor();
        } while (cursor != null);
        assertEquals(pushed.keySet(), inbox.keySet(), "seed " + SEED + ": every pushed document is in the inbox");
        pushed.forEach((messageId, document) -> assertEquals(tokens(document.text()), tokens(Json.encode(inbox.get(messageId))),
                "seed " + SEED + ", pushed as " + document.text()));
        assertTrue(stored.size() >= 20, "enough documents to judge: " + stored.size());
    }

    /** Every page of a record listing, each record's body by its ID (a null body kept as null). */
    private static Map<String, JsonNode> bodies(Function<String, RecordService.RecordPage> pager) {
        Map<String, JsonNode> bodies = new LinkedHashMap<>();
        String cursor = null;
        do {
            RecordService.RecordPage page = pager.apply(cursor);
            page.records().forEach(record -> bodies.put(record.recordId(), record.body()));
            cursor = page.cursor();
        } while (cursor != null);
        return bodies;
    }

    /** What a FIELDS pull of the document should show: the listed fields it has, each as sent, in the rule's order. */
    private static String projected(RandomJson.Document document) {
        List<String> members = new ArrayList<>();
        for (String field : FIELDS) {
            String value = document.fields().get(field);
            if (value != null) {
                members.add(Json.encode(field) + ":" + value);
            }
        }
        return "{" + String.join(",", members) + "}";
    }
}
