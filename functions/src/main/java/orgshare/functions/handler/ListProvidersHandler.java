package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.RuleService;

/** GET /groups/{groupId}/providers: which members open what to the caller, resolved. */
public final class ListProvidersHandler extends ApiHandler {
    private final RuleService rules;

    public ListProvidersHandler() {
        this(Orgshare.fromEnvironment());
    }

    public ListProvidersHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.rules = app.rules();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(rules.providers(request.caller(), request.path("groupId")));
    }
}
