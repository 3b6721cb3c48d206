package orgshare.shared.service;

import orgshare.shared.Orgshare;
import orgshare.shared.auth.Caller;
import orgshare.shared.ids.Ids;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static orgshare.shared.service.ExchangeFixture.code;
import static orgshare.shared.service.ExchangeFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * An Idempotency-Key lives 24 hours: up to that instant a retry gets the first answer and another request with the
 * key is refused; one second later the key is free, and the same request is a new one.
 */
class IdempotencyExpiryTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private final ManualClock clock = new ManualClock(T0);
    private final Orgshare app = DynamoDbLocal.newApp(DynamoDbLocal.client(), Map.of(), clock, new Ids(clock));
    private final ExchangeFixture f = new ExchangeFixture(app);

    private String body(Caller owner, String recordId) {
        return app.records().list(owner, "order", null, null, null).records().stream()
                .filter(r -> r.recordId().equals(recordId)).findFirst().orElseThrow().body().toString();
    }

    @Test
    void aRecordsKeyGuardsFor24HoursAndNotASecondMore() {
        Caller owner = f.merchant("Owner");
        RecordService.RecordSaved first = app.records().put(owner, "order", "O-1", "{\"v\":1}", "key-1");

        clock.set(T0.plus(Duration.ofHours(24)));
        assertEquals(first, app.records().put(owner, "order", "O-1", "{\"v\":1}", "key-1"), "at 24 h a retry gets the first answer");
        assertEquals("IDEMPOTENCY_KEY_REUSED", code(() -> app.records().put(owner, "order", "O-1", "{\"v\":2}", "key-1")));
        assertEquals("{\"v\":1}", body(owner, "O-1"), "and writes nothing");

        clock.set(T0.plus(Duration.ofHours(24)).plusSeconds(1));
        RecordService.RecordSaved later = app.records().put(owner, "order", "O-1", "{\"v\":2}", "key-1");
        assertNotEquals(first.updatedAt(), later.updatedAt(), "past 24 h the key is free: a new write");
        assertEquals("{\"v\":2}", body(owner, "O-1"));
    }

    @Test
    void aPushsKeyDeliversOnceFor24HoursThenAgain() {
        Caller owner = f.merchant("Owner");
        Caller partner = f.merchant("Partner");
        String g = f.group(owner, partner);
        f.set(g, rule(owner, partner, "po", "NONE", null, null, true));
        String first = app.exchange().push(partner, g, owner.merchantId(), "po", "{\"po\":1}", "po-1").messageId();

        clock.set(T0.plus(Duration.ofHours(24)));
        assertEquals(first, app.exchange().push(partner, g, owner.merchantId(), "po", "{\"po\":1}", "po-1").messageId());
        assertEquals(1, app.inbox().list(owner, null, null, null).items().size(), "delivered once");

        clock.set(T0.plus(Duration.ofHours(24)).plusSeconds(1));
        String again = app.exchange().push(partner, g, owner.merchantId(), "po", "{\"po\":1}", "po-1").messageId();
        assertNotEquals(first, again, "the expired key no longer stands for the first delivery");
        assertEquals(2, app.inbox().list(owner, null, null, null).items().size());
    }
}
