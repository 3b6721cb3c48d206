package orgshare.shared.service;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.shared.auth.Caller;
import orgshare.shared.error.ApiException;
import orgshare.shared.json.Json;
import orgshare.shared.model.AuditItem;
import orgshare.shared.rules.Rule;
import orgshare.shared.testing.CallCounter;
import orgshare.shared.testing.LargeGroup;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static orgshare.shared.service.ExchangeFixture.code;
import static orgshare.shared.service.ExchangeFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pull, push, inbox, audit and discovery against DynamoDB Local: what each member sees, and what it costs. */
class ExchangeServiceTest {
    private final CallCounter calls = new CallCounter();

    @Test
    void aSupplierSharesOnlyEachBuyersOwnOrdersAndStockFieldsWithEveryone() {
        ExchangeFixture f = new ExchangeFixture(calls);
        Caller supplier = f.creator;
        Caller buyer1 = f.merchant("Buyer 1");
        Caller buyer2 = f.merchant("Buyer 2");
        String g = f.group(buyer1, buyer2);
        f.put(supplier, "order", "PO-1", "{\"buyerId\":\"" + buyer1.merchantId() + "\",\"total\":12.50}");
        f.put(supplier, "order", "PO-2", "{\"buyerId\":\"" + buyer2.merchantId() + "\",\"total\":99}");
        f.put(supplier, "order", "PO-3", "{\"buyerId\":\"" + buyer1.merchantId() + "\",\"total\":1e3}");
        f.put(supplier, "stock", "W-1", "{\"sku\":\"W-1\",\"level\":40,\"cost\":2.1,\"warehouse\":{\"id\":7}}");
        f.set(g,
                rule(supplier, buyer1, "order", "FULL", null, Map.of("buyerId", Rule.PARTNER_PLACEHOLDER), false),
                rule(supplier, "*", "stock", "FIELDS", List.of("sku", "level", "missing"), null, false));

        RecordService.RecordPage orders = f.pull(buyer1, g, supplier, "order");
        assertEquals(List.of("PO-1", "PO-3"), orders.records().stream().map(RecordService.RecordView::recordId).toList());
        assertEquals("{\"buyerId\":\"" + buyer1.merchantId() + "\",\"total\":1e3}",
                Json.encode(orders.records().get(1).body()), "numbers come back as sent");
        assertNull(orders.cursor());
        assertEquals("NOT_SHARED", code(() -> f.pull(buyer2, g, supplier, "order")), "no rule opens orders to buyer 2");

        for (Caller buyer : List.of(buyer1, buyer2)) {
            RecordService.RecordView stock = f.pull(buyer, g, supplier, "stock").records().get(0);
            assertEquals(Json.mapper().createObjectNode().put("sku", "W-1").put("level", 40), stock.body());
            assertEquals("stock", stock.type());
            assertNotNull(stock.updatedAt());
        }
        assertEquals("NOT_SHARED", code(() -> f.pull(buyer1, g, supplier, "invoice")), "no rule means nothing");
        assertEquals("NOT_SHARED", code(() -> f.pull(supplier, g, buyer1, "order")), "rules are one way");
    }

    @Test
    void numbersComeBackAsSentInFullAndFieldsPullsAndInTheInbox() {
        ExchangeFixture f = new ExchangeFixture();
        Caller owner = f.creator;
        Caller full = f.merchant("Full");
        Caller fields = f.merchant("Fields");
        String g = f.group(full, fields);
        f.set(g, rule(owner, full, "lot", "FULL", null, null, true),
                rule(owner, fields, "lot", "FIELDS", List.of("c", "a", "e"), null, false));
        String sent = "{\"a\":-0.0,\"b\":-0,\"c\":1e3,\"d\":1E+3,\"e\":[0.10,12.50,1e-999,{\"f\":-1.5E+07}],\"g\":\"\\u00e9\\/\"}";
        String kept = sent.replace("\\u00e9\\/", "\u00e9/"); // the same string, compactly written
        f.put(owner, "lot", "L-1", "  " + sent.replace(",", " , ") + "\n");

        assertEquals(kept, Json.encode(f.pull(full, g, owner, "lot").records().get(0).body()), "FULL");
        assertEquals("{\"c\":1e3,\"a\":-0.0,\"e\":[0.10,12.50,1e-999,{\"f\":-1.5E+07}]}",
                Json.encode(f.pull(fields, g, owner, "lot").records().get(0).body()), "FIELDS, in the rule's order");
        assertEquals(kept, Json.encode(f.app.records().list(owner, "lot", null, null, null).records().get(0).body()), "the owner's own");
        f.app.exchange().push(full, g, owner.merchantId(), "lot", sent);
        assertEquals(kept, Json.encode(f.app.inbox().list(owner, null, null, null).items().get(0).body()), "pushed");
    }

