package orgshare.functions.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonGenerator;
import orgshare.functions.http.HttpEvent;
import orgshare.functions.http.Priming;
import orgshare.shared.Orgshare;
import orgshare.shared.service.AuthService;
import orgshare.shared.auth.Caller;
import orgshare.shared.json.JsonStreams;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The HTTP API's Lambda authorizer (REQUEST, payload 2.0, simple responses). It always lets the request through with
 * the caller in the context, an unauthenticated one with the reason: the handler then answers 401 in the one JSON
 * error shape, where a denial here would make API Gateway answer a bare 403 of its own. It reads the event's headers
 * off its bytes and writes {@code {"isAuthorized": true, "context": {...}}} itself: no events class on its path.
 */
public final class AuthorizerHandler implements RequestStreamHandler {
    private final AuthService auth;

    public AuthorizerHandler() {
        this(Orgshare.fromEnvironment());
    }

    public AuthorizerHandler(Orgshare app) {
        this.auth = app.auth();
        // SnapStart's priming runs the path once on a request without a key (decided without a read)
        Priming.register(app, this, "{\"headers\":{}}".getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String authorization;
        try {
            // API Gateway lowercases header names in payload 2.0; the lookup accepts any case from other callers
            authorization = HttpEvent.read(input).header("authorization");
        } catch (IOException unreadable) {
            authorization = null; // not an authorizer event: no key in it, so an unauthenticated caller
        }
        Caller caller = auth.authenticate(authorization);
        try (JsonGenerator json = JsonStreams.factory().createGenerator(output)) {
            json.writeStartObject();
            json.writeBooleanField("isAuthorized", true);
            json.writeObjectFieldStart("context");
            for (Map.Entry<String, String> entry : caller.toContext().entrySet()) {
                json.writeStringField(entry.getKey(), entry.getValue());
            }
            json.writeEndObject();
            json.writeEndObject();
        }
    }
}
