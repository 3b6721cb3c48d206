package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.PushStatusService;

/** GET /pushes/{messageId}: what became of a document the caller pushed (RECEIVED, ACCEPTED or REJECTED). */
public final class GetPushHandler extends ApiHandler {
    private final PushStatusService pushStatuses;

    public GetPushHandler() {
        this(Orgshare.fromEnvironment());
    }

    public GetPushHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.pushStatuses = app.pushStatuses();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(pushStatuses.get(request.caller(), request.path("messageId")));
    }
}
