package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;

/** DELETE /merchants/me/webhook: no more deliveries from the next event on. */
public final class DeleteWebhookHandler extends ApiHandler {
    public DeleteWebhookHandler() {
        this(Orgshare.fromEnvironment());
    }

    public DeleteWebhookHandler(Orgshare app) {
        super(app, Access.MERCHANT);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        app.webhooks().delete(request.caller());
        return ApiResponse.noContent();
    }
}
