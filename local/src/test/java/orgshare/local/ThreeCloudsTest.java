package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.local.Deployment.Merchant;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole cross-cloud story over real HTTP between three deployments, each with its own DynamoDB Local server,
 * table, operator and keys: the creator (and an owner) on A, the group's home; a member on B; an owner on C. Every
 * merchant uses only its own deployment, with its own key, and the same routes as for a local group.
 */
class ThreeCloudsTest extends OnThreeClouds {

    private static JsonNode groupIn(Merchant m, String groupId) throws Exception {
        for (JsonNode g : m.call(200, "GET", "/groups", null).json().get("groups")) {
            if (g.get("groupId").asText().equals(groupId)) {
                return g;
            }
        }
        return null;
    }

    private static List<String> ids(JsonNode records) {
        List<String> ids = new ArrayList<>();
        records.forEach(r -> ids.add(r.get("recordId").asText()));
        return ids;
    }

    @Test
    void aGroupSpansThreeCloudsAsIfItWereOne() throws Exception {
        Merchant creator = a.merchant("Head office");
        Merchant bob = b.merchant("Globex branch");
        Merchant carol = c.merchant("Initech supplier");
        String g = creator.call(201, "POST", "/groups", "{\"name\":\"Supply chain\"}").json().get("groupId").asText();

        // invite across clouds: each invitee sees it in its own GET /groups, with the group's home
        creator.call(201, "POST", "/groups/" + g + "/members", bob.invitation());
        creator.call(201, "POST", "/groups/" + g + "/members", carol.invitation());
        JsonNode seen = groupIn(bob, g);
        assertEquals("acme", seen.get("homeCloudId").asText());
        assertEquals("INVITED", seen.get("memberStatus").asText());
        assertEquals("Supply chain", seen.get("name").asText());
        assertEquals("acme", groupIn(creator, g).get("homeCloudId").asText());

        // an invited member reads the group through its own deployment, then joins
        JsonNode group = bob.call(200, "GET", "/groups/" + g, null).json();
        assertEquals(3, group.get("memberCount").asInt());
        bob.call(200, "PUT", "/groups/" + g + "/members/me", null);
        carol.call(200, "PUT", "/groups/" + g + "/members/me", null);
        assertEquals("ACTIVE", groupIn(bob, g).get("memberStatus").asText());
        group = bob.call(200, "GET", "/groups/" + g, null).json();
        Set<String> clouds = new TreeSet<>();
        for (JsonNode member : group.get("members")) {
            clouds.add(member.get("merchantId").asText() + "@" + member.get("cloudId").asText());
            if (!member.get("merchantId").asText().equals(bob.id())) {
                assertTrue(member.hasNonNull("linkId"), "bob has a link with every other member");
            }
        }
        assertEquals(Set.of(creator.id() + "@acme", bob.id() + "@globex", carol.id() + "@initech"), clouds);

        // records stay where their owners live
        carol.call(200, "PUT", "/records/order/o1", "{\"buyerId\":\"" + bob.id() + "\",\"total\":10.50,\"note\":\"x\"}");
        carol.call(200, "PUT", "/records/order/o2", "{\"buyerId\":\"someone-else\",\"total\":99}");
        carol.call(200, "PUT", "/records/order/o3", "{\"buyerId\":\"" + bob.id() + "\",\"total\":7}");
        carol.call(200, "PUT", "/records/stock/s1", "{\"sku\":\"A-1\",\"qty\":5,\"cost\":2.25}");
        creator.call(200, "PUT", "/records/invoice/i1", "{\"amount\":120,\"partner\":\"" + bob.id() + "\"}");
        creator.call(200, "PUT", "/records/price/p1", "{\"list\":3}");

        // the creator's rules, set at the home
        creator.call(200, "PATCH", "/groups/" + g + "/rules", "{\"expectedVersion\":0,\"set\":["
                + "{\"ownerId\":\"" + carol.id() + "\",\"partnerId\":\"" + bob.id() + "\",\"type\":\"order\",\"scope\":\"FULL\",\"filter\":{\"buyerId\":\"${partner}\"},\"push\":true},"
                + "{\"ownerId\":\"" + carol.id() + "\",\"partnerId\":\"*\",\"type\":\"stock\",\"scope\":\"FIELDS\",\"fields\":[\"sku\",\"qty\"]},"
                + "{\"ownerId\":\"" + creator.id() + "\",\"partnerId\":\"*\",\"type\":\"invoice\",\"scope\":\"SUMMARY\"},"
                + "{\"ownerId\":\"" + creator.id() + "\",\"partnerId\":\"" + bob.id() + "\",\"type\":\"price\",\"scope\":\"NONE\"}]}");

        // the rule change is in the log of each merchant it concerns, on that merchant's own cloud (through the outbox)
        JsonNode told = a.runSchedule();
        assertEquals(2, told.get("notices").get("delivered").asInt(), "carol's and bob's clouds: " + told);
        assertTrue(contains(carol.call(200, "GET", "/audit", null).json().get("events"), "RULES_CHANGED", null, "acme"));
        assertTrue(contains(bob.call(200, "GET", "/audit", null).json().get("events"), "RULES_CHANGED", null, "acme"));
        assertTrue(contains(creator.call(200, "GET", "/audit", null).json().get("events"), "RULES_CHANGED", null, null));

        // B reads rules and providers through its own deployment
        assertEquals(4, bob.call(200, "GET", "/groups/" + g + "/rules", null).json().get("rules").size());
        assertEquals(3, bob.call(200, "GET", "/groups/" + g + "/providers", null).json().get("providers").size());
        // ... and asks why it sees what it sees of carol's orders: the home explains, in data and in words
        JsonNode why = bob.call(200, "GET", "/groups/" + g + "/explain?ownerId=" + carol.id() + "&partnerId=" + bob.id()
                + "&type=order", null).json();
        assertEquals("${partner}", why.get("rule").get("filter").get("buyerId").asText(), "the rule as written");
        assertEquals(bob.id(), why.get("effective").get("filter").get("buyerId").asText(), "the grant as a pull applies it");
        assertEquals("The rule for (this partner, order) decides: FULL of the rows where buyerId = ${partner}, push allowed.",
                why.get("reasons").get(0).asText());
        // the matrix through its own deployment: bob's row and column only (bob > carol, bob > creator, and back)
        assertEquals(4, bob.call(200, "GET", "/groups/" + g + "/matrix?type=order", null).json().get("cells").size());

        // FULL with a ${partner} row filter, owner on a third cloud
        ApiReply ordersReply = bob.call(200, "GET", "/groups/" + g + "/exchange/" + carol.id() + "/order", null);
        JsonNode orders = ordersReply.json();
        assertEquals(List.of("o1", "o3"), ids(orders.get("records")));
        assertTrue(ordersReply.text().contains("\"total\":10.50"), "numbers kept exactly across two hops: " + ordersReply.text());
        // paging across two hops: C's sealed cursor goes back the way it came
        JsonNode first = bob.call(200, "GET", "/groups/" + g + "/exchange/" + carol.id() + "/order?limit=1", null).json();
        assertEquals(List.of("o1"), ids(first.get("records")));
        JsonNode second = bob.call(200, "GET", "/groups/" + g + "/exchange/" + carol.id() + "/order?limit=1&cursor="
                + first.get("cursor").asText(), null).json();
        assertEquals(List.of("o3"), ids(second.get("records")));
        // FIELDS: only the listed fields
        JsonNode stock = bob.call(200, "GET", "/groups/" + g + "/exchange/" + carol.id() + "/stock", null).json();
        assertEquals(Set.of("sku", "qty"), fieldNames(stock.get("records").get(0).get("body")));
        // SUMMARY, owner on the home: no body
        JsonNode invoices = bob.call(200, "GET", "/groups/" + g + "/exchange/" + creator.id() + "/invoice", null).json();
        assertEquals(List.of("i1"), ids(invoices.get("records")));
        assertFalse(invoices.get("records").get(0).has("body"));
        // NONE
        assertEquals("NOT_SHARED", bob.call(403, "GET", "/groups/" + g + "/exchange/" + creator.id() + "/price", null).errorCode());
        // the owner on C pulls the home's owner's SUMMARY too: C forwards to A
        assertEquals(List.of("i1"), ids(carol.call(200, "GET", "/groups/" + g + "/exchange/" + creator.id() + "/invoice", null)
                .json().get("records")));

        // push: B -> A -> C, into carol's inbox on her own deployment
        String messageId = bob.call(202, "POST", "/groups/" + g + "/exchange/" + carol.id() + "/order",
                "{\"po\":\"PO-1\",\"qty\":3}").json().get("messageId").asText();
        JsonNode inbox = carol.call(200, "GET", "/inbox", null).json().get("items");
        assertEquals(1, inbox.size());
        assertEquals(messageId, inbox.get(0).get("messageId").asText());
        assertEquals(bob.id(), inbox.get(0).get("from").asText());
        assertEquals("globex", inbox.get(0).get("fromCloudId").asText());
        assertEquals("PO-1", inbox.get(0).get("body").get("po").asText());
        assertEquals("PUSH_NOT_ALLOWED", bob.call(403, "POST", "/groups/" + g + "/exchange/" + carol.id() + "/stock",
                "{\"x\":1}").errorCode());

        // audit events are written where each merchant lives, naming the other side's cloud
        JsonNode bobAudit = bob.call(200, "GET", "/audit", null).json().get("events");
        assertTrue(contains(bobAudit, "PULL", carol.id(), "acme"), bobAudit.toString());
        assertTrue(contains(bobAudit, "PUSH", carol.id(), "acme"), bobAudit.toString());
        JsonNode carolAudit = carol.call(200, "GET", "/audit", null).json().get("events");
        assertTrue(contains(carolAudit, "PULL", carol.id(), "globex"), carolAudit.toString());
        assertTrue(contains(carolAudit, "PUSH", carol.id(), "globex"), carolAudit.toString());
        JsonNode creatorAudit = creator.call(200, "GET", "/audit", null).json().get("events");
        assertTrue(contains(creatorAudit, "PULL", creator.id(), "globex"), creatorAudit.toString());

        // a rule changed at the home holds on B and C at the very next request
        creator.call(200, "PATCH", "/groups/" + g + "/rules", "{\"expectedVersion\":1,\"remove\":["
                + "{\"ownerId\":\"" + carol.id() + "\",\"partnerId\":\"" + bob.id() + "\",\"type\":\"order\"}]}");
        assertEquals("NOT_SHARED", bob.call(403, "GET", "/groups/" + g + "/exchange/" + carol.id() + "/order", null).errorCode());
        assertEquals("PUSH_NOT_ALLOWED", bob.call(403, "POST", "/groups/" + g + "/exchange/" + carol.id() + "/order",
                "{\"po\":\"PO-2\"}").errorCode());
        assertEquals(2, a.runSchedule().get("notices").get("delivered").asInt());

        // the owner on C accepts bob's push: the status travels back by way of the home (C's outbox to A, A's to B),
        // signed at each step, and bob reads it on his own deployment
        assertEquals("RECEIVED", bob.call(200, "GET", "/pushes/" + messageId, null).json().get("status").asText());
        carol.call(200, "POST", "/inbox/" + messageId + "/ack", "{\"status\":\"ACCEPTED\",\"reason\":\"booked\"}");
        assertEquals("PUSH_NOT_FOUND", carol.call(404, "GET", "/pushes/" + messageId, null).errorCode(), "the sender's, not the owner's");
        assertEquals(1, c.runSchedule().get("notices").get("delivered").asInt(), "C tells the home");
        assertEquals("RECEIVED", bob.call(200, "GET", "/pushes/" + messageId, null).json().get("status").asText());
        assertEquals(1, a.runSchedule().get("notices").get("delivered").asInt(), "the home tells B");
        JsonNode chain = bob.call(200, "GET", "/pushes/" + messageId, null).json();
        assertEquals("ACCEPTED", chain.get("status").asText());
        assertEquals("booked", chain.get("reason").asText());
        assertEquals(carol.id(), chain.get("ownerId").asText());

        // leave through B: at once, everywhere
        bob.call(204, "DELETE", "/groups/" + g + "/members/me", null);
        assertNull(groupIn(bob, g), "B dropped its pointer on the home's signed answer");
        assertEquals("GROUP_NOT_FOUND", bob.call(404, "GET", "/groups/" + g + "/exchange/" + carol.id() + "/stock", null).errorCode());
        assertEquals(2, creator.call(200, "GET", "/groups/" + g, null).json().get("memberCount").asInt());

        // dissolve at the home: refused everywhere from that instant; C learns it through the outbox
        creator.call(204, "DELETE", "/groups/" + g, null);
        assertEquals("GROUP_DISSOLVED", carol.call(410, "GET", "/groups/" + g + "/exchange/" + creator.id() + "/invoice", null).errorCode());
        assertTrue(groupIn(carol, g) != null, "C keeps its pointer until the notice arrives");
        JsonNode report = a.runSchedule();
        assertEquals(4, report.get("notices").get("delivered").asInt(), "to B and to C, the notice and the receipt each: " + report);
        assertNull(groupIn(carol, g), "C dropped its pointer on the home's notice");
        for (Deployment d : new Deployment[]{a, b, c}) {
            assertTrue(d.snapshot().stream().noneMatch(item -> item.contains("GROUP#" + g)),
                    d.cloudId + " holds nothing of the group's partition");
        }
    }

    /** Whether the log has the event ({@code null}: that field is absent). */
    private static boolean contains(JsonNode events, String action, String ownerId, String peerCloudId) {
        for (JsonNode e : events) {
            if (action.equals(e.path("action").asText()) && matches(ownerId, e.get("ownerId"))
                    && matches(peerCloudId, e.get("peerCloudId"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String expected, JsonNode actual) {
        return expected == null ? actual == null || actual.isNull() : actual != null && expected.equals(actual.asText());
    }

    private static Set<String> fieldNames(JsonNode body) {
        Set<String> names = new TreeSet<>();
        body.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
