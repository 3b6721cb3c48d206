package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.MembershipService;

/** PUT /groups/{groupId}/members/me: an invited merchant accepts and becomes ACTIVE. */
public final class JoinGroupHandler extends ApiHandler {
    private final MembershipService memberships;

    public JoinGroupHandler() {
        this(Orgshare.fromEnvironment());
    }

    public JoinGroupHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.memberships = app.memberships();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(memberships.join(request.caller(), request.path("groupId")));
    }
}
