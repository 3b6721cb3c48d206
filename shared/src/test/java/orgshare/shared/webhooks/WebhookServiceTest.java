package orgshare.shared.webhooks;

import orgshare.shared.auth.Caller;
import orgshare.shared.db.OrgTable;
import orgshare.shared.error.ApiException;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.testing.TableSnapshot;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A merchant's webhook: set, read without its secret, secret shown once and rotated, removed; bad input writes nothing. */
class WebhookServiceTest {
    private final String tableName = DynamoDbLocal.newTable(DynamoDbLocal.client());
    private final OrgTable table = new OrgTable(DynamoDbLocal.client(), tableName);
    private final WebhookService webhooks = new WebhookService(table, Clock.systemUTC(), false, orgshare.shared.db.Cursors.fromSecret(orgshare.shared.db.Cursors::newSecret));
    private final Caller alice = Caller.merchant("01JDMERCHANT00000000000001", "acme");
    private final Caller bob = Caller.merchant("01JDMERCHANT00000000000002", "acme");

    private WebhookService.WebhookView set(Caller who, String url, Boolean rotate, String... events) {
        return webhooks.set(who, new WebhookService.SetWebhook(url, List.of(events), rotate));
    }

    @Test
    void theSecretIsShownWhenMadeAndWhenRotatedOnly() {
        WebhookService.WebhookView first = set(alice, "https://93.184.216.34/hook", null, "inbox.received", "push.status");
        assertNotNull(first.secret());
        assertEquals(List.of("inbox.received", "push.status"), first.events());
        WebhookService.WebhookView changed = set(alice, "https://93.184.216.34/other", false, "rules.changed");
        assertNull(changed.secret(), "changing the URL or events keeps the secret, unshown");
        assertEquals(first.secret(), webhooks.find(alice.merchantId()).secret());
        WebhookService.WebhookView rotated = set(alice, "https://93.184.216.34/other", true, "rules.changed");
        assertNotNull(rotated.secret());
        assertNotEquals(first.secret(), rotated.secret());
        assertEquals(rotated.secret(), webhooks.find(alice.merchantId()).secret());
        WebhookService.WebhookView shown = webhooks.get(alice);
        assertNull(shown.secret());
        assertEquals("https://93.184.216.34/other", shown.url());
        assertEquals(first.createdAt(), shown.createdAt());
        assertEquals("WEBHOOK_NOT_FOUND", assertThrows(ApiException.class, () -> webhooks.get(bob)).code());
        webhooks.delete(alice);
        assertNull(webhooks.find(alice.merchantId()));
        assertEquals("WEBHOOK_NOT_FOUND", assertThrows(ApiException.class, () -> webhooks.delete(alice)).code());
    }

    @Test
    void badInputIsRefusedAndWritesNothing() {
        List<String> before = TableSnapshot.of(DynamoDbLocal.client(), tableName);
        assertEquals("INVALID_WEBHOOK_URL", assertThrows(ApiException.class,
                () -> set(alice, "https://169.254.169.254/latest", null, "inbox.received")).code());
        assertEquals("INVALID_WEBHOOK_URL", assertThrows(ApiException.class,
                () -> set(alice, "http://93.184.216.34/hook", null, "inbox.received")).code());
        assertEquals("VALIDATION_FAILED", assertThrows(ApiException.class,
                () -> set(alice, "https://93.184.216.34/hook", null)).code());
        assertEquals("VALIDATION_FAILED", assertThrows(ApiException.class,
                () -> set(alice, "https://93.184.216.34/hook", null, "inbox.received", "everything")).code());
        assertEquals("VALIDATION_FAILED", assertThrows(ApiException.class,
                () -> webhooks.set(alice, new WebhookService.SetWebhook("https://93.184.216.34/hook", null, null))).code());
        assertEquals(before, TableSnapshot.of(DynamoDbLocal.client(), tableName));
    }
}
