package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.webhooks.WebhookService;

/** DELETE /merchants/me/webhook: no more deliveries from the next event on. */
public final class DeleteWebhookHandler extends ApiHandler {
    private final WebhookService webhooks;

    public DeleteWebhookHandler() {
        this(Orgshare.fromEnvironment());
    }

    public DeleteWebhookHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.webhooks = app.webhooks();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        webhooks.delete(request.caller());
        return ApiResponse.noContent();
    }
}
