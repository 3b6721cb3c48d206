package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import orgshare.shared.testing.CallCounter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A merchant's own records: stored as sent, listed in pages, refused cleanly when they are not JSON objects. */
class RecordServiceTest {
    private final CallCounter calls = new CallCounter();

    @Test
    void putReplacesAndListPagesInRecordIdOrder() throws InterruptedException {
        ExchangeFixture f = new ExchangeFixture(calls);
        Caller owner = f.merchant("Owner");
        Caller other = f.merchant("Other");
        calls.reset();
        RecordService.RecordSaved first = f.app.records().put(owner, "order", "PO-2", "{ \"qty\" : 1.50, \"note\": \"caf\\u00e9\" }");
        assertEquals(List.of("PutItem"), calls.calls(), "one write");
        assertEquals("PO-2", first.recordId());
        Thread.sleep(2);
        RecordService.RecordSaved second = f.app.records().put(owner, "order", "PO-2", "{\"qty\":2}");
        assertNotEquals(first.updatedAt(), second.updatedAt(), "the server keeps updatedAt");
        f.app.records().put(owner, "order", "PO-1", "{\"qty\":1.50}");
        f.app.records().put(owner, "invoice", "INV-1", "{}");
        f.app.records().put(other, "order", "PO-9", "{}");

        RecordService.RecordPage all = f.app.records().list(owner, "order", null, null, null);
        assertEquals(List.of("PO-1", "PO-2"), all.records().stream().map(RecordService.RecordView::recordId).toList());
        assertEquals("{\"qty\":1.50}", orgshare.shared.json.Json.encode(all.records().get(0).body()), "1.50 stays 1.50");
        assertEquals(2, all.records().get(1).body().get("qty").asInt(), "the second put replaced the first");
        assertEquals(second.updatedAt(), all.records().get(1).updatedAt());

        for (int i = 0; i < 7; i++) {
            f.app.records().put(owner, "stock", "S-" + i, "{\"i\":" + i + "}");
        }
        List<String> paged = new ArrayList<>();
        String cursor = null;
        do {
            RecordService.RecordPage page = f.app.records().list(owner, "stock", null, "3", cursor);
            assertTrue(page.records().size() <= 3);
            page.records().forEach(r -> paged.add(r.recordId()));
            cursor = page.cursor();
        } while (cursor != null);
        assertEquals(List.of("S-0", "S-1", "S-2", "S-3", "S-4", "S-5", "S-6"), paged);
    }

    @Test
    void badRecordsAreRefusedAndNothingIsWritten() {
        ExchangeFixture f = new ExchangeFixture();
        Caller owner = f.merchant("Owner");
        String big = "{\"blob\":\"" + "x".repeat(RecordService.MAX_BODY_BYTES) + "\"}";
        f.refused("PAYLOAD_TOO_LARGE", () -> f.app.records().put(owner, "order", "PO-1", big));
        for (String body : List.of("[1]", "\"text\"", "42", "null", "true")) {
            f.refused("VALIDATION_FAILED", () -> f.app.records().put(owner, "order", "PO-1", body));
        }
        for (String body : List.of("", "{", "{\"a\":1}{", "{\"a\":1,\"a\":2}")) {
            f.refused("MALFORMED_JSON", () -> f.app.records().put(owner, "order", "PO-1", body));
        }
        f.refused("MALFORMED_JSON", () -> f.app.records().put(owner, "order", "PO-1", null));
        for (String type : List.of("", "a#b", "a/b", "*", "-x", "x".repeat(65), "caf\u00e9")) {
            f.refused("VALIDATION_FAILED", () -> f.app.records().put(owner, type, "PO-1", "{}"));
        }
        for (String id : List.of("", "a#b", "a/b", "PO 1", "x".repeat(129), "\u202eevil")) {
            f.refused("VALIDATION_FAILED", () -> f.app.records().put(owner, "order", id, "{}"));
        }
        f.refused("VALIDATION_FAILED", () -> f.app.records().list(owner, "order", "2026-13-01T00:00:00Z", null, null));
        f.refused("VALIDATION_FAILED", () -> f.app.records().list(owner, "order", null, "0", null));
        f.refused("INVALID_CURSOR", () -> f.app.records().list(owner, "order", null, null, "MTpQTyMx"));
    }
}
