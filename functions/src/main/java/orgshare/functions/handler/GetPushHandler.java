package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;

/** GET /pushes/{messageId}: what became of a document the caller pushed (RECEIVED, ACCEPTED or REJECTED). */
public final class GetPushHandler extends ApiHandler {
    public GetPushHandler() {
        this(Orgshare.fromEnvironment());
    }

    public GetPushHandler(Orgshare app) {
        super(app, Access.MERCHANT);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(app.pushStatuses().get(request.caller(), request.path("messageId")));
    }
}
