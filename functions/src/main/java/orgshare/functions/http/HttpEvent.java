package orgshare.functions.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import orgshare.shared.json.JsonStreams;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The parts of an HTTP API event (payload 2.0; the authorizer's REQUEST event has the same shape) that orgshare
 * reads, read straight off the invocation's bytes with Jackson's streaming parser: no events class, no data binding,
 * every other field skipped unread. Header names are kept as sent (API Gateway sends them in lower case).
 */
public record HttpEvent(String routeKey, String method, String rawPath, String rawQueryString,
                        Map<String, String> headers, Map<String, String> pathParameters,
                        Map<String, String> queryStringParameters, String body, boolean isBase64Encoded,
                        String requestId, Map<String, Object> authorizer) {

    /** Reads one event; a stream that is not one JSON object is an {@link IOException}. */
    public static HttpEvent read(InputStream in) throws IOException {
        try (JsonParser parser = JsonStreams.factory().createParser(in)) {
            Builder event = new Builder();
            expect(parser, parser.nextToken(), JsonToken.START_OBJECT);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "routeKey" -> event.routeKey = text(parser, value);
                    case "rawPath" -> event.rawPath = text(parser, value);
                    case "rawQueryString" -> event.rawQueryString = text(parser, value);
                    case "headers" -> event.headers = strings(parser, value);
                    case "pathParameters" -> event.pathParameters = strings(parser, value);
                    case "queryStringParameters" -> event.queryStringParameters = strings(parser, value);
                    case "body" -> event.body = text(parser, value);
                    case "isBase64Encoded" -> {
                        event.isBase64Encoded = value == JsonToken.VALUE_TRUE;
                        parser.skipChildren(); // an object or array here is no flag: skipped whole, not read as fields
                    }
                    case "requestContext" -> readContext(parser, value, event);
                    default -> parser.skipChildren();
                }
            }
            return event.build();
        }
    }

    private static void readContext(JsonParser parser, JsonToken start, Builder event) throws IOException {
        if (start != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "requestId" -> event.requestId = text(parser, value);
                case "http" -> event.method = field(parser, value, "method", event.method);
                case "authorizer" -> {
                    if (value != JsonToken.START_OBJECT) {
                        parser.skipChildren();
                        break;
                    }
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        JsonToken inner = parser.nextToken();
                        if ("lambda".equals(parser.currentName())) {
                            event.authorizer = scalars(parser, inner);
                        } else {
                            parser.skipChildren();
                        }
                    }
                }
                default -> parser.skipChildren();
            }
        }
    }

    /** One text field of a nested object (the rest skipped), or {@code otherwise}. */
    private static String field(JsonParser parser, JsonToken start, String wanted, String otherwise) throws IOException {
        if (start != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return otherwise;
        }
        String found = otherwise;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (wanted.equals(name)) {
                found = text(parser, value);
            } else {
                parser.skipChildren();
            }
        }
        return found;
    }

    private static String text(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        parser.skipChildren();
        return null;
    }

    /** A value of an object read off the parser, or null for one to leave out. */
    private interface ValueReader<V> {
        V read(JsonParser parser, JsonToken value) throws IOException;
    }

    /** An object's members read by {@code reader}, those it reads as null left out; null when it is not an object. */
    private static <V> Map<String, V> members(JsonParser parser, JsonToken start, ValueReader<V> reader) throws IOException {
        if (start != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return null;
        }
        Map<String, V> map = new HashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            V value = reader.read(parser, parser.nextToken());
            if (value != null) {
                map.put(name, value);
            }
        }
        return map;
    }

    /** A map of strings (headers, parameters): null values and non-text values are left out. */
    private static Map<String, String> strings(JsonParser parser, JsonToken start) throws IOException {
        return members(parser, start, HttpEvent::text);
    }

    /** The authorizer's context: text, boolean and number values (what a simple response's context may hold). */
    private static Map<String, Object> scalars(JsonParser parser, JsonToken start) throws IOException {
        return members(parser, start, HttpEvent::scalar);
    }

    private static Object scalar(JsonParser parser, JsonToken value) throws IOException {
        return switch (value) {
            case VALUE_STRING -> parser.getText();
            case VALUE_TRUE, VALUE_FALSE -> parser.getBooleanValue();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
            default -> {
                parser.skipChildren();
                yield null;
            }
        };
    }

    private static void expect(JsonParser parser, JsonToken actual, JsonToken wanted) throws IOException {
        if (actual != wanted) {
            throw new IOException("The event is not a JSON object (at " + parser.currentLocation() + ")");
        }
    }

    /** The event's method: its request context's, else its route key's first word. */
    public String method() {
        if (method != null) {
            return method;
        }
        int space = routeKey == null ? -1 : routeKey.indexOf(' ');
        return space < 0 ? null : routeKey.substring(0, space);
    }

    /** A header by name, in any case; null when absent. */
    public String header(String name) {
        if (headers == null) {
            return null;
        }
        String value = headers.get(name.toLowerCase(Locale.ROOT));
        if (value == null) {
            for (Map.Entry<String, String> header : headers.entrySet()) {
                if (header.getKey().equalsIgnoreCase(name)) {
                    return header.getValue();
                }
            }
        }
        return value;
    }

    public String pathParameter(String name) {
        return pathParameters == null ? null : pathParameters.get(name);
    }

    public String queryParameter(String name) {
        return queryStringParameters == null ? null : queryStringParameters.get(name);
    }

    /** Whether the event carries a body: anything but nothing. */
    public boolean hasBody() {
        return body != null && !body.isEmpty();
    }

    /** Events made in process (the federation handler's inner requests). */
    public static final class Builder {
        private String routeKey;
        private String method;
        private String rawPath;
        private String rawQueryString;
        private Map<String, String> headers;
        private Map<String, String> pathParameters;
        private Map<String, String> queryStringParameters;
        private String body;
        private boolean isBase64Encoded;
        private String requestId;
        private Map<String, Object> authorizer;

        public Builder route(String method, String path) {
            this.method = method;
            this.routeKey = method + " " + path;
            this.rawPath = path;
            return this;
        }

        public Builder query(String raw, Map<String, String> parameters) {
            this.rawQueryString = raw;
            this.queryStringParameters = parameters;
            return this;
        }

        public Builder headers(Map<String, String> headers) {
            this.headers = headers;
            return this;
        }

        public Builder pathParameters(Map<String, String> parameters) {
            this.pathParameters = parameters;
            return this;
        }

        public Builder body(String body, boolean base64) {
            this.body = body;
            this.isBase64Encoded = base64;
            return this;
        }

        public Builder requestId(String requestId) {
            this.requestId = requestId;
            return this;
        }

        public Builder authorizer(Map<String, Object> context) {
            this.authorizer = context;
            return this;
        }

        public HttpEvent build() {
            return new HttpEvent(routeKey, method, rawPath, rawQueryString, headers, pathParameters,
                    queryStringParameters, body, isBase64Encoded, requestId, authorizer);
        }
    }
}
