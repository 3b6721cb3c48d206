package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;

/** GET /peers: this deployment's peers (operator). */
public final class ListPeersHandler extends ApiHandler {
    public ListPeersHandler() {
        this(Orgshare.fromEnvironment());
    }

    public ListPeersHandler(Orgshare app) {
        super(app, Access.OPERATOR);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(app.peers().list(request.caller(), request.query("limit"), request.query("cursor")));
    }
}
