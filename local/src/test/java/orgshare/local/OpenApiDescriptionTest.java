package orgshare.local;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import orgshare.local.TemplateModel.HttpRoute;
import orgshare.shared.testing.OpenApiContract;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * openapi.yaml is a valid OpenAPI document, describes exactly the routes template.yaml deploys, is what GET
 * /openapi.json serves, and the contract check that every HTTP test goes through refuses what the description does
 * not allow.
 */
class OpenApiDescriptionTest {
    private static OpenAPI api;

    @BeforeAll
    static void parse() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readLocation(
                OpenApiContract.DESCRIPTION.toAbsolutePath().toUri().toString(), null, options);
        assertEquals(List.of(), result.getMessages(), "openapi.yaml parses as OpenAPI without a message");
        api = result.getOpenAPI();
        assertNotNull(api);
    }

    /** What OpenAPI can say of a template route {@code ANY}: one operation per method a client sends. */
    private static final List<String> ANY_METHODS = List.of("GET", "PUT", "POST", "PATCH", "DELETE");
    /** A greedy path parameter, {@code {proxy+}}: OpenAPI has none, so the description names it {@code {proxy}}. */
    private static final Pattern GREEDY = Pattern.compile("\\{([A-Za-z]+)\\+}");

    /**
     * Each route is an operation: {@code ANY} (only on a path ending in a greedy {@code {x+}}, the one place API
     * Gateway's catch-all cannot be said otherwise) stands for the five methods on the path with {@code {x}}.
     */
    @Test
    void describesExactlyTheTemplatesRoutes() {
        TemplateModel template = ProjectFiles.template(OperatorKey.generate(), "unused");
        Set<String> routes = new TreeSet<>();
        for (HttpRoute route : template.httpRoutes()) {
            String method = route.method().toUpperCase(Locale.ROOT);
            Matcher greedy = GREEDY.matcher(route.path());
            boolean endsGreedy = greedy.find() && greedy.end() == route.path().length();
            // a GET may end in one too (the console's files); ANY only there
            assertTrue(!method.equals("ANY") || endsGreedy, route.routeKey() + ": ANY only on a path that ends in a greedy parameter");
            String path = GREEDY.matcher(route.path()).replaceAll("{$1}");
            for (String each : method.equals("ANY") ? ANY_METHODS : List.of(method)) {
                assertTrue(routes.add(each + " " + path), "two routes are one operation: " + each + " " + path);
            }
        }
        Set<String> described = new TreeSet<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().keySet()
                .forEach(method -> described.add(method.name() + " " + path)));
        assertEquals(routes, described, "template.yaml routes = openapi.yaml operations");
    }

    @Test
    void everyOperationSaysWhatItAnswersAndItsErrorsShareOneShape() {
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            String where = method + " " + path;
            assertNotNull(operation.getOperationId(), where);
            assertTrue(operation.getResponses().keySet().stream().anyMatch(s -> s.startsWith("2")), where + " has a success");
            boolean open = operation.getSecurity() != null && operation.getSecurity().isEmpty();
            if (!open) {
                assertTrue(operation.getResponses().containsKey("401"), where + " says 401");
            }
            for (String status : List.of("429", "500", "503")) {
                assertTrue(open || operation.getResponses().containsKey(status), where + " says " + status);
            }
            if (method == PathItem.HttpMethod.GET) {
                assertEquals(null, operation.getRequestBody(), where + " takes no body");
            }
        }));
    }

    @Test
    void theContractRefusesWhatTheDescriptionDoesNotAllow() {
        String group = "/groups/01JDGR0P00000000000000000G";
        Map<String, String> json = Map.of("content-type", "application/json");
        // an error code this route does not answer
        assertThrows(AssertionError.class, () -> OpenApiContract.check("GET", group, Map.of(), null, 404, json,
                "{\"error\":{\"code\":\"RULE_NOT_FOUND\",\"message\":\"x\"}}"));
        // a status it does not answer
        assertThrows(AssertionError.class, () -> OpenApiContract.check("GET", group, Map.of(), null, 202, json, "{}"));
        // a field the description does not have, and a missing one
        assertThrows(AssertionError.class, () -> OpenApiContract.check("GET", "/merchants/me", Map.of(), null, 200, json,
                "{\"merchantId\":\"01JDMERCHANT0000000000000A\",\"cloudId\":\"acme\",\"name\":\"A\",\"secret\":1}"));
        assertThrows(AssertionError.class, () -> OpenApiContract.check("GET", "/merchants/me", Map.of(), null, 200, json,
                "{\"merchantId\":\"01JDMERCHANT0000000000000A\",\"cloudId\":\"acme\"}"));
        // a request the API accepted must be one the description admits
        assertThrows(AssertionError.class, () -> OpenApiContract.check("GET", "/groups?limit=500",
                Map.of("Authorization", "Bearer osk_x"), null, 200, json, "{\"groups\":[]}"));
        OpenApiContract.check("GET", "/merchants/me", Map.of("Authorization", "Bearer osk_x"), null, 200, json,
                "{\"merchantId\":\"01JDMERCHANT0000000000000A\",\"cloudId\":\"acme\",\"name\":\"A\"}");
    }

    @Test
    void theApiServesItsDescriptionWithoutAKey() throws Exception {
        TemplateModel template = ProjectFiles.template(OperatorKey.generate(), LocalDynamo.TABLE_NAME);
        try (LocalDynamo dynamo = LocalDynamo.inMemory();
             LocalApi served = LocalApi.start(new FunctionInvoker(template, dynamo.client()),
                     new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            ApiReply reply = ApiReply.call(served.baseUri(), "GET", "/openapi.json", null, null);
            assertEquals(200, reply.status(), reply.text());
            assertEquals(api.getPaths().keySet(), iterable(reply.json().get("paths").fieldNames()));
            assertEquals("3.0.3", reply.json().get("openapi").asText());
        }
    }

    private static Set<String> iterable(java.util.Iterator<String> names) {
        Set<String> all = new java.util.LinkedHashSet<>();
        names.forEachRemaining(all::add);
        return all;
    }
}
