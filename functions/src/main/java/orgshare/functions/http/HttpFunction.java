package orgshare.functions.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import orgshare.shared.error.ApiException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A function behind the HTTP API, as the Lambda runtime calls it: the event's bytes in, the response's bytes out.
 * It reads only the fields it uses ({@link HttpEvent}) and writes the response itself ({@link HttpResult}), so no
 * events class is bound on the way, which a cold start would pay for.
 */
public abstract class HttpFunction implements RequestStreamHandler {

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        HttpEvent event;
        try {
            event = HttpEvent.read(input);
        } catch (IOException unreadable) {
            // only a caller other than API Gateway sends this; the answer is still the one error shape
            ApiResponse.error(ApiException.badRequest("MALFORMED_EVENT", "The invocation is not an HTTP API event."))
                    .toHttp().write(output);
            return;
        }
        handle(event, context).write(output);
    }

    /** Answers one event: the in-process path, also taken by a route another handler runs (federation). */
    public abstract HttpResult handle(HttpEvent event, Context context);
}
