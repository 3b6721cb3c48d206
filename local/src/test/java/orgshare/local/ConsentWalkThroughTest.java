package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.local.ReadmeWalkThrough.Call;
import orgshare.local.ReadmeWalkThrough.Runner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's consent walk-through works as written: its runner block starts start-api (on a port the system picks,
 * in a temporary data folder), its curl block runs with {@code bash -e} against it, and the answers are the ones its
 * comments promise: the cap narrows the next pull and refuses the push, the explanation names the rule and the cap,
 * and the receipt the cleanup wrote verifies with the runner's {@code verify-receipt}, and fails once changed. The
 * only other substitution: {@code java -jar local/target/orgshare-local.jar} runs the runner's main class from the
 * build's classes (the jar is packaged after the tests).
 */
class ConsentWalkThroughTest {
    private static final String SECTION = "## Owner consent, explanations and deletion receipts";
    private static final String WALK_FIRST_LINE = "# consent walk-through: the runner on port 3000";
    private static final String URL = "http://127.0.0.1:3000";
    private static final String JAR = "java -jar local/target/orgshare-local.jar";

    private final ReadmeWalkThrough walkThrough = new ReadmeWalkThrough();

    @AfterEach
    void stopTheProcesses() throws InterruptedException {
        walkThrough.stop();
    }

