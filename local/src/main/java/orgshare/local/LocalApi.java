package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.local.HttpApiEvents.IncomingRequest;
import orgshare.local.RouteTable.Match;
import orgshare.local.TemplateModel.Authorizer;
import orgshare.local.TemplateModel.HttpRoute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The template's HttpApi served over real HTTP, like {@code sam local start-api}: each request is matched to a route,
 * passed through the route's Lambda authorizer (payload 2.0, simple responses), then to the route's function, and the
 * function's response is written back. Where API Gateway answers by itself (no route, denied, a failing function),
 * this answers the same way.
 */
public final class LocalApi implements AutoCloseable {
    private static final PrintStream LOG = System.err;

    private final FunctionInvoker invoker;
    private final RouteTable routes;
    private final LocalHttpServer server;

    private LocalApi(FunctionInvoker invoker, InetSocketAddress address) throws IOException {
        this.invoker = invoker;
        List<HttpRoute> httpRoutes = invoker.template().httpRoutes();
        httpRoutes.stream().map(HttpRoute::authorizer).filter(Objects::nonNull).distinct().forEach(LocalApi::requireSupported);
        this.routes = new RouteTable(httpRoutes);
        this.server = LocalHttpServer.start(address, this::serve, LOG);
    }

    /**
     * Serves the invoker's template on {@code address} (port 0: any free port).
     *
     * @throws LocalRunnerException it cannot listen there; a port in use has a {@link java.net.BindException} cause
     */
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
        return server.address().getPort();
    }

    public URI baseUri() {
        InetSocketAddress address = server.address();
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
        server.close();
    }

    private static void requireSupported(Authorizer authorizer) {
        if (!"2.0".equals(authorizer.payloadFormatVersion()) || !authorizer.simpleResponses()) {
            throw new LocalRunnerException("Authorizer " + authorizer.name() + ": the local API runs Lambda authorizers "
                    + "with AuthorizerPayloadFormatVersion '2.0' and EnableSimpleResponses: true only");
        }
    }

    private HttpReply serve(IncomingRequest request, String requestId) {
        long started = System.nanoTime();
        String target = "-";
        HttpReply reply;
        try {
            Optional<Match> match = routes.match(request.method(), request.rawPath());
            if (match.isEmpty()) {
                reply = HttpReply.error(404, "NOT_FOUND", "Not Found");
            } else {
                target = match.get().route().functionId();
                reply = dispatch(new HttpApiEvents(request, match.get(), requestId, Instant.now()), match.get());
            }
        } catch (PercentDecoding.MalformedException e) {
            reply = HttpReply.error(400, "BAD_REQUEST", "Malformed percent-encoding in the URL.");
        } catch (RuntimeException e) {
            logFailure(requestId, e);
            reply = HttpReply.error(500, "INTERNAL", "Internal Server Error");
        }
        LOG.printf("%s %s %d %.1fms %s%n", request.method(), request.rawPath(), reply.status(),
                (System.nanoTime() - started) / 1e6, target);
        return reply;
    }

    private HttpReply dispatch(HttpApiEvents events, Match match) {
        Authorizer authorizer = match.route().authorizer();
        JsonNode authorizerContext = null;
        if (authorizer != null) {
            List<String> identity = events.identitySource(authorizer);
            if (identity == null) {
                return HttpReply.error(401, "UNAUTHORIZED", "Unauthorized");
            }
            JsonNode decision = invoker.invoke(authorizer.functionId(), events.authorizerEvent(identity));
            if (!decision.path("isAuthorized").asBoolean(false)) {
                return HttpReply.error(403, "FORBIDDEN", "Forbidden");
            }
            authorizerContext = decision.get("context");
        }
        return HttpReply.fromLambda(invoker.invoke(match.route().functionId(), events.httpEvent(authorizerContext)));
    }

    private static void logFailure(String requestId, Throwable failure) {
        synchronized (LOG) {
            LOG.println("[" + requestId + "] answered 500 Internal Server Error:");
            failure.printStackTrace(LOG);
        }
    }
}
