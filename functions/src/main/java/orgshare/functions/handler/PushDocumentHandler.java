package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.ExchangeService;
import orgshare.shared.service.RecordService;

/** POST /groups/{groupId}/exchange/{ownerId}/{type}: a document into the owner's inbox, where its rules allow push. */
public final class PushDocumentHandler extends ApiHandler {
    private final ExchangeService exchange;

    public PushDocumentHandler() {
        this(Orgshare.fromEnvironment());
    }

    public PushDocumentHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.exchange = app.exchange();
    }

    @Override
    protected boolean takesBody() {
        return true;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.accepted(exchange.push(request.caller(), request.path("groupId"), request.path("ownerId"),
                request.path("type"), request.rawBody(RecordService.MAX_BODY_BYTES), request.idempotencyKey()));
    }
}
