package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import orgshare.local.RouteTable.Match;
import orgshare.local.TemplateModel.Authorizer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The two events API Gateway (HTTP API, payload format 2.0) sends for one request: the Lambda authorizer's
 * REQUEST event and the integration's event, which carries the authorizer's context. Both are built from the
 * same request facts, so they agree on headers, query, route and request ID.
 */
final class HttpApiEvents {
    static final String API_ID = "local";
    static final String STAGE = "$default";
    /** The connection's own headers, which API Gateway does not pass on. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "upgrade",
            "http2-settings", "te", "expect", "proxy-connection");
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);

    /** A request as the HTTP server received it; header names in any case, repeated headers as separate values. */
    record IncomingRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
                           byte[] body, String sourceIp, String protocol, int localPort) {
    }

    private final IncomingRequest request;
    private final Match match;
    private final String requestId;
    private final Instant receivedAt;
    private final Map<String, String> headers;
    private final List<String> cookies;
    private final Map<String, String> queryParameters;

    HttpApiEvents(IncomingRequest request, Match match, String requestId, Instant receivedAt) {
        this.request = request;
        this.match = match;
        this.requestId = requestId;
        this.receivedAt = receivedAt;
        this.cookies = cookies(request.headers());
        this.headers = headers(request, receivedAt);
        this.queryParameters = queryParameters(request.rawQuery());
    }

    /** The header values an authorizer names as identity sources; null when one is missing (API Gateway answers 401). */
    List<String> identitySource(Authorizer authorizer) {
        List<String> values = new ArrayList<>();
        for (String header : authorizer.identityHeaders()) {
            String value = headers.get(header.toLowerCase(Locale.ROOT));
            if (value == null || value.isEmpty()) {
                return null;
            }
            values.add(value);
        }
        for (String name : authorizer.identityQueryStrings()) {
            String value = queryParameters.get(name);
            if (value == null || value.isEmpty()) {
                return null;
            }
            values.add(value);
        }
        return values;
    }

    /** The authorizer's event: {@code APIGatewayV2CustomAuthorizerEvent}, type REQUEST. */
    ObjectNode authorizerEvent(List<String> identitySource) {
        ObjectNode event = common();
        event.put("type", "REQUEST");
        event.put("routeArn", "arn:aws:execute-api:" + TemplateValues.REGION + ":" + TemplateValues.ACCOUNT_ID + ":"
                + API_ID + "/" + STAGE + "/" + request.method() + request.rawPath());
        ArrayNode sources = event.putArray("identitySource");
        identitySource.forEach(sources::add);
        return event;
    }

    /** The integration's event: {@code APIGatewayV2HTTPEvent}, with the authorizer's context when there was one. */
    ObjectNode httpEvent(JsonNode authorizerContext) {
        ObjectNode event = common();
        if (authorizerContext != null && !authorizerContext.isNull()) {
            ((ObjectNode) event.get("requestContext")).putObject("authorizer").set("lambda", authorizerContext);
        }
        byte[] body = request.body();
        if (body.length > 0) {
            String text = isTextType(headers.get("content-type")) ? utf8(body) : null;
            event.put("body", text != null ? text : Base64.getEncoder().encodeToString(body));
            event.put("isBase64Encoded", text == null);
        } else {
            event.put("isBase64Encoded", false);
        }
        return event;
    }

    private ObjectNode common() {
        ObjectNode event = EventJson.mapper().createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", match.route().routeKey());
        event.put("rawPath", request.rawPath());
        event.put("rawQueryString", request.rawQuery());
        if (!cookies.isEmpty()) {
            ArrayNode array = event.putArray("cookies");
            cookies.forEach(array::add);
        }
        event.set("headers", EventJson.mapper().valueToTree(headers));
        if (!queryParameters.isEmpty()) {
            event.set("queryStringParameters", EventJson.mapper().valueToTree(queryParameters));
        }
        if (!match.pathParameters().isEmpty()) {
            event.set("pathParameters", EventJson.mapper().valueToTree(match.pathParameters()));
        }
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", TemplateValues.ACCOUNT_ID);
        context.put("apiId", API_ID);
        String domain = domainName();
        context.put("domainName", domain);
        context.put("domainPrefix", domain.contains(".") ? domain.substring(0, domain.indexOf('.')) : domain);
        ObjectNode http = context.putObject("http");
        http.put("method", request.method());
        http.put("path", request.rawPath());
        http.put("protocol", request.protocol());
        http.put("sourceIp", request.sourceIp());
        http.put("userAgent", headers.getOrDefault("user-agent", ""));
        context.put("requestId", requestId);
        context.put("routeKey", match.route().routeKey());
        context.put("stage", STAGE);
        context.put("time", REQUEST_TIME.format(receivedAt));
        context.put("timeEpoch", receivedAt.toEpochMilli());
        return event;
    }

    private String domainName() {
        String host = headers.getOrDefault("host", "localhost");
        int port = host.lastIndexOf(':');
        return port > 0 && !host.endsWith("]") ? host.substring(0, port) : host;
    }

    /**
     * Names lowercased, repeated headers joined with commas, cookies moved out, the connection's own headers dropped,
     * and what API Gateway adds: the body's length, the forwarding headers and a trace ID.
     */
    private static Map<String, String> headers(IncomingRequest request, Instant receivedAt) {
        Map<String, String> result = new LinkedHashMap<>();
        request.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!lower.equals("cookie") && !HOP_BY_HOP.contains(lower)) {
                result.merge(lower, String.join(",", values), (a, b) -> a + "," + b);
            }
        });
        result.put("content-length", String.valueOf(request.body().length));
        result.merge("x-forwarded-for", request.sourceIp(), (sent, source) -> sent + ", " + source);
        result.put("x-forwarded-port", String.valueOf(request.localPort()));
        result.put("x-forwarded-proto", "http");
        result.computeIfAbsent("x-amzn-trace-id", absent -> traceId(receivedAt));
        return result;
    }

    /** An X-Ray trace header as API Gateway makes one: the time in seconds, then 96 random bits, in hex. */
    private static String traceId(Instant receivedAt) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return String.format("Root=1-%08x-%08x%016x", receivedAt.getEpochSecond(), random.nextInt(), random.nextLong());
    }

    /**
     * Whether API Gateway passes a body of this type as text: text/*, JSON, XML and JavaScript; anything else (form
     * data too, and a body without a type) arrives base64-encoded.
     */
    /**
     * {@code event} presenting {@code apiKey} as its {@code Authorization: Bearer} header, as the request the
     * authorizer let through carried it (the key rotation replaces the key it presents); null leaves it as it is.
     */
    static JsonNode presentingKey(JsonNode event, String apiKey) {
        if (apiKey == null || !(event instanceof ObjectNode root)) {
            return event;
        }
        ObjectNode copy = root.deepCopy();
        JsonNode headers = copy.get("headers");
        (headers instanceof ObjectNode own ? own : copy.putObject("headers")).put("authorization", "Bearer " + apiKey);
        return copy;
    }

    static boolean isTextType(String contentType) {
        if (contentType == null) {
            return false;
        }
        int parameters = contentType.indexOf(';');
        String type = (parameters < 0 ? contentType : contentType.substring(0, parameters)).strip().toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || type.equals("application/json") || type.endsWith("+json")
                || type.equals("application/xml") || type.endsWith("+xml") || type.equals("application/javascript");
    }

    private static List<String> cookies(Map<String, List<String>> headers) {
        List<String> result = new ArrayList<>();
        headers.forEach((name, values) -> {
            if (name.equalsIgnoreCase("cookie")) {
                for (String value : values) {
                    for (String cookie : value.split(";")) {
                        if (!cookie.isBlank()) {
                            result.add(cookie.strip());
                        }
                    }
                }
            }
        });
        return result;
    }

    /**
     * Decoded query parameters, repeated keys joined with commas as API Gateway does.
     *
     * @throws PercentDecoding.MalformedException a broken percent-encoding
     */
    static Map<String, String> queryParameters(String rawQuery) {
        Map<String, String> result = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return result;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = PercentDecoding.queryComponent(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : PercentDecoding.queryComponent(pair.substring(equals + 1));
            result.merge(name, value, (a, b) -> a + "," + b);
        }
        return result;
    }

    /** The body as text when it is valid UTF-8, else null: it then travels base64-encoded, so no byte is replaced. */
    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
