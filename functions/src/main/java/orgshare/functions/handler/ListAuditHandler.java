package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.AuditService;

/** GET /audit: the caller's audit log (pulls, pushes and rule changes that concern it), newest first, paged. */
public final class ListAuditHandler extends ApiHandler {
    private final AuditService audit;

    public ListAuditHandler() {
        this(Orgshare.fromEnvironment());
    }

    public ListAuditHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.audit = app.audit();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(audit.list(request.caller(), request.query("limit"), request.query("cursor")));
    }
}
