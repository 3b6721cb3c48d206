package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import orgshare.local.HttpApiEvents.IncomingRequest;
import orgshare.local.RouteTable.Match;
import orgshare.local.TemplateModel.Authorizer;
import orgshare.local.TemplateModel.HttpRoute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The template's HttpApi served over real HTTP, like {@code sam local start-api}: each request is matched to a route,
 * passed through the route's Lambda authorizer (payload 2.0, simple responses), then to the route's function, and the
 * function's response is written back. Where API Gateway answers by itself (no route, denied, a failing function),
 * this answers the same way.
 */
public final class LocalApi implements AutoCloseable {
    /** API Gateway's limit on an HTTP API request body. */
    static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    private static final int THREADS = 8;
    private static final PrintStream LOG = System.err;

    static {
        // the JDK's HTTP server writes a response's headers and body separately; without TCP_NODELAY each answer
        // waits out the client's delayed ACK (~40 ms). The JDK reads this once, when its first server is made.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final FunctionInvoker invoker;
    private final RouteTable routes;
    private final HttpServer server;
    private final ExecutorService executor;

    private LocalApi(FunctionInvoker invoker, InetSocketAddress address) throws IOException {
        this.invoker = invoker;
        List<HttpRoute> httpRoutes = invoker.template().httpRoutes();
        httpRoutes.stream().map(HttpRoute::authorizer).filter(Objects::nonNull).distinct().forEach(LocalApi::requireSupported);
        this.routes = new RouteTable(httpRoutes);
        this.server = HttpServer.create(address, 64);
        this.executor = Executors.newFixedThreadPool(THREADS, daemonThreads());
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        server.start();
    }

    /** Serves the invoker's template on {@code address} (port 0: any free port). */
    public static LocalApi start(FunctionInvoker invoker, InetSocketAddress address) {
        try {
            return new LocalApi(invoker, address);
        } catch (IOException e) {
            throw new LocalRunnerException("Cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    /**
     * Serves {@code template} on a loopback port, on the given client and existing table, with {@code operatorKey}
     * as the operator's key (its hash becomes the template's OperatorKeyHash).
     */
    public static LocalApi start(Path template, DynamoDbClient client, String tableName, String operatorKey, int port) {
        TemplateModel model = TemplateModel.load(template, OperatorKey.of(operatorKey).parameterOverrides(), tableName);
        return start(new FunctionInvoker(model, client), new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI baseUri() {
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getHostString();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort());
    }

    /** The functions requests reach (routes and their authorizers), to build before the first request. */
    public Set<String> servedFunctions() {
        Set<String> functions = new LinkedHashSet<>();
        for (HttpRoute route : invoker.template().httpRoutes()) {
            if (route.authorizer() != null) {
                functions.add(route.authorizer().functionId());
            }
            functions.add(route.functionId());
        }
        return functions;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void requireSupported(Authorizer authorizer) {
        if (!"2.0".equals(authorizer.payloadFormatVersion()) || !authorizer.simpleResponses()) {
            throw new LocalRunnerException("Authorizer " + authorizer.name() + ": the local API runs Lambda authorizers "
                    + "with AuthorizerPayloadFormatVersion '2.0' and EnableSimpleResponses: true only");
        }
    }

    private void serve(HttpExchange exchange) {
        long started = System.nanoTime();
        String requestId = newRequestId();
        String target = "-";
        Reply reply;
        try {
            IncomingRequest request = read(exchange);
            Optional<Match> match = routes.match(request.method(), request.rawPath());
            if (match.isEmpty()) {
                reply = Reply.gateway(404, "Not Found");
            } else {
                target = match.get().route().functionId();
                reply = dispatch(new HttpApiEvents(request, match.get(), requestId, Instant.now()), match.get());
            }
        } catch (BodyTooLargeException e) {
            reply = Reply.gateway(413, "Request Entity Too Large");
        } catch (PercentDecoding.MalformedException e) {
            reply = Reply.gateway(400, "Bad Request");
        } catch (IOException | RuntimeException e) {
            logFailure(requestId, e);
            reply = Reply.gateway(500, "Internal Server Error");
        }
        write(exchange, reply, requestId);
        LOG.printf("%s %s %d %.1fms %s%n", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                reply.status(), (System.nanoTime() - started) / 1e6, target);
    }

    private Reply dispatch(HttpApiEvents events, Match match) {
        Authorizer authorizer = match.route().authorizer();
        JsonNode authorizerContext = null;
        if (authorizer != null) {
            List<String> identity = events.identitySource(authorizer);
            if (identity == null) {
                return Reply.gateway(401, "Unauthorized");
            }
            JsonNode decision = invoker.invoke(authorizer.functionId(), events.authorizerEvent(identity));
            if (!decision.path("isAuthorized").asBoolean(false)) {
                return Reply.gateway(403, "Forbidden");
            }
            authorizerContext = decision.get("context");
        }
        return Reply.fromLambda(invoker.invoke(match.route().functionId(), events.httpEvent(authorizerContext)));
    }

    private static IncomingRequest read(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new BodyTooLargeException();
        }
        InetSocketAddress remote = exchange.getRemoteAddress();
        return new IncomingRequest(exchange.getRequestMethod().toUpperCase(), uri.getRawPath(),
                uri.getRawQuery() == null ? "" : uri.getRawQuery(), exchange.getRequestHeaders(), body,
                remote.getAddress().getHostAddress(), exchange.getProtocol(), exchange.getLocalAddress().getPort());
    }

    private static void write(HttpExchange exchange, Reply reply, String requestId) {
        try (exchange) {
            reply.headers().forEach((name, values) -> exchange.getResponseHeaders().put(name, values));
            exchange.getResponseHeaders().set("apigw-requestid", requestId);
            boolean noBody = reply.body().length == 0 || reply.status() == 204 || reply.status() == 304
                    || exchange.getRequestMethod().equalsIgnoreCase("HEAD");
            exchange.sendResponseHeaders(reply.status(), noBody ? -1 : reply.body().length);
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(reply.body());
                }
            }
        } catch (IOException e) {
            // the client went away; nothing left to tell it
            LOG.println("[" + requestId + "] could not write the response: " + e.getMessage());
        }
    }

    private static void logFailure(String requestId, Throwable failure) {
        synchronized (LOG) {
            LOG.println("[" + requestId + "] answered 500 Internal Server Error:");
            failure.printStackTrace(LOG);
        }
    }

    /** API Gateway's request IDs look like this: 16 characters of base64. */
    private static String newRequestId() {
        byte[] bytes = new byte[11];
        ThreadLocalRandom.current().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "local-api-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static final class BodyTooLargeException extends RuntimeException {
        BodyTooLargeException() {
            super(null, null, false, false);
        }
    }

    /** What goes back to the HTTP client. */
    private record Reply(int status, Map<String, List<String>> headers, byte[] body) {
        private static final Map<String, List<String>> JSON = Map.of("content-type", List.of("application/json"));

        /** API Gateway's own answers: {@code {"message": "Not Found"}} and the like. */
        static Reply gateway(int status, String message) {
            String body = EventJson.mapper().createObjectNode().put("message", message).toString();
            return new Reply(status, JSON, body.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * A function's payload 2.0 response. With a statusCode it is the response; without one, API Gateway sends the
         * whole output as a 200 JSON body.
         */
        static Reply fromLambda(JsonNode output) {
            if (!output.isObject() || !output.has("statusCode")) {
                return new Reply(200, JSON, output.toString().getBytes(StandardCharsets.UTF_8));
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            output.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), List.of(h.getValue().asText())));
            output.path("multiValueHeaders").fields().forEachRemaining(h -> {
                List<String> values = new ArrayList<>(headers.getOrDefault(h.getKey(), List.of()));
                h.getValue().forEach(v -> values.add(v.asText()));
                headers.put(h.getKey(), values);
            });
            List<String> cookies = new ArrayList<>();
            output.path("cookies").forEach(c -> cookies.add(c.asText()));
            if (!cookies.isEmpty()) {
                headers.put("set-cookie", cookies);
            }
            JsonNode body = output.get("body");
            byte[] bytes;
            if (body == null || body.isNull()) {
                bytes = new byte[0];
            } else if (output.path("isBase64Encoded").asBoolean(false)) {
                bytes = Base64.getDecoder().decode(body.asText());
            } else {
                bytes = body.asText().getBytes(StandardCharsets.UTF_8);
            }
            int status = output.get("statusCode").asInt();
            if (status < 100 || status > 599) {
                throw new IllegalStateException("The function answered statusCode " + output.get("statusCode"));
            }
            return new Reply(status, headers, bytes);
        }
    }
}
