package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.ConsentService;

/** GET /groups/{groupId}/consent: an owner's caps and their version, paged (the owner, or the group's creator). */
public final class GetConsentHandler extends ApiHandler {
    private final ConsentService consent;

    public GetConsentHandler() {
        this(Orgshare.fromEnvironment());
    }

    public GetConsentHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.consent = app.consent();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(consent.list(request.caller(), request.path("groupId"), request.query("ownerId"),
                request.query("limit"), request.query("cursor")));
    }
}
