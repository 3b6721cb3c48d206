package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.InboxService;

/** GET /inbox: documents partners pushed to the caller, oldest first, paged (`since` to read on). */
public final class ListInboxHandler extends ApiHandler {
    private final InboxService inbox;

    public ListInboxHandler() {
        this(Orgshare.fromEnvironment());
    }

    public ListInboxHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.inbox = app.inbox();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(inbox.list(request.caller(), request.query("since"), request.query("limit"),
                request.query("cursor")));
    }
}
