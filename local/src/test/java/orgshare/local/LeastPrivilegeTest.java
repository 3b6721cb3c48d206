package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.local.TemplateModel.HttpRoute;
import orgshare.local.TemplateModel.LambdaFunction;
import orgshare.shared.Orgshare;
import orgshare.shared.auth.ApiKeys;
import orgshare.shared.federation.FederationKey;
import orgshare.shared.db.TableDefinition;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.testing.PeerSignatures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each function's policy in template.yaml grants exactly the DynamoDB actions it uses, on exactly the resources
 * (the table, or its gsi1 index) it uses them on. One scenario runs every route over real HTTP through the local
 * API, on its success paths and its refusal paths (including the refusals that read to explain themselves), and the
 * scheduled cleanup on departures and on a dissolved group; then the same deployment federated with two peer
 * deployments (each a whole one, with its own DynamoDB Local): as a member's deployment that forwards to a group's
 * home, as a home that runs peers' merchants' requests, as an owner's that serves a home's pulls and pushes, and its
 * cleanup telling peers. An interceptor on this deployment's DynamoDB client records, per function, the IAM actions
 * each request needs. Then, per function: what it did is granted, what it is granted it did, read-only functions hold
 * no write action (named exceptions), every policy names only the table or its gsi1 index, and each secret is
 * readable by exactly the functions that used it.
 */
class LeastPrivilegeTest {
    private static final String OPERATOR_KEY = ApiKeys.generate();
    private static final String GSI1 = TableDefinition.GSI1;
    /** Well-formed, never created. */
    private static final String UNKNOWN_MERCHANT = "01JDMERCHANT0000000000000Z";

    /** Functions that touch no AWS resource (the API's description, from the jar): no Policies, no call. */
    private static final Set<String> NO_TABLE = Set.of("OpenApiFunction", "ConsoleFunction");

    /** What IAM calls a write: a read-only function holds none of these. */
    private static final Set<String> WRITE_ACTIONS = Set.of("dynamodb:PutItem", "dynamodb:UpdateItem",
            "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
            "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete");

    /**
     * Read-only functions that write by design: function -> write action -> why. The pull is a GET, but every pull
     * is audited: its PULL event goes into both the owner's and the caller's audit log, two puts in one
     * TransactWriteItems (ExchangeService.pull), so an owner can always see who read its records. Reading a group
     * whose home is a peer is how its member learns that the home no longer knows it: the pointer goes then.
     */
    private static final Map<String, Map<String, String>> WRITES_BY_DESIGN = Map.of(
            "PullRecordsFunction", Map.of("dynamodb:PutItem",
                    "a pull writes its PULL audit event into the owner's and the caller's logs (ExchangeService.pull)"),
            "GetGroupFunction", Map.of("dynamodb:DeleteItem",
                    "a read that the group's home answers as gone drops the caller's pointer to it (Forwarder.follow)"));

    /** A resource a policy or a request names, relative to the one table. */
    static final String TABLE = "table";
    static final String INDEX_GSI1 = "table/index/" + GSI1;
    static final String ANY_RESOURCE = "*";

    /** One IAM permission: an action on a resource. */
    record Grant(String action, String resource) implements Comparable<Grant> {
        @Override
        public int compareTo(Grant other) {
            return toString().compareTo(other.toString());
        }

        @Override
        public String toString() {
            return action + " on " + resource;
        }
    }

    private static TemplateModel template;
    private static String table;
    private static Recorder recorder;
    private static FunctionInvoker invoker;
    private static LocalApi api;
    /** The table's stream, fed to the delivery function as start-api does. */
    private static LocalStreamPoller stream;
    private static RouteTable routeTable;
    private static final Set<String> routesRequested = ConcurrentHashMap.newKeySet();
    private static final Set<String> functionsInvokedDirectly = ConcurrentHashMap.newKeySet();
    /** Functions that handed out a cursor: sealing one needs the cursor secret. */
    private static final Set<String> functionsThatPaged = ConcurrentHashMap.newKeySet();
    /**
     * Functions that used this deployment's federation key: they published it, or signed with it a call or an answer
     * that a peer verified (a peer takes no other).
     */
    private static final Set<String> functionsThatUsedTheFederationKey = ConcurrentHashMap.newKeySet();
    private static final String FEDERATION_FUNCTION = "FederationFunction";
    /** This deployment's federation identity, which its peers register. */
    private static String fingerprint;

