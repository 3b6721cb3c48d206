package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import orgshare.shared.testing.CallCounter;
import org.junit.jupiter.api.Test;

import java.util.List;

import static orgshare.shared.service.ExchangeFixture.code;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A request with an Idempotency-Key refused on its own merits looks once for an earlier answer under the key (an
 * earlier attempt may have succeeded), and only once: it does not wait as for a concurrent attempt.
 */
class IdempotentRefusalReadsTest {
    @Test
    void aRefusedRequestLooksForAnEarlierAnswerOnce() {
        CallCounter calls = new CallCounter();
        ExchangeFixture f = new ExchangeFixture(calls);
        Caller owner = f.merchant("Owner");
        calls.reset();
        assertEquals("VALIDATION_FAILED", code(() -> f.app.records().put(owner, "order", "O-1", "[1]", "key-1")));
        assertEquals(List.of("GetItem"), calls.calls());

        f.app.records().put(owner, "order", "O-1", "{\"n\":1}", "key-2");
        f.app.records().put(owner, "order", "O-1", "{\"n\":2}");
        // the same request again under key-2 is answered from the record, even though a later write replaced it
        assertEquals("O-1", f.app.records().put(owner, "order", "O-1", "{\"n\":1}", "key-2").recordId());
        assertEquals(2, f.app.records().list(owner, "order", null, null, null).records().get(0).body().get("n").asInt());
    }
}
