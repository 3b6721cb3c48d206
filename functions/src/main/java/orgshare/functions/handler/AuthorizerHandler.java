package orgshare.functions.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import orgshare.functions.http.Priming;
import orgshare.shared.Orgshare;
import orgshare.shared.auth.Caller;

import java.util.Map;

/**
 * The HTTP API's Lambda authorizer (REQUEST, payload 2.0, simple responses). It always lets the request through with
 * the caller in the context, an unauthenticated one with the reason: the handler then answers 401 in the one JSON
 * error shape, where a denial here would make API Gateway answer a bare 403 of its own.
 */
public final class AuthorizerHandler implements RequestHandler<APIGatewayV2CustomAuthorizerEvent, SimpleIAMPolicyResponse> {
    private final Orgshare app;

    public AuthorizerHandler() {
        this(Orgshare.fromEnvironment());
    }

    public AuthorizerHandler(Orgshare app) {
        this.app = app;
        Priming.register(app);
    }

    @Override
    public SimpleIAMPolicyResponse handleRequest(APIGatewayV2CustomAuthorizerEvent event, Context context) {
        Caller caller = app.auth().authenticate(authorization(event.getHeaders()));
        return new SimpleIAMPolicyResponse(true, caller.toContext());
    }

    private static String authorization(Map<String, String> headers) {
        if (headers == null) {
            return null;
        }
        // API Gateway lowercases header names in payload 2.0; accept any case from other callers
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if ("authorization".equalsIgnoreCase(header.getKey())) {
                return header.getValue();
            }
        }
        return null;
    }
}
