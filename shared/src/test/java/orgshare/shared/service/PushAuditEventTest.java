package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import orgshare.shared.model.AuditItem;
import org.junit.jupiter.api.Test;

import java.util.List;

import static orgshare.shared.service.ExchangeFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A push is told in both merchants' logs with whose inbox, which type and which message; a push to oneself is refused. */
class PushAuditEventTest {
    @Test
    void bothLogsNameTheOwnerTheTypeAndTheMessage() {
        ExchangeFixture f = new ExchangeFixture();
        Caller owner = f.merchant("Owner");
        Caller sender = f.merchant("Sender");
        String g = f.group(owner, sender);
        f.set(g, rule(owner, sender, "purchase-order", "NONE", null, null, true));
        String messageId = f.app.exchange().push(sender, g, owner.merchantId(), "purchase-order", "{\"po\":1}").messageId();
        for (Caller side : List.of(owner, sender)) {
            AuditService.AuditEvent push = f.app.audit().list(side, null, null).events().get(0);
            assertEquals(AuditItem.PUSH, push.action());
            assertEquals(sender.merchantId(), push.actorId());
            assertEquals(owner.merchantId(), push.ownerId());
            assertEquals("purchase-order", push.type());
            assertEquals(messageId, push.messageId());
            assertEquals(g, push.groupId());
        }
    }

    @Test
    void aPushToOneselfIsRefusedAsSuchAndDeliversNothing() {
        ExchangeFixture f = new ExchangeFixture();
        Caller owner = f.merchant("Owner");
        Caller other = f.merchant("Other");
        String g = f.group(owner, other);
        f.set(g, rule(owner, "*", "purchase-order", "NONE", null, null, true));
        f.refused("SELF_EXCHANGE", () -> f.app.exchange().push(owner, g, owner.merchantId(), "purchase-order", "{}"));
    }
}
