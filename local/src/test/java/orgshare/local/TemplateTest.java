package orgshare.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import orgshare.local.TemplateModel.Authorizer;
import orgshare.local.TemplateModel.HttpRoute;
import orgshare.local.TemplateModel.LambdaFunction;
import orgshare.local.TemplateModel.TableSpec;
import orgshare.shared.Orgshare;
import orgshare.shared.db.TableDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** template.yaml agrees with the code: handlers, routes, sample events, the table, the authorizer, the runtime. */
@SuppressWarnings("unchecked")
class TemplateTest {
    private static final OperatorKey OPERATOR = OperatorKey.generate();
    private static TemplateModel template;

    @BeforeAll
    static void load() {
        template = ProjectFiles.template(OPERATOR, "orgshare-template-test");
    }

    @Test
    void everyHandlerIsALambdaRequestHandlerWithBothConstructors() {
        assertFalse(template.functions().isEmpty());
        for (LambdaFunction function : template.functions()) {
            Class<?> handler = assertDoesNotThrow(() -> Class.forName(function.handlerClass()),
                    function.logicalId() + " names a missing class");
            assertEquals("handleRequest", function.handlerMethod(), function.logicalId());
            assertTrue(RequestHandler.class.isAssignableFrom(handler) || RequestStreamHandler.class.isAssignableFrom(handler),
                    handler + " implements RequestHandler or RequestStreamHandler");
            assertTrue(Modifier.isPublic(assertDoesNotThrow(() -> handler.getConstructor()).getModifiers()),
                    handler + " has the public no-arg constructor Lambda uses");
            if (!Set.of("OpenApiFunction", "ConsoleFunction").contains(function.logicalId())) { // the functions that use no table
                assertDoesNotThrow(() -> handler.getConstructor(Orgshare.class),
                        handler + " has the public (Orgshare) constructor tests and the runner use");
            }
        }
    }

    @Test
    void everyRouteHasAFunctionAndRoutesAreUnique() {
        List<HttpRoute> routes = template.httpRoutes();
        assertFalse(routes.isEmpty());
        Set<String> keys = new HashSet<>();
        for (HttpRoute route : routes) {
            assertTrue(template.function(route.functionId()).isPresent(), route.routeKey());
            assertTrue(keys.add(route.routeKey()), "route declared twice: " + route.routeKey());
            assertTrue(route.path().startsWith("/"), route.routeKey());
        }
        assertDoesNotThrow(() -> new RouteTable(routes));
    }

