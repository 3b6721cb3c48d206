package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.local.TemplateModel.HttpRoute;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sample events in events/ run as the README says, in its order, through {@code invoke} on one data folder: each
 * answers 2xx, so the events are proven valid and the chain works for a user who copies it. Each HTTP event also
 * carries the headers API Gateway passes.
 */
class EventsChainTest {
    private static final Path README = Path.of("../README.md");
    /** {@code [VAR=$(]run Fn --event events/x.json [--ids ID,...] [--bearer "$VAR"][ | apikey)]} */
    private static final Pattern STEP = Pattern.compile(
            "^(?:(\\w+)=\\$\\()?run (\\w+) +--event (events/[\\w.-]+\\.json)(?: +--ids (\\S+))?"
                    + "(?: +--bearer \"\\$(\\w+)\")?(?: *\\| *apikey\\))?\\s*$", Pattern.MULTILINE);

    /**
     * Samples that cannot answer 2xx on their own: registering a peer needs another deployment that answers, deleting
     * one a registered peer (PeersOverHttpTest), and the federation route a registered peer's fresh signature (its
     * sample is an unsigned call, refused 401 BAD_SIGNATURE; ThreeCloudsTest makes the signed ones).
     */
    private static final Set<String> NEEDS_A_PEER = Set.of("register-peer.json", "delete-peer.json", "federation.json");

    /** A step, the shell variable its new merchant's API key goes into, and the variable whose key it presents. */
    private record Step(String keyInto, String functionId, Path event, String ids, String bearer) {
    }

    private static List<Step> readmeChain() throws IOException {
        List<Step> steps = new ArrayList<>();
        Matcher m = STEP.matcher(Files.readString(README));
        while (m.find()) {
            steps.add(new Step(m.group(1), m.group(2), Path.of("..").resolve(m.group(3)), m.group(4), m.group(5)));
        }
        return steps;
    }

    @Test
    void theReadmesChainOfSampleEventsAnswers2xxStepByStep(@TempDir Path data) throws IOException {
        List<Step> steps = readmeChain();
        Set<String> listed = new TreeSet<>();
        try (Stream<Path> files = Files.list(ProjectFiles.EVENTS)) {
            files.forEach(f -> listed.add(f.getFileName().toString()));
        }
        Set<String> chained = new TreeSet<>();
        steps.forEach(s -> chained.add(s.event().getFileName().toString()));
        listed.removeAll(NEEDS_A_PEER);
        assertEquals(listed, chained, "the README's chain runs every sample event (but the three that need a live peer)");

        TemplateModel template = ProjectFiles.template(OperatorKey.generate(), LocalDynamo.TABLE_NAME);
        // one engine on the data folder for the whole chain, as invoke opens it (DynamoDB Local does not let go of a
        // file in the same process at once; separate invoke processes, as the README runs them, do)
        Map<String, String> shell = new HashMap<>();
        LocalSecrets secrets = LocalSecrets.forRun(data, Map.of());
        try (LocalDynamo dynamo = LocalDynamo.persistent(data)) {
            for (Step step : steps) {
                String label = step.functionId() + " " + step.event().getFileName();
                assertEquals(ProjectFiles.sampleEventName(step.functionId()), step.event().getFileName().toString(), label);
                ScriptedIds ids = ScriptedIds.parse(step.ids());
                JsonNode sample = EventJson.mapper().readTree(Files.readString(step.event()));
                if (step.bearer() != null) {
                    assertTrue(shell.containsKey(step.bearer()), label + ": $" + step.bearer() + " is set by an earlier line");
                }
                JsonNode event = HttpApiEvents.presentingKey(sample, step.bearer() == null ? null : shell.get(step.bearer()));
                JsonNode output = new FunctionInvoker(template, dynamo.client(), secrets, ids).invoke(step.functionId(), event);
                if (step.keyInto() != null) {
                    String key = EventJson.mapper().readTree(output.get("body").asText()).path("apiKey").asText(null);
                    assertNotNull(key, label + " answers the new merchant's API key: " + output);
                    shell.put(step.keyInto(), key);
                }
                assertEquals(0, ids.unused(), label + " used every --ids");
                assertAnswered(template, step.functionId(), event, output, label);
            }
        }
    }

    private static void assertAnswered(TemplateModel template, String functionId, JsonNode event, JsonNode output, String label)
            throws IOException {
        List<HttpRoute> routes = template.httpRoutes().stream().filter(r -> r.functionId().equals(functionId)).toList();
        boolean isAuthorizer = template.defaultAuthorizer().map(a -> a.functionId().equals(functionId)).orElse(false);
        if (isAuthorizer) {
            assertApiGatewayHeaders(event, label, true);
            assertTrue(output.get("isAuthorized").asBoolean(), label + " -> " + output);
            // the sample key is well formed but unknown: the handler, not API Gateway, will answer 401
            assertEquals("INVALID_KEY", output.get("context").get("authError").asText(), label + " -> " + output);
        } else if (!routes.isEmpty()) {
            assertApiGatewayHeaders(event, label, routes.stream().allMatch(r -> r.authorizer() != null));
            assertTrue(routes.stream().anyMatch(r -> r.routeKey().equals(event.get("routeKey").asText())),
                    label + ": its routeKey is one of " + functionId + "'s routes");
            int status = output.get("statusCode").asInt();
            assertTrue(status >= 200 && status < 300, label + " -> " + output);
            if (output.hasNonNull("body") && functionId.equals("ConsoleFunction")) {
                // the one function that answers files, not JSON: the console's page
                assertEquals("text/html; charset=utf-8", output.get("headers").get("content-type").asText());
                assertTrue(output.get("body").asText().startsWith("<!doctype html>"), label + " -> " + output);
            } else if (output.hasNonNull("body")) {
                assertEquals("application/json", output.get("headers").get("content-type").asText());
                assertTrue(EventJson.mapper().readTree(output.get("body").asText()).isObject(), label + " -> " + output);
            } else {
                assertEquals(204, status, label + " -> " + output);
            }
        } else if (template.streamSources().stream().anyMatch(s -> s.functionId().equals(functionId))) {
            // a stream batch answers which records failed (ReportBatchItemFailures): none of the sample's
            assertEquals("[]", output.get("batchItemFailures").toString(), label + " -> " + output);
        } else {
            assertTrue(template.schedules().stream().anyMatch(s -> s.functionId().equals(functionId)),
                    functionId + " has neither a route, a stream nor a schedule");
            assertTrue(output.isObject(), label + " -> " + output);
        }
    }

    /** The headers API Gateway passes with every request, as the runner passes them too. */
    private static void assertApiGatewayHeaders(JsonNode event, String label, boolean keyed) {
        JsonNode headers = event.get("headers");
        for (String name : List.of("authorization", "content-length", "x-forwarded-for", "x-forwarded-port",
                "x-forwarded-proto", "x-amzn-trace-id")) {
            if (!keyed && name.equals("authorization")) {
                continue; // a public route's sample carries no key
            }
            assertTrue(headers.path(name).isTextual(), label + " has the header " + name);
        }
        String body = event.path("body").asText("");
        assertEquals(String.valueOf(body.getBytes(StandardCharsets.UTF_8).length), headers.get("content-length").asText(),
                label + ": content-length is the body's");
        assertEquals(!body.isEmpty(), headers.has("content-type"), label + ": a content-type where there is a body");
        headers.fieldNames().forEachRemaining(name -> assertEquals(name.toLowerCase(java.util.Locale.ROOT), name, label));
    }
}