    @BeforeAll
    static void runTheScenario() throws Exception {
        table = DynamoDbLocal.newTable(DynamoDbLocal.client());
        template = TemplateModel.load(ProjectFiles.TEMPLATE, OperatorKey.of(OPERATOR_KEY).parameterOverrides(), table);
        recorder = new Recorder(template, table);
        LocalSecrets secrets = LocalSecrets.fresh();
        fingerprint = FederationKey.fromSecret(secrets::federationSecret).fingerprint();
        invoker = new FunctionInvoker(template, DynamoDbLocal.client(recorder), secrets)
                .withEnvironment(Orgshare.ENV_ALLOW_LOOPBACK_WEBHOOKS, "true"); // start-api --allow-loopback-webhooks
        stream = new LocalStreamPoller(invoker, DynamoDbLocal.client(), DynamoDbLocal.streamsClient(), table,
                template.streamSources(), null, System.err);
        api = LocalApi.start(invoker, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        routeTable = new RouteTable(template.httpRoutes());
        long started = System.nanoTime();
        scenario();
        federatedScenario();
        System.out.printf("scenario: %.1f s%n", (System.nanoTime() - started) / 1e9);
        System.out.println(observedTable());
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ the checks

    @Test
    void theScenarioReachedEveryRouteAndTheSchedule() {
        Set<String> routes = template.httpRoutes().stream().map(HttpRoute::routeKey).collect(Collectors.toCollection(TreeSet::new));
        routes.removeAll(routesRequested);
        assertEquals(Set.of(), routes, "routes the scenario never requested");
        Set<String> scheduled = template.schedules().stream().map(TemplateModel.Schedule::functionId).collect(Collectors.toSet());
        assertFalse(scheduled.isEmpty());
        assertTrue(functionsInvokedDirectly.containsAll(scheduled), "the scenario runs every scheduled function: " + scheduled);
        for (LambdaFunction function : template.functions()) {
            if (NO_TABLE.contains(function.logicalId())) {
                assertTrue(recorder.needed(function.logicalId()).isEmpty(), function.logicalId() + " uses no table, yet called it");
            } else {
                assertFalse(recorder.needed(function.logicalId()).isEmpty(), function.logicalId() + " made no DynamoDB call");
            }
        }
    }

    @Test
    void everyDynamoDbCallIsAttributedToOneFunction() {
        assertEquals(List.of(), recorder.unattributed(), "calls made outside any function of the template");
        Map<String, List<String>> byClass = template.functions().stream()
                .collect(Collectors.groupingBy(LambdaFunction::handlerClass, Collectors.mapping(LambdaFunction::logicalId, Collectors.toList())));
        byClass.forEach((handler, functions) -> assertEquals(1, functions.size(),
                "each function has a handler class of its own; " + handler + " serves " + functions));
    }

    /** (a) observed ⊆ granted. */
    @Test
    void everythingAFunctionDoesIsGranted() {
        Map<String, Set<Grant>> granted = grants(new ArrayList<>());
        assertAll(template.functions().stream().map(LambdaFunction::logicalId).map(id -> (Executable) () -> {
            Set<Grant> own = granted.getOrDefault(id, Set.of());
            Set<Grant> missing = new TreeSet<>(recorder.needed(id));
            missing.removeAll(own);
            missing.removeIf(needed -> own.contains(new Grant(needed.action(), ANY_RESOURCE))); // test (d) refuses "*"
            assertEquals(Set.of(), missing, id + " does this at runtime, but its policy does not grant it");
        }));
    }

    /** (b) granted ⊆ observed. */
    @Test
    void nothingIsGrantedThatIsNotUsed() {
        Map<String, Set<Grant>> granted = grants(new ArrayList<>());
        assertAll(template.functions().stream().map(LambdaFunction::logicalId).map(id -> (Executable) () -> {
            Set<Grant> unused = new TreeSet<>(granted.getOrDefault(id, Set.of()));
            unused.removeAll(recorder.needed(id));
            assertEquals(Set.of(), unused, id + "'s policy grants this, but the function never needs it");
        }));
    }

    /**
     * (e) The cursor secret: a function is told where it is (CURSOR_SECRET_ARN) exactly when its policy may read it
     * (secretsmanager:GetSecretValue on that secret and nothing else), and exactly when it hands out cursors. The
     * runner gives the secret only to the functions the template tells, so a paging function without it fails.
     */
    @Test
    void theCursorSecretIsReadableExactlyByTheFunctionsThatPage() {
        Map<String, Set<Grant>> secretReads = secretReads();
        Set<String> told = new TreeSet<>();
        for (LambdaFunction function : template.functions()) {
            if (function.environment().containsKey(Orgshare.ENV_CURSOR_SECRET_ARN)) {
                told.add(function.logicalId());
            }
            Set<Grant> reads = secretReads.getOrDefault(function.logicalId(), Set.of());
            Set<Grant> expected = new TreeSet<>();
            if (told.contains(function.logicalId())) {
                expected.add(new Grant("secretsmanager:GetSecretValue", "secret CursorSecret"));
            }
            if (function.environment().containsKey(Orgshare.ENV_FEDERATION_KEY_SECRET_ARN)) {
                expected.add(new Grant("secretsmanager:GetSecretValue", "secret FederationKeySecret"));
            }
            assertEquals(expected, reads, function.logicalId() + "'s secret grants: each secret it is told of, no other");
        }
        assertEquals(new TreeSet<>(functionsThatPaged), told, "told where the secret is = handed out cursors");
    }

    /**
     * (f) The federation secret: a function is told where it is (FEDERATION_KEY_SECRET_ARN) exactly when it used the key
     * it derives (the test above holds its policy to the same functions). The runner gives the secret only to the
     * functions the template tells, so a function that signs without it fails, and its peer would take nothing.
     */
    @Test
    void theFederationSecretIsReadableExactlyByTheFunctionsThatUseTheKey() {
        Set<String> told = template.functions().stream()
                .filter(f -> f.environment().containsKey(Orgshare.ENV_FEDERATION_KEY_SECRET_ARN))
                .map(LambdaFunction::logicalId).collect(Collectors.toCollection(TreeSet::new));
        assertFalse(told.isEmpty());
        assertEquals(told, new TreeSet<>(functionsThatUsedTheFederationKey),
                "told where the federation secret is = published the key or signed with it");
    }

    /** Per function, its grants on the template's secrets ({@code !Ref} to an AWS::SecretsManager::Secret). */
    private static Map<String, Set<Grant>> secretReads() {
        Map<String, Set<Grant>> reads = new TreeMap<>();
        for (LambdaFunction function : template.functions()) {
            Map<String, Object> properties = asMap(template.resources().get(function.logicalId()).get("Properties"));
            for (Object policy : list(properties.getOrDefault("Policies", List.of()))) {
                Map<String, Object> document = asMap(policy);
                for (Object raw : document == null ? List.of() : list(document.get("Statement"))) {
                    Map<String, Object> statement = asMap(raw);
                    String secret = secretOf(statement.get("Resource"));
                    if (secret != null) {
                        for (Object action : list(statement.get("Action"))) {
                            reads.computeIfAbsent(function.logicalId(), k -> new TreeSet<>())
                                    .add(new Grant(String.valueOf(action), "secret " + secret));
                        }
                    }
                }
            }
        }
        return reads;
    }

    /**
     * (g) The stream's on-failure queue: a function may send to a queue exactly when the queue is the on-failure
     * destination of its own DynamoDB stream event (the event source mapping sends there with the function's role), and
     * to nothing else. (The stream read itself, GetRecords and the like, is SAM's managed AWSLambdaDynamoDBExecutionRole,
     * which SAM adds to a function with a DynamoDB event; it names no table, so no policy here states it.)
     */
    @Test
    void theOnFailureQueueIsWritableExactlyByItsStreamsFunction() {
        assertFalse(template.streamSources().isEmpty(), "the template reads the table's stream");
        for (LambdaFunction function : template.functions()) {
            Map<String, Object> properties = asMap(template.resources().get(function.logicalId()).get("Properties"));
            Set<String> destinations = new TreeSet<>();
            for (TemplateModel.StreamSource source : template.streamSources()) {
                if (source.functionId().equals(function.logicalId())) {
                    Map<String, Object> event = asMap(asMap(asMap(properties.get("Events")).get(source.eventName())).get("Properties"));
                    Map<String, Object> onFailure = asMap(asMap(event.get("DestinationConfig")).get("OnFailure"));
                    String queue = queueOf(onFailure.get("Destination"));
                    assertNotNull(queue, source + ": its on-failure destination is a queue of the template");
                    destinations.add(queue);
                }
            }
            Set<String> sends = new TreeSet<>();
            for (Object policy : list(properties.getOrDefault("Policies", List.of()))) {
                Map<String, Object> document = asMap(policy);
                for (Object raw : document == null ? List.of() : list(document.get("Statement"))) {
                    Map<String, Object> statement = asMap(raw);
                    for (Object action : list(statement.get("Action"))) {
                        if (String.valueOf(action).startsWith("sqs:")) {
                            assertEquals("sqs:SendMessage", action, function.logicalId() + ": sends, nothing more");
                            assertNotNull(queueOf(statement.get("Resource")), function.logicalId() + ": to a queue of the template");
                            sends.add(queueOf(statement.get("Resource")));
                        }
                    }
                }
            }
            assertEquals(destinations, sends, function.logicalId() + " sends to its stream's on-failure queue, to no other");
        }
    }

    /** The logical ID of the queue a Resource is a {@code !GetAtt <queue>.Arn} of, or null for anything else. */
    private static String queueOf(Object resource) {
        Map<String, Object> intrinsic = asMap(resource);
        Object getAtt = intrinsic == null ? null : intrinsic.get("Fn::GetAtt");
        List<?> parts = getAtt instanceof List<?> l ? l : getAtt instanceof String s ? List.of(s.split("\\.", 2)) : List.of();
        Map<String, Object> target = parts.size() == 2 && "Arn".equals(parts.get(1)) ? template.resources().get(String.valueOf(parts.get(0))) : null;
        return target != null && "AWS::SQS::Queue".equals(target.get("Type")) ? String.valueOf(parts.get(0)) : null;
    }

    /** The logical ID of the secret a Resource is a {@code !Ref} to, or null for anything else. */
    private static String secretOf(Object resource) {
        Map<String, Object> intrinsic = asMap(resource);
        Object ref = intrinsic == null ? null : intrinsic.get("Ref");
        Map<String, Object> target = ref instanceof String id ? template.resources().get(id) : null;
        return target != null && "AWS::SecretsManager::Secret".equals(target.get("Type")) ? (String) ref : null;
    }

    /** (c) The authorizer and the GET routes' functions hold no write action, except the named by-design writes. */
    @Test
    void readOnlyFunctionsHoldNoWriteAction() {
        Set<String> readOnly = readOnlyFunctions();
        assertTrue(readOnly.contains(template.defaultAuthorizer().orElseThrow().functionId()));
        WRITES_BY_DESIGN.keySet().forEach(id -> assertTrue(readOnly.contains(id),
                id + " is named as a read-only function that writes by design, but it is not a read-only function"));
        Map<String, Set<Grant>> granted = grants(new ArrayList<>());
        assertAll(readOnly.stream().map(id -> (Executable) () -> {
            Set<String> allowed = WRITES_BY_DESIGN.getOrDefault(id, Map.of()).keySet();
            Set<String> grantedWrites = actions(granted.getOrDefault(id, Set.of()));
            grantedWrites.retainAll(WRITE_ACTIONS);
            grantedWrites.removeAll(allowed);
            assertEquals(Set.of(), grantedWrites, id + " is read-only (" + why(id) + ") but its policy grants writes");
            Set<String> doneWrites = actions(recorder.needed(id));
            doneWrites.retainAll(WRITE_ACTIONS);
            doneWrites.removeAll(allowed);
            assertEquals(Set.of(), doneWrites, id + " is read-only (" + why(id) + ") but writes at runtime");
            for (String action : allowed) {
                assertTrue(actions(recorder.needed(id)).contains(action), id + " is allowed " + action + " because "
                        + WRITES_BY_DESIGN.get(id).get(action) + ", but the scenario never saw it: drop the exception");
            }
        }));
    }

    /** (d) Every Resource is the table or its gsi1 index; nobody holds Scan, a wildcard, or anything but Allow. */
    @Test
    void policiesNameOnlyTheTableAndItsIndexAndNoWildcardOrScan() {
        List<String> problems = new ArrayList<>();
        Map<String, Set<Grant>> granted = grants(problems);
        granted.forEach((id, grants) -> {
            for (Grant grant : grants) {
                if (!grant.resource().equals(TABLE) && !grant.resource().equals(INDEX_GSI1)) {
                    problems.add(id + ": Resource " + grant.resource() + " is neither the table's ARN nor its gsi1 index's");
                }
                if (grant.action().contains("*")) {
                    problems.add(id + ": wildcard action " + grant.action());
                }
                if (grant.action().equalsIgnoreCase("dynamodb:Scan")) {
                    problems.add(id + ": dynamodb:Scan (the code never scans; the cleanup uses sparse gsi1 partitions)");
                }
                if (!grant.action().startsWith("dynamodb:")) {
                    problems.add(id + ": " + grant.action() + " is not a DynamoDB action; this test accounts only for DynamoDB");
                }
            }
        });
        for (LambdaFunction function : template.functions()) {
            if (!granted.containsKey(function.logicalId())) {
                if (!NO_TABLE.contains(function.logicalId())) {
                    problems.add(function.logicalId() + " has no Policies statement");
                }
            } else if (NO_TABLE.contains(function.logicalId())) {
                problems.add(function.logicalId() + " uses no table: it needs no Policies at all");
            }
        }
        assertEquals(List.of(), problems);
    }

    // -------------------------------------------------------------------------------------------- the scenario

    private record Merchant(String id, String key) {
    }

    /** One request over HTTP, noting the route it reaches. */
    private static ApiReply request(String method, String path, String key, String body)
            throws IOException, InterruptedException {
        return request(method, path, key, body, Map.of());
    }

    /** An Idempotency-Key sent twice: the retry reads the first answer back (GetItem), so it needs that grant. */
    private static void retried(int expected, String method, String path, String key, String body, String idempotencyKey)
            throws IOException, InterruptedException {
        for (int attempt = 0; attempt < 2; attempt++) {
            ApiReply reply = request(method, path, key, body, Map.of("Idempotency-Key", idempotencyKey));
            assertEquals(expected, reply.status(), method + " " + path + " -> " + reply.text());
        }
    }

    private static ApiReply request(String method, String path, String key, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        String rawPath = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        RouteTable.Match match = routeTable.match(method, rawPath).orElseThrow(() -> new AssertionError("no route: " + method + " " + path));
        routesRequested.add(match.route().routeKey());
        ApiReply reply = ApiReply.call(api.baseUri(), method, path, key, body, headers);
        if (reply.status() == 200 && reply.text().contains("\"cursor\"") && reply.json().hasNonNull("cursor")) {
            functionsThatPaged.add(match.route().functionId());
        }
        return reply;
    }

    private static ApiReply call(int expected, String method, String path, String key, String body)
            throws IOException, InterruptedException {
        ApiReply reply = request(method, path, key, body);
        assertEquals(expected, reply.status(), method + " " + path + " -> " + reply.text());
        return reply;
    }

    /** The function of the route a request reaches. */
    private static String functionOf(String method, String path) {
        String rawPath = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        return routeTable.match(method, rawPath).orElseThrow().route().functionId();
    }

    /**
     * A request of this deployment's merchant about a group whose home is a peer: this deployment holds no such group
     * (its own answer would be 404 GROUP_NOT_FOUND), so any other answer is the home's to the call the route's function
     * signed and forwarded, verified here.
     */
    private static ApiReply forwarded(int expected, String method, String path, String key, String body)
            throws IOException, InterruptedException {
        assertNotEquals(404, expected, "this deployment's own answer, not the home's");
        ApiReply reply = call(expected, method, path, key, body);
        functionsThatUsedTheFederationKey.add(functionOf(method, path));
        return reply;
    }

    /**
     * A peer's merchant's request on its own deployment about a group whose home is this one: its deployment signs and
     * forwards it here, the federation function runs the route's handler for it, and its deployment takes the answer
     * only when this deployment signed it (else 503). A page of a list here comes with a cursor this one sealed.
     */
    private static ApiReply atHome(Deployment.Merchant merchant, int expected, String method, String path, String body)
            throws Exception {
        assertNotEquals(503, expected, "an answer the peer would not take");
        ApiReply reply = merchant.call(expected, method, path, body);
        functionsThatUsedTheFederationKey.add(FEDERATION_FUNCTION);
        if (reply.status() == 200 && reply.json().hasNonNull("cursor")) {
            functionsThatPaged.add(FEDERATION_FUNCTION);
        }
        return reply;
    }

    /** A call on the federation route made here, signed with {@code headers} (or not), and refused. */
    private static void refusedOnTheWire(int expected, String code, String path, Map<String, String> headers)
            throws IOException, InterruptedException {
        ApiReply reply = request("GET", path, null, null, headers);
        assertEquals(expected, reply.status(), "GET " + path + " -> " + reply.text());
        assertEquals(code, reply.errorCode(), "GET " + path + " -> " + reply.text());
    }

    /** After a dissolve, a former member gets 404 (its membership is purged) or 410 (not yet). */
    private static void goneOrNotFound(String method, String path, String key) throws IOException, InterruptedException {
        ApiReply reply = request(method, path, key, null);
        assertTrue(reply.status() == 404 || reply.status() == 410, method + " " + path + " -> " + reply.text());
    }

    private static ApiReply refused(int expected, String code, String method, String path, String key, String body)
            throws IOException, InterruptedException {
        ApiReply reply = call(expected, method, path, key, body);
        assertEquals(code, reply.errorCode(), method + " " + path + " -> " + reply.text());
        return reply;
    }

    private static Merchant merchant(String name) throws IOException, InterruptedException {
        ApiReply created = call(201, "POST", "/merchants", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"" + name + "\"}");
        return new Merchant(created.json().get("merchantId").asText(), created.json().get("apiKey").asText());
    }

    private static JsonNode cleanup() throws IOException {
        String functionId = template.schedules().get(0).functionId();
        functionsInvokedDirectly.add(functionId);
        JsonNode event = EventJson.mapper().readTree(Files.readString(
                ProjectFiles.EVENTS.resolve(ProjectFiles.sampleEventName(functionId))));
        return invoker.invoke(functionId, event);
    }

    private static String member(String merchantId) {
        return "{\"merchantId\":\"" + merchantId + "\"}";
    }

    private static String rule(Merchant owner, String partner, String type, String scope, String extra) {
        return rule(owner.id(), partner, type, scope, extra);
    }

    private static String rule(String ownerId, String partner, String type, String scope, String extra) {
        return "{\"ownerId\":\"" + ownerId + "\",\"partnerId\":\"" + partner + "\",\"type\":\"" + type
                + "\",\"scope\":\"" + scope + "\"" + extra + "}";
    }

    /** The body that invites a merchant of {@code cloudId}. */
    private static String member(String merchantId, String cloudId) {
        return "{\"merchantId\":\"" + merchantId + "\",\"cloudId\":\"" + cloudId + "\"}";
    }

    /** Whether {@code groupId} is in the merchant's GET /groups on {@code home}. */
    private static boolean lists(URI home, String key, String groupId) throws IOException, InterruptedException {
        for (JsonNode group : ApiReply.call(home, "GET", "/groups", key, null).json().get("groups")) {
            if (group.get("groupId").asText().equals(groupId)) {
                return true;
            }
        }
        return false;
    }

    private static void scenario() throws Exception {
        // the operator: clouds and merchants
        call(201, "POST", "/clouds", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"Acme\"}");
        refused(409, "CLOUD_EXISTS", "POST", "/clouds", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"Acme\"}");
        Merchant supplier = merchant("Supplier");
        Merchant buyer = merchant("Buyer");
        Merchant branch = merchant("Branch");
        Merchant outsider = merchant("Outsider");
        refused(404, "CLOUD_NOT_FOUND", "POST", "/merchants", OPERATOR_KEY, "{\"cloudId\":\"nowhere\",\"name\":\"X\"}");
        call(403, "POST", "/merchants", supplier.key(), "{\"cloudId\":\"acme\",\"name\":\"X\"}");
        call(403, "POST", "/clouds", supplier.key(), "{\"cloudId\":\"other\",\"name\":\"Other\"}");

        // the API's description needs no key and no table; the federation identity no key, and names the cloud
        assertEquals("3.0.3", call(200, "GET", "/openapi.json", null, null).json().get("openapi").asText());
        String console = call(200, "GET", "/console", null, null).text(); // the console's page and script: no key, no table
        call(200, "GET", ConsolePage.script(console), null, null);
        JsonNode identity = call(200, "GET", "/federation/identity", null, null).json();
        assertEquals("acme", identity.get("cloudIds").get(0).asText());
        assertEquals(fingerprint, identity.get("fingerprint").asText(), "it publishes the key its federation secret derives");
        functionsThatUsedTheFederationKey.add(functionOf("GET", "/federation/identity"));

        // peers: registered by their published identity, listed, ended; and each refusal that reads
        try (PeerDeployment peer = PeerDeployment.start("globex")) {
            call(201, "POST", "/peers", OPERATOR_KEY, peer.registration());
            refused(409, "PEER_EXISTS", "POST", "/peers", OPERATOR_KEY, peer.registration());
            assertEquals(1, call(200, "GET", "/peers", OPERATOR_KEY, null).json().get("peers").size());
            assertTrue(call(200, "GET", "/peers?limit=1", OPERATOR_KEY, null).json().hasNonNull("cursor"), "a full page of peers");
            call(204, "DELETE", "/peers/globex", OPERATOR_KEY, null);
            refused(404, "PEER_NOT_FOUND", "DELETE", "/peers/globex", OPERATOR_KEY, null);
        }

        // the authorizer: no key, a malformed one, a well-formed unknown one, a merchant's, the operator's
        call(401, "GET", "/merchants/me", null, null);
        call(401, "GET", "/merchants/me", "not-a-key", null);
        call(401, "GET", "/merchants/me", ApiKeys.generate(), null);
        assertEquals(supplier.id(), call(200, "GET", "/merchants/me", supplier.key(), null).json().get("merchantId").asText());
        call(403, "GET", "/merchants/me", OPERATOR_KEY, null);

        // groups
        String g = call(201, "POST", "/groups", supplier.key(), "{\"name\":\"Purchasing\"}").json().get("groupId").asText();
        call(400, "POST", "/groups", supplier.key(), "[1]");
        retried(201, "POST", "/groups", supplier.key(), "{\"name\":\"Once\"}", "group-once");
        retried(201, "POST", "/merchants", OPERATOR_KEY, "{\"cloudId\":\"acme\",\"name\":\"Once\"}", "merchant-once");
        assertEquals(2, call(200, "GET", "/groups", supplier.key(), null).json().get("groups").size(), "Purchasing, and Once made once");
        assertEquals(0, call(200, "GET", "/groups", outsider.key(), null).json().get("groups").size());

        // invitations, and the refusals that read to explain themselves
        String members = "/groups/" + g + "/members";
        call(201, "POST", members, supplier.key(), member(buyer.id()));
        call(201, "POST", members, supplier.key(), member(branch.id()));
        refused(409, "ALREADY_MEMBER", "POST", members, supplier.key(), member(buyer.id()));
        call(403, "POST", members, branch.key(), member(outsider.id()));
        refused(404, "GROUP_NOT_FOUND", "POST", members, outsider.key(), member(branch.id()));
        refused(404, "MERCHANT_NOT_FOUND", "POST", members, supplier.key(), member(UNKNOWN_MERCHANT));
        call(200, "GET", "/groups/" + g, branch.key(), null);

        // rules can name only active members; an invited member cannot read them
        String rules = "/groups/" + g + "/rules";
        refused(409, "MEMBER_NOT_ACTIVE", "PATCH", rules, supplier.key(),
                "{\"expectedVersion\":0,\"set\":[" + rule(supplier, branch.id(), "invoice", "FULL", "") + "]}");
        refused(403, "NOT_ACTIVE_MEMBER", "GET", rules, branch.key(), null);

        // joins
        String me = members + "/me";
        assertEquals("ACTIVE", call(200, "PUT", me, buyer.key(), null).json().get("status").asText());
        call(200, "PUT", me, branch.key(), null);
        refused(409, "ALREADY_MEMBER", "PUT", me, buyer.key(), null);
        refused(404, "GROUP_NOT_FOUND", "PUT", me, outsider.key(), null);
        assertEquals(3, call(200, "GET", "/groups/" + g, supplier.key(), null).json().get("memberCount").asInt());
        refused(404, "GROUP_NOT_FOUND", "GET", "/groups/" + g, outsider.key(), null);

        // the supplier's own records: by ID (the partition) and since a time (gsi1)
        ApiReply po1 = call(200, "PUT", "/records/order/PO-1", supplier.key(), "{\"buyerId\":\"" + buyer.id() + "\",\"total\":120.50}");
        call(200, "PUT", "/records/order/PO-2", supplier.key(), "{\"buyerId\":\"" + branch.id() + "\",\"total\":80}");
        call(200, "PUT", "/records/stock/W-1", supplier.key(), "{\"sku\":\"W-1\",\"level\":40,\"cost\":2.10}");
        call(400, "PUT", "/records/order/PO-3", supplier.key(), "[1,2]");
        retried(200, "PUT", "/records/note/N-1", supplier.key(), "{\"text\":\"once\"}", "record-once");
        call(413, "PUT", "/records/order/PO-3", supplier.key(), "{\"x\":\"" + "y".repeat(300_000) + "\"}");
        assertEquals(2, call(200, "GET", "/records/order", supplier.key(), null).json().get("records").size());
        String since = URLEncoder.encode("2000-01-01T00:00:00Z", StandardCharsets.UTF_8);
        assertEquals(2, call(200, "GET", "/records/order?since=" + since, supplier.key(), null).json().get("records").size());
        call(400, "GET", "/records/order?since=yesterday", supplier.key(), null);

        // the creator's rules: a batch, a stale one, a removal of what is not there, a removal
        assertEquals(0, call(200, "GET", rules, buyer.key(), null).json().get("version").asLong());
        String batch = "{\"expectedVersion\":0,\"set\":["
                + rule(supplier, buyer.id(), "order", "FULL", ",\"filter\":{\"buyerId\":\"${partner}\"}") + ","
                + rule(supplier, "*", "stock", "FIELDS", ",\"fields\":[\"sku\",\"level\"]") + ","
                + rule(supplier, buyer.id(), "purchase-order", "NONE", ",\"push\":true") + ","
                + rule(supplier, branch.id(), "invoice", "FULL", "") + ","
                + rule(buyer, supplier.id(), "forecast", "FULL", "") + "]}";
        call(403, "PATCH", rules, buyer.key(), batch);
        assertEquals(1, call(200, "PATCH", rules, supplier.key(), batch).json().get("version").asLong());
        refused(409, "VERSION_CONFLICT", "PATCH", rules, supplier.key(), batch);
        String removeMissing = "{\"expectedVersion\":1,\"remove\":[{\"ownerId\":\"" + supplier.id() + "\",\"partnerId\":\""
                + branch.id() + "\",\"type\":\"credit-note\"}]}";
        refused(404, "RULE_NOT_FOUND", "PATCH", rules, supplier.key(), removeMissing);
        String remove = "{\"expectedVersion\":1,\"remove\":[{\"ownerId\":\"" + supplier.id() + "\",\"partnerId\":\""
                + branch.id() + "\",\"type\":\"invoice\"}]}";
        assertEquals(2, call(200, "PATCH", rules, supplier.key(), remove).json().get("version").asLong());
        assertEquals(4, call(200, "GET", rules, branch.key(), null).json().get("rules").size());
        refused(404, "GROUP_NOT_FOUND", "GET", rules, outsider.key(), null);

        // the buyer's caps on its own data: a batch (partner checked, version, audit), a stale one, a removal of what
        // is not there, a removal; read back by the owner (paged) and by the creator, not by another member
        String consent = "/groups/" + g + "/consent";
        String caps = "{\"expectedVersion\":0,\"set\":[{\"partnerId\":\"" + supplier.id()
                + "\",\"type\":\"forecast\",\"maxScope\":\"FIELDS\",\"fields\":[\"week\"]},"
                + "{\"partnerId\":\"*\",\"type\":\"*\",\"maxScope\":\"FULL\",\"push\":false}]}";
        assertEquals(1, call(200, "PATCH", consent, buyer.key(), caps).json().get("version").asLong());
        refused(409, "VERSION_CONFLICT", "PATCH", consent, buyer.key(), caps);
        refused(404, "CAP_NOT_FOUND", "PATCH", consent, buyer.key(),
                "{\"expectedVersion\":1,\"remove\":[{\"partnerId\":\"" + branch.id() + "\",\"type\":\"x\"}]}");
        assertEquals(2, call(200, "PATCH", consent, buyer.key(),
                "{\"expectedVersion\":1,\"remove\":[{\"partnerId\":\"*\",\"type\":\"*\"}]}").json().get("version").asLong());
        assertEquals(1, call(200, "GET", consent + "?limit=1", buyer.key(), null).json().get("caps").size());
        assertEquals(2, call(200, "GET", consent + "?ownerId=" + buyer.id(), supplier.key(), null).json().get("version").asLong());
        refused(403, "FORBIDDEN", "GET", consent + "?ownerId=" + buyer.id(), branch.key(), null);

        // what decides a grant: the creator, the owner and the partner may ask, no one else; and the matrix, tile by tile
        String explain = "/groups/" + g + "/explain?ownerId=" + supplier.id() + "&type=order&partnerId=";
        assertEquals("FULL", call(200, "GET", explain + buyer.id(), buyer.key(), null).json().get("effective").get("scope").asText());
        JsonNode nothing = call(200, "GET", explain + branch.id(), supplier.key(), null).json();
        assertTrue(nothing.get("rule").isNull() && nothing.get("cap").isNull(), "no rule, no cap: said as null " + nothing);
        refused(403, "FORBIDDEN", "GET", explain + buyer.id(), branch.key(), null);
        refused(404, "MEMBER_NOT_FOUND", "GET", explain + outsider.id(), supplier.key(), null);
        refused(404, "GROUP_NOT_FOUND", "GET", explain + buyer.id(), outsider.key(), null);
        refused(400, "VALIDATION_FAILED", "GET", explain + supplier.id(), supplier.key(), null);
        String matrix = "/groups/" + g + "/matrix?type=order";
        assertEquals(6, call(200, "GET", matrix, supplier.key(), null).json().get("cells").size());
        assertEquals(4, call(200, "GET", matrix, branch.key(), null).json().get("cells").size(), "its own row and column");
        String tile = call(200, "GET", matrix + "&limit=1", supplier.key(), null).json().get("cursor").asText();
        call(200, "GET", matrix + "&limit=1&cursor=" + tile, supplier.key(), null);
        refused(400, "INVALID_CURSOR", "GET", matrix + "&limit=1&cursor=" + tile, branch.key(), null);
        refused(400, "VALIDATION_FAILED", "GET", matrix + "&limit=21", supplier.key(), null);
        refused(404, "GROUP_NOT_FOUND", "GET", matrix, outsider.key(), null);

        // discovery
        String providers = "/groups/" + g + "/providers";
        assertEquals(3, call(200, "GET", providers, buyer.key(), null).json().get("providers").size());
        refused(404, "GROUP_NOT_FOUND", "GET", providers, outsider.key(), null);

        // pulls: whole, since (gsi1), refused for each reason
        String exchange = "/groups/" + g + "/exchange/" + supplier.id();
        assertEquals(1, call(200, "GET", exchange + "/order", buyer.key(), null).json().get("records").size());
        assertEquals(1, call(200, "GET", exchange + "/stock", branch.key(), null).json().get("records").size());
        call(200, "GET", exchange + "/order?since=" + since, buyer.key(), null);
        call(200, "GET", "/groups/" + g + "/exchange/" + buyer.id() + "/forecast", supplier.key(), null);
        refused(403, "NOT_SHARED", "GET", exchange + "/order", branch.key(), null);
        call(400, "GET", exchange + "/order?cursor=forged", buyer.key(), null);
        refused(400, "SELF_EXCHANGE", "GET", exchange + "/order", supplier.key(), null);
        refused(404, "GROUP_NOT_FOUND", "GET", exchange + "/order", outsider.key(), null);
        refused(404, "OWNER_NOT_FOUND", "GET", "/groups/" + g + "/exchange/" + outsider.id() + "/order", buyer.key(), null);

        // push
        call(202, "POST", exchange + "/purchase-order", buyer.key(), "{\"poNumber\":\"B-42\",\"qty\":25}");
        retried(202, "POST", exchange + "/purchase-order", buyer.key(), "{\"poNumber\":\"B-43\"}", "push-once");
        refused(403, "PUSH_NOT_ALLOWED", "POST", exchange + "/purchase-order", branch.key(), "{}");
        refused(404, "GROUP_NOT_FOUND", "POST", exchange + "/purchase-order", outsider.key(), "{}");
        call(400, "POST", exchange + "/purchase-order", buyer.key(), "[1]");

        // inbox and audit
        assertEquals(2, call(200, "GET", "/inbox", supplier.key(), null).json().get("items").size(), "B-42, and B-43 delivered once");
        call(400, "GET", "/inbox?since=yesterday", supplier.key(), null);
        assertFalse(call(200, "GET", "/audit", supplier.key(), null).json().get("events").isEmpty());
        call(200, "GET", "/audit", outsider.key(), null);
        call(400, "GET", "/audit?cursor=forged", buyer.key(), null);

        // the push status chain: the owner acknowledges once (the same again answers the same, another is a conflict);
        // the sender reads it; no one else does either
        String pushed = call(200, "GET", "/inbox?limit=1", supplier.key(), null).json().get("items").get(0).get("messageId").asText();
        String ack = "/inbox/" + pushed + "/ack";
        refused(403, "NOT_THE_OWNER", "POST", ack, buyer.key(), "{\"status\":\"ACCEPTED\"}");
        refused(404, "MESSAGE_NOT_FOUND", "POST", "/inbox/" + UNKNOWN_MERCHANT + "/ack", supplier.key(), "{\"status\":\"ACCEPTED\"}");
        call(200, "POST", ack, supplier.key(), "{\"status\":\"ACCEPTED\",\"reason\":\"booked\"}");
        call(200, "POST", ack, supplier.key(), "{\"status\":\"ACCEPTED\",\"reason\":\"booked\"}");
        refused(409, "ACK_CONFLICT", "POST", ack, supplier.key(), "{\"status\":\"REJECTED\"}");
        assertEquals("ACCEPTED", call(200, "GET", "/pushes/" + pushed, buyer.key(), null).json().get("status").asText());
        refused(404, "PUSH_NOT_FOUND", "GET", "/pushes/" + pushed, supplier.key(), null);

        // webhooks: receivers on loopback; the stream's records so far, handed to the delivery function as the event
        // source mapping hands them; the receiver fails, then recovers, and the scheduled retry delivers again
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String hooks = "/merchants/me/webhook";
            refused(404, "WEBHOOK_NOT_FOUND", "GET", hooks, supplier.key(), null);
            refused(404, "WEBHOOK_NOT_FOUND", "DELETE", hooks, supplier.key(), null);
            refused(400, "INVALID_WEBHOOK_URL", "PUT", hooks, supplier.key(), "{\"url\":\"https://10.0.0.1/\",\"events\":[\"inbox.received\"]}");
            assertTrue(call(200, "PUT", hooks, supplier.key(), "{\"url\":\"" + receiver.url()
                    + "\",\"events\":[\"inbox.received\",\"member.joined\",\"member.left\"]}").json().hasNonNull("secret"));
            call(200, "PUT", hooks, buyer.key(), "{\"url\":\"" + receiver.url() + "\",\"events\":[\"push.status\",\"group.dissolved\"]}");
            call(200, "GET", hooks, supplier.key(), null);
            receiver.answer(500);
            deliverTheStream();
            assertTrue(receiver.deliveries().size() >= 3, "two pushes and a status, at least: " + receiver.deliveries());
            JsonNode first = call(200, "GET", hooks + "/deliveries?limit=1", supplier.key(), null).json();
            assertTrue(first.hasNonNull("cursor"), "a page of the deliveries: " + first);
            assertEquals("RETRYING", first.get("deliveries").get(0).get("status").asText());
            call(200, "GET", hooks + "/deliveries?limit=1&cursor=" + first.get("cursor").asText(), supplier.key(), null);
            call(400, "GET", hooks + "/deliveries?cursor=forged", supplier.key(), null);
            receiver.answer(200);
            int before = receiver.deliveries().size();
            JsonNode retried = retryWebhooks();
            assertTrue(retried.get("delivered").asInt() >= 3, retried.toString());
            assertTrue(receiver.deliveries().size() >= before + 3);
            assertEquals("DELIVERED", call(200, "GET", hooks + "/deliveries?limit=1", supplier.key(), null).json()
                    .get("deliveries").get(0).get("status").asText());
            call(204, "DELETE", hooks, supplier.key(), null);
        }

        // every list that pages hands out a sealed cursor (its function reads the cursor secret) and takes it back
        for (String[] list : new String[][]{{"/groups?limit=1", supplier.key()}, {"/groups/" + g + "?limit=1", buyer.key()},
                {"/records/order?limit=1", supplier.key()}, {rules + "?limit=1", buyer.key()},
                {exchange + "/order?limit=1", buyer.key()}, {"/inbox?limit=1", supplier.key()}, {"/audit?limit=1", buyer.key()}}) {
            JsonNode first = call(200, "GET", list[0], list[1], null).json();
            assertTrue(first.hasNonNull("cursor"), list[0] + " pages: " + first);
            call(200, "GET", list[0] + "&cursor=" + first.get("cursor").asText(), list[1], null);
        }

        // dissolving is the creator's
        call(403, "DELETE", "/groups/" + g, branch.key(), null);
        refused(404, "GROUP_NOT_FOUND", "DELETE", "/groups/" + g, outsider.key(), null);

        // leaving and removing, with each refusal
        refused(409, "CREATOR_CANNOT_LEAVE", "DELETE", me, supplier.key(), null);
        call(403, "DELETE", members + "/" + buyer.id(), branch.key(), null);
        refused(404, "MEMBER_NOT_FOUND", "DELETE", members + "/" + outsider.id(), supplier.key(), null);
        call(204, "DELETE", members + "/" + branch.id(), supplier.key(), null);
        call(204, "DELETE", me, buyer.key(), null);
        refused(404, "GROUP_NOT_FOUND", "GET", exchange + "/stock", buyer.key(), null);

        // key rotation
        String newKey = call(201, "POST", "/merchants/me/key", buyer.key(), null).json().get("apiKey").asText();
        call(401, "GET", "/merchants/me", buyer.key(), null);
        call(200, "GET", "/merchants/me", newKey, null);
        call(403, "POST", "/merchants/me/key", OPERATOR_KEY, null);
        buyer = new Merchant(buyer.id(), newKey);

        // the cleanup deletes the departed members' rules (as partner and as owner), then their markers
        JsonNode departures = cleanup();
        assertEquals(2, departures.get("departuresProcessed").asInt(), departures.toString());
        assertEquals(4, departures.get("rulesDeleted").asLong(),
                "order and purchase-order (buyer as partner), forecast (as owner), and the buyer's cap on forecast");

        // the buyer comes back, then the creator dissolves: the partition goes at once, the group item at cleanup
        call(201, "POST", members, supplier.key(), member(buyer.id()));
        call(200, "PUT", me, buyer.key(), null);
        call(204, "DELETE", "/groups/" + g, supplier.key(), null);
        goneOrNotFound("DELETE", "/groups/" + g, supplier.key());
        goneOrNotFound("GET", "/groups/" + g, buyer.key());
        assertEquals(1, call(200, "GET", "/groups", supplier.key(), null).json().get("groups").size(), "only Once is left");
        goneOrNotFound("PUT", me, buyer.key());
        JsonNode dissolved = cleanup();
        assertEquals(1, dissolved.get("groupsDeleted").asInt(), dissolved.toString());
        assertNotNull(dissolved.get("complete"));
        // the cleanup's signed receipts: the two departures' and the dissolve's, each in the creator's list, paged
        JsonNode receipts = call(200, "GET", "/receipts?limit=1", supplier.key(), null).json();
        assertTrue(receipts.hasNonNull("cursor"), "a page of the receipts: " + receipts);
        assertEquals("DISSOLVE", receipts.get("receipts").get(0).get("receipt").get("kind").asText());
        call(200, "GET", "/receipts?limit=1&cursor=" + receipts.get("cursor").asText(), supplier.key(), null);
        call(400, "GET", "/receipts?cursor=forged", supplier.key(), null);
        // the departures and the dissolve, on the stream: the delivery function reads who was told (the buyer's
        // webhook points nowhere now: its delivery is only recorded)
        deliverTheStream();
    }

    /** What the table's stream holds since the last time, handed to the delivery function as start-api does. */
    private static void deliverTheStream() {
        for (TemplateModel.StreamSource source : template.streamSources()) {
            functionsInvokedDirectly.add(source.functionId());
        }
        assertTrue(stream.pollOnce() > 0, "the scenario's changes are on the stream");
    }

    /** The scheduled retries, run ten minutes later (every delivery that failed so far is due then). */
    private static JsonNode retryWebhooks() throws IOException {
        String functionId = "RetryWebhooksFunction";
        assertTrue(template.schedules().stream().anyMatch(s -> s.functionId().equals(functionId)));
        functionsInvokedDirectly.add(functionId);
        JsonNode event = EventJson.mapper().readTree(Files.readString(
                ProjectFiles.EVENTS.resolve(ProjectFiles.sampleEventName(functionId))));
        invoker.withClock(java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofMinutes(10)));
        try {
            return invoker.invoke(functionId, event);
        } finally {
            invoker.withClock(java.time.Clock.systemUTC());
        }
    }

