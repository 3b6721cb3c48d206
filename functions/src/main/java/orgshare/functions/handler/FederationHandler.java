package orgshare.functions.handler;

import com.amazonaws.services.lambda.runtime.Context;
import orgshare.functions.http.ApiResponse;
import orgshare.functions.http.HttpEvent;
import orgshare.functions.http.HttpFunction;
import orgshare.functions.http.HttpResult;
import orgshare.functions.http.Priming;
import orgshare.shared.Orgshare;
import orgshare.shared.auth.Caller;
import orgshare.shared.db.CountingClient;
import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.error.ApiException;
import orgshare.shared.error.Errors;
import orgshare.shared.federation.FederationClient;
import orgshare.shared.federation.FederationEndpoint;
import orgshare.shared.federation.PeerCall;
import orgshare.shared.federation.Pointers;
import orgshare.shared.httpsig.HttpMessage;
import orgshare.shared.json.Json;
import orgshare.shared.service.PeerExchange;
import orgshare.shared.service.PushStatusService;
import orgshare.shared.service.ReceiptService;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ANY /federation/v1/{proxy+}}: every call from a peer cloud, on a route without the API-key authorizer. It
 * verifies the call's signature (a registered peer, within the window, a fresh nonce, the body matching its digest),
 * establishes the merchant it is made for, and then does what a local request does: a member's request about a group
 * whose home is here runs the very handler of that route, with the peer's merchant as the caller; a home's message
 * (an invitation, a notice, a pull or a push for an owner hosted here, a deletion receipt for merchants hosted
 * here) goes to the service that takes it. Every
 * answer, refusals included, is signed and bound to the request.
 */
public final class FederationHandler extends HttpFunction {
    /** Bodies from peers: a pushed document (256 KiB) in its envelope, and no more. */
    static final int MAX_BODY_BYTES = 512 * 1024;

    private record Route(String method, Pattern path, List<String> names, HttpFunction handler) {
    }

    private final Orgshare app;
    private final List<Route> routes;

    public FederationHandler() {
        this(Orgshare.fromEnvironment());
    }

    public FederationHandler(Orgshare app) {
        this.app = app;
        Priming.register(app);
        this.routes = List.of(
                route("GET", "/groups/{groupId}", new GetGroupHandler(app)),
                route("DELETE", "/groups/{groupId}", new DissolveGroupHandler(app)),
                route("POST", "/groups/{groupId}/members", new InviteMemberHandler(app)),
                route("PUT", "/groups/{groupId}/members/me", new JoinGroupHandler(app)),
                route("DELETE", "/groups/{groupId}/members/{merchantId}", new LeaveGroupHandler(app)),
                route("GET", "/groups/{groupId}/rules", new GetRulesHandler(app)),
                route("PATCH", "/groups/{groupId}/rules", new ChangeRulesHandler(app)),
                route("GET", "/groups/{groupId}/providers", new ListProvidersHandler(app)),
                route("GET", "/groups/{groupId}/consent", new GetConsentHandler(app)),
                route("PATCH", "/groups/{groupId}/consent", new ChangeConsentHandler(app)),
                route("GET", "/groups/{groupId}/explain", new ExplainGrantHandler(app)),
                route("GET", "/groups/{groupId}/matrix", new MatrixHandler(app)),
                route("GET", "/groups/{groupId}/exchange/{ownerId}/{type}", new PullRecordsHandler(app)),
                route("POST", "/groups/{groupId}/exchange/{ownerId}/{type}", new PushDocumentHandler(app)));
    }

    @Override
    public HttpResult handle(HttpEvent event, Context context) {
        CountingClient.take();
        HttpMessage request = null;
        byte[] body = new byte[0];
        HttpResult response;
        try {
            body = body(event);
            request = HttpMessage.request(method(event), FederationEndpoint.targetUri(
                    header(event, "x-forwarded-proto", "https"), header(event, "host", "localhost"),
                    rawPath(event), event.rawQueryString()), headers(event));
            PeerCall call = app.federationEndpoint().verify(request, body);
            response = dispatch(call, event, new String(body, StandardCharsets.UTF_8), context);
        } catch (Throwable t) {
            ApiException failure = Errors.toApiException(t);
            response = ApiResponse.error(failure).toHttp();
        }
        return signed(response, request);
    }

    private HttpResult dispatch(PeerCall call, HttpEvent event, String body, Context context) {
        String method = method(event);
        String raw = rawPath(event);
        String path = raw.startsWith(FederationClient.PREFIX) ? raw.substring(FederationClient.PREFIX.length()) : "";
        if (path.startsWith("/groups/")) {
            return member(call, event, method, path, context);
        }
        if (!"POST".equals(method)) {
            throw ApiException.notFound("NOT_FOUND", "No federation message " + method + " " + path + ".");
        }
        return switch (path) {
            case "/invitations" -> ApiResponse.created(app.pointers().receiveInvitation(call,
                    Json.decodeRequest(body, Pointers.Invitation.class))).toHttp();
            case "/notices" -> ApiResponse.ok(app.pointers().receiveNotice(call,
                    Json.decodeRequest(body, Pointers.Notice.class))).toHttp();
            case "/pulls" -> ApiResponse.ok(app.peerExchange().servePull(call,
                    Json.decodeRequest(body, PeerExchange.PeerPull.class))).toHttp();
            case "/pushes" -> ApiResponse.accepted(app.peerExchange().receivePush(call,
                    Json.decodeRequest(body, PeerExchange.PeerPush.class))).toHttp();
            case ReceiptService.MESSAGE_PATH -> ApiResponse.ok(app.receipts().receive(call,
                    Json.decodeRequest(body, ReceiptService.ReceiptMessage.class))).toHttp();
            case PushStatusService.PATH -> {
                app.pushStatuses().receive(call, Json.decodeRequest(body, PushStatusService.StatusMessage.class));
                yield ApiResponse.noContent().toHttp();
            }
            default -> throw ApiException.notFound("NOT_FOUND", "No federation message POST " + path + ".");
        };
    }

