package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import orgshare.shared.model.AuditItem;
import orgshare.shared.validation.Validate;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static orgshare.shared.service.ExchangeFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A rule change is told to every merchant it names, removals included, with the version it made. */
class RuleChangeAuditTest {
    @Test
    void theMerchantsARemovalNamesSeeItWithTheNewVersion() {
        ExchangeFixture f = new ExchangeFixture();
        Caller a = f.merchant("A");
        Caller b = f.merchant("B");
        Caller bystander = f.merchant("Bystander");
        String g = f.group(a, b, bystander);
        f.set(g, rule(a, b, "order", "FULL"), rule(a, "*", "stock", "SUMMARY"));
        long removed = f.app.rules().change(f.creator, g, new RuleService.RuleChanges(f.version(g), null, List.of(
                new RuleService.RuleRef(a.merchantId(), b.merchantId(), "order"),
                new RuleService.RuleRef(a.merchantId(), "*", "stock")))).version();
        assertEquals(2, removed);

        for (Caller named : List.of(f.creator, a, b)) {
            AuditService.AuditEvent latest = f.app.audit().list(named, null, null).events().get(0);
            assertEquals(AuditItem.RULES_CHANGED, latest.action());
            assertEquals(g, latest.groupId());
            assertEquals(f.creator.merchantId(), latest.actorId());
            Validate.generatedId("eventId", latest.eventId());
            assertTrue(Validate.timestamp("at", latest.at()).isAfter(Instant.parse("2026-01-01T00:00:00Z")), latest.at());
            assertEquals(Long.valueOf(removed), latest.version(), "the version the removal made");
            assertEquals(2, latest.changes().size());
            assertTrue(latest.changes().findValuesAsText("op").stream().allMatch("REMOVE"::equals), latest.changes().toString());
        }
        assertTrue(f.app.audit().list(bystander, null, null).events().isEmpty(), "a member no change names hears nothing");
    }
}
