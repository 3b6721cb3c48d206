package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;

/** DELETE /groups/{groupId}/members/{merchantId}: a member leaves (itself or "me"), or the creator removes one. */
public final class LeaveGroupHandler extends ApiHandler {
    public LeaveGroupHandler() {
        this(Orgshare.fromEnvironment());
    }

    public LeaveGroupHandler(Orgshare app) {
        super(app, Access.MERCHANT);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        app.memberships().leave(request.caller(), request.path("groupId"), request.path("merchantId"));
        return ApiResponse.noContent();
    }
}
