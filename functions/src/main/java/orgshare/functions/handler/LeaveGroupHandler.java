package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.MembershipService;

/** DELETE /groups/{groupId}/members/{merchantId}: a member leaves (itself or "me"), or the creator removes one. */
public final class LeaveGroupHandler extends ApiHandler {
    private final MembershipService memberships;

    public LeaveGroupHandler() {
        this(Orgshare.fromEnvironment());
    }

    public LeaveGroupHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.memberships = app.memberships();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        memberships.leave(request.caller(), request.path("groupId"), request.path("merchantId"));
        return ApiResponse.noContent();
    }
}
