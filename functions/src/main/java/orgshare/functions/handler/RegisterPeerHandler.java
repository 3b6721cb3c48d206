package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.federation.PeerService;

/** POST /peers: register another cloud as a peer, by the fingerprint its operator gave (operator). */
public final class RegisterPeerHandler extends ApiHandler {
    private final PeerService peers;

    public RegisterPeerHandler() {
        this(Orgshare.fromEnvironment());
    }

    public RegisterPeerHandler(Orgshare app) {
        super(app, Access.OPERATOR);
        this.peers = app.peers();
    }

    @Override
    protected boolean takesBody() {
        return true;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.created(peers.register(request.caller(), request.body(PeerService.RegisterPeer.class)));
    }
}
