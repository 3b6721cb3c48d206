package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.federation.PeerService;

/** GET /peers: this deployment's peers (operator). */
public final class ListPeersHandler extends ApiHandler {
    private final PeerService peers;

    public ListPeersHandler() {
        this(Orgshare.fromEnvironment());
    }

    public ListPeersHandler(Orgshare app) {
        super(app, Access.OPERATOR);
        this.peers = app.peers();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(peers.list(request.caller(), request.query("limit"), request.query("cursor")));
    }
}
