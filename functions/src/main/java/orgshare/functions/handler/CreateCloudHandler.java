package orgshare.functions.handler;

import orgshare.functions.http.Access;
import orgshare.functions.http.ApiHandler;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.Orgshare;
import orgshare.shared.service.CloudService;

/** POST /clouds: the operator registers a merchant cloud. */
public final class CreateCloudHandler extends ApiHandler {
    private final CloudService clouds;

    public CreateCloudHandler() {
        this(Orgshare.fromEnvironment());
    }

    public CreateCloudHandler(Orgshare app) {
        super(app, Access.OPERATOR);
        this.clouds = app.clouds();
    }

    @Override
    protected boolean takesBody() {
        return true;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.created(clouds.register(request.caller(), request.body(CloudService.CreateCloud.class)));
    }
}
