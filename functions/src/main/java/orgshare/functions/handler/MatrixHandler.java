package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;

/** GET /groups/{groupId}/matrix: the effective grants of a tile of owners × partners for one type, for the console. */
public final class MatrixHandler extends ApiHandler {
    public MatrixHandler() {
        this(Orgshare.fromEnvironment());
    }

    public MatrixHandler(Orgshare app) {
        super(app, Access.MERCHANT);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(app.grants().matrix(request.caller(), request.path("groupId"), request.query("type"),
                request.query("limit"), request.query("cursor")));
    }
}
