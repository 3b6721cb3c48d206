package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.local.Deployment.Merchant;
import orgshare.shared.federation.FederationKey;
import orgshare.shared.receipts.Receipts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /receipts} over HTTP on three federated deployments: the home (acme) writes a receipt when its cleanup
 * finished a leave, a removal or a dissolve; the leaver or removed member and the creator see it, and for a dissolve
 * every member then, on whichever cloud it lives (its own deployment keeps the copy the home's outbox sent it); it
 * pages with sealed cursors, refuses another list's cursor or a changed one, shows nothing to a merchant it does not
 * name, and verifies offline with the home's published identity, by code and with the runner's verify-receipt.
 */
class ReceiptsOverHttpTest extends OnThreeClouds {

    @Test
    void everyRecipientOnEveryCloudGetsItsVerifiableReceipt(@TempDir Path dir) throws Exception {
        Merchant creator = a.merchant("Head office");
        Merchant leaver = a.merchant("Leaving branch");
        Merchant removed = a.merchant("Removed branch");
        Merchant outsider = a.merchant("Outsider");
        Merchant bob = b.merchant("Globex branch");
        Merchant dave = b.merchant("Globex depot");
        Merchant carol = c.merchant("Initech supplier");
        String g = creator.call(201, "POST", "/groups", "{\"name\":\"Receipts\"}").json().get("groupId").asText();
        String members = "/groups/" + g + "/members";
        for (Merchant m : List.of(leaver, removed, bob, carol, dave)) {
            creator.call(201, "POST", members, m.invitation());
            m.call(200, "PUT", members + "/me", null);
        }
        creator.call(200, "PATCH", "/groups/" + g + "/rules", "{\"expectedVersion\":0,\"set\":["
                + rule(leaver, creator, "order") + "," + rule(creator, leaver, "invoice") + ","
                + rule(bob, creator, "stock") + "," + rule(carol, bob, "order") + "," + rule(removed, "*", "order") + ","
                + rule(carol, creator, "invoice") + "," + rule(dave, creator, "order") + "]}");

        // a leave, a removal, and a leave through the member's own deployment
        leaver.call(204, "DELETE", members + "/me", null);
        creator.call(204, "DELETE", members + "/" + removed.id(), null);
        bob.call(204, "DELETE", members + "/me", null);
        creator.call(204, "DELETE", members + "/" + dave.id(), null); // a peer's member removed: its marker names its cloud
        assertEquals(List.of(), receipts(creator), "nothing before the cleanup ran");
        JsonNode run = a.runSchedule();
        assertTrue(run.get("complete").asBoolean(), run.toString());

        Receipts.Receipt left = only(leaver).receipt();
        assertEquals("LEAVE", left.kind());
        assertEquals(Map.of("RULE", 2L, "DEPARTED", 1L), left.deleted());
        Receipts.Receipt gone = only(removed).receipt();
        assertEquals("REMOVE", gone.kind());
        assertEquals(removed.id(), gone.merchantId());
        assertEquals(Map.of("RULE", 1L, "DEPARTED", 1L), gone.deleted());
        // bob's copy came from the home through the outbox, and is kept on bob's own deployment
        Receipts.SignedReceipt bobs = only(bob);
        assertEquals("LEAVE", bobs.receipt().kind());
        assertEquals(bob.id(), bobs.receipt().merchantId());
        assertEquals(Map.of("RULE", 2L, "DEPARTED", 1L), bobs.receipt().deleted(), "its rule, and carol's for it");
        assertTrue(Receipts.verify(bobs, publicKey(a)), "verifiable with the home's identity");
        assertFalse(Receipts.verify(bobs, publicKey(b)), "signed by the home, not by bob's deployment");
        Receipts.SignedReceipt daves = only(dave);
        assertEquals("REMOVE", daves.receipt().kind());
        assertEquals(Map.of("RULE", 1L, "DEPARTED", 1L), daves.receipt().deleted());
        assertTrue(Receipts.verify(daves, publicKey(a)));

        // a peer passes on no receipt but one its own key signed: another's is refused, and nothing is kept
        Receipts.SignedReceipt forged = Receipts.sign(bobs.receipt(), FederationKey.fromSecret(FederationKey::newSecret));
        String message = "{\"receipt\":" + EventJson.mapper().writeValueAsString(forged) + ",\"merchantIds\":[\"" + outsider.id() + "\"]}";
        String path = "/federation/v1/receipts";
        ApiReply refused = ApiReply.call(a.endpoint(), "POST", path, null, message,
                b.sign("POST", URI.create(a.endpoint() + path), bob.id() + "@globex", message));
        assertEquals(400, refused.status(), refused.text());
        assertEquals("BAD_RECEIPT_SIGNATURE", refused.errorCode());

        // the creator has all three, newest first, a page at a time
        List<Receipts.SignedReceipt> creators = receipts(creator);
        assertEquals(4, creators.size());
        List<String> paged = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = creator.call(200, "GET", "/receipts?limit=1" + (cursor == null ? "" : "&cursor=" + cursor), null).json();
            page.get("receipts").forEach(r -> paged.add(r.get("receipt").get("receiptId").asText()));
            cursor = page.hasNonNull("cursor") ? page.get("cursor").asText() : null;
        } while (cursor != null);
        assertEquals(creators.stream().map(r -> r.receipt().receiptId()).toList(), paged);
        assertTrue(creators.get(0).receipt().completedAt().compareTo(creators.get(3).receipt().completedAt()) >= 0, "newest first");
        for (Receipts.SignedReceipt r : creators) {
            assertTrue(Receipts.verify(r, publicKey(a)), r.toString());
        }

        // cursors: another merchant's, another list's, a changed one: 400; and nothing for who is not named
        String creatorsCursor = creator.call(200, "GET", "/receipts?limit=1", null).json().get("cursor").asText();
        assertEquals("INVALID_CURSOR", leaver.call(400, "GET", "/receipts?cursor=" + creatorsCursor, null).errorCode());
        String auditCursor = cursorOf(creator, "/audit?limit=1");
        if (auditCursor != null) {
            assertEquals("INVALID_CURSOR", creator.call(400, "GET", "/receipts?cursor=" + auditCursor, null).errorCode());
        }
        char last = creatorsCursor.charAt(10);
        String tampered = creatorsCursor.substring(0, 10) + (last == 'A' ? 'B' : 'A') + creatorsCursor.substring(11);
        assertEquals("INVALID_CURSOR", creator.call(400, "GET", "/receipts?cursor=" + tampered, null).errorCode());
        assertEquals("VALIDATION_FAILED", creator.call(400, "GET", "/receipts?limit=0", null).errorCode());
        assertEquals(List.of(), receipts(outsider));
        assertEquals(List.of(), receipts(carol), "carol is still a member");

        // the dissolve: every member then, here and on initech, gets the same receipt
        creator.call(204, "DELETE", "/groups/" + g, null);
        a.runSchedule();
        Receipts.SignedReceipt dissolved = receipts(creator).get(0);
        assertEquals("DISSOLVE", dissolved.receipt().kind());
        assertEquals(Map.of("GROUP", 1L, "MEMBER", 2L, "RULE", 1L), dissolved.receipt().deleted());
        assertEquals(dissolved, only(carol), "carol's deployment keeps the home's receipt for her");
        assertEquals(1, receipts(leaver).size(), "a member that left before gets no dissolve receipt");
        assertEquals(1, receipts(bob).size());
        assertEquals(List.of(), receipts(outsider));

        // offline: the runner's verify-receipt, on the file as GET /receipts served it, with the home's identity URL
        JsonNode served = carol.call(200, "GET", "/receipts", null).json().get("receipts").get(0);
        Path file = dir.resolve("receipt.json");
        Files.writeString(file, served.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new Main(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(new String[]{"verify-receipt", file.toString(),
                "--identity", a.endpoint().toString()});
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("Verified: receipt " + dissolved.receipt().receiptId()));
        int other = new Main(Map.of(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run(new String[]{"verify-receipt", file.toString(),
                "--identity", c.endpoint().toString()});
        assertEquals(1, other, "not with the identity of the deployment that only kept it");

        JsonNode again = a.runSchedule();
        assertEquals(0, again.get("notices").get("delivered").asInt(), "nothing more to send: " + again);
        assertEquals(6, receipts(creator).size() + receipts(carol).size(), "a further run writes no receipt");
    }

    private static String rule(Merchant owner, Object partner, String type) {
        String partnerId = partner instanceof Merchant m ? m.id() : partner.toString();
        return "{\"ownerId\":\"" + owner.id() + "\",\"partnerId\":\"" + partnerId + "\",\"type\":\"" + type + "\",\"scope\":\"FULL\"}";
    }

    private static List<Receipts.SignedReceipt> receipts(Merchant m) throws Exception {
        JsonNode page = m.call(200, "GET", "/receipts?limit=100", null).json();
        List<Receipts.SignedReceipt> list = new ArrayList<>();
        for (JsonNode r : page.get("receipts")) {
            list.add(EventJson.mapper().treeToValue(r, Receipts.SignedReceipt.class));
        }
        return list;
    }

    private static Receipts.SignedReceipt only(Merchant m) throws Exception {
        List<Receipts.SignedReceipt> list = receipts(m);
        assertEquals(1, list.size(), m.home().cloudId + "/" + m.id() + ": " + list);
        return list.get(0);
    }

    private static String cursorOf(Merchant m, String path) throws Exception {
        JsonNode page = m.call(200, "GET", path, null).json();
        return page.hasNonNull("cursor") ? page.get("cursor").asText() : null;
    }

    /** The 32 public bytes a deployment publishes at GET /federation/identity. */
    private static byte[] publicKey(Deployment d) throws Exception {
        JsonNode identity = ApiReply.call(d.endpoint(), "GET", "/federation/identity", null, null).json();
        return Base64.getUrlDecoder().decode(identity.get("publicKey").asText());
    }
}
