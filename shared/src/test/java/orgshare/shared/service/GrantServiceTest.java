package orgshare.shared.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import orgshare.shared.auth.Caller;
import orgshare.shared.json.Json;
import orgshare.shared.rules.Rule;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static orgshare.shared.service.ExchangeFixture.cap;
import static orgshare.shared.service.ExchangeFixture.code;
import static orgshare.shared.service.ExchangeFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Explanations and the matrix on DynamoDB Local: the reasons say what decided, derived from the rule and the cap; the
 * explained effective grant is what a pull returns; only the creator, the owner and the partner may ask; the matrix
 * pages a group tile by tile, every pair once for the creator, only its own row and column for another member, each
 * cell what explain says.
 */
class GrantServiceTest {
    private final ExchangeFixture f = new ExchangeFixture();
    private final Caller supplier = f.creator;
    private final Caller buyer = f.merchant("Buyer");
    private final Caller other = f.merchant("Other");
    private final String g = f.group(buyer, other);
    private final Map<String, JsonNode> orders = new LinkedHashMap<>();

    private GrantService.Explained explain(Caller reader, Caller owner, Caller partner, String type) {
        return f.app.grants().explain(reader, g, owner.merchantId(), partner.merchantId(), type);
    }

    private void caps(Caller owner, ConsentService.CapInput... caps) {
        long version = f.app.consent().list(owner, g, null, null, null).version();
        f.app.consent().change(owner, g, new ConsentService.ConsentChanges(version, List.of(caps), null));
    }

    private void uncap(Caller owner, String partnerId, String type) {
        long version = f.app.consent().list(owner, g, null, null, null).version();
        f.app.consent().change(owner, g, new ConsentService.ConsentChanges(version, null,
                List.of(new ConsentService.CapRef(partnerId, type))));
    }

    private void order(String id, String buyerId, String region, int total, String note) {
        String json = "{\"buyerId\":\"" + buyerId + "\",\"region\":\"" + region + "\",\"total\":" + total + ",\"note\":\"" + note + "\"}";
        f.put(supplier, "order", id, json);
        orders.put(id, Json.decodeTree(json));
    }

