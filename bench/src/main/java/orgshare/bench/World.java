package orgshare.bench;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import orgshare.local.EventJson;
import orgshare.local.TemplateModel;
import orgshare.local.TemplateModel.HttpRoute;
import orgshare.shared.Orgshare;
import orgshare.shared.auth.ApiKeys;
import orgshare.shared.auth.Caller;
import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.model.MemberItem;
import orgshare.shared.model.RecordItem;
import orgshare.shared.model.RuleItem;
import orgshare.shared.rules.Rule;
import orgshare.shared.rules.Scope;
import orgshare.shared.service.CloudService;
import orgshare.shared.service.GroupService;
import orgshare.shared.service.MembershipService;
import orgshare.shared.service.MerchantService;
import orgshare.shared.service.RuleService;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A table with a cloud, a creator (who also owns the records) and a partner, both ACTIVE in a group of a chosen
 * size; the creator opens its orders FULL to the partner and accepts its purchase orders. Handlers are built from
 * template.yaml on this table and invoked in-process with payload 2.0 events, the caller in the authorizer's context.
 */
final class World {
    static final String CLOUD = "bench";
    /** The cloud the bench's peer hosts (its identity on loopback), as registered for the peer routes. */
    static final String PEER_CLOUD = "bench-peer";
    static final String SEED_TIME = "2026-11-25T10:00:00.000Z";
    /** The template's Timeout: what a handler's time budget sees on a fresh invocation. */
    static final int TIMEOUT_MS = 15_000;

