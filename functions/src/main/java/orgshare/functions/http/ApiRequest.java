package orgshare.functions.http;

import com.amazonaws.services.lambda.runtime.Context;
import orgshare.shared.auth.Caller;
import orgshare.shared.error.ApiException;
import orgshare.shared.idempotency.Idempotency;
import orgshare.shared.json.Json;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.Base64;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static java.nio.charset.StandardCharsets.UTF_8;

/** The parts of an HTTP API (payload 2.0) event a handler reads: caller, path and query parameters, body. */
public final class ApiRequest {
    /** Control-plane bodies (names, IDs) are small; anything larger is a mistake or an attack. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private final HttpEvent event;
    private final Caller caller;
    private final Context context;

    ApiRequest(HttpEvent event, Caller caller, Context context) {
        this.event = event;
        this.caller = caller;
        this.context = context;
    }

    public Caller caller() {
        return caller;
    }

    /** While this invocation may go on with work it can leave to the scheduled cleanup. */
    public BooleanSupplier timeLeft() {
        return TimeBudget.of(context);
    }

    public String path(String name) {
        return event.pathParameter(name);
    }

    public String query(String name) {
        return event.queryParameter(name);
    }

    /** A request header; API Gateway passes header names in lower case, and so does this lookup. */
    public String header(String name) {
        return event.header(name);
    }

    /** The {@code Idempotency-Key} header, or null. */
    public String idempotencyKey() {
        return header(Idempotency.HEADER);
    }

    public <T> T body(Class<T> type) {
        return Json.decodeRequest(rawBody(MAX_BODY_BYTES), type);
    }

    /**
     * The body as text, base64 decoded where API Gateway encoded it, refused with 413 above {@code maxBytes}, and
     * with 400 where it is not valid Unicode (invalid UTF-8, or an unpaired surrogate): never a replacement character.
     */
    public String rawBody(int maxBytes) {
        String body = event.body();
        if (body == null) {
            return null;
        }
        try {
            if (!event.isBase64Encoded()) {
                requireSize(UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                        .encode(CharBuffer.wrap(body)).remaining(), maxBytes);
                return body;
            }
            byte[] bytes = base64(body);
            requireSize(bytes.length, maxBytes);
            return UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest("MALFORMED_JSON", "The body is not valid UTF-8 text (or holds an unpaired surrogate).");
        }
    }

    private static byte[] base64(String body) {
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("MALFORMED_BODY", "The body is marked base64 but is not valid base64.");
        }
    }

    private static void requireSize(int bytes, int maxBytes) {
        if (bytes > maxBytes) {
            throw ApiException.tooLarge("The body is " + bytes + " bytes; at most " + maxBytes + " are accepted here.");
        }
    }
}
