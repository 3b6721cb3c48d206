package orgshare.shared.federation;

import orgshare.shared.error.ApiException;

/**
 * A verified inbound call: the registered peer deployment that signed it, and the merchant it is made for
 * ({@code merchantId} of {@code cloudId}, from the signed {@value FederationWire#MERCHANT_HEADER} header).
 */
public record PeerCall(PeerService.Trusted peer, String merchantId, String cloudId) {
    /** A message about a group must come from the peer hosting its home. */
    public void requireHome(String homeCloudId) {
        if (!peer.cloudIds().contains(homeCloudId)) {
            throw ApiException.forbidden("NOT_PEER_CLOUD", "Cloud '" + homeCloudId + "' is not one this peer was registered for.");
        }
    }
}
