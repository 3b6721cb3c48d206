package orgshare.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import orgshare.shared.federation.FederationKey;
import orgshare.shared.federation.FederationWire;
import orgshare.shared.httpsig.HttpMessage;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A peer deployment that misbehaves on purpose, on a loopback port: it publishes a real identity (so an operator can
 * register it by its fingerprint) and can sign real calls, but answers the federation wire as {@link #behaviour}
 * says: slowly, with garbage, unsigned, or signed by another key.
 */
final class FakePeer implements AutoCloseable {
    enum Behaviour { SLOW, GARBAGE_SIGNED, UNSIGNED, OTHER_KEY, DOWN_500 }

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    final String cloudId;
    final FederationKey key;
    private final FederationKey otherKey;
    private final HttpServer server;
    volatile Behaviour behaviour = Behaviour.SLOW;

    FakePeer(String cloudId) throws IOException {
        this.cloudId = cloudId;
        String secret = FederationKey.newSecret();
        String other = FederationKey.newSecret();
        this.key = FederationKey.fromSecret(() -> secret);
        this.otherKey = FederationKey.fromSecret(() -> other);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/federation/identity", exchange -> answer(exchange, 200, Map.of(), ("{\"cloudIds\":[\"" + cloudId
                + "\"],\"publicKey\":\"" + key.publicKeyText() + "\",\"fingerprint\":\"" + key.fingerprint() + "\"}")
                .getBytes(StandardCharsets.UTF_8)));
        server.createContext("/federation/v1/", this::wire);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    String registration() {
        return "{\"cloudId\":\"" + cloudId + "\",\"endpoint\":\"" + endpoint() + "\",\"fingerprint\":\"" + key.fingerprint() + "\"}";
    }

    /** Sends a signed home message (an invitation, a notice) to {@code deployment}, as this peer. */
    HttpResponse<String> send(Deployment deployment, String path, String merchant, String body) throws Exception {
        URI target = URI.create(deployment.endpoint() + "/federation/v1" + path);
        FederationWire wire = new FederationWire(key, f -> null, (k, n, t) -> true, Clock.systemUTC());
        HttpRequest.Builder request = HttpRequest.newBuilder(target).POST(HttpRequest.BodyPublishers.ofString(body));
        wire.signRequest("POST", target, merchant, body.getBytes(StandardCharsets.UTF_8))
                .forEach((name, values) -> request.header(name, values.get(0)));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void wire(HttpExchange exchange) throws IOException {
        byte[] body = "{\"groupId\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        switch (behaviour) {
            case SLOW -> {
                try {
                    Thread.sleep(8_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                answer(exchange, 200, signedBy(key, exchange, 200, body), body);
            }
            case GARBAGE_SIGNED -> {
                byte[] garbage = "<html>oops</html>".getBytes(StandardCharsets.UTF_8);
                answer(exchange, 200, signedBy(key, exchange, 200, garbage), garbage);
            }
            case UNSIGNED -> answer(exchange, 200, Map.of(), body);
            case OTHER_KEY -> answer(exchange, 200, signedBy(otherKey, exchange, 200, body), body);
            case DOWN_500 -> answer(exchange, 500, signedBy(key, exchange, 500, body), body);
        }
    }

    private Map<String, String> signedBy(FederationKey signer, HttpExchange exchange, int status, byte[] body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values));
        URI target = URI.create("http://" + exchange.getRequestHeaders().getFirst("host") + exchange.getRequestURI());
        HttpMessage request = HttpMessage.request(exchange.getRequestMethod(), target, headers);
        Map<String, String> signed = new LinkedHashMap<>();
        new FederationWire(signer, f -> null, (k, n, t) -> true, Clock.systemUTC()).signResponse(status, body, request)
                .forEach((name, values) -> signed.put(name, values.get(0)));
        return signed;
    }

    private static void answer(HttpExchange exchange, int status, Map<String, String> headers, byte[] body) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("content-type", "application/json");
            headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        } catch (IOException callerGaveUp) {
            // the caller timed out and closed the connection: what a slow peer's caller does
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
