package orgshare.shared.service;

import orgshare.shared.Orgshare;
import orgshare.shared.auth.Caller;
import orgshare.shared.error.ApiException;
import orgshare.shared.testing.DynamoDbLocal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The push status chain on one deployment: RECEIVED by the push, acknowledged once by the owner, read by the sender. */
class PushStatusTest {
    private Orgshare app;
    private Caller owner;
    private Caller sender;
    private Caller stranger;
    private String groupId;

    @BeforeEach
    void setUp() {
        app = DynamoDbLocal.newApp(DynamoDbLocal.client(), Map.of());
        app.clouds().register(Caller.operator(), new CloudService.CreateCloud("acme", "Acme"));
        owner = merchant("Owner");
        sender = merchant("Sender");
        stranger = merchant("Stranger");
        groupId = app.groups().create(owner, new GroupService.CreateGroup("G")).groupId();
        for (Caller m : List.of(sender, stranger)) {
            app.memberships().invite(owner, groupId, new MembershipService.InviteMember(m.merchantId()));
            app.memberships().join(m, groupId);
        }
        app.rules().change(owner, groupId, new RuleService.RuleChanges(0L, List.of(new RuleService.RuleInput(
                owner.merchantId(), "*", "po", "NONE", null, null, true)), List.of()));
    }

    private Caller merchant(String name) {
        return Caller.merchant(app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("acme", name)).merchantId(), "acme");
    }

    private String push(Caller who) {
        return app.exchange().push(who, groupId, owner.merchantId(), "po", "{\"n\":1}").messageId();
    }

    private PushStatusService.PushStatus ack(Caller who, String messageId, String status, String reason) {
        return app.pushStatuses().ack(who, messageId, new PushStatusService.Ack(status, reason));
    }

    private static String code(Runnable call) {
        return assertThrows(ApiException.class, call::run).code();
    }

    @Test
    void receivedThenAcknowledgedOnceAndReadByTheSenderOnly() {
        String messageId = push(sender);
        PushStatusService.PushStatus received = app.pushStatuses().get(sender, messageId);
        assertEquals("RECEIVED", received.status());
        assertNull(received.acknowledgedAt());
        assertEquals(owner.merchantId(), received.ownerId());

        assertEquals("NOT_THE_OWNER", code(() -> ack(sender, messageId, "ACCEPTED", null)));
        assertEquals("PUSH_NOT_FOUND", code(() -> app.pushStatuses().get(stranger, messageId)));
        assertEquals("PUSH_NOT_FOUND", code(() -> app.pushStatuses().get(owner, messageId)));
        assertEquals("MESSAGE_NOT_FOUND", code(() -> ack(owner, "01JDMESSAGE000000000000000", "ACCEPTED", null)));
        assertEquals("VALIDATION_FAILED", code(() -> ack(owner, messageId, "MAYBE", null)));
        assertEquals("RECEIVED", app.pushStatuses().get(sender, messageId).status(), "refusals changed nothing");

        PushStatusService.PushStatus accepted = ack(owner, messageId, "ACCEPTED", "booked as order 4711");
        assertEquals("ACCEPTED", accepted.status());
        assertEquals(accepted, ack(owner, messageId, "ACCEPTED", "booked as order 4711"), "the same ack again: the same answer");
        assertEquals("ACK_CONFLICT", code(() -> ack(owner, messageId, "REJECTED", "no")));
        assertEquals("ACK_CONFLICT", code(() -> ack(owner, messageId, "ACCEPTED", "another reason")));
        assertEquals(accepted, app.pushStatuses().get(sender, messageId));
    }

    @Test
    void aPushRetriedWithItsIdempotencyKeyStaysOneMessageWithOneStatus() {
        String first = app.exchange().push(sender, groupId, owner.merchantId(), "po", "{\"n\":7}", "po-7-retry-safe").messageId();
        String again = app.exchange().push(sender, groupId, owner.merchantId(), "po", "{\"n\":7}", "po-7-retry-safe").messageId();
        assertEquals(first, again, "the retry answers the first push");
        assertEquals(1, app.inbox().list(owner, null, null, null).items().size(), "one message in the inbox");
        ack(owner, first, "REJECTED", "duplicate order");
        assertEquals("REJECTED", app.pushStatuses().get(sender, again).status());
        String third = app.exchange().push(sender, groupId, owner.merchantId(), "po", "{\"n\":7}", "po-7-retry-safe").messageId();
        assertEquals(first, third, "even after its acknowledgement");
        assertEquals(1, app.inbox().list(owner, null, null, null).items().size());
        assertEquals("REJECTED", app.pushStatuses().get(sender, third).status(), "one status");
    }

    @Test
    void ofConcurrentAcknowledgementsOneWins() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 5; round++) {
                String messageId = push(sender);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<String>> answers = new ArrayList<>();
                for (String status : List.of("ACCEPTED", "REJECTED", "ACCEPTED", "REJECTED")) {
                    answers.add(pool.submit(() -> {
                        start.await();
                        try {
                            return ack(owner, messageId, status, null).status();
                        } catch (ApiException conflict) {
                            return conflict.code();
                        }
                    }));
                }
                start.countDown();
                List<String> results = new ArrayList<>();
                for (Future<String> answer : answers) {
                    results.add(answer.get());
                }
                String won = app.pushStatuses().get(sender, messageId).status();
                for (String result : results) {
                    assertEquals(true, result.equals(won) || result.equals("ACK_CONFLICT"), results + " won " + won);
                }
                assertEquals(2, results.stream().filter(won::equals).count(), "both acks of the winning kind answer it: " + results);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