    @Test
    void theReadmesConsentWalkThroughWorksAsWritten(@TempDir Path dir) throws Exception {
        List<String> blocks = ReadmeWalkThrough.blocks(ReadmeWalkThrough.section(SECTION));
        List<Runner> runners = blocks.stream().filter(b -> b.contains(ReadmeWalkThrough.RUN_LOCAL + " "))
                .map(ReadmeWalkThrough::runner).toList();
        assertEquals(1, runners.size(), "one runner block");
        Runner runner = runners.get(0);
        assertEquals("2", runner.option("--schedule-every"), "the cleanup runs every 2 seconds");
        runner = runner.with("--port", "0").with("--data", dir.resolve("data").toString());
        Path log = dir.resolve("runner.log");
        Process api = walkThrough.startApi(runner.environment(), runner.options(), log);

        String script = ReadmeWalkThrough.markedBlock(blocks, WALK_FIRST_LINE);
        assertTrue(script.contains("API=" + URL + "\n"), "the walk-through names the runner once, as $API");
        assertTrue(script.contains(JAR + " verify-receipt"), "the walk-through verifies with the runner's jar");
        URI uri = ReadmeWalkThrough.awaitReady(api, log);
        String java = ProcessHandle.current().info().command().orElse("java");
        script = script.replace("API=" + URL + "\n", "API=" + uri.toString().replaceAll("/$", "") + "\n")
                .replace(JAR, "'" + java + "' -cp '" + System.getProperty("java.class.path") + "' " + Main.class.getName());
        assertFalse(script.contains(":3000"), "the walk-through reaches the runner only through $API");

        Path transcript = dir.resolve("transcript.txt");
        Process bash = walkThrough.bash(script, dir, transcript);
        boolean ranThrough = bash.waitFor(90, TimeUnit.SECONDS) && bash.exitValue() == 0;
        List<String> lines = Files.readAllLines(transcript, StandardCharsets.UTF_8);
        String what = "\n--- the walk-through, traced:\n" + String.join("\n", lines) + "\n--- runner:\n"
                + Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(ranThrough, "the walk-through runs through with bash -e within 90 s" + what);
        Map<String, String> vars = ReadmeWalkThrough.assignments(lines);
        List<Call> calls = ReadmeWalkThrough.calls(lines);
        String base = uri.toString().replaceAll("/$", "");
        for (Call call : calls) {
            assertTrue(call.status() < 500 && call.status() != 401, call + what);
        }
        String group = ReadmeWalkThrough.set(vars, "GROUP", what);
        String supplierId = ReadmeWalkThrough.set(vars, "S_ID", what);
        String supplierKey = ReadmeWalkThrough.set(vars, "S_KEY", what);
        String northId = ReadmeWalkThrough.set(vars, "N_ID", what);
        String northKey = ReadmeWalkThrough.set(vars, "N_KEY", what);
        String headKey = ReadmeWalkThrough.set(vars, "H_KEY", what);
        String orders = base + "/groups/" + group + "/exchange/" + supplierId + "/order";

        // before the cap: both of the branch's orders, every field; after it: the north one, without its margin
        List<Call> pulls = ReadmeWalkThrough.all(calls, "GET", orders, northKey);
        assertEquals(2, pulls.size(), what);
        assertEquals(List.of("PO-1", "PO-2"), ids(pulls.get(0).json()), what);
        assertTrue(pulls.get(0).json().get("records").get(0).get("body").has("margin"), what);
        assertEquals(List.of("PO-1"), ids(pulls.get(1).json()), what);
        assertEquals(Set.of("buyerId", "region", "total"), fields(pulls.get(1).json().get("records").get(0).get("body")), what);
        Call consent = ReadmeWalkThrough.only(calls, "PATCH", base + "/groups/" + group + "/consent", supplierKey, what);
        assertEquals(1, consent.json().get("version").asLong(), what);
        Call push = ReadmeWalkThrough.only(calls, "POST", orders, northKey, what);
        assertEquals(403, push.status(), what);
        assertEquals("PUSH_NOT_ALLOWED", push.json().get("error").get("code").asText(), what);
        JsonNode caps = ReadmeWalkThrough.only(calls, "GET", base + "/groups/" + group + "/consent?ownerId=" + supplierId,
                headKey, what).json();
        assertEquals("FIELDS", caps.get("caps").get(0).get("maxScope").asText(), what);

        // the explanation: the rule as written, the cap, the grant before and after, reasons in words
        JsonNode explained = ReadmeWalkThrough.only(calls, "GET", base + "/groups/" + group + "/explain?ownerId=" + supplierId
                + "&partnerId=" + northId + "&type=order", northKey, what).json();
        assertEquals("${partner}", explained.get("rule").get("filter").get("buyerId").asText(), what);
        assertEquals("FULL", explained.get("granted").get("scope").asText(), what);
        assertTrue(explained.get("granted").get("push").asBoolean(), what);
        JsonNode effective = explained.get("effective");
        assertEquals("FIELDS", effective.get("scope").asText(), what);
        assertFalse(effective.get("push").asBoolean(), what);
        assertEquals(Map.of("buyerId", northId, "region", "north"), Map.of("buyerId", effective.get("filter").get("buyerId").asText(),
                "region", effective.get("filter").get("region").asText()), what);
        assertTrue(explained.get("reasons").size() >= 2, what);
        JsonNode matrix = ReadmeWalkThrough.only(calls, "GET", base + "/groups/" + group + "/matrix?type=order", headKey, what).json();
        boolean cell = false;
        for (JsonNode c : matrix.get("cells")) {
            cell |= c.get("ownerId").asText().equals(supplierId) && c.get("partnerId").asText().equals(northId)
                    && c.get("scope").asText().equals("FIELDS") && !c.get("push").asBoolean();
        }
        assertTrue(cell, "the matrix shows the supplier -> branch cell narrowed" + what);

        // the receipt: the branch's and the head office's copies are the same signed receipt of the branch's leave
        JsonNode northReceipts = ReadmeWalkThrough.json(Files.readString(dir.resolve("north-receipts.json")));
        JsonNode receipt = northReceipts.get("receipts").get(0);
        assertEquals("LEAVE", receipt.get("receipt").get("kind").asText(), what);
        assertEquals(northId, receipt.get("receipt").get("merchantId").asText(), what);
        JsonNode headReceipts = ReadmeWalkThrough.all(calls, "GET", base + "/receipts", headKey).get(0).json();
        assertEquals(receipt, headReceipts.get("receipts").get(0), what);
        String transcriptText = String.join("\n", lines);
        assertTrue(transcriptText.contains("Verified: receipt " + receipt.get("receipt").get("receiptId").asText() + " (LEAVE"), what);
        assertTrue(transcriptText.contains("NOT verified") && transcriptText.contains("changed: not verified"), what);
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("records").forEach(r -> ids.add(r.get("recordId").asText()));
        return ids;
    }

    private static Set<String> fields(JsonNode body) {
        Set<String> names = new TreeSet<>();
        body.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
