package orgshare.shared.testing;

import com.sun.net.httpserver.HttpServer;
import orgshare.shared.federation.FederationKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Another deployment's published identity, served on a loopback port: {@code GET /federation/identity} for a fresh
 * key and the clouds given. What a peer registration reads, without a whole second deployment; once registered, the
 * calls it signs are that peer's.
 */
public final class PeerIdentityServer implements AutoCloseable {
    private final HttpServer server;
    private final FederationKey key;

    private PeerIdentityServer(HttpServer server, FederationKey key) {
        this.server = server;
        this.key = key;
    }

    public static PeerIdentityServer start(String... cloudIds) {
        FederationKey key = FederationKey.fromSecret(FederationKey::newSecret);
        StringBuilder clouds = new StringBuilder();
        for (String cloudId : cloudIds) {
            clouds.append(clouds.length() == 0 ? "" : ",").append('"').append(cloudId).append('"');
        }
        byte[] identity = ("{\"cloudIds\":[" + clouds + "],\"publicKey\":\"" + key.publicKeyText()
                + "\",\"fingerprint\":\"" + key.fingerprint() + "\"}").getBytes(StandardCharsets.UTF_8);
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/federation/identity", exchange -> {
                exchange.getResponseHeaders().add("content-type", "application/json");
                exchange.sendResponseHeaders(200, identity.length);
                exchange.getResponseBody().write(identity);
                exchange.close();
            });
            server.start();
            return new PeerIdentityServer(server, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String fingerprint() {
        return key.fingerprint();
    }

    /** The headers with which this peer signs a call to {@code target} for {@code merchant} (merchantId@cloudId). */
    public Map<String, String> signRequest(String method, URI target, String merchant, String body) {
        return PeerSignatures.headers(key, method, target, merchant, body);
    }

    /** The body of POST /peers that registers this peer for {@code cloudId}. */
    public String registration(String cloudId) {
        return "{\"cloudId\":\"" + cloudId + "\",\"endpoint\":\"" + endpoint() + "\",\"fingerprint\":\"" + fingerprint() + "\"}";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