    @Test
    void summaryShowsIdsAndTimesAndNoneHidesWhatABroaderRuleGrants() {
        ExchangeFixture f = new ExchangeFixture();
        Caller owner = f.merchant("Owner");
        Caller partner = f.merchant("Partner");
        String g = f.group(owner, partner);
        f.put(owner, "invoice", "INV-1", "{\"amount\":5}");
        f.put(owner, "order", "O-1", "{\"amount\":6}");
        f.set(g, rule(owner, "*", "*", "FULL"), rule(owner, partner, "invoice", "SUMMARY"), rule(owner, partner, "order", "NONE"));

        RecordService.RecordView invoice = f.pull(partner, g, owner, "invoice").records().get(0);
        assertEquals("INV-1", invoice.recordId());
        assertNull(invoice.body(), "SUMMARY: no body");
        assertEquals("NOT_SHARED", code(() -> f.pull(partner, g, owner, "order")), "the specific NONE wins over (*, *) FULL");
        Caller other = f.merchant("Other");
        f.join(g, other);
        assertEquals(List.of("O-1"), f.pulledIds(other, g, owner, "order"), "(*, *) FULL still opens orders to the others");
    }

    @Test
    void refusalsSayWhyAndNeverTouchRecords() {
        ExchangeFixture f = new ExchangeFixture(calls);
        Caller owner = f.merchant("Owner");
        Caller partner = f.merchant("Partner");
        Caller outsider = f.merchant("Outsider");
        Caller invitee = f.merchant("Invitee");
        String g = f.group(owner, partner);
        f.app.memberships().invite(f.creator, g, new MembershipService.InviteMember(invitee.merchantId()));
        f.put(owner, "order", "O-1", "{\"secret\":\"s3cr3t\"}");

        calls.reset();
        f.refused("NOT_SHARED", () -> f.pull(partner, g, owner, "order"));
        assertFalse(calls.calls().contains("Query"), "a refused pull reads no record: " + calls.calls());
        f.refused("GROUP_NOT_FOUND", () -> f.pull(outsider, g, owner, "order"));
        f.refused("NOT_ACTIVE_MEMBER", () -> f.pull(invitee, g, owner, "order"));
        f.refused("OWNER_NOT_FOUND", () -> f.pull(partner, g, outsider, "order"));
        f.refused("OWNER_NOT_FOUND", () -> f.pull(partner, g, invitee, "order"));
        f.refused("SELF_EXCHANGE", () -> f.pull(owner, g, owner, "order"));
        f.refused("VALIDATION_FAILED", () -> f.app.exchange().pull(partner, g, owner.merchantId(), "ord#er", null, null, null));
        f.refused("VALIDATION_FAILED", () -> f.app.exchange().pull(partner, g, owner.merchantId(), "order", "yesterday", null, null));
        f.refused("VALIDATION_FAILED", () -> f.app.exchange().pull(partner, g, "REC#x", "order", null, null, null));
        f.refused("PUSH_NOT_ALLOWED", () -> f.app.exchange().push(partner, g, owner.merchantId(), "order", "{\"a\":1}"));
        f.refused("VALIDATION_FAILED", () -> f.app.exchange().push(partner, g, owner.merchantId(), "order", "[1,2]"));
        f.refused("MALFORMED_JSON", () -> f.app.exchange().push(partner, g, owner.merchantId(), "order", "{\"a\":1,\"a\":2}"));
        for (Caller caller : List.of(partner, outsider, invitee)) {
            String message = assertThrows(ApiException.class, () -> f.pull(caller, g, owner, "order")).getMessage();
            assertFalse(message.contains("s3cr3t") || message.contains("O-1"), "no record content in errors: " + message);
        }
    }

    @Test
    void pagingWithAForgedCursorStaysInTheRequestedPartition() {
        ExchangeFixture f = new ExchangeFixture();
        Caller owner = f.merchant("Owner");
        Caller other = f.merchant("Other");
        Caller partner = f.merchant("Partner");
        String g = f.group(owner, other, partner);
        for (int i = 0; i < 5; i++) {
            f.put(owner, "order", "A-" + i, "{\"n\":" + i + "}");
            f.put(other, "order", "A-" + i, "{\"secret\":" + i + "}");
        }
        f.set(g, rule(owner, partner, "order", "FULL"));
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            RecordService.RecordPage page = f.app.exchange().pull(partner, g, owner.merchantId(), "order", null, "2", cursor);
            assertTrue(page.records().size() <= 2);
            page.records().forEach(r -> seen.add(r.recordId()));
            page.records().forEach(r -> assertTrue(r.body().has("n"), "only the owner's records: " + r.body()));
            cursor = page.cursor();
        } while (cursor != null);
        assertEquals(List.of("A-0", "A-1", "A-2", "A-3", "A-4"), seen);

