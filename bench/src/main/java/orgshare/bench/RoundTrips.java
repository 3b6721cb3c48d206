package orgshare.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import orgshare.local.TemplateModel.HttpRoute;
import orgshare.shared.testing.CallCounter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Section 1: the DynamoDB calls each route makes, counted by an ExecutionInterceptor on the SDK client (each HTTP
 * attempt, so a retry would count), in a 2-member and a 1,000-member group.
 */
final class RoundTrips {
    private static final String MATRIX = "GET /groups/{groupId}/matrix";

    private static final Set<String> AT_MOST_TWO = Set.of(Routes.JOIN, Routes.LEAVE, Routes.DISSOLVE, Routes.SET_RULES);

    private RoundTrips() {
    }

    static Section run(Db db, Path template, Settings settings) {
        Section section = new Section("1. Round trips per operation", settings.command("roundtrips"));
        CallCounter calls = new CallCounter();
        World small = new World(db, template, 2, 1, db.client(calls));
        World large = new World(db, template, settings.roundTripGroup(), 1, db.client(calls));
        String largeLabel = String.format("%,d", large.groupSize);

        List<List<String>> rows = new ArrayList<>();
        Map<String, List<String>> smallCalls = new LinkedHashMap<>();
        Map<String, List<String>> largeCalls = new LinkedHashMap<>();
        List<String> grows = new ArrayList<>();
        List<String> unmeasured = new ArrayList<>();
        for (HttpRoute route : small.template.httpRoutes()) {
            if (!Routes.has(route)) {
                unmeasured.add(route.routeKey());
                rows.add(List.of("`" + route.routeKey() + "`", route.functionId(), "-", "-", "no scenario in bench/Routes.java", "MISS"));
                continue;
            }
            List<String> a = count(small, route, calls);
            List<String> b = count(large, route, calls);
            smallCalls.put(route.routeKey(), a);
            largeCalls.put(route.routeKey(), b);
            boolean same = b.size() <= a.size();
            if (!same) {
                grows.add("`" + route.routeKey() + "` (" + a.size() + " -> " + b.size() + ": " + summary(b) + ")");
            }
            boolean pass = same && (!AT_MOST_TWO.contains(route.routeKey()) || (a.size() <= 2 && b.size() <= 2))
                    && (!route.routeKey().equals(Routes.PULL) || (a.size() == 2 && b.size() == 2));
            String operations = a.equals(b) ? String.join(", ", a) : "2: " + String.join(", ", a) + "; " + largeLabel + ": " + summary(b);
            rows.add(List.of("`" + route.routeKey() + "`", route.functionId(), String.valueOf(a.size()),
                    String.valueOf(b.size()), operations, pass ? "PASS" : "MISS"));
        }
        List<String> authorizer = authorizerCalls(small, calls);
        rows.add(List.of("authorizer (before every request)", small.template.defaultAuthorizer().orElseThrow().functionId(),
                String.valueOf(authorizer.size()), String.valueOf(authorizerCalls(large, calls).size()),
                String.join(", ", authorizer), "-"));

        List<String> pullSmall = smallCalls.getOrDefault(Routes.PULL, List.of());
        List<String> pullLarge = largeCalls.getOrDefault(Routes.PULL, List.of());
        long batchGets = pullSmall.stream().filter("BatchGetItem"::equals).count();
        long batchGetsLarge = pullLarge.stream().filter("BatchGetItem"::equals).count();
        section.target("pull authorization", "1 BatchGetItem", batchGets + " BatchGetItem (2 members), " + batchGetsLarge
                        + " (" + largeLabel + ")",
                batchGets == 1 && batchGetsLarge == 1 && "BatchGetItem".equals(pullSmall.get(0)), "authorization reads more than one batch");
        section.target("pull, one page", "2 round trips", pullSmall.size() + " (" + String.join(", ", pullSmall) + ")",
                pullSmall.size() == 2 && pullLarge.size() == 2,
                pullSmall.contains("TransactWriteItems")
                        ? "authorization and the page are 2; the third call is the audit write (TransactWriteItems, both logs) that every pull makes"
                        : "see the table");
        for (String route : List.of(Routes.JOIN, Routes.LEAVE, Routes.DISSOLVE, Routes.SET_RULES)) {
            List<String> a = smallCalls.getOrDefault(route, List.of());
            List<String> b = largeCalls.getOrDefault(route, List.of());
            String bound = b.size() > a.size()
                    ? "it deletes the group's items itself: " + summary(b) + " in the " + largeLabel + "-member group"
                    : "the calls are " + String.join(", ", a);
            section.target("`" + route + "`", "<= 2", a.size() + " (2 members), " + b.size() + " (" + largeLabel + ")",
                    smallCalls.containsKey(route) && a.size() <= 2 && b.size() <= 2, bound);
        }
        section.target("none grows with group size", "same count at 2 and " + largeLabel + " members",
                grows.isEmpty() ? "none grows" : String.join("; ", grows), grows.isEmpty() && unmeasured.isEmpty(),
                unmeasured.isEmpty() ? "the calls named grow with the items of the group" : "routes without a scenario: " + unmeasured);

        section.line("Every HTTP route of template.yaml, invoked in-process through its handler (payload 2.0 event, caller in "
                + "the authorizer context) in a group of 2 members and one of " + largeLabel + " members (" + (large.groupSize - 2)
                + " of them, each with a rule bound to its membership, written directly with BatchWriteItem). "
                + "Counted by an ExecutionInterceptor (CallCounter) on the SDK client; the set-up each request needs is not counted.");
        section.table(List.of("route", "function", "calls, 2 members", "calls, " + largeLabel + " members", "operations", "result"), rows);
        section.line("Result: PASS when the count does not grow with the group, and for pull (2), join, leave, dissolve and "
                + "set rules (<= 2) when it meets its target. Through API Gateway each request also runs the authorizer "
                + "(last row): one consistent GetItem of the key, whatever the route.");
        return section;
    }

    private static List<String> count(World world, HttpRoute route, CallCounter calls) {
        var event = Routes.prepare(world, route);
        if (route.routeKey().equals(MATRIX)) {
            // a tile's calls grow with the tile (up to 20 x 20), which fills as a group grows: the same tile in both
            // groups (2 x 2, all the 2-member group has) shows whether they grow with the group itself
            Map<String, String> query = new HashMap<>(event.getQueryStringParameters());
            query.put("limit", "2");
            event.setQueryStringParameters(query);
        }
        world.handler(route.functionId());
        calls.reset();
        world.invokeOk(route, event);
        return calls.calls();
    }

    private static List<String> authorizerCalls(World world, CallCounter calls) {
        APIGatewayV2CustomAuthorizerEvent event = new APIGatewayV2CustomAuthorizerEvent();
        event.setHeaders(Map.of("authorization", "Bearer " + world.partnerView.apiKey()));
        String functionId = world.template.defaultAuthorizer().orElseThrow().functionId();
        world.handler(functionId);
        calls.reset();
        world.call(functionId, event, World.TIMEOUT_MS);
        return calls.calls();
    }

    /** "Query ×41, BatchWriteItem ×40": the operations and how often, in first-seen order. */
    static String summary(List<String> calls) {
        Map<String, Long> counts = calls.stream().collect(Collectors.groupingBy(c -> c, LinkedHashMap::new, Collectors.counting()));
        return counts.entrySet().stream().map(e -> e.getValue() == 1 ? e.getKey() : e.getKey() + " ×" + e.getValue())
                .collect(Collectors.joining(", "));
    }
}
