package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.RecordService;

/** GET /records/{type}: the caller's own records of one type, paged (`since` for what changed). */
public final class ListRecordsHandler extends ApiHandler {
    private final RecordService records;

    public ListRecordsHandler() {
        this(Orgshare.fromEnvironment());
    }

    public ListRecordsHandler(Orgshare app) {
        super(app, Access.MERCHANT);
        this.records = app.records();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.ok(records.list(request.caller(), request.path("type"), request.query("since"),
                request.query("limit"), request.query("cursor")));
    }
}