    /**
     * This deployment (acme) federated with two peers, umbrella and initech, each a whole deployment of its own: every
     * grant a cross-cloud flow needs is used here. As the home of a group with a member on each peer: the invitations
     * (signed calls to the peers), the peers' merchants' requests through the federation function (join, read, rules
     * and a page of them, providers, pulls and pushes with the owner here and on initech, leave), the wire's refusals,
     * and the cleanup's notices of a departure and of the dissolve. As a member's deployment in umbrella's group: every
     * group route forwarded (the creator's refused by the home), a read after the dissolve that drops the pointer; as an
     * owner's: the home's invitations, pulls, pushes and notices, through the federation function.
     */
    private static void federatedScenario() throws Exception {
        try (Deployment umbrella = Deployment.start("umbrella"); Deployment initech = Deployment.start("initech")) {
            for (Deployment peer : List.of(umbrella, initech)) {
                call(201, "POST", "/peers", OPERATOR_KEY, peer.registration());
                peer.trust("acme", api.baseUri(), fingerprint);
            }
            Merchant head = merchant("Head office");
            Deployment.Merchant visitor = umbrella.merchant("Umbrella buyer");
            Deployment.Merchant maker = initech.merchant("Initech maker");

            // this deployment is the home; its invitations are signed calls the peers take
            String h = call(201, "POST", "/groups", head.key(), "{\"name\":\"Across clouds\"}").json().get("groupId").asText();
            String hMembers = "/groups/" + h + "/members";
            for (Deployment.Merchant invitee : List.of(visitor, maker)) {
                call(201, "POST", hMembers, head.key(), member(invitee.id(), invitee.home().cloudId));
                functionsThatUsedTheFederationKey.add(functionOf("POST", hMembers));
            }
            atHome(visitor, 200, "GET", "/groups/" + h, null);
            atHome(visitor, 200, "PUT", hMembers + "/me", null);
            atHome(maker, 200, "PUT", hMembers + "/me", null);
            call(200, "PUT", "/records/invoice/I-1", head.key(), "{\"amount\":120}");
            maker.call(200, "PUT", "/records/order/O-1", "{\"total\":5}");
            call(200, "PATCH", "/groups/" + h + "/rules", head.key(), "{\"expectedVersion\":0,\"set\":["
                    + rule(head, visitor.id(), "invoice", "SUMMARY", ",\"push\":true") + ","
                    + rule(maker.id(), visitor.id(), "order", "FULL", ",\"push\":true") + "]}");
            atHome(visitor, 200, "GET", "/groups/" + h + "/rules", null);
            JsonNode firstRules = atHome(visitor, 200, "GET", "/groups/" + h + "/rules?limit=1", null).json();
            assertTrue(firstRules.hasNonNull("cursor"), "a page of the rules: " + firstRules);
            atHome(visitor, 200, "GET", "/groups/" + h + "/rules?limit=1&cursor=" + firstRules.get("cursor").asText(), null);
            assertEquals(2, atHome(visitor, 200, "GET", "/groups/" + h + "/providers", null).json().get("providers").size());
            assertEquals("SUMMARY", atHome(visitor, 200, "GET", "/groups/" + h + "/explain?ownerId=" + head.id() + "&partnerId="
                    + visitor.id() + "&type=invoice", null).json().get("effective").get("scope").asText());
            assertEquals(4, atHome(visitor, 200, "GET", "/groups/" + h + "/matrix?type=invoice", null).json().get("cells").size(),
                    "the visitor's row and column: to and from head and maker");
            String hExchange = "/groups/" + h + "/exchange/";
            // the owner here, and the owner on initech (the federation function asks initech, signed)
            assertEquals(1, atHome(visitor, 200, "GET", hExchange + head.id() + "/invoice", null).json().get("records").size());
            assertEquals(1, atHome(visitor, 200, "GET", hExchange + maker.id() + "/order", null).json().get("records").size());
            atHome(visitor, 202, "POST", hExchange + head.id() + "/invoice", "{\"query\":\"due date?\"}");
            atHome(visitor, 202, "POST", hExchange + maker.id() + "/order", "{\"po\":\"PO-7\"}");
            assertEquals(1, maker.call(200, "GET", "/inbox", null).json().get("items").size(), "delivered on initech");

            // the wire refuses a call no registered peer signed, and a peer speaking for another cloud's merchant
            String wire = "/federation/v1/groups/" + h;
            URI target = URI.create(api.baseUri() + wire);
            refusedOnTheWire(401, "BAD_SIGNATURE", wire, Map.of());
            refusedOnTheWire(401, "UNKNOWN_PEER", wire, PeerSignatures.headers(FederationKey.fromSecret(FederationKey::newSecret),
                    "GET", target, visitor.id() + "@umbrella", null));
            refusedOnTheWire(403, "NOT_PEER_CLOUD", wire, umbrella.sign("GET", target, maker.id() + "@initech", null));

            // the visitor leaves through its deployment; the cleanup here tells the peers
            atHome(visitor, 204, "DELETE", hMembers + "/me", null);
            assertFalse(lists(umbrella.endpoint(), visitor.key(), h), "umbrella dropped its pointer on the home's answer");
            JsonNode departure = cleanup();
            assertEquals(1, departure.get("departuresProcessed").asInt(), departure.toString());
            assertEquals(2, departure.get("noticesQueued").asInt(), "a departure, told to both peer clouds: " + departure);
            // delivered with them: the rule changes that concerned the peers' merchants, queued with the changes, and
            // the visitor's deletion receipt, which umbrella keeps for it
            assertEquals(5, departure.get("notices").get("delivered").asInt(), departure.toString());
            call(204, "DELETE", "/groups/" + h, head.key(), null);
            assertTrue(lists(initech.endpoint(), maker.key(), h), "initech keeps its pointer until the notice comes");
            JsonNode dissolve = cleanup();
            assertEquals(1, dissolve.get("groupsDeleted").asInt(), dissolve.toString());
            assertEquals(3, dissolve.get("notices").get("delivered").asInt(), "the dissolve, told to both, and its receipt to the maker's: " + dissolve);
            assertFalse(lists(initech.endpoint(), maker.key(), h), "initech dropped its pointer on the notice");
            functionsThatUsedTheFederationKey.add(template.schedules().get(0).functionId());

            // umbrella is the home; this deployment is its members' and an owner's
            Merchant member = merchant("Member of umbrella's");
            Merchant owner = merchant("Owner in umbrella's");
            Merchant watcher = merchant("Invited to umbrella's");
            Deployment.Merchant creator = umbrella.merchant("Umbrella head");
            String u = creator.call(201, "POST", "/groups", "{\"name\":\"Umbrella's\"}").json().get("groupId").asText();
            String uMembers = "/groups/" + u + "/members";
            for (Merchant invitee : List.of(member, owner, watcher)) {
                creator.call(201, "POST", uMembers, member(invitee.id(), "acme")); // a home's invitation, taken here
                functionsThatUsedTheFederationKey.add(FEDERATION_FUNCTION);
            }
            forwarded(200, "GET", "/groups/" + u, member.key(), null);
            forwarded(200, "PUT", uMembers + "/me", member.key(), null);
            forwarded(200, "PUT", uMembers + "/me", owner.key(), null);
            creator.call(200, "PUT", "/records/invoice/U-1", "{\"amount\":7}");
            call(200, "PUT", "/records/order/A-1", owner.key(), "{\"total\":3}");
            String uRules = "/groups/" + u + "/rules";
            creator.call(200, "PATCH", uRules, "{\"expectedVersion\":0,\"set\":["
                    + rule(creator.id(), member.id(), "invoice", "FULL", ",\"push\":true") + ","
                    + rule(owner.id(), creator.id(), "order", "FULL", ",\"push\":true") + "]}");
            forwarded(200, "GET", uRules, member.key(), null);
            forwarded(200, "GET", "/groups/" + u + "/providers", member.key(), null);
            // an owner here caps its data at the home through its own deployment
            String uConsent = "/groups/" + u + "/consent";
            forwarded(200, "PATCH", uConsent, owner.key(), "{\"expectedVersion\":0,\"set\":[{\"partnerId\":\"*\","
                    + "\"type\":\"order\",\"maxScope\":\"FULL\"}]}");
            assertEquals(1, forwarded(200, "GET", uConsent, owner.key(), null).json().get("caps").size());
            // a member here asks the home what decides a grant, and reads the matrix
            assertEquals("FULL", forwarded(200, "GET", "/groups/" + u + "/explain?ownerId=" + owner.id() + "&partnerId="
                    + creator.id() + "&type=order", owner.key(), null).json().get("effective").get("scope").asText());
            forwarded(200, "GET", "/groups/" + u + "/matrix?type=order", member.key(), null);

            String uExchange = "/groups/" + u + "/exchange/";
            assertEquals(1, forwarded(200, "GET", uExchange + creator.id() + "/invoice", member.key(), null).json().get("records").size());
            forwarded(202, "POST", uExchange + creator.id() + "/invoice", member.key(), "{\"note\":\"paid\"}");
            // the home pulls the owner's records here, and pushes into its inbox here
            assertEquals(1, creator.call(200, "GET", uExchange + owner.id() + "/order", null).json().get("records").size());
            creator.call(202, "POST", uExchange + owner.id() + "/order", "{\"po\":\"U-PO-1\"}");
            functionsThatUsedTheFederationKey.add(FEDERATION_FUNCTION);
            JsonNode inbox = call(200, "GET", "/inbox", owner.key(), null).json();
            assertEquals(1, inbox.get("items").size());
            // the owner here acknowledges the home's push: the status goes back through the outbox, which the
            // schedule delivers (signed) to the sender's deployment, where the sender reads it
            String fromHome = inbox.get("items").get(0).get("messageId").asText();
            call(200, "POST", "/inbox/" + fromHome + "/ack", owner.key(), "{\"status\":\"REJECTED\",\"reason\":\"no stock\"}");
            assertEquals("RECEIVED", creator.call(200, "GET", "/pushes/" + fromHome, null).json().get("status").asText());
            cleanup();
            assertEquals("REJECTED", creator.call(200, "GET", "/pushes/" + fromHome, null).json().get("status").asText());
            // what only the creator may do, the home refuses
            forwarded(403, "DELETE", "/groups/" + u, member.key(), null);
            forwarded(403, "PATCH", uRules, member.key(), "{\"expectedVersion\":1,\"set\":["
                    + rule(member.id(), creator.id(), "stock", "FULL", "") + "]}");
            forwarded(403, "POST", uMembers, member.key(), member(head.id(), "acme"));
            forwarded(204, "DELETE", uMembers + "/me", member.key(), null);
            assertFalse(lists(api.baseUri(), member.key(), u), "the pointer goes with the home's answer");
            // the home dissolves: a read learns it (and drops the pointer), the home's notice drops the others
            creator.call(204, "DELETE", "/groups/" + u, null);
            forwarded(410, "GET", "/groups/" + u, owner.key(), null);
            assertFalse(lists(api.baseUri(), owner.key(), u), "the read that learnt the group is gone dropped the pointer");
            assertTrue(lists(api.baseUri(), watcher.key(), u), "the invitee keeps its pointer until the notice comes");
            JsonNode told = umbrella.runSchedule();
            assertTrue(told.get("notices").get("delivered").asInt() >= 1, "umbrella told this deployment: " + told);
            assertFalse(lists(api.baseUri(), watcher.key(), u), "the notice dropped the invitee's pointer");
            deliverTheStream();
        }
    }

