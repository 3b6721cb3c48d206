package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.shared.auth.ApiKeys;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.testing.TableSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The membership lifecycle over real HTTP through the local API, with the template's scheduled cleanup running
 * every second as `start-api --schedule-every 1` runs it: invite, join, link IDs, leave, re-join, dissolve, gone.
 */
class MembershipOverHttpTest {
    private static final String OPERATOR_KEY = ApiKeys.generate();
    private static DynamoDbClient client;
    private static String table;
    private static LocalApi api;
    private static LocalScheduler scheduler;

    @BeforeAll
    static void start() {
        client = DynamoDbLocal.client();
        table = DynamoDbLocal.newTable(client);
        TemplateModel template = TemplateModel.load(ProjectFiles.TEMPLATE, OperatorKey.of(OPERATOR_KEY).parameterOverrides(), table);
        FunctionInvoker invoker = new FunctionInvoker(template, client);
        api = LocalApi.start(invoker, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        scheduler = new LocalScheduler(invoker, template.schedules(), Duration.ofSeconds(1), System.err);
    }

    @AfterAll
    static void stop() {
        scheduler.close();
        api.close();
    }

    private static ApiReply call(String method, String path, String key, String body) throws IOException, InterruptedException {
        return ApiReply.call(api.baseUri(), method, path, key, body);
    }

    private static JsonNode member(ApiReply group, String merchantId) {
        for (JsonNode m : group.json().get("members")) {
            if (m.get("merchantId").asText().equals(merchantId)) {
                return m;
            }
        }
        return null;
    }

    @Test
    void theLifecycleOverHttp() throws Exception {
        assertEquals(201, call("POST", "/clouds", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"Acme\"}").status());
        ApiReply supplier = call("POST", "/merchants", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"Supplier\"}");
        ApiReply branch = call("POST", "/merchants", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"Branch\"}");
        String s = supplier.json().get("apiKey").asText();
        String b = branch.json().get("apiKey").asText();
        String sId = supplier.json().get("merchantId").asText();
        String bId = branch.json().get("merchantId").asText();
        String groupId = call("POST", "/groups", s, "{\"name\":\"Purchasing\"}").json().get("groupId").asText();

        ApiReply invite = call("POST", "/groups/" + groupId + "/members", s, "{\"merchantId\":\"" + bId + "\"}");
        assertEquals(201, invite.status(), invite.text());
        assertEquals("INVITED", invite.json().get("status").asText());
        assertEquals(409, call("POST", "/groups/" + groupId + "/members", s, "{\"merchantId\":\"" + bId + "\"}").status());
        assertEquals(403, call("POST", "/groups/" + groupId + "/members", b, "{\"merchantId\":\"" + sId + "\"}").status());

        ApiReply join = call("PUT", "/groups/" + groupId + "/members/me", b, null);
        assertEquals(200, join.status(), join.text());
        assertEquals("ACTIVE", join.json().get("status").asText());

        ApiReply seenBySupplier = call("GET", "/groups/" + groupId, s, null);
        ApiReply seenByBranch = call("GET", "/groups/" + groupId, b, null);
        assertEquals(2, seenBySupplier.json().get("memberCount").asInt());
        String link = member(seenBySupplier, bId).get("linkId").asText();
        assertEquals(link, member(seenByBranch, sId).get("linkId").asText(), "one link, seen from both sides");
        assertNull(member(seenByBranch, bId).get("linkId"));

        assertEquals(409, call("DELETE", "/groups/" + groupId + "/members/me", s, null).status(), "the creator cannot leave");
        assertEquals(204, call("DELETE", "/groups/" + groupId + "/members/me", b, null).status());
        assertEquals(404, call("GET", "/groups/" + groupId, b, null).status());
        assertEquals(1, call("GET", "/groups/" + groupId, s, null).json().get("memberCount").asInt());

        assertEquals(201, call("POST", "/groups/" + groupId + "/members", s, "{\"merchantId\":\"" + bId + "\"}").status());
        assertEquals(200, call("PUT", "/groups/" + groupId + "/members/me", b, null).status());
        assertNotEquals(link, member(call("GET", "/groups/" + groupId, s, null), bId).get("linkId").asText(), "a new membership, a new link");

        assertEquals(403, call("DELETE", "/groups/" + groupId, b, null).status());
        assertEquals(204, call("DELETE", "/groups/" + groupId, s, null).status());
        for (String key : new String[]{s, b}) {
            int status = call("GET", "/groups/" + groupId, key, null).status();
            assertTrue(status == 404 || status == 410, "after dissolve: " + status);
            assertEquals(0, call("GET", "/groups", key, null).json().get("groups").size());
        }
        ApiReply lateJoin = call("PUT", "/groups/" + groupId + "/members/me", b, null);
        assertTrue(lateJoin.status() == 404 || lateJoin.status() == 410, lateJoin.text());

        // the scheduled cleanup (every second here) deletes the group item last
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (TableSnapshot.of(client, table).stream().anyMatch(row -> row.contains(groupId) && !row.contains("S=RECEIPT"))
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertTrue(TableSnapshot.of(client, table).stream().filter(row -> !row.contains("S=RECEIPT")).noneMatch(row -> row.contains(groupId)),
                "nothing of the dissolved group is left after the cleanup, but for its deletion receipt");
        assertNotNull(supplier.json().get("merchantId"));
    }

    @Test
    void ratesAreReadFromTheTemplate() {
        assertEquals(Duration.ofMinutes(5), LocalScheduler.rate("rate(5 minutes)"));
        assertEquals(Duration.ofHours(1), LocalScheduler.rate("rate(1 hour)"));
        assertNull(LocalScheduler.rate("cron(0 12 * * ? *)"));
    }
}
