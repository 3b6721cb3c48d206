package orgshare.functions.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import orgshare.shared.auth.Caller;
import orgshare.shared.error.ApiException;
import orgshare.shared.json.Json;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One structured JSON line per request: no keys, no bodies; a server-side failure carries its cause. */
final class RequestLog {
    private RequestLog() {
    }

    static void write(Context context, APIGatewayV2HTTPEvent event, Caller caller, int status, ApiException failure,
                      long nanos, int dynamoCalls) {
        ObjectNode line = Json.mapper().createObjectNode();
        line.put("level", status >= 500 ? "ERROR" : "INFO");
        if (context != null) {
            line.put("requestId", context.getAwsRequestId());
        }
        line.put("route", event.getRouteKey());
        if (caller != null) {
            line.put("principal", caller.principal().name());
            if (caller.merchantId() != null) {
                line.put("merchantId", caller.merchantId());
            }
        }
        line.put("status", status);
        line.put("latencyMs", nanos / 1_000_000.0);
        line.put("dynamoDbCalls", dynamoCalls);
        if (failure != null) {
            line.put("errorCode", failure.code());
            if (status >= 500 && failure.getCause() != null) {
                StringWriter trace = new StringWriter();
                failure.getCause().printStackTrace(new PrintWriter(trace));
                line.put("cause", trace.toString());
            }
        }
        String text = line.toString();
        if (context != null && context.getLogger() != null) {
            context.getLogger().log(text + "\n");
        } else {
            System.out.println(text);
        }
    }
}
