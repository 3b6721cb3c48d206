package orgshare.shared.federation;

import orgshare.shared.error.ApiException;
import orgshare.shared.httpsig.HttpMessage;
import orgshare.shared.httpsig.MessageSignatures;
import orgshare.shared.validation.Validate;

import java.net.URI;
import java.security.PublicKey;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The receiving end of the wire: verifies a call (registered peer, window, nonce, digest), establishes the merchant it
 * is made for and checks that the peer hosts that merchant's cloud, and signs every answer, refusals included.
 */
public final class FederationEndpoint {
    private final FederationKey key;
    private final PeerService peers;
    private final NonceStore nonces;
    private final Clock clock;

    public FederationEndpoint(FederationKey key, PeerService peers, NonceStore nonces, Clock clock) {
        this.key = key;
        this.peers = peers;
        this.nonces = nonces;
        this.clock = clock;
    }

    /**
     * Verifies a call. 401 (BAD_SIGNATURE, UNKNOWN_PEER, STALE_REQUEST, REPLAYED_REQUEST) when the wire refuses it,
     * 403 NOT_PEER_CLOUD when the merchant it names is of a cloud the signing peer was not registered for.
     */
    public PeerCall verify(HttpMessage request, byte[] body) {
        PeerService.Trusted[] found = new PeerService.Trusted[1];
        FederationWire.Peers lookup = fingerprint -> {
            found[0] = peers.trusted(fingerprint);
            PublicKey publicKey = found[0] == null ? null : found[0].key();
            return publicKey;
        };
        FederationWire.Caller caller;
        try {
            caller = new FederationWire(key, lookup, nonces, clock).verifyRequest(request, body);
        } catch (MessageSignatures.Refused refused) {
            throw ApiException.unauthorized(refused.code(), refused.getMessage());
        }
        String[] merchant = parseMerchant(caller.merchantId());
        PeerCall call = new PeerCall(found[0], merchant[0], merchant[1]);
        if (!call.peer().cloudIds().contains(call.cloudId())) {
            throw ApiException.forbidden("NOT_PEER_CLOUD", "Merchant '" + call.merchantId() + "' is of cloud '" + call.cloudId()
                    + "', which is not one this peer was registered for: a peer speaks only for its own clouds' merchants.");
        }
        return call;
    }

    /** The headers that sign an answer to {@code request}. */
    public Map<String, List<String>> sign(int status, byte[] body, HttpMessage request) {
        return new FederationWire(key, f -> null, nonces, clock).signResponse(status, body, request);
    }

    /** {@code merchantId@cloudId}, as the signed header names the merchant a call is made for. */
    public static String merchant(String merchantId, String cloudId) {
        return merchantId + "@" + cloudId;
    }

    private static String[] parseMerchant(String header) {
        int at = header.lastIndexOf('@');
        if (at <= 0 || at == header.length() - 1) {
            throw ApiException.unauthorized("BAD_SIGNATURE", "The call names its merchant as '<merchantId>@<cloudId>' in "
                    + FederationWire.MERCHANT_HEADER + ".");
        }
        try {
            return new String[]{Validate.generatedId("merchantId", header.substring(0, at)), Validate.cloudId(header.substring(at + 1))};
        } catch (ApiException invalid) {
            throw ApiException.unauthorized("BAD_SIGNATURE", "The call's " + FederationWire.MERCHANT_HEADER
                    + " is not '<merchantId>@<cloudId>': " + invalid.getMessage());
        }
    }

    /** The target URI a caller signed: the scheme and host it called, the path and the raw query. */
    public static URI targetUri(String scheme, String host, String rawPath, String rawQuery) {
        try {
            return URI.create(scheme + "://" + host + rawPath + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery));
        } catch (IllegalArgumentException unreadable) {
            throw ApiException.unauthorized("BAD_SIGNATURE", "The call's target URI cannot be read, so no signature over it can hold.");
        }
    }
}
