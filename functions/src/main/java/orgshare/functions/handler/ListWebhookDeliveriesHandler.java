package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.webhooks.WebhookService;

/** GET /merchants/me/webhook/deliveries: each delivery's attempts, last result and next attempt, newest first. */
public final class ListWebhookDeliveriesHandler extends ApiHandler {
    private final WebhookService webhooks;

    public ListWebhookDeliveriesHandler() {
        this(Orgshare.fromEnvironment());
    }

    public ListWebhookDeliveriesHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.webhooks = app.webhooks();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(webhooks.deliveries(request.caller(), request.query("limit"), request.query("cursor")));
    }
}
