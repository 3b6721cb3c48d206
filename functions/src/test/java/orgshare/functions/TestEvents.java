package orgshare.functions;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import orgshare.shared.auth.Caller;
import orgshare.shared.json.Json;

import java.util.HashMap;
import java.util.Map;

/** HTTP API payload 2.0 events as API Gateway passes them after the authorizer, for in-process handler tests. */
public final class TestEvents {
    private TestEvents() {
    }

    public static APIGatewayV2HTTPEvent http(String method, String route, Caller caller, String body,
                                             Map<String, String> pathParameters, Map<String, String> query) {
        String path = route;
        if (pathParameters != null) {
            for (Map.Entry<String, String> p : pathParameters.entrySet()) {
                path = path.replace("{" + p.getKey() + "}", p.getValue());
            }
        }
        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
        authorizer.setLambda(caller == null ? null : new HashMap<>(caller.toContext()));
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setAuthorizer(authorizer);
        context.setRouteKey(method + " " + route);
        context.setRequestId("test-request");
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setVersion("2.0");
        event.setRouteKey(method + " " + route);
        event.setRawPath(path);
        event.setRequestContext(context);
        event.setPathParameters(pathParameters);
        event.setQueryStringParameters(query);
        event.setBody(body);
        return event;
    }

    public static APIGatewayV2HTTPEvent http(String method, String route, Caller caller, String body) {
        return http(method, route, caller, body, null, null);
    }

    public static JsonNode json(APIGatewayV2HTTPResponse response) {
        return Json.decodeTree(response.getBody());
    }
}
