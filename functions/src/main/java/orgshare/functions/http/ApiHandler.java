package orgshare.functions.http;

import com.amazonaws.services.lambda.runtime.Context;
import orgshare.shared.Orgshare;
import orgshare.shared.auth.Caller;
import orgshare.shared.db.CountingClient;
import orgshare.shared.error.ApiException;
import orgshare.shared.error.Errors;
import orgshare.shared.federation.Pointers;
import orgshare.shared.model.MemberItem;


/**
 * The steps every HTTP handler shares: authenticate from the authorizer's context, check the route's access,
 * run the handler's own step, map any failure to the one error shape, log one line. Subclasses keep only their step,
 * and take the one service it calls from the application in their constructor: a function's init builds that service
 * (and what it needs), not the whole application.
 */
public abstract class ApiHandler extends HttpFunction {
    /** What SnapStart's priming sends through the handler: a request without a key, refused before any work. */
    private static final byte[] PRIMING_EVENT = ("{\"version\":\"2.0\",\"routeKey\":\"GET /priming\","
            + "\"rawPath\":\"/priming\",\"requestContext\":{\"http\":{\"method\":\"GET\"}}}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private final Orgshare app;
    private final Access access;

    protected ApiHandler(Orgshare app, Access access) {
        this.app = app;
        this.access = access;
        if (access != Access.ANYONE) { // a public route would do its work: its priming is the application's
            Priming.register(app, this, PRIMING_EVENT);
        } else {
            Priming.register(app);
        }
    }

    @Override
    public final HttpResult handle(HttpEvent event, Context context) {
        long started = System.nanoTime();
        CountingClient.take(); // this request's count starts here
        Caller caller = null;
        ApiResponse response;
        ApiException failure = null;
        try {
            caller = Caller.fromContext(event.authorizer());
            if (access != Access.ANYONE) {
                caller.requireAuthenticated();
                if (access == Access.OPERATOR) {
                    caller.requireOperator();
                } else {
                    caller.requireMerchant();
                }
            }
            if (!takesBody() && event.hasBody()) {
                throw ApiException.validation("This route takes no body; send the request without one.");
            }
            response = handle(new ApiRequest(event, caller, context));
        } catch (Throwable t) {
            failure = Errors.toApiException(t);
            response = ApiResponse.error(failure);
            ApiResponse forwarded = forwardToHome(event, caller, context, failure);
            if (forwarded != null) {
                response = forwarded;
                failure = null; // the home answered (or the call to it failed, and that is the answer)
            }
        }
        RequestLog.write(context, event, caller, response.status(), failure, System.nanoTime() - started, CountingClient.take());
        return response.toHttp();
    }

    /**
     * Location transparency: a group this deployment does not hold (or a cursor it did not seal) may be a group whose
     * home is a peer; when the caller has a pointer to it, the request goes there and the home's verified answer is
     * the answer. Null when the local refusal stands.
     */
    private ApiResponse forwardToHome(HttpEvent event, Caller caller, Context context, ApiException failure) {
        String groupId = event.pathParameter("groupId");
        if (groupId == null || caller == null || caller.principal() != Caller.Principal.MERCHANT
                || !("GROUP_NOT_FOUND".equals(failure.code()) || "INVALID_CURSOR".equals(failure.code()))) {
            return null;
        }
        try {
            ApiRequest request = new ApiRequest(event, caller, context);
            MemberItem known = failure.getCause() instanceof Pointers.Found found ? found.pointer() : null;
            return app.forwarder().forward(caller, groupId, event.method(), event.rawPath(), event.rawQueryString(),
                            request.rawBody(FORWARDED_BODY_BYTES), request.idempotencyKey(), known)
                    .map(reply -> ApiResponse.encoded(reply.status(), reply.body()))
                    .orElse(null);
        } catch (Throwable t) {
            return ApiResponse.error(Errors.toApiException(t));
        }
    }

    /** A forwarded body: the largest a route takes (a pushed document) and its envelope. */
    private static final int FORWARDED_BODY_BYTES = 512 * 1024;

    /**
     * Whether the route reads a body. One that does not refuses a request with one (400) rather than ignore it, so
     * what the API accepts is what its description says it takes.
     */
    protected boolean takesBody() {
        return false;
    }

    /** The handler's own step: read the input it needs, call one service method, say what to answer. */
    protected abstract ApiResponse handle(ApiRequest request);
}