    // ---------------------------------------------------------------------------------- what the template grants

    /** Per function, the grants of its Policies; anything this test cannot read as such goes to {@code problems}. */
    static Map<String, Set<Grant>> grants(List<String> problems) {
        Map<String, Set<Grant>> grants = new TreeMap<>();
        Map<String, Object> globalFunction = asMap(template.globals().get("Function"));
        if (globalFunction != null && (globalFunction.containsKey("Policies") || globalFunction.containsKey("Role"))) {
            problems.add("Globals.Function sets Policies or Role: give each function its own");
        }
        for (LambdaFunction function : template.functions()) {
            String id = function.logicalId();
            Map<String, Object> properties = asMap(template.resources().get(id).get("Properties"));
            if (properties.containsKey("Role")) {
                problems.add(id + ": a Role replaces the Policies this test checks");
            }
            Object policies = properties.get("Policies");
            if (policies == null) {
                continue;
            }
            Set<Grant> own = grants.computeIfAbsent(id, k -> new TreeSet<>());
            for (Object policy : list(policies)) {
                Map<String, Object> document = asMap(policy);
                if (document == null || !document.containsKey("Statement")
                        || !Set.of("Statement", "Version").containsAll(document.keySet())) {
                    problems.add(id + ": policy " + policy + " is not an inline Statement (a managed policy or a SAM "
                            + "policy template grants more than one function uses)");
                    continue;
                }
                for (Object raw : list(document.get("Statement"))) {
                    Map<String, Object> statement = asMap(raw);
                    if (statement != null && secretOf(statement.get("Resource")) != null
                            && List.of("secretsmanager:GetSecretValue").equals(list(statement.get("Action")))) {
                        continue; // reading one of the template's secrets: test (e)
                    }
                    if (statement != null && queueOf(statement.get("Resource")) != null
                            && List.of("sqs:SendMessage").equals(list(statement.get("Action")))) {
                        continue; // sending to a stream's on-failure queue: test (g)
                    }
                    if (statement == null || !Set.of("Sid", "Effect", "Action", "Resource").containsAll(statement.keySet())) {
                        problems.add(id + ": statement " + raw + " uses more than Effect, Action and Resource");
                        continue;
                    }
                    if (!"Allow".equals(statement.get("Effect"))) {
                        problems.add(id + ": statement " + raw + " is not Effect: Allow");
                        continue;
                    }
                    for (Object resource : list(statement.get("Resource"))) {
                        String target = resource(resource);
                        for (Object action : list(statement.get("Action"))) {
                            own.add(new Grant(String.valueOf(action), target));
                        }
                    }
                }
            }
        }
        return grants;
    }

