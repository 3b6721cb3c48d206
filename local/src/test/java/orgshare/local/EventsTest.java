package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import orgshare.local.TemplateModel.HttpRoute;
import orgshare.local.TemplateModel.LambdaFunction;
import orgshare.shared.Orgshare;
import orgshare.shared.auth.Caller;
import orgshare.shared.ids.Ids;
import orgshare.shared.service.CloudService;
import orgshare.shared.service.GroupService;
import orgshare.shared.service.MembershipService;
import orgshare.shared.service.MerchantService;
import orgshare.shared.service.RuleService;
import orgshare.shared.testing.DynamoDbLocal;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every sample event in events/ runs through its function exactly as {@code invoke} runs it, on a fresh table seeded
 * so that the IDs the events use exist: the events are proven valid by the test run, as {@code sam local invoke} would.
 */
class EventsTest {
    static final String CLOUD = "acme";
    static final String MERCHANT_A = "01JDMERCHANT0000000000000A";
    static final String MERCHANT_B = "01JDMERCHANT0000000000000B";
    static final String GROUP = "01JDGR0P00000000000000000G";

    /** The membership steps an event needs before it runs (B's invitation before B joins, say); the rest need none. */
    private static final Map<String, Consumer<Orgshare>> PRECONDITIONS = Map.of(
            "join-group.json", EventsTest::inviteB,
            "leave-group.json", EventsTest::bJoins,
            "change-rules.json", EventsTest::bJoins,
            "list-providers.json", EventsTest::exchangeReady,
            "pull-records.json", EventsTest::exchangeReady,
            "push-document.json", EventsTest::exchangeReady);

    private static final DynamoDbClient CLIENT = DynamoDbLocal.client();

