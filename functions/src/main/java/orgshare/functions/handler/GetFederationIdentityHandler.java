package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.federation.FederationService;

/** GET /federation/identity: the clouds this deployment hosts and its federation public key (no key needed). */
public final class GetFederationIdentityHandler extends ApiHandler {
    private final FederationService federation;

    public GetFederationIdentityHandler() {
        this(Orgshare.fromEnvironment());
    }

    public GetFederationIdentityHandler(Orgshare app) {
        super(app, Access.ANYONE);
        this.federation = app.federation();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(federation.identity());
    }
}
