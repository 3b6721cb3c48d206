package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import orgshare.shared.error.ApiException;
import orgshare.shared.json.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A row filter hides most of an owner's orders from a partner. Whatever the partner does with the pages and cursors it
 * is given, it learns nothing of the hidden rows: not an ID, not a timestamp, not how many there are. The proof: the
 * same pulls in a world where the hidden rows do not exist give pages of the same sizes with cursors in the same
 * places, and no hidden ID or timestamp appears in any response or cursor.
 */
class CursorConfidentialityTest {
    private static final int VISIBLE = 12;
    private static final int HIDDEN = 230;
    private static final String SINCE = "2000-01-01T00:00:00.000Z";

    /** The owner, the partner and a group in which the owner opens its orders to the partner, its own rows only. */
    private static final class World {
        final ExchangeFixture f = new ExchangeFixture();
        final Caller owner = f.merchant("Supplier");
        final Caller partner = f.merchant("Branch North");
        final Caller other = f.merchant("Branch South");
        final String group = f.group(owner, partner, other);
        final Set<String> hiddenIds = new HashSet<>();
        final Set<String> hiddenTimes = new HashSet<>();

        World(boolean withHiddenRows, long seed) {
            f.set(group, ExchangeFixture.rule(owner, partner, "order", "FULL", null,
                    Map.of("buyerId", "${partner}"), false));
            Random random = new Random(seed);
            int hiddenLeft = withHiddenRows ? HIDDEN : 0;
            int visibleLeft = VISIBLE;
            int n = 0;
            while (hiddenLeft + visibleLeft > 0) {
                boolean visible = random.nextInt(hiddenLeft + visibleLeft) < visibleLeft;
                // visible rows have the same IDs in both worlds; hidden ones fall between them
                String id = visible ? "PO-" + (1000 + (VISIBLE - visibleLeft) * 100) : "PO-" + (1000 + (VISIBLE - visibleLeft) * 100 - 50) + "-" + n;
                String buyer = visible ? partner.merchantId() : other.merchantId();
                f.put(owner, "order", id, "{\"buyerId\":\"" + buyer + "\",\"n\":" + n + "}");
                if (visible) {
                    visibleLeft--;
                } else {
                    hiddenLeft--;
                    hiddenIds.add(id);
                }
                n++;
            }
            for (RecordService.RecordView own : allOwn()) {
                if (hiddenIds.contains(own.recordId())) {
                    hiddenTimes.add(own.updatedAt());
                }
            }
        }

        List<RecordService.RecordView> allOwn() {
            List<RecordService.RecordView> all = new ArrayList<>();
            String cursor = null;
            do {
                RecordService.RecordPage page = f.app.records().list(owner, "order", null, "100", cursor);
                all.addAll(page.records());
                cursor = page.cursor();
            } while (cursor != null);
            return all;
        }

        /** Every page of the partner's pull, following each cursor, as the partner sees it. */
        List<RecordService.RecordPage> follow(String since, int limit) {
            List<RecordService.RecordPage> pages = new ArrayList<>();
            String cursor = null;
            do {
                RecordService.RecordPage page = f.app.exchange().pull(partner, group, owner.merchantId(), "order", since,
                        String.valueOf(limit), cursor);
                pages.add(page);
                cursor = page.cursor();
            } while (cursor != null && pages.size() < 1000);
            return pages;
        }
    }

    /** What the partner could count: the size of each page and whether a cursor came with it. */
    private static List<String> shape(List<RecordService.RecordPage> pages) {
        return pages.stream().map(p -> p.records().size() + (p.cursor() == null ? "" : "+cursor")).toList();
    }

    @Test
    void pagesAndCursorsRevealNothingOfRowsTheFilterHides() {
        World hidden = new World(true, 7);
        World bare = new World(false, 7);
        assertEquals(HIDDEN, hidden.hiddenIds.size());
        int cursorLength = -1;
        for (String since : new String[]{null, SINCE}) {
            for (int limit : new int[]{1, 3, 5, 12, 13, 100}) {
                List<RecordService.RecordPage> pages = hidden.follow(since, limit);
                String where = "since=" + since + " limit=" + limit;
                assertEquals(shape(bare.follow(since, limit)), shape(pages),
                        where + ": the pages have the same sizes and cursors as if the hidden rows did not exist");
                List<String> seen = pages.stream().flatMap(p -> p.records().stream())
                        .map(RecordService.RecordView::recordId).toList();
                assertEquals(VISIBLE, seen.size(), where + ": every visible row, once");
                assertEquals(VISIBLE, new HashSet<>(seen).size(), where);
                for (RecordService.RecordPage page : pages) {
                    String response = Json.encode(page);
                    for (String id : hidden.hiddenIds) {
                        assertFalse(response.contains(id), where + ": hidden ID " + id + " in " + response);
                    }
                    for (String time : hidden.hiddenTimes) {
                        assertFalse(response.contains(time), where + ": hidden timestamp in " + response);
                    }
                    if (page.cursor() != null) {
                        String opened = new String(Base64.getUrlDecoder().decode(page.cursor()), StandardCharsets.ISO_8859_1);
                        for (String id : hidden.hiddenIds) {
                            assertFalse(opened.contains(id) || page.cursor().contains(id), where + ": hidden ID in a cursor");
                        }
                        if (cursorLength < 0) {
                            cursorLength = page.cursor().length();
                        }
                        assertEquals(cursorLength, page.cursor().length(), where + ": every cursor has one length");
                    }
                }
            }
        }
    }

    @Test
    void aCursorOpensOnlyTheListItWasGivenFor() {
        World w = new World(true, 11);
        RecordService.RecordPage first = w.f.app.exchange().pull(w.partner, w.group, w.owner.merchantId(), "order", null, "2", null);
        String cursor = first.cursor();
        assertNotNull(cursor);
        ExchangeFixture f = w.f;
        // the next page works for the partner on the same list ...
        assertEquals(2, f.app.exchange().pull(w.partner, w.group, w.owner.merchantId(), "order", null, "2", cursor).records().size());
        // ... and nowhere else, each refusal writing nothing
        f.set(w.group, ExchangeFixture.rule(w.owner, w.other, "order", "FULL"));
        f.refused("INVALID_CURSOR", () -> f.app.exchange().pull(w.other, w.group, w.owner.merchantId(), "order", null, "2", cursor));
        f.refused("INVALID_CURSOR", () -> f.app.exchange().pull(w.partner, w.group, w.owner.merchantId(), "order", SINCE, "2", cursor));
        f.refused("INVALID_CURSOR", () -> f.app.records().list(w.owner, "order", null, "2", cursor));
        f.refused("INVALID_CURSOR", () -> f.app.inbox().list(w.partner, null, "2", cursor));
        f.refused("INVALID_CURSOR", () -> f.app.audit().list(w.partner, "2", cursor));
        f.refused("INVALID_CURSOR", () -> f.app.groups().get(w.partner, w.group, "2", cursor));
        f.refused("INVALID_CURSOR", () -> f.app.groups().listMine(w.partner, "2", cursor));
        f.refused("INVALID_CURSOR", () -> f.app.rules().list(w.partner, w.group, "2", cursor));
        ApiException refused = assertThrows(ApiException.class,
                () -> f.app.exchange().pull(w.partner, w.group, w.owner.merchantId(), "order", null, "2", cursor.substring(2) + "AA"));
        assertEquals(400, refused.status());
    }
}
