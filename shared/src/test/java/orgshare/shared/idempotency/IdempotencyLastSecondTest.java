package orgshare.shared.idempotency;

import orgshare.shared.Orgshare;
import orgshare.shared.auth.Caller;
import orgshare.shared.ids.Ids;
import orgshare.shared.service.CloudService;
import orgshare.shared.service.MerchantService;
import orgshare.shared.service.RecordService;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.time.Timestamps;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A key guards its request for 24 hours to the second: a retry in the last second still gets the first answer. */
class IdempotencyLastSecondTest {
    private final DynamoDbClient client = DynamoDbLocal.client();
    private final Map<String, String> env = DynamoDbLocal.environment(Map.of(), DynamoDbLocal.newTable(client));

    /** The application on the one table, its clock stopped at {@code now}. */
    private Orgshare at(Instant now) {
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        return Orgshare.create(client, env, clock, new Ids(clock));
    }

    @Test
    void aRetryAtTheLastSecondIsAnsweredFromTheRecord() {
        Instant start = Instant.parse("2026-11-25T10:00:00Z");
        Orgshare first = at(start);
        first.clouds().register(Caller.operator(), new CloudService.CreateCloud("acme", "Acme"));
        Caller owner = Caller.merchant(first.merchants().create(Caller.operator(),
                new MerchantService.CreateMerchant("acme", "Owner")).merchantId(), "acme");
        RecordService.RecordSaved saved = first.records().put(owner, "order", "O-1", "{\"n\":1}", "retry-key");

        Orgshare lastSecond = at(start.plus(Idempotency.RETENTION));
        assertEquals(saved, lastSecond.records().put(owner, "order", "O-1", "{\"n\":1}", "retry-key"), "still the first answer");
        assertEquals(saved.updatedAt(), lastSecond.records().list(owner, "order", null, null, null).records().get(0).updatedAt());

        Instant expired = start.plus(Idempotency.RETENTION).plusSeconds(1);
        RecordService.RecordSaved anew = at(expired).records().put(owner, "order", "O-1", "{\"n\":1}", "retry-key");
        assertEquals(Timestamps.format(expired), anew.updatedAt(), "an expired key guards nothing");
    }
}
