package orgshare.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
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
            assertTrue(RequestHandler.class.isAssignableFrom(handler), handler + " implements RequestHandler");
            assertTrue(Modifier.isPublic(assertDoesNotThrow(() -> handler.getConstructor()).getModifiers()),
                    handler + " has the public no-arg constructor Lambda uses");
            assertDoesNotThrow(() -> handler.getConstructor(Orgshare.class),
                    handler + " has the public (Orgshare) constructor tests and the runner use");
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
        for (HttpRoute route : template.httpRoutes()) {
            assertEquals(authorizer, route.authorizer(), route.routeKey());
        }
        assertEquals(OPERATOR.hash(),
                template.requireFunction(authorizer.functionId()).environment().get(Orgshare.ENV_OPERATOR_KEY_HASH));
    }

    @Test
    void functionsRunJava17WithC1OnlyFromTheShadedJar() {
        assertEquals("java17", at(template.globals(), "Function", "Runtime"));
        for (LambdaFunction f : template.functions()) {
            assertEquals("java17", f.runtime(), f.logicalId());
            assertEquals("functions/target/orgshare-functions.jar", f.codeUri(), f.logicalId());
            String options = f.environment().get("JAVA_TOOL_OPTIONS");
            assertNotNull(options, f.logicalId());
            assertTrue(options.contains("TieredStopAtLevel=1"), f.logicalId() + ": " + options);
            assertEquals("orgshare-template-test", f.environment().get(Orgshare.ENV_TABLE_NAME), f.logicalId());
        }
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
}
