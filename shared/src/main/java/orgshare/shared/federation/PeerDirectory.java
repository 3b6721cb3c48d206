package orgshare.shared.federation;

import java.net.URI;

/** Where a peer's published identity is read from: its {@code GET /federation/identity}. */
public interface PeerDirectory {
    /**
     * The identity {@code endpoint} publishes; a peer that does not answer, answers late or answers something that is
     * not an identity is a 503 PEER_UNAVAILABLE (504 PEER_TIMEOUT when it is only late).
     */
    FederationService.Identity identityOf(URI endpoint);
}
