package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.GroupService;

/** POST /groups: the caller creates a group and becomes its creator and first member. */
public final class CreateGroupHandler extends ApiHandler {
    private final GroupService groups;

    public CreateGroupHandler() {
        this(Orgshare.fromEnvironment());
    }

    public CreateGroupHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.groups = app.groups();
    }

    @Override
    protected boolean takesBody() {
        return true;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.created(groups.create(request.caller(), request.body(GroupService.CreateGroup.class),
                request.idempotencyKey()));
    }
}
