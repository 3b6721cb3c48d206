package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;

/** GET /merchants/me/webhook/deliveries: each delivery's attempts, last result and next attempt, newest first. */
public final class ListWebhookDeliveriesHandler extends ApiHandler {
    public ListWebhookDeliveriesHandler() {
        this(Orgshare.fromEnvironment());
    }

    public ListWebhookDeliveriesHandler(Orgshare app) {
        super(app, Access.MERCHANT);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(app.webhooks().deliveries(request.caller(), request.query("limit"), request.query("cursor")));
    }
}
