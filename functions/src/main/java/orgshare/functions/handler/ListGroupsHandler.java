package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.GroupService;

/** GET /groups: the groups the caller created or belongs to. */
public final class ListGroupsHandler extends ApiHandler {
    private final GroupService groups;

    public ListGroupsHandler() {
        this(Orgshare.fromEnvironment());
    }

    public ListGroupsHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.groups = app.groups();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(groups.listMine(request.caller(), request.query("limit"), request.query("cursor")));
    }
}
