package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.ExchangeService;

/** GET /groups/{groupId}/exchange/{ownerId}/{type}: the owner's records, as far as its rules open them to the caller. */
public final class PullRecordsHandler extends ApiHandler {
    private final ExchangeService exchange;

    public PullRecordsHandler() {
        this(Orgshare.fromEnvironment());
    }

    public PullRecordsHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.exchange = app.exchange();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(exchange.pull(request.caller(), request.path("groupId"), request.path("ownerId"),
                request.path("type"), request.query("since"), request.query("limit"), request.query("cursor")));
    }
}
