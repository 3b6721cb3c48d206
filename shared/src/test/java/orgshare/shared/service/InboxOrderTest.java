package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import orgshare.shared.ids.Ids;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static orgshare.shared.service.ExchangeFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The inbox lists oldest first, so a consumer reads on from where it stopped: page by page, and with {@code since}
 * (strictly after) from the time of the last message it handled.
 */
class InboxOrderTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final ExchangeFixture f = new ExchangeFixture(DynamoDbLocal.newApp(DynamoDbLocal.client(), Map.of(), clock, new Ids(clock)));
    private final Caller owner = f.merchant("Owner");
    private final Caller north = f.merchant("North");
    private final Caller south = f.merchant("South");
    private final String g = f.group(owner, north, south);

    /** Seven pushes a minute apart, from two partners; the message IDs in the order they arrived. */
    private List<String> pushSeven() {
        f.set(g, rule(owner, "*", "po", "NONE", null, null, true));
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            clock.advance(Duration.ofMinutes(1));
            Caller from = i % 3 == 0 ? south : north;
            sent.add(f.app.exchange().push(from, g, owner.merchantId(), "po", "{\"n\":" + i + "}").messageId());
        }
        return sent;
    }

    private List<InboxService.InboxMessage> all(String since, String limit) {
        List<InboxService.InboxMessage> messages = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            InboxService.InboxPage page = f.app.inbox().list(owner, since, limit, cursor);
            assertTrue(limit == null || page.items().size() <= Integer.parseInt(limit));
            messages.addAll(page.items());
            cursor = page.cursor();
        } while (cursor != null && ++pages < 20);
        return messages;
    }

    private static List<String> ids(List<InboxService.InboxMessage> messages) {
        return messages.stream().map(InboxService.InboxMessage::messageId).toList();
    }

    @Test
    void messagesComeOldestFirstOnOnePageAndAcrossPages() {
        List<String> sent = pushSeven();
        List<InboxService.InboxMessage> one = f.app.inbox().list(owner, null, null, null).items();
        assertEquals(sent, ids(one), "oldest first");
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), one.stream().map(m -> m.body().get("n").asInt()).toList());
        for (String limit : List.of("1", "2", "3", "7")) {
            assertEquals(sent, ids(all(null, limit)), "pages of " + limit + ", oldest first, none repeated or skipped");
        }
        InboxService.InboxPage first = f.app.inbox().list(owner, null, "3", null);
        assertNotNull(first.cursor(), "a full page has a cursor");
        assertEquals(sent.subList(3, 6), ids(f.app.inbox().list(owner, null, "3", first.cursor()).items()), "the next page reads on");
    }

    @Test
    void sinceReturnsWhatArrivedAfterItOldestFirst() {
        List<String> sent = pushSeven();
        List<InboxService.InboxMessage> everything = all(null, null);
        String third = everything.get(2).receivedAt();
        assertEquals(sent.subList(3, 7), ids(all(third, null)), "strictly after the third message's time");
        assertEquals(sent.subList(3, 7), ids(all(third, "2")), "and page by page");
        assertEquals(sent, ids(all("2026-11-25T10:00:00.000Z", "3")), "since before the first: everything");
        assertEquals(List.of(), ids(all(everything.get(6).receivedAt(), null)), "since the last: nothing yet");

        clock.advance(Duration.ofMinutes(1));
        String eighth = f.app.exchange().push(north, g, owner.merchantId(), "po", "{\"n\":7}").messageId();
        assertEquals(List.of(eighth), ids(all(everything.get(6).receivedAt(), null)), "a consumer reading on from its last message sees the new one");
    }
}
