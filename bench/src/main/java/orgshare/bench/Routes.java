package orgshare.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import orgshare.local.TemplateModel.HttpRoute;
import orgshare.shared.auth.Caller;
import orgshare.shared.service.MerchantService;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * For each route of template.yaml, a request that succeeds: what it needs is made first (a merchant to invite, an
 * invitation to accept, a group to dissolve...), outside of what is counted or timed, then the event is returned.
 * A route the template gains without a scenario here shows up in the report as not measured.
 */
final class Routes {
    static final String PULL = "GET /groups/{groupId}/exchange/{ownerId}/{type}";
    static final String PUSH = "POST /groups/{groupId}/exchange/{ownerId}/{type}";
    static final String JOIN = "PUT /groups/{groupId}/members/me";
    static final String LEAVE = "DELETE /groups/{groupId}/members/{merchantId}";
    static final String DISSOLVE = "DELETE /groups/{groupId}";
    static final String SET_RULES = "PATCH /groups/{groupId}/rules";
    static final String GET_ME = "GET /merchants/me";
    static final String PUT_RECORD = "PUT /records/{type}/{recordId}";
    static final String LIST_RECORDS = "GET /records/{type}";
    static final String GET_GROUP = "GET /groups/{groupId}";
    static final String FEDERATION = "ANY /federation/v1/{proxy+}";
    static final String PUT_WEBHOOK = "PUT /merchants/me/webhook";

    private static final Map<String, BiFunction<World, HttpRoute, APIGatewayV2HTTPEvent>> SCENARIOS = new LinkedHashMap<>();

