package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;

/** DELETE /peers/{cloudId}: end the federation with a cloud, from the next request on (operator). */
public final class DeletePeerHandler extends ApiHandler {
    public DeletePeerHandler() {
        this(Orgshare.fromEnvironment());
    }

    public DeletePeerHandler(Orgshare app) {
        super(app, Access.OPERATOR);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        app.peers().delete(request.caller(), request.path("cloudId"));
        return ApiResponse.noContent();
    }
}
