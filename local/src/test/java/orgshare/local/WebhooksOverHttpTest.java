package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.shared.Orgshare;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhooks as start-api runs them, over real HTTP: the local API, the table's stream polled and handed to the delivery
 * function, and business programs listening on loopback (--allow-loopback-webhooks). A push reaches the owner's
 * program as inbox.received, signed (checked here with this test's own HMAC code, not the project's); the owner's
 * acknowledgement reaches the sender's program as push.status and GET /pushes; a program that answers 500 gets the same
 * webhook-id again once it recovers and the scheduled retry runs; the deliveries list shows the attempts. No request
 * waits for a webhook: the push is answered while the owner's program holds its delivery.
 */
class WebhooksOverHttpTest {
    private static final String OPERATOR_KEY = orgshare.shared.auth.ApiKeys.generate();
    private static LocalDynamo dynamo;
    private static FunctionInvoker invoker;
    private static LocalApi api;
    private static LocalStreamPoller stream;

    @BeforeAll
    static void start() {
        dynamo = LocalDynamo.inMemory();
        TemplateModel template = ProjectFiles.template(OperatorKey.of(OPERATOR_KEY), LocalDynamo.TABLE_NAME);
        invoker = new FunctionInvoker(template, dynamo.client(), LocalSecrets.fresh())
                .withEnvironment(Orgshare.ENV_ALLOW_LOOPBACK_WEBHOOKS, "true");
        api = LocalApi.start(invoker, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        stream = new LocalStreamPoller(invoker, dynamo.client(), dynamo.streamsClient(), LocalDynamo.TABLE_NAME,
                template.streamSources(), null, System.err).start();
    }

    @AfterAll
    static void stop() {
        stream.close();
        api.close();
        dynamo.close();
    }

    private static ApiReply call(int expected, String method, String path, String key, String body)
            throws IOException, InterruptedException {
        ApiReply reply = ApiReply.call(api.baseUri(), method, path, key, body);
        assertEquals(expected, reply.status(), method + " " + path + " -> " + reply.text());
        return reply;
    }

    /** Waits (up to 15 s) until {@code condition} holds, as the stream is polled in the background. */
    private static <T> T eventually(Supplier<T> value, java.util.function.Predicate<T> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        T current = value.get();
        while (!condition.test(current)) {
            assertTrue(System.nanoTime() < deadline, "waited 15 s for " + what + "; last: " + current);
            Thread.sleep(50);
            current = value.get();
        }
        return current;
    }

    /** Standard Webhooks v1, written out here: base64 of HMAC-SHA256 over id.timestamp.body, keyed with the secret's bytes. */
    private static void assertSigned(WebhookReceiver.Delivery delivery, String secret) throws Exception {
        assertSigned(delivery, secret, Clock.systemUTC());
    }

    /** The same, sent at {@code sentBy}'s time. */
    private static void assertSigned(WebhookReceiver.Delivery delivery, String secret, Clock sentBy) throws Exception {
        assertTrue(secret.startsWith("whsec_"), secret);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(
                (delivery.id() + "." + delivery.timestamp() + "." + delivery.body()).getBytes(StandardCharsets.UTF_8)));
        assertTrue(List.of(delivery.signature().split(" ")).contains(expected), "signed with the secret: " + delivery);
        assertTrue(delivery.id().matches("msg_[0-9a-f]{32}"), delivery.id());
        long age = Math.abs(sentBy.instant().getEpochSecond() - Long.parseLong(delivery.timestamp()));
        assertTrue(age < 60, "a fresh timestamp: " + delivery.timestamp());
    }

