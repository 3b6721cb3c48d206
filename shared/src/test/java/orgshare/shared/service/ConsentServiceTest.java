package orgshare.shared.service;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.shared.auth.Caller;
import orgshare.shared.json.Json;
import orgshare.shared.model.AuditItem;
import orgshare.shared.rules.Rule;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static orgshare.shared.service.ExchangeFixture.cap;
import static orgshare.shared.service.ExchangeFixture.code;
import static orgshare.shared.service.ExchangeFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Owner caps on DynamoDB Local: only the owner sets them, on its own data; they narrow at the very next pull, push and
 * discovery; they never widen a rule; they are versioned per owner; they die with the owner's membership and the
 * cleanup deletes them.
 */
class ConsentServiceTest {
    private final ExchangeFixture f = new ExchangeFixture();
    private final Caller supplier = f.creator;
    private final Caller buyer = f.merchant("Buyer");
    private final Caller other = f.merchant("Other");
    private final String g = f.group(buyer, other);

    private long caps(Caller owner, ConsentService.CapInput... caps) {
        long version = f.app.consent().list(owner, g, null, null, null).version();
        return f.app.consent().change(owner, g, new ConsentService.ConsentChanges(version, List.of(caps), null)).version();
    }

    private void orders() {
        f.put(supplier, "order", "PO-1", "{\"buyerId\":\"" + buyer.merchantId() + "\",\"region\":\"north\",\"total\":12,\"note\":\"x\"}");
        f.put(supplier, "order", "PO-2", "{\"buyerId\":\"" + buyer.merchantId() + "\",\"region\":\"south\",\"total\":7,\"note\":\"y\"}");
        f.put(supplier, "order", "PO-3", "{\"buyerId\":\"" + other.merchantId() + "\",\"region\":\"north\",\"total\":9,\"note\":\"z\"}");
    }

    @Test
    void aCapNarrowsTheNextPullPushAndDiscoveryAndNeverWidensTheRule() {
        orders();
        f.set(g, rule(supplier, "*", "order", "FIELDS", List.of("buyerId", "region", "total"), null, true));
        assertEquals(List.of("PO-1", "PO-2", "PO-3"), f.pulledIds(buyer, g, supplier, "order"));

        // the owner narrows: for the buyer only its own north orders, only total, no push
        caps(supplier, cap(buyer, "order", "FIELDS", List.of("total", "note"), Map.of("buyerId", Rule.PARTNER_PLACEHOLDER,
                "region", "north"), false));
        RecordService.RecordPage page = f.pull(buyer, g, supplier, "order");
        assertEquals(List.of("PO-1"), page.records().stream().map(RecordService.RecordView::recordId).toList());
        assertEquals(Json.mapper().createObjectNode().put("total", 12), page.records().get(0).body(),
                "the fields both open: total (note is in the cap but not in the rule)");
        assertEquals("PUSH_NOT_ALLOWED", code(() -> f.app.exchange().push(buyer, g, supplier.merchantId(), "order", "{}")));
        // the other partner is not capped
        assertEquals(List.of("PO-1", "PO-2", "PO-3"), f.pulledIds(other, g, supplier, "order"));
        assertNotNull(f.app.exchange().push(other, g, supplier.merchantId(), "order", "{}").messageId());

        // discovery shows the effective grant
        RuleService.Provider provider = f.app.rules().providers(buyer, g).providers().stream()
                .filter(p -> p.type().equals("order")).findFirst().orElseThrow();
        assertEquals("FIELDS", provider.scope());
        assertEquals(List.of("total"), provider.fields());
        assertEquals(Map.of("buyerId", buyer.merchantId(), "region", "north"), provider.filter());
        assertFalse(provider.push());

        // a cap wider than the rule has no effect beyond the rule: FULL and push allowed by the cap, FIELDS by the rule
        caps(supplier, cap("*", "*", "FULL", null, null, true), cap(buyer, "order", "FULL", null, null, true));
        RecordService.RecordView first = f.pull(buyer, g, supplier, "order").records().get(0);
        assertEquals(List.of("buyerId", "region", "total"), fieldNames(first.body()), "never wider than the rule");
        assertNotNull(f.app.exchange().push(buyer, g, supplier.merchantId(), "order", "{}").messageId());

        // NONE hides everything, and discovery stops listing the owner's orders (push was still allowed: it stays)
        caps(supplier, cap(buyer, "order", "NONE", null, null, false));
        assertEquals("NOT_SHARED", code(() -> f.pull(buyer, g, supplier, "order")));
        assertTrue(f.app.rules().providers(buyer, g).providers().stream().noneMatch(p -> p.type().equals("order")));
    }

