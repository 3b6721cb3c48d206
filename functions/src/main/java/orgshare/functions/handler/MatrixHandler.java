package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.GrantService;

/** GET /groups/{groupId}/matrix: the effective grants of a tile of owners × partners for one type, for the console. */
public final class MatrixHandler extends ApiHandler {
    private final GrantService grants;

    public MatrixHandler() {
        this(Orgshare.fromEnvironment());
    }

    public MatrixHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.grants = app.grants();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(grants.matrix(request.caller(), request.path("groupId"), request.query("type"),
                request.query("limit"), request.query("cursor")));
    }
}