    /** {@code !GetAtt Table.Arn} is the table, {@code !Sub ${Table.Arn}/index/gsi1} its index; anything else as written. */
    private static String resource(Object raw) {
        String tableId = template.table().logicalId();
        if (ANY_RESOURCE.equals(raw)) {
            return ANY_RESOURCE;
        }
        Map<String, Object> intrinsic = asMap(raw);
        if (intrinsic != null && intrinsic.size() == 1) {
            Object getAtt = intrinsic.get("Fn::GetAtt");
            if (List.of(tableId, "Arn").equals(getAtt) || (tableId + ".Arn").equals(getAtt)) {
                return TABLE;
            }
            if (("${" + tableId + ".Arn}/index/" + GSI1).equals(intrinsic.get("Fn::Sub"))) {
                return INDEX_GSI1;
            }
        }
        return "other: " + raw;
    }

    private static Set<String> readOnlyFunctions() {
        Map<String, List<HttpRoute>> routes = template.httpRoutes().stream().collect(Collectors.groupingBy(HttpRoute::functionId));
        Set<String> readOnly = new TreeSet<>();
        routes.forEach((id, own) -> {
            if (own.stream().allMatch(r -> r.method().equals("GET"))) {
                readOnly.add(id);
            }
        });
        readOnly.add(template.defaultAuthorizer().orElseThrow().functionId());
        return readOnly;
    }

