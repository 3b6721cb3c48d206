package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.MembershipService;

/** POST /groups/{groupId}/members: the creator adds a merchant to the member list as INVITED. */
public final class InviteMemberHandler extends ApiHandler {
    private final MembershipService memberships;

    public InviteMemberHandler() {
        this(Orgshare.fromEnvironment());
    }

    public InviteMemberHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.memberships = app.memberships();
    }

    @Override
    protected boolean takesBody() {
        return true;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.created(memberships.invite(request.caller(), request.path("groupId"),
                request.body(MembershipService.InviteMember.class)));
    }
}
