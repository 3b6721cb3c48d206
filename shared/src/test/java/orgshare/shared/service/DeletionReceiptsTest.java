package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import orgshare.shared.receipts.Receipts;
import orgshare.shared.testing.FaultInjector;
import orgshare.shared.testing.LargeGroup;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import static orgshare.shared.service.ExchangeFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cleanup writes one signed deletion receipt per leave, removal and dissolve, a copy for each recipient: what
 * it deleted, counted by kind, and a digest that the test recomputes from its own dump of the keys taken before the
 * cleanup ran. However the cleanup is interrupted (out of time after any number of steps, or killed between the
 * deletion and the receipt), the runs that follow write exactly one receipt, with the full counts and the same
 * digest; and a further run changes nothing.
 */
class DeletionReceiptsTest {
    private final FaultInjector faults = new FaultInjector();

    /** A group with an owner and a partner who open records to each other, and a third member with a rule of its own. */
    private record World(ExchangeFixture f, String groupId, Caller leaver, Caller partner, Caller third) {
    }

    private World world() {
        ExchangeFixture f = new ExchangeFixture(faults);
        Caller leaver = f.merchant("Leaver");
        Caller partner = f.merchant("Partner");
        Caller third = f.merchant("Third");
        String g = f.group(leaver, partner, third);
        f.set(g, rule(leaver, partner, "order", "FULL"), rule(leaver, "*", "stock", "SUMMARY"),
                rule(partner, leaver, "invoice", "FULL"), rule(third, partner, "order", "FULL"));
        return new World(f, g, leaver, partner, third);
    }

    @Test
    void aLeaveGivesTheLeaverAndTheCreatorOneVerifiableReceipt() {
        World w = world();
        w.f.app.memberships().leave(w.leaver, w.groupId, "me");
        List<String> keys = dump(w.f, w.groupId, departureOf(w.leaver.merchantId()));
        assertEquals(4, keys.size(), "two rules it owns, one naming it, and its marker: " + keys);

        assertTrue(w.f.app.cleanup().run(() -> true).complete());

        Receipts.SignedReceipt leaver = only(w.f, w.leaver);
        Receipts.SignedReceipt creator = only(w.f, w.f.creator);
        assertEquals(leaver, creator, "one receipt, a copy each");
        Receipts.Receipt r = leaver.receipt();
        assertEquals("LEAVE", r.kind());
        assertEquals(w.groupId, r.groupId());
        assertEquals(w.leaver.merchantId(), r.merchantId());
        assertEquals(Map.of("RULE", 3L, "DEPARTED", 1L), r.deleted());
        assertEquals(Receipts.keysDigest(keys), r.keysDigest(), "the digest of the keys as they were before");
        assertTrue(r.requestedAt().compareTo(r.completedAt()) <= 0);
        assertTrue(Receipts.verify(leaver, w.f.app.federation().key().publicKey()));
        assertEquals(List.of(), w.f.app.receipts().list(w.partner, null, null).receipts(), "not a recipient");
        assertEquals(List.of(), w.f.app.receipts().list(w.third, null, null).receipts(), "not a recipient");
        assertNothingChangesAgain(w.f);
    }

    @Test
    void aRemovalIsReceiptedAsRemove() {
        World w = world();
        w.f.app.memberships().leave(w.f.creator, w.groupId, w.third.merchantId());
        List<String> keys = dump(w.f, w.groupId, departureOf(w.third.merchantId()));
        w.f.app.cleanup().run(() -> true);
        Receipts.Receipt r = only(w.f, w.third).receipt();
        assertEquals("REMOVE", r.kind());
        assertEquals(w.third.merchantId(), r.merchantId());
        assertEquals(Map.of("RULE", 1L, "DEPARTED", 1L), r.deleted());
        assertEquals(Receipts.keysDigest(keys), r.keysDigest());
        assertEquals(r, only(w.f, w.f.creator).receipt());
        assertTrue(Receipts.verify(only(w.f, w.f.creator), w.f.app.federation().key().publicKey()));
        assertEquals(List.of(), w.f.app.receipts().list(w.leaver, null, null).receipts());
    }

