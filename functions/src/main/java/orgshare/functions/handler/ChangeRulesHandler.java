package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.RuleService;

/** PATCH /groups/{groupId}/rules: the creator applies a versioned batch of rule sets and removals, all or nothing. */
public final class ChangeRulesHandler extends ApiHandler {
    private final RuleService rules;

    public ChangeRulesHandler() {
        this(Orgshare.fromEnvironment());
    }

    public ChangeRulesHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.rules = app.rules();
    }

    @Override
    protected boolean takesBody() {
        return true;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(rules.change(request.caller(), request.path("groupId"),
                request.body(RuleService.RuleChanges.class)));
    }
}
