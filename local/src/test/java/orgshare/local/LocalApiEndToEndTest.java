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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local API over real HTTP, on DynamoDB Local: the same path a developer's curl takes, through the template's
 * routes, the authorizer and the handlers. One story runs in order; the refusals come after it.
 */
class LocalApiEndToEndTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String OPERATOR_KEY = ApiKeys.generate();
    private static DynamoDbClient client;
    private static String table;
    private static LocalApi api;

    @BeforeAll
    static void start() {
        client = DynamoDbLocal.client();
        table = DynamoDbLocal.newTable(client);
        api = LocalApi.start(ProjectFiles.TEMPLATE, client, table, OPERATOR_KEY, 0);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static ApiReply call(String method, String path, String key, String body) throws IOException, InterruptedException {
        return ApiReply.call(api.baseUri(), method, path, key, body);
    }

    @Test
    void theFoundationStoryAndItsRefusalsOverHttp() throws Exception {
        ApiReply cloud = call("POST", "/clouds", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"Acme\"}");
        assertEquals(201, cloud.status(), cloud.text());
        assertEquals("acme", cloud.json().get("cloudId").asText());

        ApiReply a = call("POST", "/merchants", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"Supplier A\"}");
        ApiReply b = call("POST", "/merchants", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"Buyer B\"}");
        assertEquals(201, a.status(), a.text());
        assertEquals(201, b.status(), b.text());
        String keyA = a.json().get("apiKey").asText();
        String keyB = b.json().get("apiKey").asText();
        String idA = a.json().get("merchantId").asText();
        assertTrue(ApiKeys.wellFormed(keyA) && ApiKeys.wellFormed(keyB));

        ApiReply me = call("GET", "/merchants/me", keyA, null);
        assertEquals(200, me.status(), me.text());
        assertEquals(idA, me.json().get("merchantId").asText());
        assertEquals("acme", me.json().get("cloudId").asText());
        assertFalse(me.json().has("apiKey"));

        ApiReply group = call("POST", "/groups", keyA, "{\"name\":\"Purchasing\"}");
        assertEquals(201, group.status(), group.text());
        String groupId = group.json().get("groupId").asText();

        ApiReply read = call("GET", "/groups/" + groupId, keyA, null);
        assertEquals(200, read.status(), read.text());
        assertEquals(1, read.json().get("memberCount").asInt());
        assertEquals(1, read.json().get("members").size());
        JsonNode creator = read.json().get("members").get(0);
        assertEquals(idA, creator.get("merchantId").asText());
        assertEquals("CREATOR", creator.get("role").asText());
        assertEquals("ACTIVE", creator.get("status").asText());
        assertFalse(creator.has("linkId"), "no link with oneself");

        ApiReply mine = call("GET", "/groups", keyA, null);
        assertEquals(200, mine.status(), mine.text());
        assertEquals(1, mine.json().get("groups").size());
        assertEquals(groupId, mine.json().get("groups").get(0).get("groupId").asText());
        assertEquals("CREATOR", mine.json().get("groups").get(0).get("role").asText());

        ApiReply outsider = call("GET", "/groups/" + groupId, keyB, null);
        assertEquals(404, outsider.status(), outsider.text());
        assertEquals("GROUP_NOT_FOUND", outsider.errorCode());
        ApiReply bGroups = call("GET", "/groups", keyB, null);
        assertEquals(200, bGroups.status(), bGroups.text());
        assertEquals(0, bGroups.json().get("groups").size());

        assertRefusedWithoutWriting(keyA, groupId);

        ApiReply noCloud = call("POST", "/merchants", OPERATOR_KEY, "{\"cloudId\":\"nowhere\",\"name\":\"X\"}");
        assertEquals(404, noCloud.status(), noCloud.text());
        assertEquals("CLOUD_NOT_FOUND", noCloud.errorCode());
        ApiReply duplicate = call("POST", "/clouds", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"Again\"}");
        assertEquals(409, duplicate.status(), duplicate.text());
        assertEquals("CLOUD_EXISTS", duplicate.errorCode());
    }

    private record Refusal(String label, String method, String path, String key, String body, int status, String code) {
    }

    private void assertRefusedWithoutWriting(String keyA, String groupId) throws Exception {
        List<Refusal> refusals = List.of(
                new Refusal("no key", "POST", "/groups", null, "{\"name\":\"x\"}", 401, "MISSING_KEY"),
                new Refusal("wrong key", "POST", "/groups", ApiKeys.generate(), "{\"name\":\"x\"}", 401, "INVALID_KEY"),
                new Refusal("not a bearer key", "GET", "/groups", "Basic abc", null, 401, "INVALID_KEY"),
                new Refusal("merchant registers a cloud", "POST", "/clouds", keyA, "{\"cloudId\":\"x\",\"name\":\"x\"}", 403, "FORBIDDEN"),
                new Refusal("operator creates a group", "POST", "/groups", OPERATOR_KEY, "{\"name\":\"x\"}", 403, "FORBIDDEN"),
                new Refusal("malformed JSON", "POST", "/groups", keyA, "{\"name\":", 400, "MALFORMED_JSON"),
                new Refusal("unknown field", "POST", "/groups", keyA, "{\"name\":\"x\",\"creatorId\":\"y\"}", 400, "VALIDATION_FAILED"),
                new Refusal("missing name", "POST", "/groups", keyA, "{}", 400, "VALIDATION_FAILED"),
                new Refusal("cloudId with #", "POST", "/clouds", OPERATOR_KEY, "{\"cloudId\":\"a#b\",\"name\":\"x\"}", 400, "VALIDATION_FAILED"),
                new Refusal("over-long name", "POST", "/groups", keyA, "{\"name\":\"" + "x".repeat(201) + "\"}", 400, "VALIDATION_FAILED"),
                new Refusal("groupId with #", "GET", "/groups/" + groupId.substring(0, 25) + "%23", keyA, null, 400, "VALIDATION_FAILED"),
                new Refusal("groupId of 30 characters", "GET", "/groups/" + groupId + "ABCD", keyA, null, 400, "VALIDATION_FAILED"),
                new Refusal("limit=0", "GET", "/groups/" + groupId + "?limit=0", keyA, null, 400, "VALIDATION_FAILED"),
                new Refusal("forged cursor", "GET", "/groups/" + groupId + "?cursor=eyJwayI6IkdST1VQI3gifQ", keyA, null, 400, "INVALID_CURSOR"));
        List<String> before = TableSnapshot.of(client, table);
        for (Refusal refusal : refusals) {
            ApiReply reply = call(refusal.method(), refusal.path(), refusal.key(), refusal.body());
            assertEquals(refusal.status(), reply.status(), refusal.label() + ": " + reply.text());
            assertEquals(refusal.code(), reply.errorCode(), refusal.label());
            assertTrue(reply.json().path("error").path("message").isTextual(), refusal.label() + ": " + reply.text());
        }
        assertEquals(before, TableSnapshot.of(client, table), "a refused request writes nothing");
    }

    @Test
    void apiGatewayAnswersByItselfWhereNoFunctionDoes() throws Exception {
        ApiReply unknown = call("GET", "/no/such/route", OPERATOR_KEY, null);
        assertEquals(404, unknown.status());
        assertEquals("NOT_FOUND", unknown.errorCode());
        assertEquals("Not Found", unknown.json().path("error").path("message").asText());
        ApiReply wrongMethod = call("PATCH", "/clouds", OPERATOR_KEY, "{}");
        assertEquals(404, wrongMethod.status());
        assertEquals("NOT_FOUND", wrongMethod.errorCode());
    }

    @Test
    void aFailingFunctionIsA500WithoutInternals() throws Exception {
        // no table behind it: the authorizer's key lookup throws, as a function does when DynamoDB is unreachable
        try (LocalApi broken = LocalApi.start(ProjectFiles.TEMPLATE, client, "no-such-table", OPERATOR_KEY, 0)) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(broken.baseUri() + "/groups"))
                    .header("Authorization", "Bearer " + ApiKeys.generate()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(500, response.statusCode());
            assertEquals("{\"error\":{\"code\":\"INTERNAL\",\"message\":\"Internal Server Error\"}}", response.body());
        }
    }
}
