package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.RecordService;

/** PUT /records/{type}/{recordId}: the caller stores one of its own business records (a JSON object). */
public final class PutRecordHandler extends ApiHandler {
    private final RecordService records;

    public PutRecordHandler() {
        this(Orgshare.fromEnvironment());
    }

    public PutRecordHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.records = app.records();
    }

    @Override
    protected boolean takesBody() {
        return true;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(records.put(request.caller(), request.path("type"), request.path("recordId"),
                request.rawBody(RecordService.MAX_BODY_BYTES), request.idempotencyKey()));
    }
}
