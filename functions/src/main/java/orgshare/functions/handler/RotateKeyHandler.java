package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.MerchantService;

/** POST /merchants/me/key: a new API key for the caller, shown once; the old key stops working at once. */
public final class RotateKeyHandler extends ApiHandler {
    private final MerchantService merchants;

    public RotateKeyHandler() {
        this(Orgshare.fromEnvironment());
    }

    public RotateKeyHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.merchants = app.merchants();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.created(merchants.rotateKey(request.caller(), request.header("authorization")));
    }
}