    static {
        on("POST /clouds", (w, r) -> World.event(r, Caller.operator(),
                "{\"cloudId\":\"bench-" + w.next() + "\",\"name\":\"Another cloud\"}", Map.of(), Map.of()));
        on("POST /merchants", (w, r) -> World.event(r, Caller.operator(),
                "{\"cloudId\":\"" + World.CLOUD + "\",\"name\":\"Another merchant\"}", Map.of(), Map.of()));
        on(GET_ME, (w, r) -> World.event(r, w.partner, null, Map.of(), Map.of()));
        on("POST /merchants/me/key", (w, r) -> {
            MerchantService.MerchantView merchant = w.newMerchantView();
            APIGatewayV2HTTPEvent event = World.event(r, Caller.merchant(merchant.merchantId(), World.CLOUD), null, Map.of(), Map.of());
            event.setHeaders(Map.of("authorization", "Bearer " + merchant.apiKey()));
            return event;
        });
        on("POST /groups", (w, r) -> World.event(r, w.creator, "{\"name\":\"Another group\"}", Map.of(), Map.of()));
        on("GET /groups", (w, r) -> World.event(r, w.partner, null, Map.of(), Map.of()));
        on(GET_GROUP, (w, r) -> World.event(r, w.partner, null, Map.of("groupId", w.group), Map.of()));
        on("POST /groups/{groupId}/members", (w, r) -> World.event(r, w.creator,
                "{\"merchantId\":\"" + w.newMerchant().merchantId() + "\"}", Map.of("groupId", w.group), Map.of()));
        on(JOIN, (w, r) -> World.event(r, w.invited(), null, Map.of("groupId", w.group), Map.of()));
        on(LEAVE, (w, r) -> World.event(r, w.joined(), null, Map.of("groupId", w.group, "merchantId", "me"), Map.of()));
        // a group of the world's size made for the purpose: dissolving the world's own would end the other scenarios
        on(DISSOLVE, (w, r) -> World.event(r, w.creator, null, Map.of("groupId", w.group(w.groupSize, 1)), Map.of()));
        on(PUT_RECORD, (w, r) -> World.event(r, w.creator, "{\"item\":\"widget\",\"quantity\":10,\"total\":42.50}",
                Map.of("type", "order", "recordId", "NEW-" + w.next()), Map.of()));
        on(LIST_RECORDS, (w, r) -> World.event(r, w.creator, null, Map.of("type", "order"), Map.of()));
        on(SET_RULES, (w, r) -> World.event(r, w.creator, "{\"expectedVersion\":" + w.rulesVersion() + ",\"set\":[{\"ownerId\":\""
                        + w.creator.merchantId() + "\",\"partnerId\":\"" + w.partner.merchantId()
                        + "\",\"type\":\"stock-" + w.next() + "\",\"scope\":\"FIELDS\",\"fields\":[\"sku\",\"level\"],\"push\":false}]}",
                Map.of("groupId", w.group), Map.of()));
        on("GET /groups/{groupId}/rules", (w, r) -> World.event(r, w.partner, null, Map.of("groupId", w.group), Map.of()));
        on("GET /groups/{groupId}/providers", (w, r) -> World.event(r, w.partner, null, Map.of("groupId", w.group), Map.of()));
        // the owner (here the creator) caps a type of its own for the partner: as wide as the rules, so pulls are unchanged
        on("PATCH /groups/{groupId}/consent", (w, r) -> World.event(r, w.creator, "{\"expectedVersion\":" + w.consentVersion()
                        + ",\"set\":[{\"partnerId\":\"" + w.partner.merchantId() + "\",\"type\":\"stock-" + w.next()
                        + "\",\"maxScope\":\"FULL\"}]}", Map.of("groupId", w.group), Map.of()));
        on("GET /groups/{groupId}/consent", (w, r) -> World.event(r, w.creator, null, Map.of("groupId", w.group), Map.of()));
        // the partner asks what decides the creator's orders for it; the creator reads the first tile of the matrix
        on("GET /groups/{groupId}/explain", (w, r) -> World.event(r, w.partner, null, Map.of("groupId", w.group),
                Map.of("ownerId", w.creator.merchantId(), "partnerId", w.partner.merchantId(), "type", "order")));
        on("GET /groups/{groupId}/matrix", (w, r) -> World.event(r, w.creator, null, Map.of("groupId", w.group),
                Map.of("type", "order")));
        on(PULL, (w, r) -> World.event(r, w.partner, null,
                Map.of("groupId", w.group, "ownerId", w.creator.merchantId(), "type", "order"), Map.of()));
        on(PUSH, (w, r) -> World.event(r, w.partner, "{\"poNumber\":\"N-" + w.next() + "\",\"sku\":\"W-1\",\"quantity\":25}",
                Map.of("groupId", w.group, "ownerId", w.creator.merchantId(), "type", "purchase-order"), Map.of()));
        on("GET /inbox", (w, r) -> World.event(r, w.creator, null, Map.of(), Map.of()));
        // the owner acknowledges a fresh push each time (an acknowledgement is given once); the sender reads another
        on("POST /inbox/{messageId}/ack", (w, r) -> World.event(r, w.creator, "{\"status\":\"ACCEPTED\"}",
                Map.of("messageId", pushed(w)), Map.of()));
        on("GET /pushes/{messageId}", (w, r) -> World.event(r, w.partner, null, Map.of("messageId", pushed(w)), Map.of()));
        on(PUT_WEBHOOK, (w, r) -> World.event(r, w.creator,
                "{\"url\":\"https://93.184.216.34/hook\",\"events\":[\"inbox.received\",\"push.status\"]}", Map.of(), Map.of()));
        on("GET /merchants/me/webhook", (w, r) -> {
            webhook(w);
            return World.event(r, w.creator, null, Map.of(), Map.of());
        });
        on("GET /merchants/me/webhook/deliveries", (w, r) -> World.event(r, w.creator, null, Map.of(), Map.of()));
        on("GET /receipts", (w, r) -> World.event(r, w.creator, null, Map.of(), Map.of()));
        on("DELETE /merchants/me/webhook", (w, r) -> {
            webhook(w);
            return World.event(r, w.creator, null, Map.of(), Map.of());
        });
        on("GET /audit", (w, r) -> World.event(r, w.creator, null, Map.of(), Map.of()));
        on("GET /openapi.json", (w, r) -> World.event(r, Caller.anonymous("MISSING_KEY"), null, Map.of(), Map.of()));
        on("GET /console", (w, r) -> World.event(r, Caller.anonymous("MISSING_KEY"), null, Map.of(), Map.of()));
        // an asset, by the fingerprinted name the page itself names
        on("GET /console/{proxy+}", (w, r) -> World.event(r, Caller.anonymous("MISSING_KEY"), null,
                Map.of("proxy", consoleAsset(w)), Map.of()));
        on("GET /federation/identity", (w, r) -> World.event(r, Caller.anonymous("MISSING_KEY"), null, Map.of(), Map.of()));
        on("POST /peers", (w, r) -> {
            forgetPeer(w, "bench-peer-2");
            return World.event(r, Caller.operator(), w.peerRegistration("bench-peer-2"), Map.of(), Map.of());
        });
        on("GET /peers", (w, r) -> World.event(r, Caller.operator(), null, Map.of(), Map.of()));
        // the representative signed call: a registered peer's merchant, a member of the group, reads it (what its own
        // deployment forwards here), signed afresh each time (a nonce is taken once)
        on(FEDERATION, (w, r) -> {
            String merchant = w.peerMember();
            APIGatewayV2HTTPEvent event = World.event(r, Caller.anonymous("MISSING_KEY"), null, Map.of("proxy+", "groups/" + w.group), Map.of());
            event.getRequestContext().getHttp().setMethod("GET");
            event.getRequestContext().setAuthorizer(null); // no authorizer runs on this route
            Map<String, String> headers = new java.util.HashMap<>(Map.of("host", "bench.example", "x-forwarded-proto", "https"));
            headers.putAll(w.peerSignature("GET", java.net.URI.create("https://bench.example" + event.getRawPath()),
                    merchant + "@" + World.PEER_CLOUD));
            event.setHeaders(headers);
            return event;
        });
        on("DELETE /peers/{cloudId}", (w, r) -> {
            forgetPeer(w, "bench-peer");
            w.app.peers().register(Caller.operator(), orgshare.shared.json.Json.decodeRequest(w.peerRegistration("bench-peer"),
                    orgshare.shared.federation.PeerService.RegisterPeer.class));
            return World.event(r, Caller.operator(), null, Map.of("cloudId", "bench-peer"), Map.of());
        });
    }

