package orgshare.shared.federation;

import orgshare.shared.Orgshare;
import orgshare.shared.httpsig.ContentDigest;
import orgshare.shared.httpsig.Ed25519;
import orgshare.shared.httpsig.HttpMessage;
import orgshare.shared.httpsig.MessageSignatures;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The inter-cloud signature profile between two deployments A and B that registered each other: what B accepts from
 * A, and what A accepts back; every change to a signed call is refused with its code, and nonces are taken in the
 * table (DynamoDB Local), once.
 */
class FederationWireTest {
    private static final URI TARGET = URI.create("https://b.example/federation/v1/groups/01JDGR0P00000000000000000G/join");
    private static final byte[] BODY = "{\"merchantId\":\"01JDMERCHANT0000000000000B\"}".getBytes(StandardCharsets.UTF_8);
    private static final String MERCHANT = "01JDMERCHANT0000000000000B";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-30T10:00:00Z"));
    private final FederationKey keyA = FederationKey.fromSecret(FederationKey::newSecret);
    private final FederationKey keyB = FederationKey.fromSecret(FederationKey::newSecret);
    private final Map<String, PublicKey> peersOfB = new ConcurrentHashMap<>();
    private final Map<String, PublicKey> peersOfA = new ConcurrentHashMap<>();
    private final Orgshare tableOfB = DynamoDbLocal.newApp(DynamoDbLocal.client(), Map.of());
    private final FederationWire a = new FederationWire(keyA, peersOfA::get, new NonceStore(
            DynamoDbLocal.newApp(DynamoDbLocal.client(), Map.of()).table()), clock);
    private final FederationWire b = new FederationWire(keyB, peersOfB::get, new NonceStore(tableOfB.table()), clock);

    FederationWireTest() {
        peersOfB.put(keyA.fingerprint(), Ed25519.publicKey(keyA.publicKey()));
        peersOfA.put(keyB.fingerprint(), Ed25519.publicKey(keyB.publicKey()));
    }

    private HttpMessage request(String method, URI target, Map<String, List<String>> headers) {
        return HttpMessage.request(method, target, headers);
    }

    private Map<String, List<String>> signedByA() {
        return new LinkedHashMap<>(a.signRequest("POST", TARGET, MERCHANT, BODY));
    }

    private void refused(String code, HttpMessage message, byte[] body) {
        MessageSignatures.Refused refused = assertThrows(MessageSignatures.Refused.class, () -> b.verifyRequest(message, body));
        assertEquals(code, refused.code(), refused.getMessage());
    }

    @Test
    void aSignedCallFromARegisteredPeerIsAcceptedOnceAndItsAnswerIsVerified() throws Exception {
        Map<String, List<String>> headers = signedByA();
        HttpMessage call = request("POST", TARGET, headers);
        FederationWire.Caller caller = b.verifyRequest(call, BODY);
        assertEquals(keyA.fingerprint(), caller.peerFingerprint());
        assertEquals(MERCHANT, caller.merchantId());
        refused("REPLAYED_REQUEST", call, BODY);

        byte[] answer = "{\"status\":\"ACTIVE\"}".getBytes(StandardCharsets.UTF_8);
        Map<String, List<String>> answerHeaders = b.signResponse(200, answer, call);
        assertDoesNotThrow(() -> a.verifyResponse(HttpMessage.response(200, answerHeaders, call), answer, keyB.fingerprint()));
        // the answer to another call, another status, another body, or from another peer: refused
        HttpMessage otherCall = request("POST", TARGET, signedByA());
        assertEquals("BAD_SIGNATURE", assertThrows(MessageSignatures.Refused.class,
                () -> a.verifyResponse(HttpMessage.response(200, answerHeaders, otherCall), answer, keyB.fingerprint())).code());
        assertEquals("BAD_SIGNATURE", assertThrows(MessageSignatures.Refused.class,
                () -> a.verifyResponse(HttpMessage.response(201, answerHeaders, call), answer, keyB.fingerprint())).code());
        assertEquals("BAD_SIGNATURE", assertThrows(MessageSignatures.Refused.class,
                () -> a.verifyResponse(HttpMessage.response(200, answerHeaders, call), "{}".getBytes(StandardCharsets.UTF_8), keyB.fingerprint())).code());
        assertEquals("UNKNOWN_PEER", assertThrows(MessageSignatures.Refused.class,
                () -> a.verifyResponse(HttpMessage.response(200, answerHeaders, call), answer, keyA.fingerprint())).code(),
                "an answer signed by a peer other than the one called");
    }