    final Db db;
    final DynamoDbClient client;
    final String table;
    final Orgshare app;
    final TemplateModel template;
    final String operatorKey = ApiKeys.generate();
    final MerchantService.MerchantView creatorView;
    final MerchantService.MerchantView partnerView;
    final Caller creator;
    final Caller partner;
    final String group;
    final int groupSize;
    private final Map<String, RequestStreamHandler> handlers = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    /**
     * @param seededRules rules per seeded member (owner: that member, partners: the next members), bound to their
     *                    memberships as RuleItem.create binds them
     */
    World(Db db, Path templateFile, int groupSize, int seededRules, DynamoDbClient client) {
        this.db = db;
        this.client = client;
        this.table = db.newTable(client);
        this.app = Orgshare.create(client, Map.of(Orgshare.ENV_TABLE_NAME, table,
                Orgshare.ENV_OPERATOR_KEY_HASH, ApiKeys.hash(operatorKey),
                Orgshare.ENV_CURSOR_SECRET, orgshare.shared.db.Cursors.newSecret(),
                Orgshare.ENV_FEDERATION_KEY_SECRET, orgshare.shared.federation.FederationKey.newSecret(),
                Orgshare.ENV_ALLOW_LOOPBACK_PEERS, "true", Orgshare.ENV_ALLOW_LOOPBACK_WEBHOOKS, "true"));
        this.template = TemplateModel.load(templateFile, Map.of("OperatorKeyHash", ApiKeys.hash(operatorKey)), table);
        app.clouds().register(Caller.operator(), new CloudService.CreateCloud(CLOUD, "Bench"));
        this.creatorView = app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant(CLOUD, "Creator"));
        this.partnerView = app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant(CLOUD, "Partner"));
        this.creator = Caller.merchant(creatorView.merchantId(), CLOUD);
        this.partner = Caller.merchant(partnerView.merchantId(), CLOUD);
        this.groupSize = groupSize;
        this.group = group(groupSize, seededRules);
        long version = app.rules().list(creator, group, "1", null).version();
        app.rules().change(creator, group, new RuleService.RuleChanges(version, List.of(
                new RuleService.RuleInput(creator.merchantId(), partner.merchantId(), "order", "FULL", null, null, false),
                new RuleService.RuleInput(creator.merchantId(), partner.merchantId(), "purchase-order", "NONE", null, null, true)),
                null));
        for (int i = 0; i < 20; i++) {
            app.records().put(creator, "order", String.format("PO-%04d", i),
                    "{\"buyerId\":\"" + partner.merchantId() + "\",\"item\":\"widget\",\"quantity\":" + (i + 1) + ",\"total\":42.50}");
        }
    }

    /** A group of {@code size} ACTIVE members: the creator and the partner (through the service), and seeded ones. */
    String group(int size, int seededRules) {
        String groupId = app.groups().create(creator, new GroupService.CreateGroup("Bench group")).groupId();
        app.memberships().invite(creator, groupId, new MembershipService.InviteMember(partner.merchantId()));
        app.memberships().join(partner, groupId);
        seed(groupId, size - 2, seededRules);
        return groupId;
    }

    /**
     * Writes {@code members} ACTIVE members and {@code rulesEach} rules per member directly with BatchWriteItem (the
     * lifecycle that makes them is measured elsewhere), a few batches at a time.
     */
    void seed(String groupId, int members, int rulesEach) {
        List<WriteRequest> writes = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            writes.add(put(MemberItem.SCHEMA.itemToMap(MemberItem.create(groupId, seededId("01JDSEED", i), CLOUD,
                    MemberItem.MEMBER, MemberItem.ACTIVE, seededId("01JDMSHP", i), SEED_TIME), true)));
            for (int r = 1; r <= rulesEach; r++) {
                int p = (i + r) % members;
                Rule rule = new Rule(seededId("01JDSEED", i), seededId("01JDSEED", p), "order", Scope.FULL, null, null, false);
                writes.add(put(RuleItem.SCHEMA.itemToMap(RuleItem.create(groupId, rule,
                        seededId("01JDMSHP", i), seededId("01JDMSHP", p), 1, SEED_TIME), true)));
            }
        }
        batchWrite(writes);
    }

    /** {@code count} records of {@code type} owned by the creator, written directly with BatchWriteItem. */
    void seedRecords(String type, int count) {
        List<WriteRequest> writes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            writes.add(put(RecordItem.SCHEMA.itemToMap(RecordItem.create(creator.merchantId(), type,
                    String.format("R-%08d", i), SEED_TIME, "{\"n\":" + i + ",\"item\":\"widget\",\"quantity\":10,\"total\":42.50}"), true)));
        }
        batchWrite(writes);
    }

    /** BatchWriteItem through the application's own writer (25 a call, unprocessed items retried), 4 calls at a time. */
    void batchWrite(List<WriteRequest> writes) {
        int chunk = 1000;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int from = 0; from < writes.size(); from += chunk) {
                List<WriteRequest> part = writes.subList(from, Math.min(writes.size(), from + chunk));
                done.add(pool.submit(() -> app.table().batchWrite(part)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("seeding failed", e);
        } finally {
            pool.shutdown();
        }
    }

    static String seededId(String prefix, int i) {
        return prefix + String.format("%018d", i);
    }

    private static WriteRequest put(Map<String, AttributeValue> item) {
        return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
    }

    /** Another deployment's identity on loopback, hosting two clouds, for the peer routes: a registration body. */
    synchronized String peerRegistration(String cloudId) {
        if (peer == null) {
            peer = orgshare.shared.testing.PeerIdentityServer.start(PEER_CLOUD, "bench-peer-2");
        }
        return peer.registration(cloudId);
    }

    private orgshare.shared.testing.PeerIdentityServer peer;
    private String peerMember;

    /**
     * A merchant of the peer's cloud, ACTIVE in the group as that cloud's (written directly, as the seeded members
     * are), with the peer registered: what a signed call from the peer on that merchant's behalf needs.
     */
    synchronized String peerMember() {
        try {
            app.peers().register(Caller.operator(), orgshare.shared.json.Json.decodeRequest(peerRegistration(PEER_CLOUD),
                    orgshare.shared.federation.PeerService.RegisterPeer.class));
        } catch (orgshare.shared.error.ApiException registered) {
            // PEER_EXISTS: still registered from an earlier scenario
        }
        if (peerMember == null) {
            peerMember = seededId("01JDPEER", 0);
            batchWrite(List.of(put(MemberItem.SCHEMA.itemToMap(MemberItem.create(group, peerMember, PEER_CLOUD,
                    MemberItem.MEMBER, MemberItem.ACTIVE, seededId("01JDPSHP", 0), SEED_TIME), true))));
        }
        return peerMember;
    }

    /** The headers with which the peer signs a call to {@code target} for {@code merchant}. */
    Map<String, String> peerSignature(String method, java.net.URI target, String merchant) {
        peerRegistration(PEER_CLOUD);
        return peer.signRequest(method, target, merchant, null);
    }

    /** A new merchant of the cloud (for a rotation, an invitation or a join). */
    Caller newMerchant() {
        return Caller.merchant(newMerchantView().merchantId(), CLOUD);
    }

    /** A new merchant with its key, for a request that presents it (a key rotation replaces the key presented). */
    MerchantService.MerchantView newMerchantView() {
        return app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant(CLOUD, "Merchant " + next()));
    }

    /** A merchant invited to the group, ready to join. */
    Caller invited() {
        Caller merchant = newMerchant();
        app.memberships().invite(creator, group, new MembershipService.InviteMember(merchant.merchantId()));
        return merchant;
    }

    /** A merchant ACTIVE in the group, ready to leave. */
    Caller joined() {
        Caller merchant = invited();
        app.memberships().join(merchant, group);
        return merchant;
    }

    long next() {
        return sequence.incrementAndGet();
    }

    long rulesVersion() {
        return app.rules().list(creator, group, "1", null).version();
    }

    /** The version of the creator's caps on its own data in the world's group. */
    long consentVersion() {
        return app.consent().list(creator, group, null, "1", null).version();
    }

    /** The key of a merchant's item: what GET /merchants/me reads. */
    Map<String, AttributeValue> merchantKey(Caller caller) {
        return OrgTable.keyMap(Keys.merchant(caller.merchantId()), Keys.MERCHANT_SK);
    }

    /** A payload 2.0 event as API Gateway passes it after the authorizer: the caller in the authorizer's context. */
    static APIGatewayV2HTTPEvent event(HttpRoute route, Caller caller, String body, Map<String, String> path,
                                       Map<String, String> query) {
        String rawPath = route.path();
        for (Map.Entry<String, String> p : path.entrySet()) {
            rawPath = rawPath.replace("{" + p.getKey() + "}", p.getValue());
        }
        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
        authorizer.setLambda(new HashMap<>(caller.toContext()));
        APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setMethod(route.method());
        http.setPath(rawPath);
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setAuthorizer(authorizer);
        context.setHttp(http);
        context.setRouteKey(route.routeKey());
        context.setRequestId("bench-request");
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setVersion("2.0");
        event.setRouteKey(route.routeKey());
        event.setRawPath(rawPath);
        event.setRequestContext(context);
        event.setHeaders(body == null ? Map.of() : Map.of("content-type", "application/json"));
        event.setPathParameters(path.isEmpty() ? null : path);
        event.setQueryStringParameters(query.isEmpty() ? null : query);
        event.setBody(body);
        return event;
    }

    HttpRoute route(String routeKey) {
        return template.httpRoutes().stream().filter(r -> r.routeKey().equals(routeKey)).findFirst()
                .orElseThrow(() -> new IllegalStateException("template.yaml has no route " + routeKey));
    }

    /** The route's function, built once through its (Orgshare) constructor on this world's table, and kept warm. */
    RequestStreamHandler handler(String functionId) {
        return handlers.computeIfAbsent(functionId, id -> {
            String className = template.requireFunction(id).handlerClass();
            try {
                Class<?> handler = Class.forName(className);
                try {
                    return (RequestStreamHandler) handler.getConstructor(Orgshare.class).newInstance(app);
                } catch (NoSuchMethodException usesNoTable) {
                    return (RequestStreamHandler) handler.getConstructor().newInstance(); // the API's description
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(className + " cannot be built on the bench's table", e);
            }
        });
    }

    APIGatewayV2HTTPResponse invoke(HttpRoute route, APIGatewayV2HTTPEvent event) {
        return invoke(route, event, TIMEOUT_MS);
    }

    /**
     * Invokes the route's handler as the Lambda runtime does, with the event's JSON bytes, and reads its answer back;
     * {@code remainingMs} is what the Lambda context says is left of the invocation.
     */
    APIGatewayV2HTTPResponse invoke(HttpRoute route, APIGatewayV2HTTPEvent event, int remainingMs) {
        try {
            return EventJson.mapper().readValue(call(route.functionId(), event, remainingMs), APIGatewayV2HTTPResponse.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Invokes a function with the event's JSON bytes, as the Lambda runtime does; its answer's bytes. */
    byte[] call(String functionId, Object event, int remainingMs) {
        try {
            byte[] bytes = EventJson.mapper().writeValueAsBytes(event);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler(functionId).handleRequest(new ByteArrayInputStream(bytes), out, new BenchContext(remainingMs));
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One invocation to time: the event's bytes made once, then each run is the handler alone, bytes in and bytes out
     * as the Lambda runtime hands them over (no JSON of the bench's own in the timed part), insisting on a 2xx.
     */
    Runnable timedOk(HttpRoute route, APIGatewayV2HTTPEvent event) {
        byte[] bytes;
        try {
            bytes = EventJson.mapper().writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RequestStreamHandler handler = handler(route.functionId());
        BenchContext context = new BenchContext(TIMEOUT_MS);
        return () -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
            try {
                handler.handleRequest(new ByteArrayInputStream(bytes), out, context);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (!out.toString(java.nio.charset.StandardCharsets.UTF_8).startsWith("{\"statusCode\":2")) {
                throw new IllegalStateException(route.routeKey() + " answered " + out.toString(java.nio.charset.StandardCharsets.UTF_8));
            }
        };
    }

    /** Invokes and insists on a 2xx: a figure measured on an error path would be a wrong figure. */
    APIGatewayV2HTTPResponse invokeOk(HttpRoute route, APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPResponse response = invoke(route, event);
        requireOk(route.routeKey(), response);
        return response;
    }

    static void requireOk(String what, APIGatewayV2HTTPResponse response) {
        if (response.getStatusCode() / 100 != 2) {
            throw new IllegalStateException(what + " answered " + response.getStatusCode() + ": " + response.getBody());
        }
    }

    /**
     * A Lambda context whose logger drops what it is given: the handler still builds its one JSON log line (that is
     * its work), but the bench does not time a terminal printing it.
     */
    record BenchContext(int remainingMs) implements Context {
        private static final LambdaLogger DISCARD = new LambdaLogger() {
            @Override
            public void log(String message) {
            }

            @Override
            public void log(byte[] message) {
            }
        };

        @Override
        public String getAwsRequestId() {
            return "bench";
        }

        @Override
        public String getLogGroupName() {
            return "bench";
        }

        @Override
        public String getLogStreamName() {
            return "bench";
        }

        @Override
        public String getFunctionName() {
            return "bench";
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:us-east-1:123456789012:function:bench";
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return remainingMs;
        }

        @Override
        public int getMemoryLimitInMB() {
            return 1024;
        }

        @Override
        public LambdaLogger getLogger() {
            return DISCARD;
        }
    }
}
