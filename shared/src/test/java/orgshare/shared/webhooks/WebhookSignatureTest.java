package orgshare.shared.webhooks;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Standard Webhooks signature, proven by the convention's own test vector (its reference libraries' tests). */
class WebhookSignatureTest {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330;
    private static final String BODY = "{\"test\": 2432232314}";
    private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void signsTheConventionsTestVector() {
        assertEquals(SIGNATURE, WebhookSignature.sign(SECRET, ID, TIMESTAMP, BODY));
        assertEquals(SIGNATURE, WebhookSignature.sign(SECRET.substring(WebhookSignature.PREFIX.length()), ID, TIMESTAMP, BODY));
    }

    @Test
    void verifiesOnlyTheSameDeliveryWithinFiveMinutes() {
        Instant then = Instant.ofEpochSecond(TIMESTAMP);
        assertTrue(WebhookSignature.verify(SECRET, ID, "1614265330", BODY, SIGNATURE, then));
        assertTrue(WebhookSignature.verify(SECRET, ID, "1614265330", BODY, "v2,abc " + SIGNATURE, then.plusSeconds(300)));
        assertFalse(WebhookSignature.verify(SECRET, ID, "1614265330", BODY, SIGNATURE, then.plusSeconds(301)));
        assertFalse(WebhookSignature.verify(SECRET, ID, "1614265330", BODY, SIGNATURE, then.minusSeconds(301)));
        assertFalse(WebhookSignature.verify(SECRET, ID, "1614265330", BODY + " ", SIGNATURE, then));
        assertFalse(WebhookSignature.verify(SECRET, "msg_other", "1614265330", BODY, SIGNATURE, then));
        assertFalse(WebhookSignature.verify(SECRET, ID, "1614265331", BODY, SIGNATURE, then));
        assertFalse(WebhookSignature.verify(WebhookSignature.newSecret(), ID, "1614265330", BODY, SIGNATURE, then));
        assertFalse(WebhookSignature.verify(SECRET, ID, "1614265330", BODY, "v1,not-base64!", then));
        assertFalse(WebhookSignature.verify(SECRET, ID, "soon", BODY, SIGNATURE, then));
    }

    @Test
    void newSecretsAreDistinctAndOfTheConventionsForm() {
        String one = WebhookSignature.newSecret();
        assertTrue(one.matches("whsec_[A-Za-z0-9+/]{32}"), one);
        assertFalse(one.equals(WebhookSignature.newSecret()));
    }
}