    /**
     * A member's request about a group whose home is here, made through its own deployment: the route's own handler
     * runs it for that merchant. A peer speaks only for its clouds' merchants: a membership here that names another
     * cloud is refused, whatever the call signs.
     */
    private HttpResult member(PeerCall call, HttpEvent event, String method, String path, Context context) {
        for (Route route : routes) {
            Matcher matcher = route.path().matcher(path);
            if (!route.method().equals(method) || !matcher.matches()) {
                continue;
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            for (int i = 0; i < route.names().size(); i++) {
                parameters.put(route.names().get(i), matcher.group(i + 1));
            }
            if (!path.contains("/exchange/")) {
                requireOwnCloud(call, parameters.get("groupId")); // a pull or a push checks it in its own read
            }
            Map<String, String> headers = new HashMap<>();
            String idempotencyKey = header(event, "idempotency-key", null);
            if (idempotencyKey != null) {
                headers.put("idempotency-key", idempotencyKey);
            }
            HttpEvent inner = new HttpEvent.Builder()
                    .route(method, path)
                    .query(event.rawQueryString(), event.queryStringParameters())
                    .pathParameters(parameters)
                    .headers(headers)
                    .body(event.body(), event.isBase64Encoded())
                    .requestId(event.requestId())
                    .authorizer(new HashMap<>(Caller.peerMerchant(call.merchantId(), call.cloudId()).toContext()))
                    .build();
            return route.handler().handle(inner, context);
        }
        throw ApiException.notFound("NOT_FOUND", "No member route " + method + " " + path + " for peers.");
    }

    private void requireOwnCloud(PeerCall call, String groupId) {
        if (groupId == null || !groupId.matches("[0-9A-Za-z]{1,64}")) {
            return; // the route's handler refuses it in its words
        }
        Map<String, AttributeValue> member = app.table().client().getItem(b -> b.tableName(app.table().name())
                .consistentRead(true).key(OrgTable.keyMap(Keys.group(groupId), Keys.member(call.merchantId())))).item();
        if (member == null || member.isEmpty()) {
            return; // not a member: the handler answers as for anyone who is not
        }
        AttributeValue cloud = member.get("cloudId");
        if (member.containsKey("homeCloudId") || cloud == null || !call.cloudId().equals(cloud.s())) {
            throw ApiException.forbidden("NOT_PEER_CLOUD", "Merchant '" + call.merchantId()
                    + "' is in this group as a merchant of another cloud than the one this call speaks for.");
        }
    }

    private HttpResult signed(HttpResult response, HttpMessage request) {
        if (request == null || request.single("signature") == null) {
            return response;
        }
        byte[] bytes = response.body() == null ? new byte[0] : response.body().getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        app.federationEndpoint().sign(response.statusCode(), bytes, request)
                .forEach((name, values) -> headers.put(name, String.join(", ", values)));
        return response.withHeaders(headers);
    }

    private static byte[] body(HttpEvent event) {
        String body = event.body();
        if (body == null) {
            return new byte[0];
        }
        byte[] bytes;
        try {
            bytes = event.isBase64Encoded() ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("MALFORMED_BODY", "The body is marked base64 but is not valid base64.");
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw ApiException.tooLarge("A federation message is at most " + MAX_BODY_BYTES + " bytes.");
        }
        return bytes;
    }

    private static String rawPath(HttpEvent event) {
        String raw = event.rawPath();
        return raw == null || !raw.startsWith("/") ? "/" : raw;
    }

    private static String method(HttpEvent event) {
        return event.method() == null ? "GET" : event.method();
    }

    private static Map<String, List<String>> headers(HttpEvent event) {
        Map<String, List<String>> headers = new HashMap<>();
        if (event.headers() != null) {
            event.headers().forEach((name, value) -> {
                if (name != null && value != null) { // a header without a value is none (List.of takes no null)
                    headers.put(name, List.of(value));
                }
            });
        }
        return headers;
    }

    private static String header(HttpEvent event, String name, String otherwise) {
        String value = event.header(name);
        return value == null ? otherwise : value;
    }

    private static Route route(String method, String template, HttpFunction handler) {
        List<String> names = new java.util.ArrayList<>();
        Matcher names0 = Pattern.compile("\\{([A-Za-z]+)}").matcher(template);
        while (names0.find()) {
            names.add(names0.group(1));
        }
        Function<String, String> segment = s -> s.replaceAll("\\{[A-Za-z]+}", "([^/]+)");
        return new Route(method, Pattern.compile(segment.apply(template)), List.copyOf(names), handler);
    }
}
