package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.local.Deployment.Merchant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer that is down, slow, answers garbage, answers unsigned or with another key's signature makes only the calls
 * that need it fail, with 503 PEER_UNAVAILABLE or 504 PEER_TIMEOUT in the one error shape, never a 500, and nothing is
 * half-written on either side. A notice to a peer that was down is delivered once it is back.
 */
class FederationFaultsTest extends OnThreeClouds {
    private static FakePeer fake;

    @BeforeAll
    static void rogue() throws Exception {
        fake = new FakePeer("rogue");
        a.operator(201, "POST", "/peers", fake.registration());
    }

    @AfterAll
    static void stop() {
        if (fake != null) {
            fake.close();
        }
    }

    private static void failsWithoutChange(int status, String code, Merchant caller, String method, String path, String body,
                                           Deployment... untouched) throws Exception {
        List<List<String>> before = new java.util.ArrayList<>();
        for (Deployment d : untouched) {
            before.add(businessItems(d));
        }
        ApiReply reply = caller.call(method, path, body);
        assertEquals(status, reply.status(), method + " " + path + " -> " + reply.text());
        assertEquals(code, reply.errorCode(), reply.text());
        assertTrue(reply.json().path("error").hasNonNull("message"));
        for (int i = 0; i < untouched.length; i++) {
            assertTrue(before.get(i).equals(businessItems(untouched[i])), code + ": nothing written on " + untouched[i].cloudId);
        }
    }

    @Test
    void aPeerThatIsDownFailsOnlyTheCallsThatNeedItAndWritesNothing() throws Exception {
        Merchant creator = a.merchant("Head office");
        Merchant bob = b.merchant("Branch");
        Merchant carol = c.merchant("Supplier");
        String g = creator.call(201, "POST", "/groups", "{\"name\":\"G\"}").json().get("groupId").asText();

        // invite while the invitee's cloud is down: nothing written at the home
        c.stop();
        try {
            failsWithoutChange(503, "PEER_UNAVAILABLE", creator, "POST", "/groups/" + g + "/members", carol.invitation(), a);
        } finally {
            c.restart();
        }
        creator.call(201, "POST", "/groups/" + g + "/members", carol.invitation());
        creator.call(201, "POST", "/groups/" + g + "/members", bob.invitation());

        // join while the home is down: nothing written on the member's cloud; local work goes on
        a.stop();
        try {
            failsWithoutChange(503, "PEER_UNAVAILABLE", bob, "PUT", "/groups/" + g + "/members/me", null, b);
            bob.call(200, "PUT", "/records/order/local", "{\"still\":\"works\"}");
            assertEquals("INVITED", memberStatus(bob, g), "the pointer is as it was");
        } finally {
            a.restart();
        }
        bob.call(200, "PUT", "/groups/" + g + "/members/me", null);
        carol.call(200, "PUT", "/groups/" + g + "/members/me", null);
        carol.call(200, "PUT", "/records/order/o1", "{\"total\":1}");
        creator.call(200, "PATCH", "/groups/" + g + "/rules", "{\"expectedVersion\":0,\"set\":[{\"ownerId\":\"" + carol.id()
                + "\",\"partnerId\":\"*\",\"type\":\"order\",\"scope\":\"FULL\",\"push\":true}]}");

        // pull and push while the owner's cloud is down: nothing written at the home or on the member's cloud
        c.stop();
        try {
            failsWithoutChange(503, "PEER_UNAVAILABLE", bob, "GET", "/groups/" + g + "/exchange/" + carol.id() + "/order", null, a, b);
            failsWithoutChange(503, "PEER_UNAVAILABLE", bob, "POST", "/groups/" + g + "/exchange/" + carol.id() + "/order",
                    "{\"po\":1}", a, b);
            // what does not need the owner's cloud still works
            assertEquals(3, bob.call(200, "GET", "/groups/" + g, null).json().get("memberCount").asInt());
        } finally {
            c.restart();
        }
        assertEquals(1, bob.call(200, "GET", "/groups/" + g + "/exchange/" + carol.id() + "/order", null).json().get("records").size());

        // the dissolve notice to a cloud that is down waits in the outbox, and is delivered once it is back
        creator.call(204, "DELETE", "/groups/" + g, null);
        c.stop();
        JsonNode first;
        try {
            first = a.runSchedule();
        } finally {
            c.restart();
        }
        assertEquals(2, first.get("notices").get("delivered").asInt(), "B was told, and got its member's receipt: " + first);
        assertEquals(1, first.get("notices").get("retrying").asInt(), "C was not: its oldest notice (the rule change) waits, the dissolve behind it: " + first);
        assertNotNull(groupOf(carol, g), "C still lists the group: it has not heard");
        JsonNode tooSoon = a.runSchedule();
        assertEquals(0, tooSoon.get("notices").get("delivered").asInt(), "the retry waits for its backoff: " + tooSoon);
        a.clock.pass(Duration.ofSeconds(40));
        JsonNode later = a.runSchedule();
        assertEquals(3, later.get("notices").get("delivered").asInt(), "the rule change, the dissolve, the receipt: " + later);
        assertTrue(carol.call(200, "GET", "/audit", null).json().get("events").toString().contains("RULES_CHANGED"),
                "the rule change reached carol's own log once her cloud was back");
        assertNull(groupOf(carol, g), "C caught up and dropped its pointer");
        assertNull(groupOf(bob, g));
    }

