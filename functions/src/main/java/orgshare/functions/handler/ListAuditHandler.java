package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;

/** GET /audit: the caller's audit log (pulls, pushes and rule changes that concern it), newest first, paged. */
public final class ListAuditHandler extends ApiHandler {
    public ListAuditHandler() {
        this(Orgshare.fromEnvironment());
    }

    public ListAuditHandler(Orgshare app) {
        super(app, Access.MERCHANT);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(app.audit().list(request.caller(), request.query("limit"), request.query("cursor")));
    }
}