    @Test
    void everyFunctionHasASampleEventAndEverySampleEventAFunction() throws IOException {
        Set<String> expected = template.functions().stream()
                .map(f -> ProjectFiles.sampleEventName(f.logicalId()))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> present;
        try (Stream<Path> files = Files.list(ProjectFiles.EVENTS)) {
            present = files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(expected, present, "events/ holds exactly one <function-name>.json per function");
    }

    @Test
    void tableMatchesTheCodesDefinition() {
        TableSpec table = template.table();
        assertEquals(Set.copyOf(TableDefinition.attributeDefinitions()), Set.copyOf(table.attributeDefinitions()));
        assertEquals(TableDefinition.tableKeySchema(), table.keySchema());
        assertEquals(TableDefinition.globalSecondaryIndexes(), table.globalSecondaryIndexes());
        assertEquals(TableDefinition.TTL, table.ttlAttribute());
        assertTrue(table.ttlEnabled());
    }

    @Test
    void theKeyAuthorizerGuardsEveryRouteWithPayload2AndSimpleResponses() {
        Authorizer authorizer = template.defaultAuthorizer().orElseThrow();
        assertEquals("2.0", authorizer.payloadFormatVersion());
        assertTrue(authorizer.simpleResponses());
        assertEquals("orgshare.functions.handler.AuthorizerHandler",
                template.requireFunction(authorizer.functionId()).handlerClass());
        // every route goes through it; a handler, not API Gateway, answers 401 in the one error shape
        assertTrue(authorizer.identityHeaders().isEmpty() && authorizer.identityQueryStrings().isEmpty(),
                "no identity source, so the authorizer runs even without a key");
        // the open routes: the API's description, the federation identity, and the federation wire, whose every call
        // is refused unless a registered peer signed it (the signature is the credential there, not a key)
        Set<String> open = Set.of("GET /openapi.json", "GET /console", "GET /console/{proxy+}", "GET /federation/identity",
                "ANY /federation/v1/{proxy+}");
        for (HttpRoute route : template.httpRoutes()) {
            if (open.contains(route.routeKey())) {
                assertEquals(null, route.authorizer(), route.routeKey() + " is public (Auth: Authorizer: NONE)");
            } else {
                assertEquals(authorizer, route.authorizer(), route.routeKey());
            }
        }
        assertEquals(OPERATOR.hash(),
                template.requireFunction(authorizer.functionId()).environment().get(Orgshare.ENV_OPERATOR_KEY_HASH));
        // no cached answers: a rotated or revoked key is refused from the very next request
        assertEquals("0", String.valueOf(at(template.resources().get("HttpApi"), "Properties", "Auth", "Authorizers",
                "KeyAuthorizer", "Identity", "ReauthorizeEvery")));
    }

    @Test
    void functionsRunJava25WithC1OnlyFromTheShadedJar() {
        assertEquals("java25", at(template.globals(), "Function", "Runtime"));
        for (LambdaFunction f : template.functions()) {
            assertEquals("java25", f.runtime(), f.logicalId());
            assertEquals("functions/target/orgshare-functions.jar", f.codeUri(), f.logicalId());
            String options = f.environment().get("JAVA_TOOL_OPTIONS");
            assertNotNull(options, f.logicalId());
            assertTrue(options.contains("TieredStopAtLevel=1"), f.logicalId() + ": " + options);
            assertEquals("orgshare-template-test", f.environment().get(Orgshare.ENV_TABLE_NAME), f.logicalId());
        }
    }

    /**
     * Each function logs to a log group of its own that it references (so the group exists before a SnapStart version
     * is published), retained with the stack's deletion and named by CloudFormation (so no name can collide).
     */
    @Test
    void everyFunctionLogsToItsOwnRetainedLogGroupCreatedFirst() {
        Set<String> groups = new HashSet<>();
        for (LambdaFunction f : template.functions()) {
            Object ref = at(template.resources().get(f.logicalId()), "Properties", "LoggingConfig", "LogGroup");
            assertTrue(ref instanceof Map<?, ?> m && m.get("Ref") instanceof String, f.logicalId() + ": LoggingConfig.LogGroup is a Ref");
            String group = (String) ((Map<?, ?>) ref).get("Ref");
            assertTrue(groups.add(group), f.logicalId() + " shares its log group " + group);
            Map<String, Object> resource = template.resources().get(group);
            assertNotNull(resource, group);
            assertEquals("AWS::Logs::LogGroup", resource.get("Type"), group);
            assertEquals("Retain", resource.get("DeletionPolicy"), group);
            assertEquals("Retain", resource.get("UpdateReplacePolicy"), group);
            assertEquals(Map.of("Ref", "LogRetentionInDays"), at(resource, "Properties", "RetentionInDays"), group);
            assertFalse(((Map<?, ?>) resource.get("Properties")).containsKey("LogGroupName"),
                    group + ": a generated name, so a retained group never blocks a new stack");
        }
    }

    /**
     * The cursor secret is generated at deploy time, and only the functions that page a list are told where it is:
     * the lists' own functions, and the federation function, which runs the paging group routes for peers' merchants.
     */
    @Test
    void theCursorSecretIsGeneratedAndNamedOnlyToPagingFunctions() {
        Map<String, Object> secret = template.resources().get("CursorSecret");
        assertEquals("AWS::SecretsManager::Secret", secret.get("Type"));
        assertNotNull(at(secret, "Properties", "GenerateSecretString"));
        Set<String> told = new TreeSet<>();
        for (LambdaFunction f : template.functions()) {
            String arn = f.environment().get(Orgshare.ENV_CURSOR_SECRET_ARN);
            if (arn != null) {
                assertEquals("CursorSecret", arn, f.logicalId() + ": a Ref to the secret (a resource's Ref is its name locally)");
                told.add(f.logicalId());
            }
        }
        assertEquals(new TreeSet<>(Set.of("ListGroupsFunction", "GetGroupFunction", "ListRecordsFunction",
                "GetRulesFunction", "GetConsentFunction", "MatrixFunction", "PullRecordsFunction", "ListInboxFunction",
                "ListAuditFunction", "ListPeersFunction", "FederationFunction", "ListWebhookDeliveriesFunction",
                "ListReceiptsFunction")), told);
    }

    @Test
    void shortFormTagsBecomeLongForms() {
        // the authorizer is called on its published alias, so SnapStart applies to it too
        assertEquals(Map.of("Ref", "AuthorizerFunction.Alias"),
                at(template.resources().get("HttpApi"), "Properties", "Auth", "Authorizers", "KeyAuthorizer", "FunctionArn"));
        assertEquals(Map.of("Fn::GetAtt", List.of("Table", "Arn")),
                at(template.resources().get("GetMeFunction"), "Properties", "Policies", 0, "Statement", 0, "Resource"));
        assertEquals(Map.of("Ref", "Table"), at(template.globals(), "Function", "Environment", "Variables", "TABLE_NAME"));
    }

    /** The node at a path of map keys and list indexes. */
    private static Object at(Object root, Object... path) {
        Object node = root;
        for (Object step : path) {
            node = step instanceof Integer index ? ((List<?>) node).get(index) : ((Map<?, ?>) node).get(step);
        }
        return node;
    }

    @Test
    void schedulesAreRead() {
        for (TemplateModel.Schedule schedule : template.schedules()) {
            assertTrue(template.function(schedule.functionId()).isPresent(), schedule.toString());
            assertTrue(schedule.expression().startsWith("rate(") || schedule.expression().startsWith("cron("),
                    schedule.toString());
        }
    }

    /**
     * The webhook events come from the table's stream, with the old and new images; the delivery function reads it in
     * small batches from the start, bisects a failing batch, retries it a bounded number of times, reports the records
     * it could not handle, and sends what it gave up on to a queue that keeps it.
     */
    @Test
    void theDeliveryFunctionReadsTheTablesStreamBoundedWithAnOnFailureQueue() {
        assertEquals("NEW_AND_OLD_IMAGES", at(template.resources().get(template.table().logicalId()), "Properties",
                "StreamSpecification", "StreamViewType"));
        assertEquals(1, template.streamSources().size(), template.streamSources().toString());
        TemplateModel.StreamSource source = template.streamSources().get(0);
        assertEquals("DeliverWebhooksFunction", source.functionId());
        assertEquals(template.table().logicalId(), source.tableId());
        assertEquals("TRIM_HORIZON", source.startingPosition());
        assertTrue(source.batchSize() > 0 && source.batchSize() <= 100, source.toString());
        assertTrue(source.reportsItemFailures());
        Map<String, Object> properties = (Map<String, Object>) at(template.resources().get(source.functionId()),
                "Properties", "Events", source.eventName(), "Properties");
        assertEquals(true, properties.get("BisectBatchOnFunctionError"));
        int retries = ((Number) properties.get("MaximumRetryAttempts")).intValue();
        assertTrue(retries >= 0 && retries <= 10, "bounded retries: " + retries);
        assertTrue(((Number) properties.get("MaximumBatchingWindowInSeconds")).intValue() <= 5);
        Object queue = at(properties, "DestinationConfig", "OnFailure", "Destination");
        assertEquals(Map.of("Fn::GetAtt", List.of("WebhookStreamFailureQueue", "Arn")), queue);
        Map<String, Object> queueResource = template.resources().get("WebhookStreamFailureQueue");
        assertEquals("AWS::SQS::Queue", queueResource.get("Type"));
        assertNotNull(at(queueResource, "Properties", "MessageRetentionPeriod"));
        assertTrue(template.schedules().stream().anyMatch(s -> s.functionId().equals("RetryWebhooksFunction")),
                "the retries run on a schedule");
    }
}
