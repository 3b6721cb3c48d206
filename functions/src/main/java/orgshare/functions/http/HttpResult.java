package orgshare.functions.http;

import com.fasterxml.jackson.core.JsonGenerator;
import orgshare.shared.json.JsonStreams;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP API (payload 2.0) response: status, headers and text body, written to the invocation's output with
 * Jackson's streaming generator, as API Gateway reads it.
 */
public record HttpResult(int statusCode, Map<String, String> headers, String body) {

    /** The same answer with more headers (a later one of the same name wins). */
    public HttpResult withHeaders(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(headers == null ? Map.of() : headers);
        all.putAll(more);
        return new HttpResult(statusCode, all, body);
    }

    public void write(OutputStream out) throws IOException {
        try (JsonGenerator json = JsonStreams.factory().createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("statusCode", statusCode);
            if (headers != null) {
                json.writeObjectFieldStart("headers");
                for (Map.Entry<String, String> header : headers.entrySet()) {
                    json.writeStringField(header.getKey(), header.getValue());
                }
                json.writeEndObject();
            }
            json.writeBooleanField("isBase64Encoded", false);
            if (body != null) {
                json.writeStringField("body", body);
            }
            json.writeEndObject();
        }
    }
}
