package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.shared.Orgshare;
import orgshare.shared.auth.ApiKeys;
import orgshare.shared.db.TableDefinition;
import orgshare.shared.federation.FederationKey;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.testing.PeerSignatures;
import orgshare.shared.testing.TableSnapshot;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One whole deployment for cross-cloud tests: its own DynamoDB Local server (over HTTP on its own loopback port), its
 * own table, operator key, secrets and federation key, its local API on a free loopback port, and one cloud.
 */
final class Deployment implements AutoCloseable {
    static final String TABLE = "orgshare";

    final String cloudId;
    final String operatorKey = ApiKeys.generate();
    final DynamoDbLocal.Server engine;
    final DynamoDbClient client;
    final FunctionInvoker invoker;
    final FederationKey federationKey;
    final String fingerprint;
    final LocalSecrets secrets;
    /** The deployment's clock: real time, moved on by a test that lets time pass (a retry's backoff). */
    final ShiftedClock clock = new ShiftedClock();
    private LocalApi api;
    private final InetSocketAddress address;

    private Deployment(String cloudId, Map<String, String> environment) {
        this.cloudId = cloudId;
        this.engine = DynamoDbLocal.startServer();
        this.client = engine.client();
        TableDefinition.createIfMissing(client, TABLE);
        this.secrets = LocalSecrets.fresh();
        this.invoker = new FunctionInvoker(ProjectFiles.template(OperatorKey.of(operatorKey), TABLE), client, secrets);
        environment.forEach(invoker::withEnvironment);
        invoker.withClock(clock);
        this.federationKey = FederationKey.fromSecret(secrets::federationSecret);
        this.fingerprint = federationKey.fingerprint();
        this.api = LocalApi.start(invoker, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.address = new InetSocketAddress(InetAddress.getLoopbackAddress(), api.baseUri().getPort());
    }

    /** A deployment hosting {@code cloudId}, its cloud created by its operator. */
    static Deployment start(String cloudId, Map<String, String> environment) throws Exception {
        Deployment deployment = new Deployment(cloudId, environment);
        deployment.operator(201, "POST", "/clouds", "{\"cloudId\":\"" + cloudId + "\",\"name\":\"" + cloudId + "\"}");
        return deployment;
    }

    static Deployment start(String cloudId) throws Exception {
        return start(cloudId, Map.of(Orgshare.ENV_FEDERATION_TIMEOUT_MS, "3000"));
    }

    URI endpoint() {
        return api.baseUri();
    }

    /** The deployment stops answering (its port closes); its table stays. */
    void stop() {
        api.close();
    }

    /** It answers again, on the same port. */
    void restart() {
        api = LocalApi.start(invoker, address);
    }

    /** This operator registers {@code other} as a peer, by the fingerprint its operator gave. */
    void trust(Deployment other) throws Exception {
        operator(201, "POST", "/peers", other.registration());
    }

    /** This operator registers another deployment (one a test runs on its own) as a peer. */
    void trust(String cloudId, URI endpoint, String fingerprint) throws Exception {
        operator(201, "POST", "/peers", registration(cloudId, endpoint, fingerprint));
    }

    /** The body of POST /peers that registers this deployment. */
    String registration() {
        return registration(cloudId, endpoint(), fingerprint);
    }

    static String registration(String cloudId, URI endpoint, String fingerprint) {
        return "{\"cloudId\":\"" + cloudId + "\",\"endpoint\":\"" + endpoint + "\",\"fingerprint\":\"" + fingerprint + "\"}";
    }

    /** The headers with which this deployment signs a call to {@code target} for {@code merchant} (merchantId@cloudId). */
    Map<String, String> sign(String method, URI target, String merchant, String body) {
        return PeerSignatures.headers(federationKey, method, target, merchant, body);
    }

    /** Both operators register each other. */
    static void federate(Deployment a, Deployment b) throws Exception {
        a.trust(b);
        b.trust(a);
    }

    /** A new merchant of this cloud: its ID and key. */
    Merchant merchant(String name) throws Exception {
        JsonNode created = operator(201, "POST", "/merchants", "{\"cloudId\":\"" + cloudId + "\",\"name\":\"" + name + "\"}").json();
        return new Merchant(this, created.get("merchantId").asText(), created.get("apiKey").asText());
    }

    ApiReply operator(int expected, String method, String path, String body) throws Exception {
        ApiReply reply = ApiReply.call(endpoint(), method, path, operatorKey, body);
        assertEquals(expected, reply.status(), cloudId + ": " + method + " " + path + " -> " + reply.text());
        return reply;
    }

    /** The scheduled cleanup (which also delivers the outbox), as EventBridge would invoke it. */
    JsonNode runSchedule() {
        return invoker.invoke("CleanupFunction", EventJson.mapper().createObjectNode());
    }


    List<String> snapshot() {
        return TableSnapshot.of(client, TABLE);
    }

    @Override
    public void close() {
        api.close();
        engine.close();
    }

    /** The system clock, shifted by what a test lets pass. */
    static final class ShiftedClock extends java.time.Clock {
        private volatile java.time.Duration shift = java.time.Duration.ZERO;

        void pass(java.time.Duration time) {
            shift = shift.plus(time);
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.now().plus(shift);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException("UTC only");
        }
    }

    /** A home (acme) and two clouds it federates with (globex, initech), as the cross-cloud tests start them. */
    record Trio(Deployment a, Deployment b, Deployment c) implements AutoCloseable {
        static Trio federated() throws Exception {
            Deployment a = start("acme");
            Deployment b = start("globex");
            Deployment c = start("initech");
            federate(a, b);
            federate(a, c);
            return new Trio(a, b, c);
        }

        @Override
        public void close() {
            a.close();
            b.close();
            c.close();
        }
    }

    /** A merchant and the deployment it lives on. */
    record Merchant(Deployment home, String id, String key) {
        ApiReply call(String method, String path, String body) throws Exception {
            return ApiReply.call(home.endpoint(), method, path, key, body);
        }

        ApiReply call(int expected, String method, String path, String body) throws Exception {
            ApiReply reply = call(method, path, body);
            assertEquals(expected, reply.status(), home.cloudId + "/" + id + ": " + method + " " + path + " -> " + reply.text());
            return reply;
        }

        /** The body that invites this merchant into a group: its ID and its cloud. */
        String invitation() {
            return "{\"merchantId\":\"" + id + "\",\"cloudId\":\"" + home.cloudId + "\"}";
        }
    }
}
