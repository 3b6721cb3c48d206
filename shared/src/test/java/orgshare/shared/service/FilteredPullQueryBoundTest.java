package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import orgshare.shared.testing.CallCounter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static orgshare.shared.service.ExchangeFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A row filter that hides everything still costs a page at most 8 Queries; the cursor goes on from there. */
class FilteredPullQueryBoundTest {
    @Test
    void aPageStopsAfterEightQueriesOfHiddenRowsAndItsCursorGoesOn() {
        CallCounter calls = new CallCounter();
        ExchangeFixture f = new ExchangeFixture(calls);
        Caller owner = f.merchant("Owner");
        Caller partner = f.merchant("Partner");
        String g = f.group(owner, partner);
        f.set(g, rule(owner, partner, "order", "FULL", null, Map.of("buyerId", "${partner}"), false));
        for (int i = 0; i < 100; i++) {
            f.put(owner, "order", String.format("O-%03d", i), "{\"buyerId\":\"someone else\"}");
        }
        f.put(owner, "order", "O-999", "{\"buyerId\":\"" + partner.merchantId() + "\"}");

        calls.reset();
        RecordService.RecordPage first = f.app.exchange().pull(partner, g, owner.merchantId(), "order", null, "1", null);
        List<String> expected = new ArrayList<>(List.of("BatchGetItem"));
        expected.addAll(Collections.nCopies(RecordService.MAX_QUERIES_PER_PAGE, "Query"));
        expected.add("TransactWriteItems");
        assertEquals(expected, calls.calls(), "authorize, 8 Queries, the audit");
        assertTrue(first.records().isEmpty(), "80 rows read, all hidden");
        assertNotNull(first.cursor(), "the owner's records go on");

        List<String> found = new ArrayList<>();
        String cursor = first.cursor();
        while (cursor != null) {
            RecordService.RecordPage page = f.app.exchange().pull(partner, g, owner.merchantId(), "order", null, "1", cursor);
            page.records().forEach(r -> found.add(r.recordId()));
            cursor = page.cursor();
        }
        assertEquals(List.of("O-999"), found);
    }
}
