package orgshare.shared.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import orgshare.shared.Orgshare;
import orgshare.shared.auth.Caller;
import orgshare.shared.db.TableStream;
import orgshare.shared.json.Json;
import orgshare.shared.service.CloudService;
import orgshare.shared.service.GroupService;
import orgshare.shared.service.MembershipService;
import orgshare.shared.service.MerchantService;
import orgshare.shared.service.RuleService;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhooks end to end on the real stream of DynamoDB Local and a real HTTP receiver on loopback: every event kind the
 * table's changes mean reaches the merchant that asked for it, signed (checked here with this test's own HMAC code),
 * once per record however often the stream is read; a receiver that fails is asked again later with the same
 * webhook-id, and one that keeps failing ends as FAILED.
 */
class WebhookDeliveryTest {
    private record Received(String id, String timestamp, String signature, String body) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger answer = new AtomicInteger(200);
    private final AtomicInteger delayMillis = new AtomicInteger(0);
    private final java.util.concurrent.atomic.AtomicReference<String> redirectTo = new java.util.concurrent.atomic.AtomicReference<>();
    private HttpServer receiver;
    private Orgshare app;
    private WebhookService webhooks;
    private WebhookDeliverer deliverer;
    private TableStream stream;
    private final ManualClock clock = new ManualClock(Instant.now());
    private Caller creator;
    private Caller member;
    private final Map<String, String> secrets = new TreeMap<>();

