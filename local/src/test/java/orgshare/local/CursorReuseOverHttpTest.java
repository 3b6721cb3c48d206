package orgshare.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import orgshare.shared.auth.ApiKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every paged list over real HTTP, each read by a caller it is open to: a cursor one list gave, sent to another list
 * (another owner, type, caller, group, list kind or {@code since}) that the caller may read, so the cursor is
 * actually opened, is refused with 400 INVALID_CURSOR and never pages that other list; sent back to its own list,
 * it reads on.
 */
class CursorReuseOverHttpTest {
    private static final String OPERATOR_KEY = ApiKeys.generate();
    private static final String SINCE = "2000-01-01T00:00:00.000Z";
    private static LocalApi api;

    @BeforeAll
    static void start() {
        api = LocalApis.onNewTable(OPERATOR_KEY);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private record Merchant(String id, String key) {
    }

    /** A list as one caller reads it: who, and the path with its query (without limit and cursor). */
    private record ListCall(String name, Merchant caller, String path) {
        String with(String limitAndCursor) {
            return path + (path.contains("?") ? "&" : "?") + limitAndCursor;
        }
    }

    private static ApiReply ok(String method, String path, String key, String body) throws IOException, InterruptedException {
        ApiReply reply = ApiReply.call(api.baseUri(), method, path, key, body);
        assertTrue(reply.status() < 300, method + " " + path + " -> " + reply.text());
        return reply;
    }

    private static Merchant merchant(String name) throws IOException, InterruptedException {
        ApiReply created = ok("POST", "/merchants", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"" + name + "\"}");
        return new Merchant(created.json().get("merchantId").asText(), created.json().get("apiKey").asText());
    }

    private static String group(Merchant creator, Merchant... members) throws IOException, InterruptedException {
        String g = ok("POST", "/groups", creator.key(), "{\"name\":\"G\"}").json().get("groupId").asText();
        for (Merchant m : members) {
            ok("POST", "/groups/" + g + "/members", creator.key(), "{\"merchantId\":\"" + m.id() + "\"}");
            ok("PUT", "/groups/" + g + "/members/me", m.key(), null);
        }
        return g;
    }

    private static String rule(Merchant owner, Merchant partner, String type, String scope, boolean push) {
        return "{\"ownerId\":\"" + owner.id() + "\",\"partnerId\":\"" + partner.id() + "\",\"type\":\"" + type
                + "\",\"scope\":\"" + scope + "\",\"push\":" + push + "}";
    }

    /** A page without its cursor, which is sealed with a fresh nonce each time. */
    private static String withoutCursor(ApiReply page) {
        ObjectNode copy = page.json().deepCopy();
        copy.remove("cursor");
        return copy.toString();
    }

    @Test
    void aCursorOpensOnlyItsOwnListOverHttp() throws Exception {
        ok("POST", "/clouds", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"Acme\"}");
        Merchant supplier = merchant("Supplier");
        Merchant buyer = merchant("Buyer");
        Merchant branch = merchant("Branch");
        String g = group(supplier, buyer, branch);
        String g2 = group(supplier, buyer);
        for (Merchant owner : List.of(supplier, branch)) {
            for (String type : List.of("order", "stock")) {
                for (int i = 1; i <= 3; i++) {
                    ok("PUT", "/records/" + type + "/" + type.charAt(0) + "-" + i, owner.key(), "{\"n\":" + i + "}");
                }
            }
        }
        ok("PATCH", "/groups/" + g + "/rules", supplier.key(), "{\"expectedVersion\":0,\"set\":["
                + String.join(",", rule(supplier, buyer, "order", "FULL", false), rule(supplier, buyer, "stock", "FULL", false),
                rule(branch, buyer, "order", "FULL", false), rule(supplier, branch, "order", "FULL", false),
                rule(supplier, buyer, "po", "NONE", true), rule(buyer, supplier, "po", "NONE", true)) + "]}");
        ok("PATCH", "/groups/" + g2 + "/rules", supplier.key(), "{\"expectedVersion\":0,\"set\":["
                + String.join(",", rule(supplier, buyer, "order", "FULL", false), rule(supplier, buyer, "stock", "FULL", false)) + "]}");
        for (int i = 0; i < 2; i++) {
            ok("POST", "/groups/" + g + "/exchange/" + supplier.id() + "/po", buyer.key(), "{\"po\":" + i + "}");
            ok("POST", "/groups/" + g + "/exchange/" + buyer.id() + "/po", supplier.key(), "{\"po\":" + i + "}");
        }

        String pull = "/groups/" + g + "/exchange/";
        List<ListCall> lists = List.of(
                new ListCall("supplier's orders", supplier, "/records/order"),
                new ListCall("supplier's stock", supplier, "/records/stock"),
                new ListCall("supplier's orders since", supplier, "/records/order?since=" + SINCE),
                new ListCall("branch's orders", branch, "/records/order"),
                new ListCall("buyer pulls supplier's orders", buyer, pull + supplier.id() + "/order"),
                new ListCall("buyer pulls supplier's stock", buyer, pull + supplier.id() + "/stock"),
                new ListCall("buyer pulls branch's orders", buyer, pull + branch.id() + "/order"),
                new ListCall("branch pulls supplier's orders", branch, pull + supplier.id() + "/order"),
                new ListCall("buyer pulls supplier's orders since", buyer, pull + supplier.id() + "/order?since=" + SINCE),
                new ListCall("buyer pulls supplier's orders in g2", buyer, "/groups/" + g2 + "/exchange/" + supplier.id() + "/order"),
                new ListCall("buyer's groups", buyer, "/groups"),
                new ListCall("supplier's groups", supplier, "/groups"),
                new ListCall("g's members, to the buyer", buyer, "/groups/" + g),
                new ListCall("g's members, to the branch", branch, "/groups/" + g),
                new ListCall("g2's members, to the buyer", buyer, "/groups/" + g2),
                new ListCall("g's rules, to the buyer", buyer, "/groups/" + g + "/rules"),
                new ListCall("g2's rules, to the buyer", buyer, "/groups/" + g2 + "/rules"),
                new ListCall("supplier's inbox", supplier, "/inbox"),
                new ListCall("buyer's inbox", buyer, "/inbox"),
                new ListCall("supplier's inbox since", supplier, "/inbox?since=" + SINCE),
                new ListCall("supplier's audit", supplier, "/audit"),
                new ListCall("buyer's audit", buyer, "/audit"));

        Map<ListCall, String> cursors = new LinkedHashMap<>();
        Map<ListCall, String> secondPages = new LinkedHashMap<>();
        for (ListCall list : lists) {
            ApiReply first = ok("GET", list.with("limit=1"), list.caller().key(), null);
            String cursor = first.json().path("cursor").asText(null);
            assertTrue(cursor != null, list.name() + " gives a cursor on a page of 1: " + first.text());
            cursors.put(list, cursor);
            secondPages.put(list, withoutCursor(ok("GET", list.with("limit=1&cursor=" + cursor), list.caller().key(), null)));
        }

        List<String> wrong = new ArrayList<>();
        for (ListCall source : lists) {
            for (ListCall target : lists) {
                ApiReply reply = ApiReply.call(api.baseUri(), "GET", target.with("limit=1&cursor=" + cursors.get(source)),
                        target.caller().key(), null);
                if (source.equals(target)) {
                    assertEquals(secondPages.get(target), withoutCursor(reply), target.name() + ": its own cursor reads on, the same each time");
                } else if (reply.status() != 400 || !"INVALID_CURSOR".equals(reply.errorCode())) {
                    wrong.add("cursor of " + source.name() + " sent to " + target.name() + " -> " + reply.status() + " " + reply.text());
                }
            }
        }
        assertEquals(List.of(), wrong, "every cursor is refused by every list but its own");
    }
}
