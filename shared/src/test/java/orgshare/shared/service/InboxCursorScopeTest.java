package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import org.junit.jupiter.api.Test;

import static orgshare.shared.service.ExchangeFixture.code;
import static orgshare.shared.service.ExchangeFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** An inbox cursor pages only the listing it came from: with the same since, or without one if it had none. */
class InboxCursorScopeTest {
    private final ExchangeFixture f = new ExchangeFixture();
    private final Caller owner = f.merchant("Owner");

    @Test
    void aCursorIsBoundToItsSince() {
        Caller sender = f.merchant("Sender");
        String g = f.group(owner, sender);
        f.set(g, rule(owner, sender, "note", "NONE", null, null, true));
        for (int i = 0; i < 3; i++) {
            f.app.exchange().push(sender, g, owner.merchantId(), "note", "{\"i\":" + i + "}");
        }
        String since = "2000-01-01T00:00:00Z";
        String sinceCursor = f.app.inbox().list(owner, since, "1", null).cursor();
        String plainCursor = f.app.inbox().list(owner, null, "1", null).cursor();

        assertEquals(1, f.app.inbox().list(owner, since, "1", sinceCursor).items().get(0).body().get("i").asInt());
        assertEquals(1, f.app.inbox().list(owner, null, "1", plainCursor).items().get(0).body().get("i").asInt());
        assertEquals("INVALID_CURSOR", code(() -> f.app.inbox().list(owner, null, "1", sinceCursor)));
        assertEquals("INVALID_CURSOR", code(() -> f.app.inbox().list(owner, "2000-01-02T00:00:00Z", "1", sinceCursor)));
        assertEquals("INVALID_CURSOR", code(() -> f.app.inbox().list(owner, since, "1", plainCursor)));
    }
}
