package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.federation.PeerService;

/** DELETE /peers/{cloudId}: end the federation with a cloud, from the next request on (operator). */
public final class DeletePeerHandler extends ApiHandler {
    private final PeerService peers;

    public DeletePeerHandler() {
        this(Orgshare.fromEnvironment());
    }

    public DeletePeerHandler(Orgshare app) {
        super(app, Access.OPERATOR);
        this.peers = app.peers();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        peers.delete(request.caller(), request.path("cloudId"));
        return ApiResponse.noContent();
    }
}