    @Test
    void aPeerThatIsSlowOrAnswersGarbageOrUnsignedOrWithAnotherKeyIsRefusedAndNothingIsWritten() throws Exception {
        Merchant mia = a.merchant("Member of a rogue group");
        String g = "01JDGR0VP0000000000000R0GE";
        String creator = "01JDMERCHANT000000000R0GVE";
        HttpResponse<String> invited = fake.send(a, "/invitations", creator + "@rogue", "{\"groupId\":\"" + g
                + "\",\"groupName\":\"Rogue\",\"creatorId\":\"" + creator + "\",\"homeCloudId\":\"rogue\",\"merchantId\":\""
                + mia.id() + "\",\"cloudId\":\"acme\",\"invitedAt\":\"" + java.time.Instant.now() + "\"}");
        assertEquals(201, invited.statusCode(), invited.body());
        assertEquals("rogue", groupOf(mia, g).get("homeCloudId").asText());

        fake.behaviour = FakePeer.Behaviour.SLOW;
        long started = System.nanoTime();
        failsWithoutChange(504, "PEER_TIMEOUT", mia, "GET", "/groups/" + g, null, a);
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(7).toNanos(), "the timeout bounds the wait");
        fake.behaviour = FakePeer.Behaviour.GARBAGE_SIGNED;
        failsWithoutChange(503, "PEER_UNAVAILABLE", mia, "PUT", "/groups/" + g + "/members/me", null, a);
        fake.behaviour = FakePeer.Behaviour.UNSIGNED;
        failsWithoutChange(503, "PEER_UNAVAILABLE", mia, "PUT", "/groups/" + g + "/members/me", null, a);
        fake.behaviour = FakePeer.Behaviour.OTHER_KEY;
        failsWithoutChange(503, "PEER_UNAVAILABLE", mia, "GET", "/groups/" + g + "/exchange/" + creator + "/order", null, a);
        fake.behaviour = FakePeer.Behaviour.DOWN_500;
        failsWithoutChange(503, "PEER_UNAVAILABLE", mia, "DELETE", "/groups/" + g + "/members/me", null, a);
        assertEquals("INVITED", groupOf(mia, g).get("memberStatus").asText(), "no answer moved the pointer");
    }

    /** A deployment's items but the nonces of the authentic calls it took (bookkeeping that expires, not data). */
    private static List<String> businessItems(Deployment d) {
        return d.snapshot().stream().filter(item -> !item.contains("S=NONCE#")).toList();
    }

    private static String memberStatus(Merchant m, String g) throws Exception {
        JsonNode group = groupOf(m, g);
        return group == null ? null : group.get("memberStatus").asText();
    }

    private static JsonNode groupOf(Merchant m, String g) throws Exception {
        for (JsonNode group : m.call(200, "GET", "/groups", null).json().get("groups")) {
            if (group.get("groupId").asText().equals(g)) {
                return group;
            }
        }
        return null;
    }
}
