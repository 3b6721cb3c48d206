package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.local.Deployment.Merchant;
import orgshare.shared.federation.FederationKey;
import orgshare.shared.federation.FederationWire;
import orgshare.shared.httpsig.ContentDigest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The federation endpoint of a real deployment, called over real HTTP with requests signed as a peer would sign them,
 * then changed in one respect each: every change is refused with its status and code, and nothing changes on the
 * deployment (a refused call does not even use up its nonce).
 */
class FederationWireOverHttpTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Deployment home;
    private static Deployment peer;
    private static Deployment third;
    private static Deployment.Trio clouds;
    private static Merchant bob;
    private static Merchant carol;
    private static String groupId;

    @BeforeAll
    static void aHomeAndTwoPeers() throws Exception {
        clouds = Deployment.Trio.federated();
        home = clouds.a();
        peer = clouds.b();
        third = clouds.c();
        Merchant creator = home.merchant("Head office");
        bob = peer.merchant("Branch");
        carol = third.merchant("Supplier");
        groupId = creator.call(201, "POST", "/groups", "{\"name\":\"G\"}").json().get("groupId").asText();
        for (Merchant m : List.of(bob, carol)) {
            creator.call(201, "POST", "/groups/" + groupId + "/members", m.invitation());
        }
    }

    @AfterAll
    static void stop() {
        clouds.close();
    }

    /** A request as the peer signs it: method, path under the endpoint, the merchant it is made for, a body. */
    private record Signed(String method, String path, String body, Map<String, String> headers) {
        Signed with(Consumer<Map<String, String>> change) {
            Map<String, String> changed = new LinkedHashMap<>(headers);
            change.accept(changed);
            return new Signed(method, path, body, changed);
        }

        Signed sentAs(String otherMethod, String otherPath, String otherBody) {
            return new Signed(otherMethod, otherPath, otherBody, headers);
        }
    }

    private static Signed sign(FederationKey key, Clock clock, String method, String path, String merchant, String body) {
        FederationWire wire = new FederationWire(key, f -> null, (k, n, t) -> true, clock);
        Map<String, String> headers = new LinkedHashMap<>();
        wire.signRequest(method, URI.create(home.endpoint() + path), merchant,
                body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8)).forEach((name, values) -> headers.put(name, values.get(0)));
        return new Signed(method, path, body, headers);
    }

    private static Signed asPeer(String method, String path, String merchant, String body) {
        return sign(peer.federationKey, Clock.systemUTC(), method, path, merchant, body);
    }

    private static HttpResponse<String> send(Signed request) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(home.endpoint() + request.path()))
                .method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(request.body()));
        request.headers().forEach(builder::header);
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A 401 leaves the table exactly as it was (not even the nonce is taken); a 403 comes after the call was proven
     * authentic, so its nonce is taken (a replay of it is refused as such) and nothing else changes.
     */
    private static void refused(int status, String code, Signed request) throws Exception {
        List<String> before = withoutNonces(home.snapshot(), status);
        HttpResponse<String> response = send(request);
        JsonNode error = EventJson.mapper().readTree(response.body()).path("error");
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(code, error.path("code").asText(), response.body());
        assertTrue(error.hasNonNull("message"));
        assertEquals(request.headers().containsKey("signature"), response.headers().firstValue("signature").isPresent(),
                "a refusal of a signed call is signed too, bound to it (an unsigned one has nothing to bind to)");
        assertTrue(before.equals(withoutNonces(home.snapshot(), status)), code + ": nothing changed at the home");
    }

    private static List<String> withoutNonces(List<String> items, int status) {
        return status == 401 ? items : items.stream().filter(item -> !item.contains("S=NONCE#")).toList();
    }

    private static String join() {
        return "/federation/v1/groups/" + groupId + "/members/me";
    }

    @Test
    void aSignedCallIsAcceptedAndEveryChangeToItIsRefused() throws Exception {
        String bobAtPeer = bob.id() + "@globex";
        Signed valid = asPeer("PUT", join(), bobAtPeer, null);

        refused(401, "BAD_SIGNATURE", valid.sentAs("POST", join(), null));
        refused(401, "BAD_SIGNATURE", valid.sentAs("PUT", "/federation/v1/groups/" + groupId + "/members/mee", null));
        refused(401, "BAD_SIGNATURE", valid.sentAs("PUT", join(), "{\"x\":1}"));
        refused(401, "BAD_SIGNATURE", valid.with(h -> h.put(ContentDigest.HEADER, ContentDigest.of("{}".getBytes(StandardCharsets.UTF_8)))));
        refused(401, "BAD_SIGNATURE", valid.with(h -> h.put(FederationWire.MERCHANT_HEADER, carol.id() + "@globex")));
        refused(401, "BAD_SIGNATURE", valid.with(h -> {
            h.remove("signature");
            h.remove("signature-input");
        }));
        refused(401, "STALE_REQUEST", sign(peer.federationKey, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-301)),
                "PUT", join(), bobAtPeer, null));
        refused(401, "STALE_REQUEST", sign(peer.federationKey, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(301)),
                "PUT", join(), bobAtPeer, null));
        refused(401, "UNKNOWN_PEER", sign(FederationKey.fromSecret(FederationKey::newSecret), Clock.systemUTC(),
                "PUT", join(), bobAtPeer, null));
        // a registered peer speaking for a merchant of a cloud it does not host, or for one the home knows elsewhere
        refused(403, "NOT_PEER_CLOUD", asPeer("PUT", join(), carol.id() + "@initech", null));
        refused(403, "NOT_PEER_CLOUD", asPeer("PUT", join(), carol.id() + "@globex", null));

        // the untouched call goes through, once
        HttpResponse<String> joined = send(valid);
        assertEquals(200, joined.statusCode(), joined.body());
        assertEquals("ACTIVE", EventJson.mapper().readTree(joined.body()).get("status").asText());
        refused(401, "REPLAYED_REQUEST", valid);

        // a peer that is no longer registered is refused from the next request on
        home.operator(204, "DELETE", "/peers/globex", null);
        try {
            refused(401, "UNKNOWN_PEER", asPeer("GET", "/federation/v1/groups/" + groupId, bobAtPeer, null));
        } finally {
            home.trust(peer);
        }
        HttpResponse<String> again = send(asPeer("GET", "/federation/v1/groups/" + groupId, bobAtPeer, null));
        assertEquals(200, again.statusCode(), again.body());
    }

    @Test
    void homeMessagesAreTakenOnlyFromTheGroupsHome() throws Exception {
        // the peer (not the group's home) tries to plant a pointer for carol on the third cloud: it may only speak for
        // its own clouds, and an invitation is made for the creator at the home
        List<String> before = third.snapshot();
        Signed forged = sign(peer.federationKey, Clock.systemUTC(), "POST", "/federation/v1/invitations",
                bob.id() + "@globex", "{\"groupId\":\"" + groupId + "\",\"groupName\":\"X\",\"creatorId\":\"" + bob.id()
                        + "\",\"homeCloudId\":\"acme\",\"merchantId\":\"" + carol.id() + "\",\"cloudId\":\"initech\"}");
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(third.endpoint() + forged.path()))
                .method("POST", HttpRequest.BodyPublishers.ofString(forged.body()))
                .headers(forged.headers().entrySet().stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue()))
                        .toArray(String[]::new)).build(), HttpResponse.BodyHandlers.ofString());
        // the third cloud has not registered the peer at all
        assertEquals(401, response.statusCode(), response.body());
        assertEquals("UNKNOWN_PEER", EventJson.mapper().readTree(response.body()).path("error").path("code").asText());
        assertEquals(before, third.snapshot());
    }
}
