package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A business program's webhook endpoint on loopback (http, as the runner's --allow-loopback-webhooks takes): it keeps
 * every delivery it was sent and answers each with the status it is told to, after a gate opens if one is set.
 */
final class WebhookReceiver implements AutoCloseable {
    /** One delivery as it arrived: the three Standard Webhooks headers and the body, and what was answered. */
    record Delivery(String id, String timestamp, String signature, String body, int answered) {
        JsonNode json() {
            try {
                return EventJson.mapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String type() {
            return json().get("type").asText();
        }
    }

    private final HttpServer server;
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private volatile int answer = 200;
    private volatile CountDownLatch gate;
    private final java.util.concurrent.atomic.AtomicInteger arrived = new java.util.concurrent.atomic.AtomicInteger();

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    static WebhookReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            WebhookReceiver receiver = new WebhookReceiver(server);
            server.createContext("/hook", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                receiver.arrived.incrementAndGet();
                CountDownLatch waitFor = receiver.gate;
                if (waitFor != null) {
                    try {
                        waitFor.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                int status = receiver.answer;
                Map<String, List<String>> headers = exchange.getRequestHeaders();
                receiver.deliveries.add(new Delivery(first(headers, "webhook-id"), first(headers, "webhook-timestamp"),
                        first(headers, "webhook-signature"), new String(body, StandardCharsets.UTF_8), status));
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.setExecutor(Executors.newCachedThreadPool(r -> {
                Thread thread = new Thread(r, "webhook-receiver");
                thread.setDaemon(true);
                return thread;
            }));
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** The status every delivery from now on is answered with. */
    void answer(int status) {
        this.answer = status;
    }

    /** Holds every delivery from now on until {@code open} counts down (or 30 s pass). */
    void holdUntil(CountDownLatch open) {
        this.gate = open;
    }

    /** How many deliveries arrived, held ones too. */
    int arrived() {
        return arrived.get();
    }

    List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    List<Delivery> of(String type) {
        return deliveries.stream().filter(d -> d.type().equals(type)).toList();
    }

    @Override
    public void close() {
        CountDownLatch open = gate;
        if (open != null) {
            open.countDown();
        }
        server.stop(0);
    }
}