        // a cursor is only a position: handed to another owner's pull, it cannot open that owner's partition
        String position = f.app.exchange().pull(partner, g, owner.merchantId(), "order", null, "1", null).cursor();
        assertEquals("NOT_SHARED", code(() -> f.app.exchange().pull(partner, g, other.merchantId(), "order", null, "1", position)));
        for (String forged : List.of("not-base64!", "MTpSRUMjeA", "MTpBLTEjb3JkZXI", "x".repeat(600))) {
            assertEquals("INVALID_CURSOR", code(() -> f.app.exchange().pull(partner, g, owner.merchantId(), "order", null, null, forged)), forged);
        }
    }

    @Test
    void sinceReturnsOnlyWhatChangedAfterIt() throws InterruptedException {
        ExchangeFixture f = new ExchangeFixture();
        Caller owner = f.merchant("Owner");
        Caller partner = f.merchant("Partner");
        String g = f.group(owner, partner);
        f.set(g, rule(owner, partner, "stock", "FULL"));
        f.put(owner, "stock", "S-1", "{\"level\":1}");
        f.put(owner, "stock", "S-2", "{\"level\":2}");
        String mark = f.app.records().list(owner, "stock", null, null, null).records().get(1).updatedAt();
        Thread.sleep(5);
        f.put(owner, "stock", "S-1", "{\"level\":10}");
        f.put(owner, "stock", "S-3", "{\"level\":3}");
        RecordService.RecordPage changed = f.app.exchange().pull(partner, g, owner.merchantId(), "stock", mark, "1", null);
        assertEquals(List.of("S-1"), changed.records().stream().map(RecordService.RecordView::recordId).toList());
        assertEquals(10, changed.records().get(0).body().get("level").asInt());
        RecordService.RecordPage rest = f.app.exchange().pull(partner, g, owner.merchantId(), "stock", mark, "1", changed.cursor());
        assertEquals(List.of("S-3"), rest.records().stream().map(RecordService.RecordView::recordId).toList());
        assertEquals("INVALID_CURSOR", code(() -> f.app.exchange().pull(partner, g, owner.merchantId(), "stock", null, null, changed.cursor())),
                "a since-cursor is not a record-order cursor");
    }

    @Test
    void pushDeliversToTheOwnersInboxAndBothAuditLogsSayWhoDidWhat() {
        ExchangeFixture f = new ExchangeFixture(calls);
        Caller supplier = f.creator;
        Caller buyer = f.merchant("Buyer");
        String g = f.group(buyer);
        f.set(g, rule(supplier, buyer, "purchase-order", "NONE", null, null, true));
        calls.reset();
        String messageId = f.app.exchange().push(buyer, g, supplier.merchantId(), "purchase-order", "{\"po\":\"PO-42\",\"qty\":25}").messageId();
        assertEquals(List.of("BatchGetItem", "TransactWriteItems"), calls.calls(), "push: authorize, then deliver atomically");
        assertEquals("NOT_SHARED", code(() -> f.pull(buyer, g, supplier, "purchase-order")), "push without read");

        InboxService.InboxMessage message = f.app.inbox().list(supplier, null, null, null).items().get(0);
        assertEquals(messageId, message.messageId());
        assertEquals(buyer.merchantId(), message.from());
        assertEquals(g, message.groupId());
        assertEquals("purchase-order", message.type());
        assertEquals("PO-42", message.body().get("po").asText());
        assertTrue(f.app.inbox().list(buyer, null, null, null).items().isEmpty(), "the sender's inbox is its own");
        assertTrue(f.app.inbox().list(supplier, message.receivedAt(), null, null).items().isEmpty(), "since skips what was read");

        f.set(g, rule(supplier, buyer, "order", "SUMMARY"));
        f.put(supplier, "order", "O-1", "{}");
        f.pull(buyer, g, supplier, "order");
        List<AuditService.AuditEvent> supplierLog = f.app.audit().list(supplier, null, null).events();
        List<AuditService.AuditEvent> buyerLog = f.app.audit().list(buyer, null, null).events();
        assertEquals(List.of("PULL", "RULES_CHANGED", "PUSH", "RULES_CHANGED"), supplierLog.stream().map(AuditService.AuditEvent::action).toList());
        assertEquals(List.of("PULL", "RULES_CHANGED", "PUSH", "RULES_CHANGED"), buyerLog.stream().map(AuditService.AuditEvent::action).toList());
        AuditService.AuditEvent pull = supplierLog.get(0);
        assertEquals(buyer.merchantId(), pull.actorId());
        assertEquals(supplier.merchantId(), pull.ownerId());
        assertEquals("order", pull.type());
        assertEquals("SUMMARY", pull.scope());
        assertEquals(1, pull.count());
        assertEquals(pull.eventId(), buyerLog.get(0).eventId(), "one event, in both logs");
        assertEquals(messageId, supplierLog.get(2).messageId());
        JsonNode changes = supplierLog.get(1).changes();
        assertEquals("SET", changes.get(0).get("op").asText());
        assertEquals("order", changes.get(0).get("type").asText());
        Caller bystander = f.merchant("Bystander");
        assertTrue(f.app.audit().list(bystander, null, null).events().isEmpty());
    }

    @Test
    void ruleChangeLeaveAndDissolveTakeEffectOnTheVeryNextRequest() {
        ExchangeFixture f = new ExchangeFixture();
        Caller owner = f.merchant("Owner");
        Caller partner = f.merchant("Partner");
        String g = f.group(owner, partner);
        f.put(owner, "order", "O-1", "{}");
        long v = f.set(g, rule(owner, partner, "order", "FULL", null, null, true));
        assertEquals(List.of("O-1"), f.pulledIds(partner, g, owner, "order"));
        f.app.rules().change(f.creator, g, new RuleService.RuleChanges(v, null,
                List.of(new RuleService.RuleRef(owner.merchantId(), partner.merchantId(), "order"))));
        assertEquals("NOT_SHARED", code(() -> f.pull(partner, g, owner, "order")));
        assertEquals("PUSH_NOT_ALLOWED", code(() -> f.app.exchange().push(partner, g, owner.merchantId(), "order", "{}")));

        f.set(g, rule(owner, partner, "order", "FULL"));
        f.app.memberships().leave(partner, g, "me");
        assertEquals("GROUP_NOT_FOUND", code(() -> f.pull(partner, g, owner, "order")), "the leaver");
        f.join(g, partner);
        assertEquals("NOT_SHARED", code(() -> f.pull(partner, g, owner, "order")),
                "re-joined: its old rule is bound to the old membership, even before the cleanup runs");
        assertTrue(f.app.rules().list(f.creator, g, null, null).rules().isEmpty(), "nor is the dead rule listed");

        f.set(g, rule(owner, partner, "order", "FULL"));
        f.app.memberships().leave(owner, g, "me");
        assertEquals("OWNER_NOT_FOUND", code(() -> f.pull(partner, g, owner, "order")), "the owner left");
        f.join(g, owner);
        f.set(g, rule(owner, partner, "order", "FULL"));
        assertEquals(List.of("O-1"), f.pulledIds(partner, g, owner, "order"));
        f.app.memberships().dissolve(f.creator, g);
        assertEquals("GROUP_DISSOLVED", code(() -> f.pull(partner, g, owner, "order")));
        assertEquals("GROUP_DISSOLVED", code(() -> f.app.exchange().push(partner, g, owner.merchantId(), "order", "{}")));
    }

    @Test
    void aPushRacingALeaveIsNotDelivered() {
        AtomicReference<Runnable> beforeTransaction = new AtomicReference<>();
        ExecutionInterceptor race = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if ("TransactWriteItems".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
                    Runnable step = beforeTransaction.getAndSet(null);
                    if (step != null) {
                        step.run();
                    }
                }
            }
        };
        ExchangeFixture f = new ExchangeFixture(race);
        Caller owner = f.merchant("Owner");
        Caller partner = f.merchant("Partner");
        String g = f.group(owner, partner);
        f.set(g, rule(owner, partner, "po", "NONE", null, null, true));
        // the leave lands between the push's authorization and its delivery
        beforeTransaction.set(() -> f.app.memberships().leave(partner, g, "me"));
        assertEquals("CONCURRENT_CHANGE", code(() -> f.app.exchange().push(partner, g, owner.merchantId(), "po", "{\"n\":1}")));
        assertTrue(f.app.inbox().list(owner, null, null, null).items().isEmpty(), "nothing delivered after the leave");
        assertEquals("GROUP_NOT_FOUND", code(() -> f.app.exchange().push(partner, g, owner.merchantId(), "po", "{\"n\":1}")));
    }

    @Test
    void pullAuthorizationCostsTheSameInATwoAndAThousandMemberGroup() {
        ExchangeFixture f = new ExchangeFixture(calls);
        Caller owner = f.merchant("Owner");
        Caller partner = f.merchant("Partner");
        String small = f.group(owner, partner);
        String large = f.group(owner, partner);
        f.set(small, rule(owner, partner, "order", "FULL", null, null, true));
        f.set(large, rule(owner, partner, "order", "FULL", null, null, true));
        LargeGroup.addMembersWithRules(f.app.table(), large, owner.merchantId(), 1000);
        f.put(owner, "order", "O-1", "{}");

        calls.reset();
        assertEquals(List.of("O-1"), f.pulledIds(partner, small, owner, "order"));
        List<String> smallCalls = calls.calls();
        calls.reset();
        assertEquals(List.of("O-1"), f.pulledIds(partner, large, owner, "order"));
        assertEquals(List.of("BatchGetItem", "Query", "TransactWriteItems"), smallCalls, "authorize, one page, audit (both logs atomically)");
        assertEquals(smallCalls, calls.calls(), "independent of the group's size");

        calls.reset();
        f.app.exchange().push(partner, large, owner.merchantId(), "order", "{}");
        assertEquals(List.of("BatchGetItem", "TransactWriteItems"), calls.calls(), "push costs the same in a large group");
    }

    @Test
    void providersListWhatIsOpenToTheCallerResolvedPerType() {
        ExchangeFixture f = new ExchangeFixture();
        Caller supplier = f.creator;
        Caller buyer = f.merchant("Buyer");
        Caller other = f.merchant("Other");
        String g = f.group(buyer, other);
        f.set(g,
                rule(supplier, buyer, "order", "FULL", null, Map.of("buyerId", Rule.PARTNER_PLACEHOLDER), false),
                rule(supplier, "*", "stock", "FIELDS", List.of("sku", "level"), null, false),
                rule(supplier, buyer, "purchase-order", "NONE", null, null, true),
                rule(supplier, "*", "*", "SUMMARY"),
                rule(supplier, buyer, "invoice", "NONE"),
                rule(other, buyer, "*", "FULL"),
                rule(buyer, "*", "order", "FULL"));
        List<RuleService.Provider> providers = f.app.rules().providers(buyer, g).providers();
        List<RuleService.Provider> expected = new ArrayList<>();
        expected.add(new RuleService.Provider(supplier.merchantId(), "order", "FULL", null, Map.of("buyerId", buyer.merchantId()), false));
        expected.add(new RuleService.Provider(supplier.merchantId(), "purchase-order", "NONE", null, null, true));
        expected.add(new RuleService.Provider(supplier.merchantId(), "stock", "FIELDS", List.of("sku", "level"), null, false));
        expected.add(new RuleService.Provider(supplier.merchantId(), "*", "SUMMARY", null, null, false));
        expected.add(new RuleService.Provider(other.merchantId(), "*", "FULL", null, null, false));
        expected.sort(java.util.Comparator.comparing(RuleService.Provider::ownerId));
        assertEquals(expected, providers, "invoice is hidden by its NONE; the caller's own rules are not listed");
        assertEquals("NOT_ACTIVE_MEMBER", code(() -> {
            Caller invitee = f.merchant("Invitee");
            f.app.memberships().invite(f.creator, g, new MembershipService.InviteMember(invitee.merchantId()));
            f.app.rules().providers(invitee, g);
        }));
    }

    @Test
    void auditListsArePagedNewestFirst() {
        ExchangeFixture f = new ExchangeFixture();
        Caller owner = f.merchant("Owner");
        Caller partner = f.merchant("Partner");
        String g = f.group(owner, partner);
        f.set(g, rule(owner, partner, "order", "SUMMARY"));
        for (int i = 0; i < 5; i++) {
            f.pull(partner, g, owner, "order");
        }
        List<String> at = new ArrayList<>();
        String cursor = null;
        do {
            AuditService.AuditPage page = f.app.audit().list(owner, "2", cursor);
            page.events().forEach(e -> at.add(e.at() + "#" + e.eventId()));
            cursor = page.cursor();
        } while (cursor != null);
        assertEquals(6, at.size(), "5 pulls and the rule change");
        List<String> sorted = new ArrayList<>(at);
        sorted.sort(java.util.Comparator.reverseOrder());
        assertEquals(sorted, at);
        assertEquals(AuditItem.RULES_CHANGED, at.size() == 6 ? f.app.audit().list(owner, "6", null).events().get(5).action() : null,
                "the oldest event comes last");
    }
}
