package orgshare.functions.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.core.JsonGenerator;
import orgshare.shared.auth.Caller;
import orgshare.shared.error.ApiException;
import orgshare.shared.json.JsonStreams;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.StringWriter;

/** One structured JSON line per request: no keys, no bodies; a server-side failure carries its cause. */
final class RequestLog {
    private RequestLog() {
    }

    static void write(Context context, HttpEvent event, Caller caller, int status, ApiException failure,
                      long nanos, int dynamoCalls) {
        StringWriter text = new StringWriter();
        try (JsonGenerator line = JsonStreams.factory().createGenerator(text)) {
            line.writeStartObject();
            line.writeStringField("level", status >= 500 ? "ERROR" : "INFO");
            if (context != null) {
                line.writeStringField("requestId", context.getAwsRequestId());
            }
            line.writeStringField("route", event.routeKey());
            if (caller != null) {
                line.writeStringField("principal", caller.principal().name());
                if (caller.merchantId() != null) {
                    line.writeStringField("merchantId", caller.merchantId());
                }
            }
            line.writeNumberField("status", status);
            line.writeNumberField("latencyMs", nanos / 1_000_000.0);
            line.writeNumberField("dynamoDbCalls", dynamoCalls);
            if (failure != null) {
                line.writeStringField("errorCode", failure.code());
                if (status >= 500 && failure.getCause() != null) {
                    StringWriter trace = new StringWriter();
                    failure.getCause().printStackTrace(new PrintWriter(trace));
                    line.writeStringField("cause", trace.toString());
                }
            }
            line.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        if (context != null && context.getLogger() != null) {
            context.getLogger().log(text + "\n");
        } else {
            System.out.println(text);
        }
    }
}