    @TestFactory
    Stream<DynamicTest> everySampleEventRunsThroughItsFunction() throws IOException {
        TemplateModel names = ProjectFiles.template(OperatorKey.generate(), "unused");
        Map<String, String> functionByEvent = names.functions().stream().collect(Collectors.toMap(
                f -> ProjectFiles.sampleEventName(f.logicalId()), LambdaFunction::logicalId));
        List<Path> files;
        try (Stream<Path> listed = Files.list(ProjectFiles.EVENTS)) {
            files = listed.sorted().toList();
        }
        assertFalse(files.isEmpty());
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String name = file.getFileName().toString();
            String functionId = functionByEvent.get(name);
            if (functionId == null) {
                fail(name + " belongs to no function: name it after one (" + functionByEvent.keySet() + ")");
            }
            run(functionId, name, file);
        }));
    }

    private void run(String functionId, String eventName, Path file) throws IOException {
        String table = DynamoDbLocal.newTable(CLIENT);
        TemplateModel template = ProjectFiles.template(OperatorKey.generate(), table);
        Orgshare seeded = seed(table);
        PRECONDITIONS.getOrDefault(eventName, app -> { }).accept(seeded);

        JsonNode event = EventJson.mapper().readTree(Files.readString(file));
        presentSeededKey(event);
        JsonNode output = new FunctionInvoker(template, CLIENT).invoke(functionId, event);

        List<HttpRoute> routes = template.httpRoutes().stream().filter(r -> r.functionId().equals(functionId)).toList();
        boolean isAuthorizer = template.defaultAuthorizer().map(a -> a.functionId().equals(functionId)).orElse(false);
        if (isAuthorizer) {
            assertTrue(output.get("isAuthorized").asBoolean(), output.toString());
            // the sample key is well formed but unknown: the handler, not API Gateway, will answer 401
            assertEquals("NONE", output.get("context").get("principal").asText(), output.toString());
            assertEquals("INVALID_KEY", output.get("context").get("authError").asText(), output.toString());
        } else if (!routes.isEmpty()) {
            assertTrue(routes.stream().anyMatch(r -> r.routeKey().equals(event.get("routeKey").asText())),
                    eventName + "'s routeKey is one of " + functionId + "'s routes");
            int status = output.get("statusCode").asInt();
            assertTrue(status >= 200 && status < 300, eventName + " -> " + output);
            if (output.hasNonNull("body")) {
                assertEquals("application/json", output.get("headers").get("content-type").asText());
                assertTrue(EventJson.mapper().readTree(output.get("body").asText()).isObject(), output.toString());
            } else {
                assertEquals(204, status, output.toString());
            }
        } else {
            assertTrue(template.schedules().stream().anyMatch(s -> s.functionId().equals(functionId)),
                    functionId + " has neither a route nor a schedule");
            assertTrue(output.isObject(), eventName + " -> " + output);
        }
    }

    /**
     * A sample event stands for a request the authorizer let through: it carries the caller's key, which the seed made
     * at random, so the event presents the seeded merchant's real key (the rotation checks the key it replaces).
     */
    private static void presentSeededKey(JsonNode event) {
        String merchantId = event.path("requestContext").path("authorizer").path("lambda").path("merchantId").asText(null);
        String key = merchantId == null ? null : SEEDED_KEYS.get(merchantId);
        if (key != null && event instanceof ObjectNode root) {
            JsonNode headers = root.get("headers");
            ObjectNode own = headers instanceof ObjectNode h ? h : root.putObject("headers");
            own.put("authorization", "Bearer " + key);
        }
    }

    private static final Map<String, String> SEEDED_KEYS = new java.util.concurrent.ConcurrentHashMap<>();

    /** Cloud acme, merchants A and B with the events' IDs, and group G created by A. */
    private static Orgshare seed(String table) {
        Deque<String> scripted = new ArrayDeque<>(List.of(MERCHANT_A, MERCHANT_B, GROUP));
        Supplier<String> generated = new Ids(Clock.systemUTC());
        Supplier<String> ids = () -> scripted.isEmpty() ? generated.get() : scripted.poll();
        Orgshare app = Orgshare.create(CLIENT, DynamoDbLocal.environment(Map.of(), table), Clock.systemUTC(), ids);
        Caller operator = Caller.operator();
        app.clouds().register(operator, new CloudService.CreateCloud(CLOUD, "Acme"));
        MerchantService.MerchantView a = app.merchants().create(operator, new MerchantService.CreateMerchant(CLOUD, "Supplier A"));
        MerchantService.MerchantView b = app.merchants().create(operator, new MerchantService.CreateMerchant(CLOUD, "Buyer B"));
        assertEquals(MERCHANT_A, a.merchantId());
        assertEquals(MERCHANT_B, b.merchantId());
        SEEDED_KEYS.put(MERCHANT_A, a.apiKey());
        SEEDED_KEYS.put(MERCHANT_B, b.apiKey());
        String groupId = app.groups().create(Caller.merchant(MERCHANT_A, CLOUD), new GroupService.CreateGroup("Purchasing")).groupId();
        assertEquals(GROUP, groupId);
        return app;
    }

    private static void bJoins(Orgshare app) {
        inviteB(app);
        app.memberships().join(Caller.merchant(MERCHANT_B, CLOUD), GROUP);
    }

    /** B has joined; A has an order for B, and rules that open it to B and let B push purchase orders. */
    private static void exchangeReady(Orgshare app) {
        bJoins(app);
        Caller a = Caller.merchant(MERCHANT_A, CLOUD);
        app.records().put(a, "order", "PO-1001", "{\"buyerId\": \"" + MERCHANT_B + "\", \"item\": \"widget\"}");
        app.rules().change(a, GROUP, new RuleService.RuleChanges(0L, List.of(
                new RuleService.RuleInput(MERCHANT_A, MERCHANT_B, "order", "FULL", null, Map.of("buyerId", "${partner}"), false),
                new RuleService.RuleInput(MERCHANT_A, MERCHANT_B, "purchase-order", "NONE", null, null, true)), null));
    }

    private static void inviteB(Orgshare app) {
        app.memberships().invite(Caller.merchant(MERCHANT_A, CLOUD), GROUP, new MembershipService.InviteMember(MERCHANT_B));
    }
}
