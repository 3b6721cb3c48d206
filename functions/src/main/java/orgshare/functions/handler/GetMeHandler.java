package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.MerchantService;

/** GET /merchants/me: who am I. */
public final class GetMeHandler extends ApiHandler {
    private final MerchantService merchants;

    public GetMeHandler() {
        this(Orgshare.fromEnvironment());
    }

    public GetMeHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.merchants = app.merchants();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(merchants.me(request.caller()));
    }
}