    @Test
    void theReasonsSayWhatDecidedInEachCase() {
        // no rule
        GrantService.Explained none = explain(buyer, supplier, buyer, "order");
        assertNull(none.rule());
        assertNull(none.cap());
        assertEquals("NONE", none.effective().scope());
        assertEquals(List.of("No rule names this pair and type: nothing is open.", "No cap: nothing is narrowed."), none.reasons());

        // a rule, no cap: the rule shows ${partner} as written, the grants with it resolved
        f.set(g, rule(supplier, buyer, "*", "FIELDS", List.of("a", "b"), null, true),
                rule(supplier, "*", "order", "FULL", null, Map.of("buyerId", Rule.PARTNER_PLACEHOLDER), false));
        GrantService.Explained ruled = explain(supplier, supplier, buyer, "order");
        assertEquals(new RuleService.RuleView(supplier.merchantId(), buyer.merchantId(), "*", "FIELDS", List.of("a", "b"), null, true),
                ruled.rule());
        assertEquals(List.of("The rule for (this partner, every type) decides: FIELDS [a, b], push allowed.",
                "No cap: nothing is narrowed."), ruled.reasons());
        assertEquals(ruled.granted(), ruled.effective());
        GrantService.Explained filtered = explain(other, supplier, other, "order");
        assertEquals(Map.of("buyerId", Rule.PARTNER_PLACEHOLDER), filtered.rule().filter(), "the rule as written");
        assertEquals(Map.of("buyerId", other.merchantId()), filtered.effective().filter(), "the grant resolved for the partner");
        assertEquals("The rule for (every partner, order) decides: FULL of the rows where buyerId = ${partner}, push refused.",
                filtered.reasons().get(0));

        // a cap that narrows: addressed to the owner as "your cap", to others as "the owner's cap"
        caps(supplier, cap("*", "order", "SUMMARY", null, null, false));
        GrantService.Explained capped = explain(supplier, supplier, buyer, "order");
        assertEquals(new ConsentService.CapView("*", "order", "SUMMARY", null, null, false), capped.cap());
        assertEquals(List.of("The rule for (this partner, every type) decides: FIELDS [a, b], push allowed.",
                "Your cap for (every partner, order) narrows it: at most SUMMARY, push refused.",
                "What is left: SUMMARY, push refused."), capped.reasons());
        assertEquals(new GrantService.GrantView("SUMMARY", null, null, false), capped.effective());
        assertEquals("The owner's cap for (every partner, order) narrows it: at most SUMMARY, push refused.",
                explain(buyer, supplier, buyer, "order").reasons().get(1));

        // a cap whose fields meet none of the rule's: the summary is what is left
        caps(supplier, cap(buyer, "order", "FIELDS", List.of("c"), null, true));
        assertEquals(List.of("The rule for (this partner, every type) decides: FIELDS [a, b], push allowed.",
                "Your cap for (this partner, order) narrows it: at most FIELDS [c], push allowed.",
                "No field is open under both the rule and the cap: SUMMARY is what is left.",
                "What is left: SUMMARY, push allowed."), explain(supplier, supplier, buyer, "order").reasons());

        // a cap wider than the rule narrows nothing
        caps(supplier, cap(buyer, "order", "FULL", null, null, true));
        assertEquals(List.of("The rule for (this partner, every type) decides: FIELDS [a, b], push allowed.",
                "Your cap for (this partner, order) allows at most FULL, push allowed: it narrows nothing here."),
                explain(supplier, supplier, buyer, "order").reasons());

        // filters that cannot both hold: nothing is read (push stands as both allow it)
        caps(supplier, cap(other, "order", "FULL", null, Map.of("buyerId", "nobody"), true));
        GrantService.Explained clash = explain(other, supplier, other, "order");
        assertEquals(List.of("The rule for (every partner, order) decides: FULL of the rows where buyerId = ${partner}, push refused.",
                "The owner's cap for (this partner, order) narrows it: at most FULL of the rows where buyerId = nobody, push allowed.",
                "The rule's and the cap's filters cannot both hold (buyerId: " + other.merchantId() + " or nobody): nothing is read.",
                "What is left: NONE, push refused."), clash.reasons());
        assertEquals(Map.of("buyerId", "nobody"), clash.cap().filter());
        assertEquals(new GrantService.GrantView("NONE", null, null, false), clash.effective());
    }

    @Test
    void theExplainedEffectiveGrantIsWhatAPullReturns() {
        order("PO-1", buyer.merchantId(), "north", 12, "x");
        order("PO-2", buyer.merchantId(), "south", 7, "y");
        order("PO-3", other.merchantId(), "north", 9, "z");
        f.set(g, rule(supplier, "*", "order", "FULL"));
        agree("a FULL rule, no cap");
        caps(supplier, cap(buyer, "order", "SUMMARY", null, null, null));
        agree("a SUMMARY cap");
        f.set(g, rule(supplier, "*", "order", "FIELDS", List.of("buyerId", "region", "total"), Map.of("buyerId", Rule.PARTNER_PLACEHOLDER), true));
        caps(supplier, cap(buyer, "order", "FIELDS", List.of("total", "note"), Map.of("region", "north"), true));
        agree("both filters, the fields both open");
        caps(supplier, cap(buyer, "order", "FIELDS", List.of("note"), null, true));
        agree("no field in common: the summary");
        caps(supplier, cap(buyer, "order", "FULL", null, Map.of("buyerId", other.merchantId()), true));
        agree("filters that cannot both hold");
        uncap(supplier, buyer.merchantId(), "order");
        caps(supplier, cap("*", "*", "FIELDS", List.of("region"), null, false));
        agree("a cap on every partner and type");
        f.set(g, rule(supplier, buyer, "order", "NONE"));
        agree("a NONE rule");
    }

