package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.ConsentService;

/** PATCH /groups/{groupId}/consent: an owner applies a versioned batch of caps on its own data, all or nothing. */
public final class ChangeConsentHandler extends ApiHandler {
    private final ConsentService consent;

    public ChangeConsentHandler() {
        this(Orgshare.fromEnvironment());
    }

    public ChangeConsentHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.consent = app.consent();
    }

    @Override
    protected boolean takesBody() {
        return true;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(consent.change(request.caller(), request.path("groupId"),
                request.body(ConsentService.ConsentChanges.class)));
    }
}
