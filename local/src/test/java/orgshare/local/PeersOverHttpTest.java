package orgshare.local;

import com.sun.net.httpserver.HttpServer;
import orgshare.shared.auth.ApiKeys;
import orgshare.shared.federation.FederationKey;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.testing.TableSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator registers another deployment as a peer over real HTTP: A reads B's published identity and accepts it
 * only with the fingerprint B's operator gave and for a cloud B hosts; every refusal says why and writes nothing.
 */
class PeersOverHttpTest {
    private static final String OPERATOR_KEY = ApiKeys.generate();
    private static String tableA;
    private static LocalApi a;
    private static LocalApi b;
    private static String fingerprintB;
    private static HttpServer garbage;

    @BeforeAll
    static void twoDeployments() throws Exception {
        tableA = DynamoDbLocal.newTable(DynamoDbLocal.client());
        a = LocalApi.start(new FunctionInvoker(ProjectFiles.template(OperatorKey.of(OPERATOR_KEY), tableA), DynamoDbLocal.client(),
                LocalSecrets.fresh()), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        LocalSecrets secretsB = LocalSecrets.fresh();
        b = LocalApi.start(new FunctionInvoker(ProjectFiles.template(OperatorKey.of(OPERATOR_KEY),
                DynamoDbLocal.newTable(DynamoDbLocal.client())), DynamoDbLocal.client(), secretsB),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        fingerprintB = FederationKey.fromSecret(secretsB::federationSecret).fingerprint();
        call(a.baseUri(), 201, "POST", "/clouds", "{\"cloudId\":\"acme\",\"name\":\"Acme\"}");
        call(b.baseUri(), 201, "POST", "/clouds", "{\"cloudId\":\"globex\",\"name\":\"Globex\"}");
        garbage = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        garbage.createContext("/", exchange -> {
            byte[] text = "<html>not an identity</html>".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, text.length);
            exchange.getResponseBody().write(text);
            exchange.close();
        });
        garbage.start();
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
        garbage.stop(0);
    }

    private static ApiReply call(URI base, int expected, String method, String path, String body) throws Exception {
        ApiReply reply = ApiReply.call(base, method, path, OPERATOR_KEY, body);
        assertEquals(expected, reply.status(), method + " " + path + " -> " + reply.text());
        return reply;
    }

    private static String peer(String cloudId, URI endpoint, String fingerprint) {
        return "{\"cloudId\":\"" + cloudId + "\",\"endpoint\":\"" + endpoint + "\",\"fingerprint\":\"" + fingerprint + "\"}";
    }

    private static void refused(int status, String code, String body) throws Exception {
        List<String> before = TableSnapshot.of(DynamoDbLocal.client(), tableA);
        assertEquals(code, call(a.baseUri(), status, "POST", "/peers", body).errorCode());
        assertEquals(before, TableSnapshot.of(DynamoDbLocal.client(), tableA), code + " wrote nothing");
    }

    @Test
    void anOperatorRegistersAPeerByItsFingerprintListsItAndEndsIt() throws Exception {
        String otherFingerprint = FederationKey.fromSecret(FederationKey::newSecret).fingerprint();
        refused(400, "FINGERPRINT_MISMATCH", peer("globex", b.baseUri(), otherFingerprint));
        refused(400, "PEER_DOES_NOT_HOST_CLOUD", peer("initech", b.baseUri(), fingerprintB));
        refused(409, "CLOUD_IS_LOCAL", peer("acme", b.baseUri(), fingerprintB));
        refused(503, "PEER_UNAVAILABLE", peer("globex", URI.create("http://127.0.0.1:" + closedPort()), fingerprintB));
        refused(503, "PEER_UNAVAILABLE", peer("globex", URI.create("http://127.0.0.1:" + garbage.getAddress().getPort()), fingerprintB));
        refused(400, "VALIDATION_FAILED", peer("globex", URI.create("http://example.com"), fingerprintB));
        refused(400, "VALIDATION_FAILED", peer("globex", URI.create(b.baseUri() + "/some/path"), fingerprintB));
        refused(400, "VALIDATION_FAILED", peer("globex", b.baseUri(), "sha256:short"));
        refused(400, "VALIDATION_FAILED", peer("Globex!", b.baseUri(), fingerprintB));

        ApiReply registered = call(a.baseUri(), 201, "POST", "/peers", peer("globex", b.baseUri(), fingerprintB));
        assertEquals(fingerprintB, registered.json().get("fingerprint").asText());
        assertEquals(b.baseUri().toString(), registered.json().get("endpoint").asText());
        refused(409, "PEER_EXISTS", peer("globex", b.baseUri(), fingerprintB));

        ApiReply listed = call(a.baseUri(), 200, "GET", "/peers", null);
        assertEquals(1, listed.json().get("peers").size());
        assertEquals("globex", listed.json().get("peers").get(0).get("cloudId").asText());
        assertFalse(listed.json().has("cursor"));

        call(a.baseUri(), 204, "DELETE", "/peers/globex", null);
        assertEquals("PEER_NOT_FOUND", call(a.baseUri(), 404, "DELETE", "/peers/globex", null).errorCode());
        assertEquals(0, call(a.baseUri(), 200, "GET", "/peers", null).json().get("peers").size());
        // and it can be registered again after
        call(a.baseUri(), 201, "POST", "/peers", peer("globex", b.baseUri(), fingerprintB));
        assertTrue(call(a.baseUri(), 200, "GET", "/peers?limit=1", null).json().has("cursor"), "a full page has a cursor");
        call(a.baseUri(), 204, "DELETE", "/peers/globex", null);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