    @BeforeEach
    void setUp() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (redirectTo.get() != null) {
                exchange.getResponseHeaders().set("location", redirectTo.get());
            }
            received.add(new Received(exchange.getRequestHeaders().getFirst("webhook-id"),
                    exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                    exchange.getRequestHeaders().getFirst("webhook-signature"), new String(body, StandardCharsets.UTF_8)));
            try {
                Thread.sleep(delayMillis.get());
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(answer.get(), -1);
            exchange.close();
        });
        receiver.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        receiver.start();
        app = DynamoDbLocal.newApp(DynamoDbLocal.client(), Map.of(Orgshare.ENV_ALLOW_LOOPBACK_WEBHOOKS, "true"));
        webhooks = app.webhooks();
        deliverer = new WebhookDeliverer(app.table(), webhooks, clock, true);
        stream = new TableStream(DynamoDbLocal.client(), DynamoDbLocal.streamsClient(), app.table().name());
        app.clouds().register(Caller.operator(), new CloudService.CreateCloud("acme", "Acme"));
        creator = merchant("Creator");
        member = merchant("Member");
        stream.poll(); // what came before the webhooks were set is not for them
    }

    @AfterEach
    void tearDown() {
        receiver.stop(0);
    }

    private Caller merchant(String name) {
        String id = app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("acme", name)).merchantId();
        Caller caller = Caller.merchant(id, "acme");
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        secrets.put(id, webhooks.set(caller, new WebhookService.SetWebhook(url, WebhookService.EVENTS, null)).secret());
        return caller;
    }

    private WebhookDeliverer.Outcome deliverWhatTheStreamHolds() {
        return deliverer.deliver(stream.poll().stream().map(TableStream::toEventRecord).toList());
    }

    /** This test's own check of a Standard Webhooks signature (not the project's code). */
    private boolean signedFor(Received delivery, String merchantId) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secrets.get(merchantId).substring("whsec_".length())), "HmacSHA256"));
        byte[] expected = mac.doFinal((delivery.id() + "." + delivery.timestamp() + "." + delivery.body()).getBytes(StandardCharsets.UTF_8));
        return delivery.signature().equals("v1," + Base64.getEncoder().encodeToString(expected));
    }

    @Test
    void everyEventKindReachesItsMerchantSignedAndOnce() throws Exception {
        String g = app.groups().create(creator, new GroupService.CreateGroup("Net")).groupId();
        app.memberships().invite(creator, g, new MembershipService.InviteMember(member.merchantId()));
        app.memberships().join(member, g);
        app.rules().change(creator, g, new RuleService.RuleChanges(0L, List.of(new RuleService.RuleInput(creator.merchantId(),
                member.merchantId(), "order", "NONE", null, null, true)), List.of()));
        String messageId = app.exchange().push(member, g, creator.merchantId(), "order", "{\"po\":1}").messageId();
        app.pushStatuses().ack(creator, messageId, new orgshare.shared.service.PushStatusService.Ack("ACCEPTED", null));
        app.memberships().leave(member, g, "me");
        String h = app.groups().create(creator, new GroupService.CreateGroup("Other")).groupId();
        app.memberships().invite(creator, h, new MembershipService.InviteMember(member.merchantId()));
        app.memberships().dissolve(creator, h);

        WebhookDeliverer.Outcome outcome = deliverWhatTheStreamHolds();
        assertEquals(0, outcome.retrying() + outcome.failed(), outcome.toString());
        Map<String, Set<String>> byType = new TreeMap<>();
        Set<String> ids = new TreeSet<>();
        for (Received delivery : received) {
            JsonNode body = Json.decodeTree(delivery.body());
            String type = body.get("type").asText();
            String to = body.get("data").path("merchantId").asText(null);
            byType.computeIfAbsent(type, t -> new TreeSet<>()).add(body.get("data").path("groupId").asText());
            assertTrue(ids.add(delivery.id()), "one webhook-id per event and recipient");
            assertTrue(secrets.keySet().stream().anyMatch(m -> {
                try {
                    return signedFor(delivery, m);
                } catch (Exception e) {
                    return false;
                }
            }), "signed with its recipient's secret: " + delivery);
            assertTrue(Math.abs(Long.parseLong(delivery.timestamp()) - Instant.now().getEpochSecond()) < 600);
            assertTrue(to == null || !to.isEmpty());
        }
        assertEquals(Set.of("group.invited", "member.joined", "rules.changed", "inbox.received", "push.status",
                "member.left", "group.dissolved"), byType.keySet(), received.toString());
        assertEquals(Set.of(g, h), byType.get("group.invited"));
        assertEquals(Set.of(h), byType.get("group.dissolved"));

        int count = received.size();
        WebhookDeliverer.Outcome again = deliverer.deliver(readAgainFromTheStart());
        assertEquals(count, received.size(), "a stream record read again delivers nothing twice");
        assertEquals(0, again.delivered());
    }

    private List<WebhookEvents.StreamRecord> readAgainFromTheStart() {
        return new TableStream(DynamoDbLocal.client(), DynamoDbLocal.streamsClient(), app.table().name()).poll().stream()
                .map(TableStream::toEventRecord).toList();
    }

    @Test
    void aFailingReceiverIsAskedAgainWithTheSameIdUntilItRecoversOrTheDayIsOver() {
        String g = app.groups().create(creator, new GroupService.CreateGroup("Net")).groupId();
        answer.set(500);
        app.memberships().invite(creator, g, new MembershipService.InviteMember(member.merchantId()));
        WebhookDeliverer.Outcome first = deliverWhatTheStreamHolds();
        assertEquals(1, first.retrying(), first.toString());
        assertEquals(1, received.size());
        String id = received.get(0).id();

        assertEquals(0, deliverer.retryDue(() -> true).retrying(), "not before its backoff");
        clock.advance(Duration.ofSeconds(7));
        assertEquals(1, deliverer.retryDue(() -> true).retrying(), "failed again, later again");
        answer.set(204);
        clock.advance(Duration.ofSeconds(30));
        assertEquals(1, deliverer.retryDue(() -> true).delivered());
        assertEquals(List.of(id, id, id), received.stream().map(Received::id).toList(), "the same webhook-id every time");
        assertEquals("DELIVERED", delivery(member.merchantId()).get("status").s());

        // a receiver that keeps failing: FAILED once the day is over, then never asked again
        app.memberships().join(member, g);
        answer.set(503);
        assertEquals(1, deliverWhatTheStreamHolds().retrying());
        List<Integer> gaps = new ArrayList<>();
        for (int hours = 0; hours < 26; hours++) {
            clock.advance(Duration.ofHours(1));
            WebhookDeliverer.Outcome run = deliverer.retryDue(() -> true);
            gaps.add(run.retrying() + run.failed());
            if (run.failed() == 1) {
                break;
            }
        }
        assertEquals("FAILED", delivery(creator.merchantId()).get("status").s());
        assertEquals(0, deliverer.retryDue(() -> true).retrying());
        assertTrue(Integer.parseInt(delivery(creator.merchantId()).get("attempts").n()) >= 8, gaps.toString());
    }

    @Test
    void aSlowReceiverIsWaitedForAtMostFiveSecondsAndARedirectIsNeverFollowed() {
        String g = app.groups().create(creator, new GroupService.CreateGroup("Net")).groupId();
        // slow but within the bound: delivered
        delayMillis.set(1_500);
        app.memberships().invite(creator, g, new MembershipService.InviteMember(member.merchantId()));
        assertEquals(1, deliverWhatTheStreamHolds().delivered());

        // slower than the bound: given up after 5 s, asked again later with the same webhook-id
        delayMillis.set(7_000);
        app.memberships().join(member, g);
        long started = System.nanoTime();
        assertEquals(1, deliverWhatTheStreamHolds().retrying());
        long waited = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertTrue(waited >= 4_500 && waited < 6_900, "bounded by the 5 s timeout: waited " + waited + " ms");
        assertEquals("TIMEOUT", delivery(creator.merchantId()).get("lastResult").s());
        String id = received.get(received.size() - 1).id();

        // a redirect, to the cloud metadata address: not followed, a failure like any other answer that is not 2xx
        delayMillis.set(0);
        answer.set(302);
        redirectTo.set("http://169.254.169.254/latest/meta-data/iam/security-credentials/");
        clock.advance(Duration.ofSeconds(7));
        int before = received.size();
        assertEquals(1, deliverer.retryDue(() -> true).retrying());
        assertEquals(before + 1, received.size(), "one request, to the receiver only");
        assertEquals("302", delivery(creator.merchantId()).get("lastResult").s());

        answer.set(200);
        redirectTo.set(null);
        clock.advance(Duration.ofSeconds(30));
        assertEquals(1, deliverer.retryDue(() -> true).delivered());
        List<String> ids = received.subList(before - 1, received.size()).stream().map(Received::id).toList();
        assertEquals(List.of(id, id, id), ids, "the same webhook-id on every attempt");
    }

    private Map<String, AttributeValue> delivery(String merchantId) {
        List<Map<String, AttributeValue>> items = app.table().client().query(b -> b.tableName(app.table().name())
                .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk",
                        AttributeValue.fromS("WHDELIVERY#" + merchantId))).scanIndexForward(false)).items();
        return items.get(0);
    }
}
