package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.MerchantService;

/** POST /merchants: the operator creates a merchant; its API key is in this response and nowhere else. */
public final class CreateMerchantHandler extends ApiHandler {
    private final MerchantService merchants;

    public CreateMerchantHandler() {
        this(Orgshare.fromEnvironment());
    }

    public CreateMerchantHandler(Orgshare app) {
        super(app, Access.OPERATOR);
        this.merchants = app.merchants();
    }

    @Override
    protected boolean takesBody() {
        return true;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.created(merchants.create(request.caller(), request.body(MerchantService.CreateMerchant.class),
                request.idempotencyKey()));
    }
}
