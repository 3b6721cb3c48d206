package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A record body of exactly 256 KiB (compact, UTF-8) is stored and read back; one byte more is a 413. */
class RecordBodySizeLimitTest {
    @Test
    void exactly256KiBIsStoredOneByteMoreIsRefused() {
        ExchangeFixture f = new ExchangeFixture();
        Caller owner = f.merchant("Owner");
        String envelope = "{\"blob\":\"\"}";
        String largest = "{\"blob\":\"" + "x".repeat(RecordService.MAX_BODY_BYTES - envelope.length()) + "\"}";
        assertEquals(RecordService.MAX_BODY_BYTES, largest.getBytes(StandardCharsets.UTF_8).length);
        f.put(owner, "order", "O-1", largest);
        assertEquals(largest.length() - envelope.length(),
                f.app.records().list(owner, "order", null, null, null).records().get(0).body().get("blob").asText().length());

        String oneMore = "{\"blob\":\"" + "x".repeat(RecordService.MAX_BODY_BYTES - envelope.length() + 1) + "\"}";
        f.refused("PAYLOAD_TOO_LARGE", () -> f.put(owner, "order", "O-2", oneMore));
    }
}
