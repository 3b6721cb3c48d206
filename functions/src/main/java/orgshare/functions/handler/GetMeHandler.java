package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;

/** GET /merchants/me: who am I. */
public final class GetMeHandler extends ApiHandler {
    public GetMeHandler() {
        this(Orgshare.fromEnvironment());
    }

    public GetMeHandler(Orgshare app) {
        super(app, Access.MERCHANT);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(app.merchants().me(request.caller()));
    }
}