    @Test
    void onlyTheOwnerSetsCapsOnItsOwnDataAndTheCreatorCanReadThem() {
        f.set(g, rule(supplier, "*", "order", "FULL"));
        // caps name no owner: a body naming one is refused, and nothing changes
        f.refused("VALIDATION_FAILED", () -> f.app.consent().change(buyer, g, Json.decodeRequest(
                "{\"expectedVersion\":0,\"set\":[{\"ownerId\":\"" + supplier.merchantId() + "\",\"partnerId\":\"*\",\"type\":\"order\",\"maxScope\":\"NONE\"}]}",
                ConsentService.ConsentChanges.class)));
        // a buyer's cap is about the buyer's data: it changes nothing for the supplier's orders
        caps(buyer, cap("*", "*", "NONE", null, null, false));
        assertEquals(1, f.app.consent().list(buyer, g, null, null, null).caps().size());
        assertTrue(f.app.consent().list(supplier, g, null, null, null).caps().isEmpty());
        f.put(supplier, "order", "PO-1", "{\"total\":1}");
        assertEquals(List.of("PO-1"), f.pulledIds(other, g, supplier, "order"));

        f.refused("VALIDATION_FAILED", () -> f.app.consent().change(buyer, g, new ConsentService.ConsentChanges(1L,
                List.of(cap(buyer, "order", "NONE", null, null, null)), null)));
        f.refused("VALIDATION_FAILED", () -> f.app.consent().change(buyer, g, new ConsentService.ConsentChanges(1L,
                List.of(cap("*", "order", "SUMMARY", List.of("a"), null, null)), null)));
        f.refused("VERSION_CONFLICT", () -> f.app.consent().change(buyer, g, new ConsentService.ConsentChanges(0L,
                List.of(cap("*", "order", "SUMMARY", null, null, null)), null)));
        f.refused("CAP_NOT_FOUND", () -> f.app.consent().change(buyer, g, new ConsentService.ConsentChanges(1L, null,
                List.of(new ConsentService.CapRef("*", "order")))));
        Caller outsider = f.merchant("Outsider");
        f.refused("GROUP_NOT_FOUND", () -> f.app.consent().change(outsider, g, new ConsentService.ConsentChanges(0L,
                List.of(cap("*", "order", "SUMMARY", null, null, null)), null)));

        // the creator reads any owner's caps; another member reads only its own
        assertEquals("NONE", f.app.consent().list(supplier, g, buyer.merchantId(), null, null).caps().get(0).maxScope());
        f.refused("FORBIDDEN", () -> f.app.consent().list(other, g, buyer.merchantId(), null, null));
        // the change is in the owner's and the creator's audit logs
        for (Caller reader : List.of(buyer, supplier)) {
            assertTrue(f.app.audit().list(reader, null, null).events().stream()
                    .anyMatch(e -> AuditItem.CONSENT_CHANGED.equals(e.action())), reader.merchantId());
        }
    }

    @Test
    void versionsArePerOwnerAndCapsPageWithSealedCursors() {
        f.set(g, rule(supplier, "*", "*", "FULL"), rule(buyer, "*", "*", "FULL"));
        assertEquals(1, caps(supplier, cap(buyer, "order", "SUMMARY", null, null, null)));
        assertEquals(1, caps(buyer, cap(supplier, "order", "SUMMARY", null, null, null)), "the buyer's version is its own");
        List<ConsentService.CapInput> many = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            many.add(cap("*", "t" + i, "SUMMARY", null, null, null));
        }
        assertEquals(2, caps(supplier, many.toArray(ConsentService.CapInput[]::new)));
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            ConsentService.ConsentPage page = f.app.consent().list(supplier, g, null, "2", cursor);
            assertEquals(2, page.version());
            page.caps().forEach(c -> seen.add(c.partnerId() + "/" + c.type()));
            cursor = page.cursor();
        } while (cursor != null);
        assertEquals(6, seen.size(), seen.toString());
        String foreign = f.app.consent().list(supplier, g, null, "2", null).cursor();
        assertEquals("INVALID_CURSOR", code(() -> f.app.consent().list(buyer, g, null, "2", foreign)),
                "a cursor is sealed for its reader and owner");
    }

    @Test
    void capsDieWithTheOwnersMembershipAndTheCleanupDeletesThem() {
        orders();
        f.set(g, rule(buyer, "*", "order", "FULL"));
        f.put(buyer, "order", "B-1", "{\"total\":1}");
        caps(buyer, cap("*", "order", "NONE", null, null, false), cap(supplier, "*", "SUMMARY", null, null, null));
        assertEquals("NOT_SHARED", code(() -> f.pull(other, g, buyer, "order")));

        f.app.memberships().leave(buyer, g, "me");
        f.join(g, buyer);
        assertEquals(0, f.app.consent().list(buyer, g, null, null, null).version(), "a new membership starts at 0");
        assertTrue(f.app.consent().list(buyer, g, null, null, null).caps().isEmpty(), "the old caps are dead");
        f.set(g, rule(buyer, "*", "order", "FULL"));
        assertEquals(List.of("B-1"), f.pulledIds(other, g, buyer, "order"), "nothing of the old caps holds");

        BooleanSupplier always = () -> true;
        f.app.cleanup().run(always);
        long capItems = f.snapshot().stream().filter(item -> item.contains("CAP#")).count();
        assertEquals(0, capItems, "the cleanup deleted the caps of the earlier membership");
    }

    private static List<String> fieldNames(JsonNode body) {
        List<String> names = new ArrayList<>();
        body.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