    private static String why(String functionId) {
        return template.defaultAuthorizer().orElseThrow().functionId().equals(functionId) ? "the authorizer"
                : "GET " + template.httpRoutes().stream().filter(r -> r.functionId().equals(functionId))
                .map(HttpRoute::path).collect(Collectors.joining(", GET "));
    }

    private static Set<String> actions(Collection<Grant> grants) {
        return grants.stream().map(Grant::action).collect(Collectors.toCollection(TreeSet::new));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
    }

    private static List<?> list(Object value) {
        return value == null ? List.of() : value instanceof List<?> list ? list : List.of(value);
    }

    private static String observedTable() {
        StringBuilder out = new StringBuilder("function | DynamoDB operations observed | IAM grants they need\n");
        for (LambdaFunction function : template.functions()) {
            String id = function.logicalId();
            out.append(id).append(" | ").append(String.join(", ", recorder.operations(id))).append(" | ")
                    .append(recorder.needed(id).stream().map(Grant::toString).collect(Collectors.joining(", "))).append('\n');
        }
        return out.toString();
    }

    // ---------------------------------------------------------------------------------------- what they need

    /**
     * Records, for each DynamoDB request, the function that made it and the IAM grants the request needs. The function
     * is the one the invoker runs on the calling thread ({@link FunctionInvoker#running()}), whatever code of it
     * makes the request (its handler, the steps every handler shares, another route's handler that the federation
     * function runs for a peer): the local API and the invoker run a function on the thread that called it, the sync
     * client runs interceptors on the thread that made the request, and the code makes its requests on the function's
     * thread. A request made while no function of the template runs is kept apart, and a test fails on it.
     */
    static final class Recorder implements ExecutionInterceptor {
        private final Set<String> functions = new TreeSet<>();
        private final String tableName;
        private final Map<String, Set<Grant>> needed = new ConcurrentHashMap<>();
        private final Map<String, Set<String>> operations = new ConcurrentHashMap<>();
        private final List<String> unattributed = new CopyOnWriteArrayList<>();

