package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.MembershipService;

/** DELETE /groups/{groupId}: the creator dissolves the group; nothing works in it from this instant. */
public final class DissolveGroupHandler extends ApiHandler {
    private final MembershipService memberships;

    public DissolveGroupHandler() {
        this(Orgshare.fromEnvironment());
    }

    public DissolveGroupHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.memberships = app.memberships();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        memberships.dissolve(request.caller(), request.path("groupId"));
        return ApiResponse.noContent();
    }
}
