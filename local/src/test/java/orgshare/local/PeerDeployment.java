package orgshare.local;

import orgshare.shared.auth.ApiKeys;
import orgshare.shared.federation.FederationKey;
import orgshare.shared.testing.DynamoDbLocal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;

/** Another deployment on a loopback port, with its own table, keys and one cloud: a peer to register. */
record PeerDeployment(LocalApi api, String cloudId, String fingerprint) implements AutoCloseable {
    static PeerDeployment start(String cloudId) throws Exception {
        String operatorKey = ApiKeys.generate();
        LocalSecrets secrets = LocalSecrets.fresh();
        LocalApi api = LocalApi.start(new FunctionInvoker(ProjectFiles.template(OperatorKey.of(operatorKey),
                DynamoDbLocal.newTable(DynamoDbLocal.client())), DynamoDbLocal.client(), secrets),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        ApiReply cloud = ApiReply.call(api.baseUri(), "POST", "/clouds", operatorKey,
                "{\"cloudId\":\"" + cloudId + "\",\"name\":\"" + cloudId + "\"}");
        if (cloud.status() != 201) {
            api.close();
            throw new IllegalStateException("the peer's cloud: " + cloud.text());
        }
        return new PeerDeployment(api, cloudId, FederationKey.fromSecret(secrets::federationSecret).fingerprint());
    }

    URI endpoint() {
        return api.baseUri();
    }

    /** The body of POST /peers that registers this deployment. */
    String registration() {
        return Deployment.registration(cloudId, endpoint(), fingerprint);
    }

    @Override
    public void close() {
        api.close();
    }
}
