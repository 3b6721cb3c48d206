package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.RuleService;

/** GET /groups/{groupId}/rules: the group's rules and their version, paged (active members). */
public final class GetRulesHandler extends ApiHandler {
    private final RuleService rules;

    public GetRulesHandler() {
        this(Orgshare.fromEnvironment());
    }

    public GetRulesHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.rules = app.rules();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(rules.list(request.caller(), request.path("groupId"), request.query("limit"),
                request.query("cursor")));
    }
}
