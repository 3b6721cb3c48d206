package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.local.Deployment.Merchant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Races across clouds, over real HTTP: a remote join against a dissolve at the home, and a remote push against the
 * owner's leave. Whatever the interleaving, what a call answered is what happened, and nothing lands after the call
 * that ended it returned.
 */
class FederationRacesTest extends OnThreeClouds {
    private static final ExecutorService POOL = Executors.newFixedThreadPool(4);

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    @Test
    void aRemoteJoinRacingADissolveLandsOnlyIfItWasAnsweredSo() throws Exception {
        Merchant creator = a.merchant("Head office");
        Merchant bob = b.merchant("Branch");
        int joined = 0;
        int refused = 0;
        for (int round = 0; round < 12; round++) {
            long dissolveAfterMillis = round * 6L; // from at once to after a forwarded join's two hops
            String g = creator.call(201, "POST", "/groups", "{\"name\":\"R" + round + "\"}").json().get("groupId").asText();
            creator.call(201, "POST", "/groups/" + g + "/members", bob.invitation());
            CountDownLatch start = new CountDownLatch(1);
            Future<ApiReply> join = POOL.submit(() -> {
                start.await();
                return bob.call("PUT", "/groups/" + g + "/members/me", null);
            });
            Future<ApiReply> dissolve = POOL.submit(() -> {
                start.await();
                Thread.sleep(dissolveAfterMillis);
                return creator.call("DELETE", "/groups/" + g, null);
            });
            start.countDown();
            ApiReply joinReply = join.get();
            assertEquals(204, dissolve.get().status(), "the creator's dissolve always holds");
            // the home's member item says what the join was answered (the cleanup has not run)
            String atHome = memberStatusAtHome(g, bob.id());
            if (joinReply.status() == 200) {
                joined++;
                assertEquals("ACTIVE", atHome, "a join answered 200 landed before the dissolve");
            } else {
                refused++;
                assertTrue(Set.of("GROUP_DISSOLVED", "GROUP_NOT_FOUND").contains(joinReply.errorCode()), joinReply.text());
                assertEquals("INVITED", atHome, "a refused join left nothing behind: " + joinReply.text());
            }
            // and after the dissolve returned, no join lands
            ApiReply late = bob.call("PUT", "/groups/" + g + "/members/me", null);
            assertNotEquals(200, late.status(), late.text());
            assertEquals(atHome, memberStatusAtHome(g, bob.id()));
        }
        System.out.println("remote join vs dissolve: " + joined + " joined first, " + refused + " refused");
    }

    @Test
    void aRemotePushRacingTheOwnersLeaveLandsOnlyIfAcceptedAndNeverAfterTheLeaveReturned() throws Exception {
        Merchant creator = a.merchant("Head office");
        Merchant bob = b.merchant("Branch");
        Merchant carol = c.merchant("Supplier");
        String g = creator.call(201, "POST", "/groups", "{\"name\":\"P\"}").json().get("groupId").asText();
        creator.call(201, "POST", "/groups/" + g + "/members", bob.invitation());
        creator.call(201, "POST", "/groups/" + g + "/members", carol.invitation());
        bob.call(200, "PUT", "/groups/" + g + "/members/me", null);
        carol.call(200, "PUT", "/groups/" + g + "/members/me", null);
        creator.call(200, "PATCH", "/groups/" + g + "/rules", "{\"expectedVersion\":0,\"set\":[{\"ownerId\":\"" + carol.id()
                + "\",\"partnerId\":\"*\",\"type\":\"po\",\"scope\":\"NONE\",\"push\":true}]}");

        record Push(long startedAt, int status, String messageId) {
        }
        List<Push> pushes = new ArrayList<>();
        long[] leaveReturnedAt = new long[1];
        Future<?> pusher = POOL.submit(() -> {
            for (int i = 0; i < 60; i++) {
                long startedAt = System.nanoTime();
                ApiReply reply = bob.call("POST", "/groups/" + g + "/exchange/" + carol.id() + "/po", "{\"n\":" + i + "}");
                synchronized (pushes) {
                    pushes.add(new Push(startedAt, reply.status(), reply.status() == 202 ? reply.json().get("messageId").asText() : null));
                }
                if (reply.status() != 202 && leaveReturnedAt[0] != 0 && startedAt > leaveReturnedAt[0]) {
                    break;
                }
            }
            return null;
        });
        Thread.sleep(150);
        carol.call(204, "DELETE", "/groups/" + g + "/members/me", null);
        leaveReturnedAt[0] = System.nanoTime();
        pusher.get();

        Set<String> accepted = new TreeSet<>();
        for (Push push : pushes) {
            if (push.status() == 202) {
                accepted.add(push.messageId());
                assertTrue(push.startedAt() < leaveReturnedAt[0], "no push is accepted after the leave returned");
            } else {
                assertTrue(Set.of(404, 403).contains(push.status()), "refused in words, never a 5xx: " + push.status());
            }
        }
        Set<String> delivered = new TreeSet<>();
        for (JsonNode item : carol.call(200, "GET", "/inbox?limit=100", null).json().get("items")) {
            delivered.add(item.get("messageId").asText());
        }
        assertEquals(accepted, delivered, "exactly the accepted pushes landed, on the owner's own deployment");
        assertTrue(pushes.stream().anyMatch(p -> p.status() != 202), "the leave ended the pushes");
        System.out.println("remote push vs leave: " + accepted.size() + " accepted before the leave, "
                + (pushes.size() - accepted.size()) + " refused");
    }

    private static String memberStatusAtHome(String groupId, String merchantId) {
        var item = a.client.getItem(r -> r.tableName(Deployment.TABLE).consistentRead(true).key(java.util.Map.of(
                "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("GROUP#" + groupId),
                "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("MEMBER#" + merchantId)))).item();
        return item == null || item.isEmpty() ? null : item.get("status").s();
    }
}
