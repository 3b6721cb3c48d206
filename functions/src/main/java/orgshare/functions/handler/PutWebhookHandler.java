package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.webhooks.WebhookService;

/** PUT /merchants/me/webhook: where the caller's business program listens, for which events (its secret shown when made or rotated). */
public final class PutWebhookHandler extends ApiHandler {
    private final WebhookService webhooks;

    public PutWebhookHandler() {
        this(Orgshare.fromEnvironment());
    }

    public PutWebhookHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.webhooks = app.webhooks();
    }

    @Override
    protected boolean takesBody() {
        return true;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(webhooks.set(request.caller(), request.body(WebhookService.SetWebhook.class)));
    }
}
