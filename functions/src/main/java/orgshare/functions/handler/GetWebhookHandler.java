package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.webhooks.WebhookService;

/** GET /merchants/me/webhook: the caller's webhook, without its secret. */
public final class GetWebhookHandler extends ApiHandler {
    private final WebhookService webhooks;

    public GetWebhookHandler() {
        this(Orgshare.fromEnvironment());
    }

    public GetWebhookHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.webhooks = app.webhooks();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(webhooks.get(request.caller()));
    }
}
