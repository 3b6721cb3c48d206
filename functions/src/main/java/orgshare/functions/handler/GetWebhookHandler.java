package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;

/** GET /merchants/me/webhook: the caller's webhook, without its secret. */
public final class GetWebhookHandler extends ApiHandler {
    public GetWebhookHandler() {
        this(Orgshare.fromEnvironment());
    }

    public GetWebhookHandler(Orgshare app) {
        super(app, Access.MERCHANT);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(app.webhooks().get(request.caller()));
    }
}