    private Routes() {
    }

    /** Ends the bench's peer if it is registered, so that the next registration is a first one. */
    private static void forgetPeer(World w, String cloudId) {
        try {
            w.app.peers().delete(Caller.operator(), cloudId);
        } catch (orgshare.shared.error.ApiException notRegistered) {
            // nothing to end
        }
    }

    /** A purchase order the partner pushed to the creator just now. */
    private static String pushed(World w) {
        return w.app.exchange().push(w.partner, w.group, w.creator.merchantId(), "purchase-order",
                "{\"poNumber\":\"N-" + w.next() + "\"}").messageId();
    }

    /** The creator's webhook, set (again). */
    private static void webhook(World w) {
        w.app.webhooks().set(w.creator, new orgshare.shared.webhooks.WebhookService.SetWebhook("https://93.184.216.34/hook",
                java.util.List.of("inbox.received"), null));
    }

    private static void on(String routeKey, BiFunction<World, HttpRoute, APIGatewayV2HTTPEvent> scenario) {
        SCENARIOS.put(routeKey, scenario);
    }

    static boolean has(HttpRoute route) {
        return SCENARIOS.containsKey(route.routeKey());
    }

    /** Makes what the route needs in {@code world} and returns a request of it that succeeds. */
    static APIGatewayV2HTTPEvent prepare(World world, HttpRoute route) {
        BiFunction<World, HttpRoute, APIGatewayV2HTTPEvent> scenario = SCENARIOS.get(route.routeKey());
        if (scenario == null) {
            throw new IllegalArgumentException("no scenario for " + route.routeKey());
        }
        return scenario.apply(world, route);
    }

    /** The path (after /console/) of the script the console's page names, as the console function serves the page. */
    private static String consoleAsset(World w) {
        HttpRoute page = w.route("GET /console");
        String html = w.invokeOk(page, World.event(page, Caller.anonymous("MISSING_KEY"), null, Map.of(), Map.of())).getBody();
        java.util.regex.Matcher script = java.util.regex.Pattern.compile("/console/(assets/[\\w.-]+\\.js)").matcher(html);
        if (!script.find()) {
            throw new IllegalStateException("the console's page names no script");
        }
        return script.group(1);
    }
}
