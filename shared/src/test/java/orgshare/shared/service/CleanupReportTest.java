package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import orgshare.shared.db.Keys;
import orgshare.shared.testing.FaultInjector;
import orgshare.shared.testing.LargeGroup;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;

import static orgshare.shared.service.ExchangeFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The cleanup's report counts what it deleted, item for item, in partitions larger than one batch. */
class CleanupReportTest {
    private static int partitionSize(ExchangeFixture f, String groupId) {
        return f.app.table().client().query(q -> q.tableName(f.app.table().name()).consistentRead(true)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(Keys.group(groupId))))).count();
    }

    @Test
    void aDissolvedGroupsItemsAreCountedAsDeleted() {
        ExchangeFixture f = new ExchangeFixture();
        String g = f.group();
        LargeGroup.addMembersWithRules(f.app.table(), g, f.creator.merchantId(), 30);
        int items = partitionSize(f, g);
        assertEquals(62, items, "the group, the creator, 30 members and their 30 rules");
        f.app.memberships().dissolve(f.creator, g);
        assertEquals(new CleanupService.CleanupReport(1, items, 0, 0, true), f.app.cleanup().run(() -> true));
        assertEquals(0, partitionSize(f, g));
    }

    @Test
    void aDepartedMembersRulesAreCountedAsDeleted() {
        ExchangeFixture f = new ExchangeFixture();
        Caller leaver = f.merchant("Leaver");
        Caller stayer = f.merchant("Stayer");
        String g = f.group(leaver, stayer);
        RuleService.RuleInput[] rules = new RuleService.RuleInput[30];
        for (int i = 0; i < 15; i++) {
            rules[i] = rule(leaver, stayer, "out" + i, "FULL");
            rules[15 + i] = rule(stayer, leaver, "in" + i, "FULL");
        }
        f.set(g, rules);
        f.set(g, rule(stayer, "*", "kept", "FULL"));
        f.app.memberships().leave(leaver, g, "me");
        assertEquals(new CleanupService.CleanupReport(0, 0, 1, 30, true), f.app.cleanup().run(() -> true));
        assertEquals(1, f.app.rules().list(stayer, g, null, null).rules().size(), "the stayer's own rule for everyone stays");
    }

    @Test
    void moreDeparturesThanOneIndexPageAreAllProcessedInOneRun() {
        ExchangeFixture f = new ExchangeFixture();
        String g = f.group();
        int leavers = 26; // the index is read 25 a page
        for (int i = 0; i < leavers; i++) {
            Caller leaver = f.merchant("Leaver " + i);
            f.join(g, leaver);
            f.app.memberships().leave(leaver, g, "me");
        }
        assertEquals(new CleanupService.CleanupReport(0, 0, leavers, 0, true), f.app.cleanup().run(() -> true));
        assertEquals(new CleanupService.CleanupReport(0, 0, 0, 0, true), f.app.cleanup().run(() -> true));
    }

    @Test
    void aRunThatFailedBeforeTheGroupItemIsFinishedByTheNext() {
        FaultInjector faults = new FaultInjector();
        ExchangeFixture f = new ExchangeFixture(faults);
        String g = f.group(f.merchant("Member"));
        f.app.memberships().dissolve(f.creator, g);
        faults.failAfter("DeleteItem", 0);
        assertThrows(RuntimeException.class, () -> f.app.cleanup().run(() -> true));
        faults.disarm();
        assertEquals(1, partitionSize(f, g), "only the dissolved group item is left");
        assertEquals(new CleanupService.CleanupReport(1, 1, 0, 0, true), f.app.cleanup().run(() -> true));
        assertEquals(0, partitionSize(f, g));
    }
}
