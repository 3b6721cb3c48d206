package orgshare.shared.federation;

import orgshare.shared.httpsig.ContentDigest;
import orgshare.shared.httpsig.Ed25519;
import orgshare.shared.httpsig.HttpMessage;
import orgshare.shared.httpsig.MessageSignatures;
import orgshare.shared.httpsig.MessageSignatures.Component;
import orgshare.shared.httpsig.MessageSignatures.Refused;

import java.net.URI;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The signature profile of every inter-cloud call. A request is signed (RFC 9421, ed25519, label {@value #LABEL})
 * over its method, target URI, Content-Digest and the merchant it is made for, with {@code created}, a random
 * {@code nonce}, {@code keyid} (the signer's fingerprint), {@code alg} and the tag {@value #REQUEST_TAG}; the receiver
 * accepts it only from a registered peer, within {@link #WINDOW} of its clock, with a nonce it has not seen and a body
 * that matches the digest. Every response is signed the same way over its status, its Content-Digest and the
 * request's signature (and method and target URI, ;req), tag {@value #RESPONSE_TAG}, and the caller verifies it
 * against the peer it called before it uses a byte of it.
 */
public final class FederationWire {
    public static final String LABEL = "orgshare";
    public static final String REQUEST_TAG = "orgshare-federation";
    public static final String RESPONSE_TAG = "orgshare-federation-response";
    /** The merchant a call is made for: covered by the signature. */
    public static final String MERCHANT_HEADER = "orgshare-merchant";
    public static final Duration WINDOW = Duration.ofSeconds(300);

    static final List<Component> REQUEST_COMPONENTS = List.of(Component.of("@method"), Component.of("@target-uri"),
            Component.of(ContentDigest.HEADER), Component.of(MERCHANT_HEADER));
    static final List<Component> RESPONSE_COMPONENTS = List.of(Component.of("@status"), Component.of(ContentDigest.HEADER),
            Component.ofRequest(MessageSignatures.SIGNATURE), Component.ofRequest("@method"), Component.ofRequest("@target-uri"));

    /** The registered peers' keys, by fingerprint (null: no such peer). */
    public interface Peers {
        PublicKey keyOf(String fingerprint);
    }

    /** Takes a nonce: true the first time, false ever after (until it is forgotten, past the window). */
    public interface Nonces {
        boolean firstSeen(String keyId, String nonce, Instant keepUntil);
    }

    /** A verified request: which peer sent it, for which merchant. */
    public record Caller(String peerFingerprint, String merchantId) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private final FederationKey self;
    private final Peers peers;
    private final Nonces nonces;
    private final Clock clock;

    public FederationWire(FederationKey self, Peers peers, Nonces nonces, Clock clock) {
        this.self = self;
        this.peers = peers;
        this.nonces = nonces;
        this.clock = clock;
    }

    /** The headers that sign a request to a peer: Content-Digest, the merchant, Signature-Input and Signature. */
    public Map<String, List<String>> signRequest(String method, URI target, String merchantId, byte[] body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put(ContentDigest.HEADER, List.of(ContentDigest.of(body)));
        headers.put(MERCHANT_HEADER, List.of(merchantId));
        return signed(HttpMessage.request(method, target, headers), REQUEST_COMPONENTS, REQUEST_TAG, headers);
    }

    /** The headers that sign a response to {@code request} (which carried its signature). */
    public Map<String, List<String>> signResponse(int status, byte[] body, HttpMessage request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put(ContentDigest.HEADER, List.of(ContentDigest.of(body)));
        return signed(HttpMessage.response(status, headers, request), RESPONSE_COMPONENTS, RESPONSE_TAG, headers);
    }

    private Map<String, List<String>> signed(HttpMessage message, List<Component> components, String tag,
                                             Map<String, List<String>> headers) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("created", clock.instant().getEpochSecond());
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        parameters.put("nonce", Base64.getUrlEncoder().withoutPadding().encodeToString(nonce));
        parameters.put("keyid", self.fingerprint());
        parameters.put("alg", Ed25519.ALGORITHM);
        parameters.put("tag", tag);
        try {
            MessageSignatures.Signed signed = MessageSignatures.sign(message, LABEL, components, parameters, self.signer());
            headers.put(MessageSignatures.SIGNATURE_INPUT, List.of(signed.signatureInput()));
            headers.put(MessageSignatures.SIGNATURE, List.of(signed.signature()));
            return headers;
        } catch (Refused e) {
            throw new IllegalStateException("a message this side built cannot be signed: " + e.getMessage(), e);
        }
    }

    /**
     * Verifies a call from a peer; refusals carry BAD_SIGNATURE, UNKNOWN_PEER, STALE_REQUEST or REPLAYED_REQUEST. The
     * nonce is taken last, so a refused call does not use one up.
     */
    public Caller verifyRequest(HttpMessage request, byte[] body) throws Refused {
        MessageSignatures.Verified verified = verify(request, REQUEST_COMPONENTS, REQUEST_TAG, null);
        if (!ContentDigest.matches(request.single(ContentDigest.HEADER), body)) {
            throw new Refused("BAD_SIGNATURE", "The body does not match its Content-Digest.");
        }
        String merchant = request.single(MERCHANT_HEADER);
        if (merchant == null || merchant.isBlank()) {
            throw new Refused("BAD_SIGNATURE", "The call names no merchant (" + MERCHANT_HEADER + ").");
        }
        Instant created = Instant.ofEpochSecond((Long) verified.parameters().get("created"));
        String keyId = (String) verified.parameters().get("keyid");
        if (!nonces.firstSeen(keyId, (String) verified.parameters().get("nonce"), created.plus(WINDOW).plus(WINDOW))) {
            throw new Refused("REPLAYED_REQUEST", "This call's nonce was seen before.");
        }
        return new Caller(keyId, merchant);
    }

    /** Verifies a peer's answer to {@code request} before a byte of it is used: signed by that peer, bound to it. */
    public void verifyResponse(HttpMessage response, byte[] body, String peerFingerprint) throws Refused {
        verify(response, RESPONSE_COMPONENTS, RESPONSE_TAG, peerFingerprint);
        if (!ContentDigest.matches(response.single(ContentDigest.HEADER), body)) {
            throw new Refused("BAD_SIGNATURE", "The answer's body does not match its Content-Digest.");
        }
    }

    private MessageSignatures.Verified verify(HttpMessage message, List<Component> required, String tag, String expectedKey)
            throws Refused {
        MessageSignatures.Verified verified = MessageSignatures.verify(message, LABEL, parameters -> {
            Object keyId = parameters.get("keyid");
            if (!(keyId instanceof String fingerprint) || (expectedKey != null && !expectedKey.equals(fingerprint))) {
                return null;
            }
            PublicKey key = peers.keyOf(fingerprint);
            return key == null ? null : Ed25519.algorithm(null, key);
        });
        Map<String, Object> parameters = verified.parameters();
        if (!verified.components().containsAll(required)) {
            throw new Refused("BAD_SIGNATURE", "The signature does not cover " + required + ".");
        }
        if (!tag.equals(parameters.get("tag")) || !Ed25519.ALGORITHM.equals(parameters.get("alg"))
                || !(parameters.get("nonce") instanceof String nonce) || nonce.isEmpty()
                || !(parameters.get("created") instanceof Long)) {
            throw new Refused("BAD_SIGNATURE", "The signature's parameters are not this protocol's (tag " + tag
                    + ", alg ed25519, created, nonce).");
        }
        Instant created = Instant.ofEpochSecond((Long) parameters.get("created"));
        Instant now = clock.instant();
        if (created.isBefore(now.minus(WINDOW)) || created.isAfter(now.plus(WINDOW))) {
            throw new Refused("STALE_REQUEST", "The message was signed more than " + WINDOW.toSeconds() + " s from this clock.");
        }
        if (parameters.get("expires") instanceof Long expires && Instant.ofEpochSecond(expires).isBefore(now)) {
            throw new Refused("STALE_REQUEST", "The signature has expired.");
        }
        return verified;
    }
}
