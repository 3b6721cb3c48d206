package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.shared.auth.ApiKeys;
import orgshare.shared.testing.DynamoDbLocal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's walk-through over real HTTP through the local API: a supplier shares only each caller's own orders
 * with one buyer, FIELDS-only stock levels with every member, and a buyer pushes a purchase order.
 */
class ExchangeOverHttpTest {
    private static final String OPERATOR_KEY = ApiKeys.generate();
    private static LocalApi api;

    @BeforeAll
    static void start() {
        DynamoDbClient client = DynamoDbLocal.client();
        String table = DynamoDbLocal.newTable(client);
        TemplateModel template = TemplateModel.load(ProjectFiles.TEMPLATE, OperatorKey.of(OPERATOR_KEY).parameterOverrides(), table);
        api = LocalApi.start(new FunctionInvoker(template, client), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static ApiReply call(String method, String path, String key, String body) throws IOException, InterruptedException {
        return ApiReply.call(api.baseUri(), method, path, key, body);
    }

    private record Merchant(String id, String key) {
    }

    private static Merchant merchant(String name) throws IOException, InterruptedException {
        ApiReply created = call("POST", "/merchants", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"" + name + "\"}");
        assertEquals(201, created.status(), created.text());
        return new Merchant(created.json().get("merchantId").asText(), created.json().get("apiKey").asText());
    }

    private static List<String> ids(ApiReply reply, String list, String field) {
        List<String> ids = new ArrayList<>();
        reply.json().get(list).forEach(item -> ids.add(item.get(field).asText()));
        return ids;
    }

    @Test
    void theWalkThrough() throws Exception {
        assertEquals(201, call("POST", "/clouds", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"Acme\"}").status());
        Merchant supplier = merchant("Supplier");
        Merchant buyer = merchant("Buyer");
        Merchant branch = merchant("Branch");
        String g = call("POST", "/groups", supplier.key(), "{\"name\":\"Purchasing\"}").json().get("groupId").asText();
        for (Merchant m : List.of(buyer, branch)) {
            assertEquals(201, call("POST", "/groups/" + g + "/members", supplier.key(), "{\"merchantId\":\"" + m.id() + "\"}").status());
            assertEquals(200, call("PUT", "/groups/" + g + "/members/me", m.key(), null).status());
        }

        // the supplier's own records
        ApiReply put = call("PUT", "/records/order/PO-1", supplier.key(), "{\"buyerId\":\"" + buyer.id() + "\",\"total\":120.50}");
        assertEquals(200, put.status(), put.text());
        assertEquals("PO-1", put.json().get("recordId").asText());
        assertTrue(put.json().hasNonNull("updatedAt"));
        call("PUT", "/records/order/PO-2", supplier.key(), "{\"buyerId\":\"" + branch.id() + "\",\"total\":80}");
        call("PUT", "/records/stock/W-1", supplier.key(), "{\"sku\":\"W-1\",\"level\":40,\"cost\":2.10}");
        assertEquals(List.of("PO-1", "PO-2"), ids(call("GET", "/records/order", supplier.key(), null), "records", "recordId"));
        assertEquals(400, call("PUT", "/records/order/PO-3", supplier.key(), "[1,2]").status());
        assertEquals(413, call("PUT", "/records/order/PO-3", supplier.key(), "{\"x\":\"" + "y".repeat(300_000) + "\"}").status());

        // the creator's rules
        ApiReply rules = call("GET", "/groups/" + g + "/rules", buyer.key(), null);
        assertEquals(0, rules.json().get("version").asLong());
        String batch = "{\"expectedVersion\":0,\"set\":["
                + "{\"ownerId\":\"" + supplier.id() + "\",\"partnerId\":\"" + buyer.id() + "\",\"type\":\"order\",\"scope\":\"FULL\",\"filter\":{\"buyerId\":\"${partner}\"},\"push\":false},"
                + "{\"ownerId\":\"" + supplier.id() + "\",\"partnerId\":\"*\",\"type\":\"stock\",\"scope\":\"FIELDS\",\"fields\":[\"sku\",\"level\"],\"push\":false},"
                + "{\"ownerId\":\"" + supplier.id() + "\",\"partnerId\":\"" + buyer.id() + "\",\"type\":\"purchase-order\",\"scope\":\"NONE\",\"push\":true}]}";
        assertEquals(403, call("PATCH", "/groups/" + g + "/rules", buyer.key(), batch).status(), "only the creator");
        ApiReply changed = call("PATCH", "/groups/" + g + "/rules", supplier.key(), batch);
        assertEquals(200, changed.status(), changed.text());
        assertEquals(1, changed.json().get("version").asLong());
        ApiReply stale = call("PATCH", "/groups/" + g + "/rules", supplier.key(), batch);
        assertEquals(409, stale.status());
        assertEquals("VERSION_CONFLICT", stale.errorCode());
        assertEquals(3, call("GET", "/groups/" + g + "/rules", branch.key(), null).json().get("rules").size());

        // discovery
        JsonNode providers = call("GET", "/groups/" + g + "/providers", buyer.key(), null).json().get("providers");
        assertEquals(3, providers.size(), providers.toString());
        assertEquals(buyer.id(), providers.get(0).get("filter").get("buyerId").asText(), "${partner} shown as the caller");

        // pulls
        ApiReply orders = call("GET", "/groups/" + g + "/exchange/" + supplier.id() + "/order", buyer.key(), null);
        assertEquals(200, orders.status(), orders.text());
        assertEquals(List.of("PO-1"), ids(orders, "records", "recordId"), "only the buyer's own order");
        assertTrue(orders.text().contains("\"total\":120.50"), "the number as it was stored: " + orders.text());
        ApiReply refused = call("GET", "/groups/" + g + "/exchange/" + supplier.id() + "/order", branch.key(), null);
        assertEquals(403, refused.status());
        assertEquals("NOT_SHARED", refused.errorCode());
        assertFalse(refused.text().contains("PO-2"));
        for (Merchant m : List.of(buyer, branch)) {
            JsonNode stock = call("GET", "/groups/" + g + "/exchange/" + supplier.id() + "/stock", m.key(), null).json().get("records").get(0).get("body");
            assertEquals("{\"sku\":\"W-1\",\"level\":40}", stock.toString(), "FIELDS only: no cost");
        }
        String since = URLEncoder.encode(put.json().get("updatedAt").asText(), StandardCharsets.UTF_8);
        ApiReply incremental = call("GET", "/groups/" + g + "/exchange/" + supplier.id() + "/order?since=" + since, buyer.key(), null);
        assertEquals(200, incremental.status(), incremental.text());
        assertEquals(0, incremental.json().get("records").size(), "nothing of the buyer's changed since");
        assertEquals(400, call("GET", "/groups/" + g + "/exchange/" + supplier.id() + "/order?cursor=forged", buyer.key(), null).status());

        // push: the buyer places a purchase order in the supplier's inbox; a retry with its Idempotency-Key is not a second order
        String poPath = "/groups/" + g + "/exchange/" + supplier.id() + "/purchase-order";
        Map<String, String> once = Map.of("Idempotency-Key", "po-b-42");
        ApiReply pushed = ApiReply.call(api.baseUri(), "POST", poPath, buyer.key(), "{\"poNumber\":\"B-42\",\"qty\":25}", once);
        assertEquals(202, pushed.status(), pushed.text());
        ApiReply retried = ApiReply.call(api.baseUri(), "POST", poPath, buyer.key(), "{\"poNumber\":\"B-42\",\"qty\":25}", once);
        assertEquals(202, retried.status(), retried.text());
        assertEquals(pushed.json(), retried.json(), "the retry gets the first answer");
        ApiReply reused = ApiReply.call(api.baseUri(), "POST", poPath, buyer.key(), "{\"poNumber\":\"B-43\"}", once);
        assertEquals(409, reused.status());
        assertEquals("IDEMPOTENCY_KEY_REUSED", reused.errorCode());
        assertEquals(403, call("POST", "/groups/" + g + "/exchange/" + supplier.id() + "/purchase-order", branch.key(), "{}").status());
        JsonNode inbox = call("GET", "/inbox", supplier.key(), null).json().get("items");
        assertEquals(1, inbox.size());
        assertEquals(pushed.json().get("messageId").asText(), inbox.get(0).get("messageId").asText());
        assertEquals(buyer.id(), inbox.get(0).get("from").asText());
        assertEquals(g, inbox.get(0).get("groupId").asText());
        assertEquals("purchase-order", inbox.get(0).get("type").asText());
        assertEquals("B-42", inbox.get(0).get("body").get("poNumber").asText());

        // audit: the supplier sees who pulled and pushed what; the buyer sees what it did
        List<String> supplierLog = ids(call("GET", "/audit", supplier.key(), null), "events", "action");
        assertEquals(List.of("PUSH", "PULL", "PULL", "PULL", "PULL", "RULES_CHANGED"), supplierLog);
        List<String> buyerLog = ids(call("GET", "/audit", buyer.key(), null), "events", "action");
        assertEquals(List.of("PUSH", "PULL", "PULL", "PULL", "RULES_CHANGED"), buyerLog);
        assertNull(call("GET", "/audit", branch.key(), null).json().get("cursor"));

        // leaving takes effect for the very next request
        assertEquals(204, call("DELETE", "/groups/" + g + "/members/me", buyer.key(), null).status());
        assertEquals(404, call("GET", "/groups/" + g + "/exchange/" + supplier.id() + "/stock", buyer.key(), null).status());
        assertEquals(401, call("GET", "/inbox", null, null).status());

        // key rotation: the new key is shown once, the old one is dead for the very next request
        ApiReply rotated = call("POST", "/merchants/me/key", buyer.key(), null);
        assertEquals(201, rotated.status(), rotated.text());
        String newKey = rotated.json().get("apiKey").asText();
        assertEquals(401, call("GET", "/merchants/me", buyer.key(), null).status());
        assertEquals(buyer.id(), call("GET", "/merchants/me", newKey, null).json().get("merchantId").asText());
        assertEquals(403, call("POST", "/merchants/me/key", OPERATOR_KEY, null).status(), "the operator key is the deployment's");
    }
}
