package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.GrantService;

/** GET /groups/{groupId}/explain: what decides one owner → partner grant, in data and in words. */
public final class ExplainGrantHandler extends ApiHandler {
    private final GrantService grants;

    public ExplainGrantHandler() {
        this(Orgshare.fromEnvironment());
    }

    public ExplainGrantHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.grants = app.grants();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(grants.explain(request.caller(), request.path("groupId"), request.query("ownerId"),
                request.query("partnerId"), request.query("type")));
    }
}