        Recorder(TemplateModel template, String tableName) {
            template.functions().forEach(f -> functions.add(f.logicalId()));
            this.tableName = tableName;
        }

        Set<Grant> needed(String functionId) {
            return new TreeSet<>(needed.getOrDefault(functionId, Set.of()));
        }

        Set<String> operations(String functionId) {
            return new TreeSet<>(operations.getOrDefault(functionId, Set.of()));
        }

        List<String> unattributed() {
            return List.copyOf(unattributed);
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            SdkRequest request = context.request();
            String function = FunctionInvoker.running();
            if (function == null || !functions.contains(function)) {
                unattributed.add(operation + " from " + Thread.currentThread().getName());
                return;
            }
            List<Grant> grants = new ArrayList<>();
            String described = operation;
            if (request instanceof GetItemRequest r) {
                grants.add(new Grant("dynamodb:GetItem", resource(r.tableName(), null)));
            } else if (request instanceof PutItemRequest r) {
                grants.add(new Grant("dynamodb:PutItem", resource(r.tableName(), null)));
            } else if (request instanceof UpdateItemRequest r) {
                grants.add(new Grant("dynamodb:UpdateItem", resource(r.tableName(), null)));
            } else if (request instanceof DeleteItemRequest r) {
                grants.add(new Grant("dynamodb:DeleteItem", resource(r.tableName(), null)));
            } else if (request instanceof QueryRequest r) {
                grants.add(new Grant("dynamodb:Query", resource(r.tableName(), r.indexName())));
                described = r.indexName() == null ? "Query" : "Query(index " + r.indexName() + ")";
            } else if (request instanceof ScanRequest r) {
                grants.add(new Grant("dynamodb:Scan", resource(r.tableName(), r.indexName())));
                described = r.indexName() == null ? "Scan" : "Scan(index " + r.indexName() + ")";
            } else if (request instanceof BatchGetItemRequest r) {
                r.requestItems().keySet().forEach(t -> grants.add(new Grant("dynamodb:BatchGetItem", resource(t, null))));
            } else if (request instanceof BatchWriteItemRequest r) {
                r.requestItems().keySet().forEach(t -> grants.add(new Grant("dynamodb:BatchWriteItem", resource(t, null))));
            } else if (request instanceof TransactGetItemsRequest r) {
                r.transactItems().forEach(i -> grants.add(new Grant("dynamodb:GetItem", resource(i.get().tableName(), null))));
            } else if (request instanceof TransactWriteItemsRequest r) {
                // IAM authorizes each part as its own action; there is no dynamodb:TransactWriteItems to grant
                Set<String> parts = new TreeSet<>();
                for (TransactWriteItem item : r.transactItems()) {
                    if (item.put() != null) {
                        grants.add(new Grant("dynamodb:PutItem", resource(item.put().tableName(), null)));
                        parts.add("Put");
                    }
                    if (item.update() != null) {
                        grants.add(new Grant("dynamodb:UpdateItem", resource(item.update().tableName(), null)));
                        parts.add("Update");
                    }
                    if (item.delete() != null) {
                        grants.add(new Grant("dynamodb:DeleteItem", resource(item.delete().tableName(), null)));
                        parts.add("Delete");
                    }
                    if (item.conditionCheck() != null) {
                        grants.add(new Grant("dynamodb:ConditionCheckItem", resource(item.conditionCheck().tableName(), null)));
                        parts.add("ConditionCheck");
                    }
                }
                described = operation + "(" + String.join("+", parts) + ")";
            } else {
                // anything else (DescribeTable, PartiQL, ...) as its own action, which no policy here grants
                grants.add(new Grant("dynamodb:" + operation, "unknown"));
            }
            needed.computeIfAbsent(function, k -> ConcurrentHashMap.newKeySet()).addAll(grants);
            operations.computeIfAbsent(function, k -> ConcurrentHashMap.newKeySet()).add(described);
        }

        private String resource(String table, String index) {
            String base = tableName.equals(table) ? TABLE : "other table " + table;
            return index == null ? base : base + "/index/" + index;
        }

    }
}