    /** Explain's effective grant for (supplier → buyer, order) predicts the pull's rows and bodies exactly. */
    private void agree(String why) {
        GrantService.GrantView effective = explain(buyer, supplier, buyer, "order").effective();
        if ("NONE".equals(effective.scope())) {
            assertEquals("NOT_SHARED", code(() -> f.pull(buyer, g, supplier, "order")), why);
            return;
        }
        Map<String, JsonNode> expected = new LinkedHashMap<>();
        Map<String, String> filter = effective.filter() == null ? Map.of() : effective.filter();
        orders.forEach((id, body) -> {
            if (filter.entrySet().stream().allMatch(c -> c.getValue().equals(body.path(c.getKey()).asText(null)))) {
                JsonNode shown = switch (effective.scope()) {
                    case "FULL" -> body;
                    case "FIELDS" -> {
                        ObjectNode projected = Json.mapper().createObjectNode();
                        effective.fields().stream().filter(body::has).forEach(field -> projected.set(field, body.get(field)));
                        yield projected;
                    }
                    default -> null;
                };
                expected.put(id, shown);
            }
        });
        Map<String, JsonNode> pulled = new LinkedHashMap<>();
        f.pull(buyer, g, supplier, "order").records().forEach(r -> pulled.put(r.recordId(), r.body()));
        assertEquals(expected, pulled, why + ": " + effective);
    }

    @Test
    void onlyTheCreatorTheOwnerAndThePartnerMayAsk() {
        Caller invitee = f.merchant("Invitee");
        f.app.memberships().invite(supplier, g, new MembershipService.InviteMember(invitee.merchantId()));
        Caller outsider = f.merchant("Outsider");
        f.set(g, rule(buyer, other, "order", "FULL"));
        for (Caller reader : List.of(supplier, buyer, other)) {
            assertEquals("FULL", explain(reader, buyer, other, "order").effective().scope(), reader.merchantId());
        }
        f.refused("FORBIDDEN", () -> explain(other, supplier, buyer, "order"));
        f.refused("FORBIDDEN", () -> explain(other, supplier, invitee, "order")); // says nothing about the invitee
        f.refused("GROUP_NOT_FOUND", () -> explain(outsider, buyer, other, "order"));
        f.refused("NOT_ACTIVE_MEMBER", () -> explain(invitee, buyer, invitee, "order"));
        f.refused("MEMBER_NOT_FOUND", () -> explain(buyer, buyer, invitee, "order"));
        f.refused("MEMBER_NOT_FOUND", () -> explain(supplier, outsider, buyer, "order"));
        f.refused("VALIDATION_FAILED", () -> explain(buyer, buyer, buyer, "order"));
        f.refused("VALIDATION_FAILED", () -> explain(buyer, buyer, other, "*"));
        f.refused("VALIDATION_FAILED", () -> f.app.grants().explain(buyer, g, buyer.merchantId(), "x#y", "order"));
        f.refused("VALIDATION_FAILED", () -> f.app.grants().explain(buyer, g, null, other.merchantId(), "order"));
        f.app.memberships().dissolve(supplier, g);
        f.refused("GROUP_DISSOLVED", () -> explain(buyer, buyer, other, "order"));
        f.refused("GROUP_DISSOLVED", () -> f.app.grants().matrix(buyer, g, "order", null, null));
    }

