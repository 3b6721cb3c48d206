package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.ReceiptService;

/** GET /receipts: the signed deletion receipts written for the caller (its leaves and removals, its groups' ends), newest first. */
public final class ListReceiptsHandler extends ApiHandler {
    private final ReceiptService receipts;

    public ListReceiptsHandler() {
        this(Orgshare.fromEnvironment());
    }

    public ListReceiptsHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.receipts = app.receipts();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(receipts.list(request.caller(), request.query("limit"), request.query("cursor")));
    }
}
