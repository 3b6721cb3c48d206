package orgshare.local;

import orgshare.shared.federation.FederationKey;
import orgshare.shared.testing.DynamoDbLocal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GET /federation/identity over real HTTP: two deployments side by side, each with its own table and federation
 * secret, each naming only the clouds it hosts and the key its secret derives; no API key needed.
 */
class FederationIdentityOverHttpTest {
    private static final String OPERATOR_KEY = orgshare.shared.auth.ApiKeys.generate();

    private record Deployment(LocalApi api, String secret) implements AutoCloseable {
        @Override
        public void close() {
            api.close();
        }
    }

    private static Deployment deployment() {
        String table = DynamoDbLocal.newTable(DynamoDbLocal.client());
        TemplateModel template = ProjectFiles.template(OperatorKey.of(OPERATOR_KEY), table);
        LocalSecrets secrets = LocalSecrets.fresh();
        LocalApi api = LocalApi.start(new FunctionInvoker(template, DynamoDbLocal.client(), secrets),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new Deployment(api, secrets.federationSecret());
    }

    @Test
    void eachDeploymentNamesItsOwnCloudsAndKey() throws Exception {
        try (Deployment a = deployment(); Deployment b = deployment()) {
            for (String cloud : List.of("north", "acme")) {
                assertEquals(201, ApiReply.call(a.api().baseUri(), "POST", "/clouds", OPERATOR_KEY,
                        "{\"cloudId\":\"" + cloud + "\",\"name\":\"" + cloud + "\"}").status());
            }
            assertEquals(201, ApiReply.call(b.api().baseUri(), "POST", "/clouds", OPERATOR_KEY,
                    "{\"cloudId\":\"globex\",\"name\":\"Globex\"}").status());

            ApiReply identityA = ApiReply.call(a.api().baseUri(), "GET", "/federation/identity", null, null);
            ApiReply identityB = ApiReply.call(b.api().baseUri(), "GET", "/federation/identity", null, null);
            assertEquals(200, identityA.status(), identityA.text());
            assertEquals("[\"acme\",\"north\"]", identityA.json().get("cloudIds").toString());
            assertEquals("[\"globex\"]", identityB.json().get("cloudIds").toString());
            FederationKey keyA = FederationKey.fromSecret(a::secret);
            assertEquals(keyA.publicKeyText(), identityA.json().get("publicKey").asText());
            assertEquals(keyA.fingerprint(), identityA.json().get("fingerprint").asText());
            assertNotEquals(identityA.json().get("fingerprint"), identityB.json().get("fingerprint"));
            assertEquals(identityA.text(), ApiReply.call(a.api().baseUri(), "GET", "/federation/identity",
                    orgshare.shared.auth.ApiKeys.generate(), null).text(), "a key, even an unknown one, changes nothing");
        }
    }

    @Test
    void theRunnerKeepsTheFederationSecretInItsDataFolderOrTakesItFromTheEnvironment(@TempDir Path data) {
        LocalSecrets first = LocalSecrets.forRun(data, Map.of());
        assertEquals(first.federationSecret(), LocalSecrets.forRun(data, Map.of()).federationSecret(), "kept across starts");
        String chosen = FederationKey.newSecret();
        assertEquals(chosen, LocalSecrets.forRun(data, Map.of(LocalSecrets.FEDERATION_KEY_VARIABLE, chosen)).federationSecret());
        assertNotEquals(LocalSecrets.forRun(null, Map.of()).federationSecret(), LocalSecrets.forRun(null, Map.of()).federationSecret());
        assertEquals("LocalSecrets[hidden]", first.toString());
    }

    @Test
    void federationKeyPrintsANewSecretItsPublicKeyAndFingerprint() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = new Main(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8), System.err).run(new String[]{"federation-key"});
        assertEquals(0, exit);
        String printed = out.toString(StandardCharsets.UTF_8);
        String secret = printed.lines().skip(1).findFirst().orElseThrow().strip();
        FederationKey key = FederationKey.fromSecret(() -> secret);
        assertTrue(printed.contains("Fingerprint: " + key.fingerprint()), printed);
        assertTrue(printed.contains("Public key:  " + key.publicKeyText()), printed);
    }
}