    @Test
    void everyChangeToASignedCallIsRefusedWithItsCode() {
        byte[] otherBody = "{\"merchantId\":\"01JDMERCHANT0000000000000C\"}".getBytes(StandardCharsets.UTF_8);
        refused("BAD_SIGNATURE", request("PUT", TARGET, signedByA()), BODY);
        refused("BAD_SIGNATURE", request("POST", URI.create(TARGET + "x"), signedByA()), BODY);
        refused("BAD_SIGNATURE", request("POST", TARGET, signedByA()), otherBody);
        Map<String, List<String>> digest = signedByA();
        digest.put(ContentDigest.HEADER, List.of(ContentDigest.of(otherBody)));
        refused("BAD_SIGNATURE", request("POST", TARGET, digest), otherBody);
        Map<String, List<String>> merchant = signedByA();
        merchant.put(FederationWire.MERCHANT_HEADER, List.of("01JDMERCHANT0000000000000C"));
        refused("BAD_SIGNATURE", request("POST", TARGET, merchant), BODY);
        Map<String, List<String>> unsigned = signedByA();
        unsigned.remove(MessageSignatures.SIGNATURE);
        unsigned.remove(MessageSignatures.SIGNATURE_INPUT);
        refused("BAD_SIGNATURE", request("POST", TARGET, unsigned), BODY);

        FederationWire stranger = new FederationWire(FederationKey.fromSecret(FederationKey::newSecret), f -> null,
                (k, n, t) -> true, clock);
        refused("UNKNOWN_PEER", request("POST", TARGET, stranger.signRequest("POST", TARGET, MERCHANT, BODY)), BODY);

        Map<String, List<String>> old = signedByA();
        clock.advance(FederationWire.WINDOW.plusSeconds(1));
        refused("STALE_REQUEST", request("POST", TARGET, old), BODY);
        Map<String, List<String>> early = signedByA();
        clock.set(clock.instant().minus(FederationWire.WINDOW).minusSeconds(2));
        refused("STALE_REQUEST", request("POST", TARGET, early), BODY);
    }

    @Test
    void aSignatureWithoutTheProfilesComponentsOrParametersIsRefused() throws Exception {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("created", clock.instant().getEpochSecond());
        params.put("nonce", "n1");
        params.put("keyid", keyA.fingerprint());
        params.put("alg", "ed25519");
        params.put("tag", FederationWire.REQUEST_TAG);
        List<MessageSignatures.Component> fewer = FederationWire.REQUEST_COMPONENTS.subList(0, 3);
        refused("BAD_SIGNATURE", signedWith(fewer, params), BODY);
        refused("BAD_SIGNATURE", signedWith(FederationWire.REQUEST_COMPONENTS, with(params, p -> p.put("tag", "other"))), BODY);
        refused("BAD_SIGNATURE", signedWith(FederationWire.REQUEST_COMPONENTS, with(params, p -> p.remove("nonce"))), BODY);
        refused("BAD_SIGNATURE", signedWith(FederationWire.REQUEST_COMPONENTS, with(params, p -> p.remove("created"))), BODY);
        assertDoesNotThrow(() -> b.verifyRequest(signedWith(FederationWire.REQUEST_COMPONENTS, params), BODY));
    }

    @Test
    void ofTwoCallsWithOneNonceExactlyOneGetsThrough() throws Exception {
        HttpMessage call = request("POST", TARGET, signedByA());
        int accepted = 0;
        for (int i = 0; i < 5; i++) {
            try {
                b.verifyRequest(call, BODY);
                accepted++;
            } catch (MessageSignatures.Refused replay) {
                assertEquals("REPLAYED_REQUEST", replay.code());
            }
        }
        assertEquals(1, accepted);
        long nonceItems = tableOfB.table().client().scanPaginator(s -> s.tableName(tableOfB.table().name())).items().stream()
                .filter(item -> item.get("pk").s().startsWith("NONCE#")).count();
        assertEquals(1, nonceItems, "one nonce kept, with its expiry for the TTL");
    }

    private HttpMessage signedWith(List<MessageSignatures.Component> components, Map<String, Object> params) throws Exception {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put(ContentDigest.HEADER, List.of(ContentDigest.of(BODY)));
        headers.put(FederationWire.MERCHANT_HEADER, List.of(MERCHANT));
        MessageSignatures.Signed signed = MessageSignatures.sign(request("POST", TARGET, headers), FederationWire.LABEL,
                components, params, keyA.signer());
        headers.put(MessageSignatures.SIGNATURE_INPUT, List.of(signed.signatureInput()));
        headers.put(MessageSignatures.SIGNATURE, List.of(signed.signature()));
        return request("POST", TARGET, headers);
    }

    private static Map<String, Object> with(Map<String, Object> params, java.util.function.Consumer<Map<String, Object>> change) {
        Map<String, Object> copy = new LinkedHashMap<>(params);
        change.accept(copy);
        return copy;
    }
}
