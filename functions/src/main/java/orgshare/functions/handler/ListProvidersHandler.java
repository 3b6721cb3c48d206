package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;

/** GET /groups/{groupId}/providers: which members open what to the caller, resolved. */
public final class ListProvidersHandler extends ApiHandler {
    public ListProvidersHandler() {
        this(Orgshare.fromEnvironment());
    }

    public ListProvidersHandler(Orgshare app) {
        super(app, Access.MERCHANT);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(app.rules().providers(request.caller(), request.path("groupId")));
    }
}
