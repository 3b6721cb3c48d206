package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * start-api --data --allow-loopback-webhooks killed (SIGKILL) while a webhook delivery is on its way, then started
 * again on the same folder: nothing is lost (the interrupted delivery arrives again, with the same webhook-id), and
 * what was delivered before is not delivered again (the runner kept its place in the stream).
 */
class WebhooksRestartProcessTest {
    private static final String OPERATOR_KEY = orgshare.shared.auth.ApiKeys.generate();

    private record Started(Process process, URI uri) {
    }

    private static Started start(Path data) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "start-api", "--port", "0", "--template", ProjectFiles.TEMPLATE.toString(),
                "--data", data.toString(), "--allow-loopback-webhooks"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put(OperatorKey.ENVIRONMENT_VARIABLE, OPERATOR_KEY);
        Process process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith(Main.READY)) {
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // the functions' log lines: read, so the process never blocks on a full pipe
                        }
                    } catch (IOException ended) {
                        // the process ended
                    }
                }, "start-api-output");
                drain.setDaemon(true);
                drain.start();
                return new Started(process, URI.create(line.substring(Main.READY.length()).split(" ")[0]));
            }
        }
        process.destroyForcibly();
        throw new AssertionError("start-api ended without a ready line");
    }

    private static ApiReply call(Started api, int expected, String method, String path, String key, String body) throws Exception {
        ApiReply reply = ApiReply.call(api.uri(), method, path, key, body);
        assertEquals(expected, reply.status(), method + " " + path + " -> " + reply.text());
        return reply;
    }

    private static void eventually(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "waited 20 s for " + what);
            Thread.sleep(50);
        }
    }

    @Test
    void killedMidDeliveryAndRestartedItLosesNothingAndRepeatsNothingDelivered(@TempDir Path data) throws Exception {
        try (WebhookReceiver program = WebhookReceiver.start()) {
            Started first = start(data);
            String pushPath;
            String sender;
            String owner;
            try {
                call(first, 201, "POST", "/clouds", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"Acme\"}");
                JsonNode o = call(first, 201, "POST", "/merchants", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"Owner\"}").json();
                JsonNode s = call(first, 201, "POST", "/merchants", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"Sender\"}").json();
                owner = o.get("apiKey").asText();
                sender = s.get("apiKey").asText();
                String ownerId = o.get("merchantId").asText();
                String senderId = s.get("merchantId").asText();
                String g = call(first, 201, "POST", "/groups", owner, "{\"name\":\"Orders\"}").json().get("groupId").asText();
                call(first, 201, "POST", "/groups/" + g + "/members", owner, "{\"merchantId\":\"" + senderId + "\"}");
                call(first, 200, "PUT", "/groups/" + g + "/members/me", sender, null);
                call(first, 200, "PATCH", "/groups/" + g + "/rules", owner, "{\"expectedVersion\":0,\"set\":[{\"ownerId\":\"" + ownerId
                        + "\",\"partnerId\":\"" + senderId + "\",\"type\":\"purchase-order\",\"scope\":\"NONE\",\"push\":true}]}");
                call(first, 200, "PUT", "/merchants/me/webhook", owner, "{\"url\":\"" + program.url() + "\",\"events\":[\"inbox.received\"]}");
                pushPath = "/groups/" + g + "/exchange/" + ownerId + "/purchase-order";

                call(first, 202, "POST", pushPath, sender, "{\"po\":1}");
                eventually(() -> program.deliveries().size() == 1, "the first push's delivery");

                // the second push's delivery reaches the program, which holds it; the runner is killed meanwhile
                CountDownLatch open = new CountDownLatch(1);
                program.holdUntil(open);
                call(first, 202, "POST", pushPath, sender, "{\"po\":2}");
                eventually(() -> program.arrived() == 2, "the second push's delivery on its way");
                first.process().destroyForcibly();
                assertTrue(first.process().waitFor(20, TimeUnit.SECONDS));
                program.holdUntil(null);
                open.countDown();
                eventually(() -> program.deliveries().size() == 2, "the held delivery let go (its runner is gone)");
            } finally {
                first.process().destroyForcibly();
            }

            List<WebhookReceiver.Delivery> before = program.deliveries();
            Started second = start(data);
            try {
                eventually(() -> program.deliveries().size() >= 3, "the interrupted delivery, again");
                Thread.sleep(1_000); // a poll or more later: nothing else comes again
                List<WebhookReceiver.Delivery> after = program.deliveries();
                assertEquals(3, after.size(), "the first push once, the second twice (interrupted, then again): " + after);
                String interrupted = after.get(2).id();
                assertTrue(before.stream().anyMatch(d -> d.id().equals(interrupted)), "the same webhook-id as the interrupted one");
                assertEquals(1, after.stream().filter(d -> d.id().equals(after.get(0).id())).count(),
                        "the first push's delivery is not repeated: " + after);
                JsonNode deliveries = call(second, 200, "GET", "/merchants/me/webhook/deliveries", owner, null).json().get("deliveries");
                assertEquals(2, deliveries.size());
                deliveries.forEach(d -> assertEquals("DELIVERED", d.get("status").asText(), d.toString()));

                // and the restarted runner delivers what comes next
                call(second, 202, "POST", pushPath, sender, "{\"po\":3}");
                eventually(() -> program.deliveries().size() == 4, "the third push's delivery");
            } finally {
                second.process().destroy();
                second.process().waitFor(20, TimeUnit.SECONDS);
            }
        }
    }
}