    @Test
    void aDissolveGivesEveryMemberThenTheSameReceiptCountingTheGroupItem() {
        World w = world();
        w.f.app.memberships().leave(w.third, w.groupId, "me"); // its marker is still there when the group goes
        w.f.app.memberships().dissolve(w.f.creator, w.groupId);
        List<String> keys = dump(w.f, w.groupId, item -> true);

        assertTrue(w.f.app.cleanup().run(() -> true).complete());

        Receipts.SignedReceipt first = only(w.f, w.f.creator);
        for (Caller member : List.of(w.leaver, w.partner, w.third)) {
            assertEquals(first, only(w.f, member), "the same receipt for every member then, and the departed one");
        }
        Receipts.Receipt r = first.receipt();
        assertEquals("DISSOLVE", r.kind());
        assertNull(r.merchantId());
        assertEquals(Map.of("GROUP", 1L, "MEMBER", 3L, "RULE", 4L, "DEPARTED", 1L), r.deleted());
        assertEquals(Receipts.keysDigest(keys), r.keysDigest());
        assertTrue(Receipts.verify(first, w.f.app.federation().key().publicKey()));
        assertNothingChangesAgain(w.f);
    }

    /** Out of time after every possible number of steps, then a full run: one receipt, whole, as if never interrupted. */
    @Test
    void anInterruptedCleanupStillWritesExactlyOneWholeReceipt() {
        for (int steps = 0; steps <= 4; steps++) {
            World w = world();
            w.f.app.memberships().leave(w.leaver, w.groupId, "me");
            w.f.app.memberships().dissolve(w.f.creator, w.groupId);
            List<String> before = dump(w.f, w.groupId, item -> true);
            List<String> leaverKeys = dump(w.f, w.groupId, departureOf(w.leaver.merchantId()));

            w.f.app.cleanup().run(budget(steps));
            assertTrue(w.f.app.cleanup().run(() -> true).complete(), "after " + steps + " steps");

            Receipts.Receipt r = only(w.f, w.f.creator).receipt();
            assertEquals(Receipts.keysDigest(before), r.keysDigest(), "after " + steps + " steps");
            assertEquals(Map.of("GROUP", 1L, "MEMBER", 3L, "RULE", 4L, "DEPARTED", 1L), r.deleted());
            assertEquals(1, w.f.app.receipts().list(w.leaver, null, null).receipts().size());
            assertTrue(leaverKeys.stream().allMatch(before::contains));
            assertNothingChangesAgain(w.f);
        }
    }

    /** Killed after the deletion, before the receipt: the next run's receipt still counts what the first one deleted. */
    @Test
    void aRunKilledBetweenTheDeletionAndTheReceiptIsFinishedByTheNext() {
        for (String kind : List.of("LEAVE", "DISSOLVE")) {
            World w = world();
            w.f.app.memberships().leave(w.leaver, w.groupId, "me");
            List<String> keys = dump(w.f, w.groupId, departureOf(w.leaver.merchantId()));
            if (kind.equals("DISSOLVE")) {
                w.f.app.memberships().dissolve(w.f.creator, w.groupId);
                keys = dump(w.f, w.groupId, item -> true);
            }
            faults.failAfter("UpdateItem", 0); // completing the receipt is the run's first UpdateItem
            assertThrows(SdkClientException.class, () -> w.f.app.cleanup().run(() -> true));
            faults.disarm();
            assertEquals(List.of(), w.f.app.receipts().list(w.f.creator, null, null).receipts(), "no receipt yet");
            assertFalse(w.f.snapshot().stream().anyMatch(row -> row.contains("S=RULE#" + w.leaver.merchantId())),
                    "the first run deleted the rules");

            assertTrue(w.f.app.cleanup().run(() -> true).complete());
            Receipts.Receipt r = only(w.f, w.f.creator).receipt();
            assertEquals(kind, r.kind());
            assertEquals(Receipts.keysDigest(keys), r.keysDigest(), kind);
            assertEquals(kind.equals("LEAVE") ? Map.of("RULE", 3L, "DEPARTED", 1L)
                    : Map.of("GROUP", 1L, "MEMBER", 3L, "RULE", 4L, "DEPARTED", 1L), r.deleted());
            assertEquals(r, only(w.f, w.leaver).receipt());
            assertNothingChangesAgain(w.f);
        }
    }

    /** A copy written, then the run killed before the marker went: the next run writes the same bytes again, no second one. */
    @Test
    void aRunKilledAfterTheReceiptWritesNoSecondOne() {
        World w = world();
        w.f.app.memberships().leave(w.leaver, w.groupId, "me");
        faults.failAfter("DeleteItem", 0); // the marker's deletion, after the receipt
        assertThrows(SdkClientException.class, () -> w.f.app.cleanup().run(() -> true));
        faults.disarm();
        Receipts.SignedReceipt first = only(w.f, w.leaver);
        w.f.app.cleanup().run(() -> true);
        assertEquals(first, only(w.f, w.leaver), "the same receipt, the same completion time and signature");
        assertEquals(first, only(w.f, w.f.creator));
        assertNothingChangesAgain(w.f);
    }