    @Test
    void theMatrixPagesTileByTileAndEachCellIsWhatExplainSays() {
        List<Caller> members = new ArrayList<>(List.of(supplier, buyer, other));
        for (int i = 0; i < 22; i++) {
            Caller member = f.merchant("M" + i);
            f.join(g, member);
            members.add(member);
        }
        Caller invitee = f.merchant("Invitee");
        f.app.memberships().invite(supplier, g, new MembershipService.InviteMember(invitee.merchantId()));
        // varied grants: per-owner rules, a pair rule, a NONE, and caps that narrow some of them
        List<RuleService.RuleInput> rules = new ArrayList<>();
        for (int i = 0; i < members.size(); i += 2) {
            rules.add(rule(members.get(i), "*", i % 4 == 0 ? "order" : "*", i % 3 == 0 ? "FULL" : "SUMMARY", null, null, i % 4 == 0));
        }
        rules.add(rule(buyer, members.get(5), "order", "NONE"));
        rules.add(rule(members.get(7), supplier, "*", "FIELDS", List.of("total"), null, true));
        f.set(g, rules.toArray(RuleService.RuleInput[]::new));
        caps(members.get(4), cap("*", "order", "SUMMARY", null, null, false));
        caps(supplier, cap(members.get(9), "*", "NONE", null, null, false));

        int n = members.size();
        Map<String, String> creatorCells = walk(supplier, "7", 16);
        assertEquals(n * (n - 1), creatorCells.size(), "every ordered pair of distinct ACTIVE members, once");
        Set<String> ids = new HashSet<>();
        members.forEach(m -> ids.add(m.merchantId()));
        for (Map.Entry<String, String> cell : creatorCells.entrySet()) {
            String[] pair = cell.getKey().split(">");
            assertTrue(ids.contains(pair[0]) && ids.contains(pair[1]) && !pair[0].equals(pair[1]), cell.getKey());
            GrantService.GrantView effective = f.app.grants().explain(supplier, g, pair[0], pair[1], "order").effective();
            assertEquals(effective.scope() + "/" + effective.push(), cell.getValue(), "cell " + cell.getKey() + " is what explain says");
        }
        assertTrue(creatorCells.containsValue("FULL/true") && creatorCells.containsValue("SUMMARY/false")
                && creatorCells.containsValue("NONE/false") && creatorCells.containsValue("FIELDS/true"), creatorCells.values().toString());

        // another member sees its own row and column only, each once, with the same values
        Caller reader = members.get(9);
        Map<String, String> own = walk(reader, "7", 16);
        assertEquals(2 * (n - 1), own.size());
        own.forEach((pair, value) -> {
            assertTrue(pair.startsWith(reader.merchantId() + ">") || pair.endsWith(">" + reader.merchantId()), pair);
            assertEquals(creatorCells.get(pair), value, pair);
        });
        assertEquals(n * (n - 1), walk(supplier, null, 9).size(), "the default tile: 10 members per axis");
        assertEquals(n * (n - 1), walk(supplier, "20", 4).size());

        // cursors are sealed for their group, type, reader and tile size; the tile size is bounded
        String cursor = f.app.grants().matrix(supplier, g, "order", "7", null).cursor();
        assertEquals("INVALID_CURSOR", code(() -> f.app.grants().matrix(reader, g, "order", "7", cursor)));
        assertEquals("INVALID_CURSOR", code(() -> f.app.grants().matrix(supplier, g, "invoice", "7", cursor)));
        assertEquals("INVALID_CURSOR", code(() -> f.app.grants().matrix(supplier, g, "order", "8", cursor)), "another tile size");
        String rules0 = f.app.rules().list(supplier, g, "1", null).cursor();
        assertEquals("INVALID_CURSOR", code(() -> f.app.grants().matrix(supplier, g, "order", "7", rules0)));
        for (String limit : List.of("0", "21", "100", "-1", "07", "x")) {
            assertEquals("VALIDATION_FAILED", code(() -> f.app.grants().matrix(supplier, g, "order", limit, null)), limit);
        }
        assertEquals("VALIDATION_FAILED", code(() -> f.app.grants().matrix(supplier, g, null, null, null)));
        assertEquals("VALIDATION_FAILED", code(() -> f.app.grants().matrix(supplier, g, "*", null, null)));
        assertEquals("GROUP_NOT_FOUND", code(() -> f.app.grants().matrix(f.merchant("Outsider"), g, "order", null, null)));
        assertEquals("NOT_ACTIVE_MEMBER", code(() -> f.app.grants().matrix(invitee, g, "order", null, null)));
    }

    /** Every page of the matrix for {@code reader}: "owner>partner" → "scope/push"; each cell seen once, tiles bounded. */
    private Map<String, String> walk(Caller reader, String limit, int expectedPages) {
        int tile = limit == null ? GrantService.DEFAULT_TILE : Integer.parseInt(limit);
        Map<String, String> cells = new HashMap<>();
        String cursor = null;
        int pages = 0;
        do {
            GrantService.Matrix page = f.app.grants().matrix(reader, g, "order", limit, cursor);
            pages++;
            assertEquals("order", page.type());
            assertTrue(page.owners().size() <= tile && page.partners().size() <= tile, page.toString());
            for (GrantService.Cell cell : page.cells()) {
                assertTrue(page.owners().contains(cell.ownerId()) && page.partners().contains(cell.partnerId()), cell.toString());
                assertNull(cells.put(cell.ownerId() + ">" + cell.partnerId(), cell.scope() + "/" + cell.push()), "once: " + cell);
            }
            cursor = page.cursor();
            assertNotNull(page.owners());
        } while (cursor != null);
        assertEquals(expectedPages, pages, "pages of " + limit);
        return cells;
    }
}
