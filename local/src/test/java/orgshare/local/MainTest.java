package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.shared.auth.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line: invoke on a --data folder that an earlier start-api wrote to, the exit codes, operator-key. */
class MainTest {
    private record Run(int exit, String out, String err) {
    }

    private static Run main(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new Main(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void invokeSeesWhatStartApiWroteToTheDataFolder(@TempDir Path data) throws Exception {
        OperatorKey operator = OperatorKey.generate();
        try (LocalDynamo dynamo = LocalDynamo.persistent(data);
             LocalApi api = LocalApi.start(new FunctionInvoker(ProjectFiles.template(operator, LocalDynamo.TABLE_NAME),
                     dynamo.client()), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            HttpResponse<String> cloud = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(api.baseUri() + "/clouds"))
                            .header("Authorization", "Bearer " + operator.key())
                            .POST(HttpRequest.BodyPublishers.ofString("{\"cloudId\":\"acme\",\"name\":\"Acme\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, cloud.statusCode(), cloud.body());
        }

        Run run = main(Map.of(), "invoke", "CreateMerchantFunction", "--event", "../events/create-merchant.json",
                "--data", data.toString(), "--template", ProjectFiles.TEMPLATE.toString());
        assertEquals(Main.EXIT_OK, run.exit(), run.err());
        JsonNode response = EventJson.mapper().readTree(run.out());
        assertEquals(201, response.get("statusCode").asInt(), run.out());
        JsonNode merchant = EventJson.mapper().readTree(response.get("body").asText());
        assertEquals("acme", merchant.get("cloudId").asText());
        assertTrue(ApiKeys.wellFormed(merchant.get("apiKey").asText()));
    }

    @Test
    void invokeWithoutDataStartsFromAnEmptyTable() throws Exception {
        Run run = main(Map.of(), "invoke", "CreateMerchantFunction", "--event", "../events/create-merchant.json",
                "--template", ProjectFiles.TEMPLATE.toString());
        assertEquals(Main.EXIT_OK, run.exit(), run.err());
        assertEquals(404, EventJson.mapper().readTree(run.out()).get("statusCode").asInt(), "no cloud yet: " + run.out());
    }

    @Test
    void mistakesExitWith2AndSayWhat() {
        String template = ProjectFiles.TEMPLATE.toString();
        Run unknown = main(Map.of(), "invoke", "NoSuchFunction", "--event", "../events/get-me.json", "--template", template);
        assertEquals(Main.EXIT_USAGE, unknown.exit());
        assertTrue(unknown.err().contains("No function NoSuchFunction") && unknown.err().contains("GetMeFunction"), unknown.err());

        Run missingEvent = main(Map.of(), "invoke", "GetMeFunction", "--event", "../events/none.json", "--template", template);
        assertEquals(Main.EXIT_USAGE, missingEvent.exit());
        assertTrue(missingEvent.err().contains("Cannot read the event file"), missingEvent.err());

        Run notJson = main(Map.of(), "invoke", "GetMeFunction", "--event", template, "--template", template);
        assertEquals(Main.EXIT_USAGE, notJson.exit());
        assertTrue(notJson.err().contains("is not JSON"), notJson.err());

        Run noEvent = main(Map.of(), "invoke", "GetMeFunction", "--template", template);
        assertEquals(Main.EXIT_USAGE, noEvent.exit());
        assertTrue(noEvent.err().contains("--event") && noEvent.err().contains("Usage"), noEvent.err());

        Run badKey = main(Map.of(OperatorKey.ENVIRONMENT_VARIABLE, "secret"), "invoke", "GetMeFunction",
                "--event", "../events/get-me.json", "--template", template);
        assertEquals(Main.EXIT_USAGE, badKey.exit());
        assertTrue(badKey.err().contains(OperatorKey.ENVIRONMENT_VARIABLE), badKey.err());

        Run noTemplate = main(Map.of(), "invoke", "GetMeFunction", "--event", "../events/get-me.json", "--template", "missing.yaml");
        assertEquals(Main.EXIT_USAGE, noTemplate.exit());
        assertTrue(noTemplate.err().contains("No template"), noTemplate.err());

        Run unknownCommand = main(Map.of(), "deploy");
        assertEquals(Main.EXIT_USAGE, unknownCommand.exit());
        assertTrue(unknownCommand.err().contains("Unknown command 'deploy'"), unknownCommand.err());
        Run badFlag = main(Map.of(), "start-api", "--allow-loopback-webhooks=maybe");
        assertEquals(Main.EXIT_USAGE, badFlag.exit());
        assertTrue(badFlag.err().contains("--allow-loopback-webhooks takes no value"), badFlag.err());
        Run flagOnInvoke = main(Map.of(), "invoke", "GetMeFunction", "--event", "x", "--allow-loopback-webhooks");
        assertEquals(Main.EXIT_USAGE, flagOnInvoke.exit());
        assertTrue(flagOnInvoke.err().contains("invoke takes no option --allow-loopback-webhooks"), flagOnInvoke.err());
        Run badPort = main(Map.of(), "start-api", "--port", "many");
        assertEquals(Main.EXIT_USAGE, badPort.exit());
        assertTrue(badPort.err().contains("--port takes a number"), badPort.err());
    }

    @Test
    void helpPrintsTheUsageAndExits0() {
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"-h"}, new String[] {"start-api", "--help"},
                new String[] {"invoke", "--help"}, new String[] {"invoke", "GetMeFunction", "-h"}, new String[] {"help"})) {
            Run run = main(Map.of(), args);
            assertEquals(Main.EXIT_OK, run.exit(), String.join(" ", args));
            assertTrue(run.out().startsWith("Usage:") && run.out().contains("--dynamodb-port")
                    && run.out().contains("--allow-loopback-webhooks"), run.out());
            assertEquals("", run.err());
        }
    }

    @Test
    void anUnknownExtraArgumentIsAnError() {
        for (String[] args : List.of(new String[] {"start-api", "now"}, new String[] {"start-api", "-p", "3000"},
                new String[] {"operator-key", "extra"}, new String[] {"invoke", "GetMeFunction", "Other", "--event", "x"})) {
            Run run = main(Map.of(), args);
            assertEquals(Main.EXIT_USAGE, run.exit(), String.join(" ", args));
            assertTrue(run.err().contains("Usage:"), run.err());
        }
    }

    @Test
    void aPortInUseSaysWhichOptionChoosesAnother() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String port = String.valueOf(taken.getLocalPort());
            Run api = main(Map.of(), "start-api", "--port", port, "--template", ProjectFiles.TEMPLATE.toString());
            assertEquals(Main.EXIT_USAGE, api.exit());
            assertTrue(api.err().contains("in use") && api.err().contains("--port N"), api.err());
            Run dynamo = main(Map.of(), "start-api", "--port", "0", "--dynamodb-port", port,
                    "--template", ProjectFiles.TEMPLATE.toString());
            assertEquals(Main.EXIT_USAGE, dynamo.exit());
            assertTrue(dynamo.err().contains("in use") && dynamo.err().contains("--dynamodb-port N"), dynamo.err());
        }
    }

    @Test
    void operatorKeyPrintsAKeyAndItsHash() {
        Run run = main(Map.of(), "operator-key");
        assertEquals(Main.EXIT_OK, run.exit());
        String[] lines = run.out().lines().map(String::strip).toArray(String[]::new);
        String key = lines[1];
        assertTrue(ApiKeys.wellFormed(key), run.out());
        assertEquals(ApiKeys.hash(key), lines[3]);
        assertTrue(run.out().contains("OperatorKeyHash=" + ApiKeys.hash(key)));
    }
}
