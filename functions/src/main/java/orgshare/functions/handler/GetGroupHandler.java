package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.GroupService;

/** GET /groups/{groupId}: the group and a page of its members with link IDs (members only). */
public final class GetGroupHandler extends ApiHandler {
    private final GroupService groups;

    public GetGroupHandler() {
        this(Orgshare.fromEnvironment());
    }

    public GetGroupHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.groups = app.groups();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(groups.get(request.caller(), request.path("groupId"), request.query("limit"), request.query("cursor")));
    }
}
