package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.PushStatusService;

/** POST /inbox/{messageId}/ack: the owner's program accepts or rejects a pushed document, once. */
public final class AckMessageHandler extends ApiHandler {
    private final PushStatusService pushStatuses;

    public AckMessageHandler() {
        this(Orgshare.fromEnvironment());
    }

    public AckMessageHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.pushStatuses = app.pushStatuses();
    }

    @Override
    protected boolean takesBody() {
        return true;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(pushStatuses.ack(request.caller(), request.path("messageId"),
                request.body(PushStatusService.Ack.class)));
    }
}