    @Test
    void aPushAndItsAcknowledgementReachBothProgramsSignedAndAFailedDeliveryComesAgainWithTheSameId() throws Exception {
        call(201, "POST", "/clouds", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"Acme\"}");
        JsonNode ownerMade = call(201, "POST", "/merchants", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"Owner\"}").json();
        JsonNode senderMade = call(201, "POST", "/merchants", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"Sender\"}").json();
        String owner = ownerMade.get("apiKey").asText();
        String sender = senderMade.get("apiKey").asText();
        String ownerId = ownerMade.get("merchantId").asText();
        String senderId = senderMade.get("merchantId").asText();
        String g = call(201, "POST", "/groups", owner, "{\"name\":\"Orders\"}").json().get("groupId").asText();
        call(201, "POST", "/groups/" + g + "/members", owner, "{\"merchantId\":\"" + senderId + "\"}");
        call(200, "PUT", "/groups/" + g + "/members/me", sender, null);
        call(200, "PATCH", "/groups/" + g + "/rules", owner, "{\"expectedVersion\":0,\"set\":[{\"ownerId\":\"" + ownerId
                + "\",\"partnerId\":\"" + senderId + "\",\"type\":\"purchase-order\",\"scope\":\"NONE\",\"push\":true}]}");
        String push = "/groups/" + g + "/exchange/" + ownerId + "/purchase-order";

        try (WebhookReceiver ownerProgram = WebhookReceiver.start(); WebhookReceiver senderProgram = WebhookReceiver.start()) {
            String ownerSecret = call(200, "PUT", "/merchants/me/webhook", owner, "{\"url\":\"" + ownerProgram.url()
                    + "\",\"events\":[\"inbox.received\"]}").json().get("secret").asText();
            String senderSecret = call(200, "PUT", "/merchants/me/webhook", sender, "{\"url\":\"" + senderProgram.url()
                    + "\",\"events\":[\"push.status\"]}").json().get("secret").asText();

            // the owner's program holds its delivery: the push is answered all the same, at once
            CountDownLatch open = new CountDownLatch(1);
            ownerProgram.holdUntil(open);
            long started = System.nanoTime();
            String messageId = call(202, "POST", push, sender, "{\"poNumber\":\"PO-1\"}").json().get("messageId").asText();
            long answeredMs = (System.nanoTime() - started) / 1_000_000;
            assertTrue(answeredMs < 2_000, "the push waits for no webhook: " + answeredMs + " ms");
            assertTrue(ownerProgram.deliveries().isEmpty(), "the program has not answered yet");
            open.countDown();
            WebhookReceiver.Delivery received = eventually(() -> ownerProgram.of("inbox.received"), l -> !l.isEmpty(),
                    "inbox.received").get(0);
            assertSigned(received, ownerSecret);
            JsonNode data = received.json().get("data");
            assertEquals(messageId, data.get("messageId").asText());
            assertEquals(g, data.get("groupId").asText());
            assertEquals(senderId, data.get("from").asText());
            assertEquals("purchase-order", data.get("type").asText());
            assertTrue(!received.body().contains("PO-1"), "the document itself is not in the webhook: " + received.body());

            // the owner accepts; the sender's program hears of it, and the sender reads it
            assertEquals("RECEIVED", call(200, "GET", "/pushes/" + messageId, sender, null).json().get("status").asText());
            call(200, "POST", "/inbox/" + messageId + "/ack", owner, "{\"status\":\"ACCEPTED\",\"reason\":\"booked\"}");
            WebhookReceiver.Delivery status = eventually(() -> senderProgram.of("push.status"), l -> !l.isEmpty(),
                    "push.status").get(0);
            assertSigned(status, senderSecret);
            assertEquals(messageId, status.json().get("data").get("messageId").asText());
            assertEquals("ACCEPTED", status.json().get("data").get("status").asText());
            assertEquals("booked", status.json().get("data").get("reason").asText());
            JsonNode chain = call(200, "GET", "/pushes/" + messageId, sender, null).json();
            assertEquals("ACCEPTED", chain.get("status").asText());
            assertEquals(ownerId, chain.get("ownerId").asText());
            assertTrue(chain.hasNonNull("acknowledgedAt"));

            // the owner's program fails: the delivery is recorded for a retry; it recovers; the retry brings the same id
            ownerProgram.answer(500);
            String second = call(202, "POST", push, sender, "{\"poNumber\":\"PO-2\"}").json().get("messageId").asText();
            WebhookReceiver.Delivery failed = eventually(() -> ownerProgram.of("inbox.received"), l -> l.size() == 2,
                    "the second push's delivery").get(1);
            assertEquals(500, failed.answered());
            assertEquals(second, failed.json().get("data").get("messageId").asText());
            JsonNode retrying = eventually(() -> delivery(owner, failed.id()), d -> d != null && "RETRYING".equals(d.get("status").asText()),
                    "the delivery recorded as retrying");
            assertEquals(1, retrying.get("attempts").asInt());
            assertEquals("500", retrying.get("lastResult").asText());
            assertTrue(retrying.hasNonNull("nextAttemptAt"));

            ownerProgram.answer(200);
            Duration later = Duration.ofMinutes(10);
            JsonNode retried = retryLater(later);
            assertEquals(1, retried.get("delivered").asInt(), retried.toString());
            List<WebhookReceiver.Delivery> all = ownerProgram.of("inbox.received");
            assertEquals(3, all.size(), "delivered, failed, delivered again: " + all);
            WebhookReceiver.Delivery again = all.get(2);
            assertEquals(failed.id(), again.id(), "the same webhook-id on the retry: the program de-duplicates by it");
            assertEquals(failed.body(), again.body());
            assertEquals(200, again.answered());
            assertSigned(again, ownerSecret, Clock.offset(Clock.systemUTC(), later));
            JsonNode delivered = delivery(owner, failed.id());
            assertEquals("DELIVERED", delivered.get("status").asText());
            assertEquals(2, delivered.get("attempts").asInt());
            JsonNode first = delivery(owner, received.id());
            assertEquals("DELIVERED", first.get("status").asText(), "the first push's, at once");
            assertEquals(1, first.get("attempts").asInt());
            assertEquals(2, deliveries(owner).size());
            assertEquals(1, senderProgram.deliveries().size(), "the sender asked for push.status only");
        }
    }

    /** The merchant's delivery with this webhook-id, from its deliveries list, or null. */
    private static JsonNode delivery(String key, String webhookId) {
        for (JsonNode delivery : deliveries(key)) {
            if (delivery.get("webhookId").asText().equals(webhookId)) {
                return delivery;
            }
        }
        return null;
    }

    private static JsonNode deliveries(String key) {
        try {
            return call(200, "GET", "/merchants/me/webhook/deliveries", key, null).json().get("deliveries");
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The scheduled retry as it runs {@code later} than now (its function built on that clock, once). */
    private static JsonNode retryLater(Duration later) throws IOException {
        String functionId = "RetryWebhooksFunction";
        JsonNode event = EventJson.mapper().readTree(Files.readString(
                ProjectFiles.EVENTS.resolve(ProjectFiles.sampleEventName(functionId))));
        invoker.withClock(Clock.offset(Clock.systemUTC(), later));
        try {
            return invoker.invoke(functionId, event);
        } finally {
            invoker.withClock(Clock.systemUTC());
        }
    }
}