    /** More recipients than one plan page holds: the plan keeps them in pages, and every one of them gets its copy. */
    @Test
    void aLargeDissolveReceiptsEveryMemberFromAPagedPlan() {
        ExchangeFixture f = new ExchangeFixture(faults);
        Caller owner = f.merchant("Owner");
        String g = f.group(owner);
        int extra = ReceiptService.RECIPIENTS_PER_PAGE + 150;
        LargeGroup.addMembersWithRules(f.app.table(), g, owner.merchantId(), extra);
        f.app.memberships().dissolve(f.creator, g);
        List<String> keys = dump(f, g, item -> true);
        assertFalse(f.app.cleanup().run(budget(1)).complete(), "the plan stored, nothing deleted yet");
        assertEquals(2, f.snapshot().stream().filter(row -> row.contains("sk=AttributeValue(S=RECIPIENTS#")).count(), "two pages of recipients");
        assertTrue(f.app.cleanup().run(() -> true).complete());

        Receipts.SignedReceipt receipt = only(f, f.creator);
        assertEquals(Map.of("GROUP", 1L, "MEMBER", (long) extra + 2, "RULE", (long) extra), receipt.receipt().deleted());
        assertEquals(Receipts.keysDigest(keys), receipt.receipt().keysDigest());
        assertEquals(receipt, only(f, owner));
        assertEquals(receipt, only(f, Caller.merchant(String.format("01JDSEED%018d", extra - 1), "acme")));
        long copies = f.snapshot().stream().filter(row -> row.contains("S=RECEIPTS#")).count();
        assertEquals(extra + 2, copies, "one copy for each member then");
    }

    @Test
    void theListPagesNewestFirstWithCursorsOfItsOwn() {
        World w = world();
        w.f.app.memberships().leave(w.leaver, w.groupId, "me");
        w.f.app.cleanup().run(() -> true);
        w.f.app.memberships().leave(w.f.creator, w.groupId, w.third.merchantId());
        w.f.app.cleanup().run(() -> true);
        ReceiptService.ReceiptPage page = w.f.app.receipts().list(w.f.creator, "1", null);
        assertEquals("REMOVE", page.receipts().get(0).receipt().kind(), "newest first");
        ReceiptService.ReceiptPage next = w.f.app.receipts().list(w.f.creator, "1", page.cursor());
        assertEquals("LEAVE", next.receipts().get(0).receipt().kind());
        assertEquals(2, w.f.app.receipts().list(w.f.creator, "3", null).receipts().size(), "two receipts in all");
        assertEquals("INVALID_CURSOR", ExchangeFixture.code(() -> w.f.app.receipts().list(w.leaver, "1", page.cursor())),
                "another merchant's cursor");
    }

    private static Predicate<Map<String, AttributeValue>> departureOf(String merchantId) {
        return item -> {
            String sk = item.get("sk").s();
            AttributeValue partner = item.get("partnerId");
            return sk.equals("DEPARTED#" + merchantId) || sk.startsWith("RULE#" + merchantId + "#")
                    || (sk.startsWith("RULE#") && partner != null && partner.s().equals(merchantId));
        };
    }

    /** The test's own dump of the keys in the group's partition that {@code which} picks, as the digest lines them. */
    private static List<String> dump(ExchangeFixture f, String groupId, Predicate<Map<String, AttributeValue>> which) {
        List<String> keys = new ArrayList<>();
        f.app.table().client().queryPaginator(b -> b.tableName(f.app.table().name()).consistentRead(true)
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("GROUP#" + groupId))))
                .items().forEach(item -> {
                    if (which.test(item)) {
                        keys.add(item.get("pk").s() + "\t" + item.get("sk").s());
                    }
                });
        return keys;
    }

    private static Receipts.SignedReceipt only(ExchangeFixture f, Caller merchant) {
        List<Receipts.SignedReceipt> receipts = f.app.receipts().list(merchant, null, null).receipts();
        assertEquals(1, receipts.size(), "one receipt for " + merchant.merchantId() + ": " + receipts);
        return receipts.get(0);
    }

    private static void assertNothingChangesAgain(ExchangeFixture f) {
        List<String> before = f.snapshot();
        assertTrue(f.app.cleanup().run(() -> true).complete());
        assertEquals(before, f.snapshot(), "a further run changes nothing");
    }

    private static BooleanSupplier budget(int times) {
        AtomicInteger left = new AtomicInteger(times);
        return () -> left.getAndDecrement() > 0;
    }
}
