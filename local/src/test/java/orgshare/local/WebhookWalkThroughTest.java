package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The README's webhook walk-through works as written. It continues the walk-through with curl after the purchase
 * order, so that walk-through's runner block starts start-api with the options the webhook section gives ./run-local
 * ({@code --allow-loopback-webhooks}); the walk-through up to the purchase order and the webhook blocks run in one
 * {@code bash -e -x}, as in the reader's one shell; the receiver block's programs start, each as its line says, once
 * the secrets are in their files. The only substitutions: the runner's port and data folder, the programs' ports.
 */
class WebhookWalkThroughTest {
    private static final String WALK_SECTION = "## Walk-through with curl";
    private static final String WALK_FIRST_LINE = "# walk-through with curl: the runner on port 3000";
    private static final String WALK_URL = "http://127.0.0.1:3000";
    /** The webhook walk-through continues from the end of this paragraph of the walk-through with curl. */
    private static final String PURCHASE_ORDER = "# Branch North places a purchase order in the supplier's inbox; the supplier reads it";
    private static final String SECTION = "## Webhooks and the push status chain";
    private static final Pattern RUNNER = Pattern.compile("started as\\s+`\\./run-local( [^`]*)`");
    private static final String SETUP_FIRST_LINE = "# the supplier's program listens on 8787: set the webhook, keep the secret it shows once";
    private static final String RECEIVERS_FIRST_LINE = "# the webhook programs: each in its own shell, in the project's folder";
    private static final Pattern RECEIVER = Pattern.compile("^WEBHOOK_SECRET=\\$\\(cat \\.[\\w-]+\\) python3 docs/webhook-receiver\\.py (\\d+)$");
    private static final String THEN_FIRST_LINE = "# webhook walk-through: a push, its acknowledgement, and what each program prints";
    /** What the test's shell waits for between the webhook setup and the push: the programs listening. */
    private static final String RECEIVERS_READY = "receivers-ready";
    private static final String WEBHOOKS_SET = "webhooks-set";
    private static final String ECHO = "+ echo";
    /** The runner's line for each request it answered. */
    private static final Pattern ANSWERED = Pattern.compile("(?m)^(GET|POST|PUT|PATCH|DELETE) (\\S+) (\\d{3}) ");
    /** A delivery line as the receiver prints it. */
    private static final Pattern DELIVERY = Pattern.compile("(?m)^(msg_\\S+) signature (ok|BAD)( \\(again\\))? -> (\\d{3}): (\\S+) (.*)$");
    /** The refusals the walk-through's comments promise; any other error (a 5xx above all) is a failure. */
    private static final Set<String> PROMISED_REFUSALS = Set.of("NOT_SHARED", "PUSH_NOT_ALLOWED", "ACK_CONFLICT");

    private final ReadmeWalkThrough walkThrough = new ReadmeWalkThrough();

    /** One call of the block's {@code api} helper, as bash traced it, and the body it printed (it prints no status). */
    private record Call(String method, String url, String body) {
        JsonNode json() {
            return ReadmeWalkThrough.json(body);
        }

        @Override
        public String toString() {
            return method + " " + url + " -> " + body;
        }
    }

    @AfterEach
    void stopTheProcesses() throws InterruptedException {
        walkThrough.stop();
    }

    @Test
    void theReadmesWebhookWalkThroughWorksAsWritten(@TempDir Path dir) throws Exception {
        requirePython();
        List<String> walkBlocks = ReadmeWalkThrough.blocks(ReadmeWalkThrough.section(WALK_SECTION));
        List<String> runnerBlocks = walkBlocks.stream().filter(b -> b.contains(ReadmeWalkThrough.RUN_LOCAL)).toList();
        assertEquals(1, runnerBlocks.size(), "one runner block in the walk-through with curl");
        ReadmeWalkThrough.Runner runner = ReadmeWalkThrough.runner(runnerBlocks.get(0));
        String walk = upToThePurchaseOrder(ReadmeWalkThrough.markedBlock(walkBlocks, WALK_FIRST_LINE));

        String section = ReadmeWalkThrough.section(SECTION);
        Matcher started = RUNNER.matcher(section);
        assertTrue(started.find(), "the webhook section says how the runner is started: " + RUNNER);
        List<String> options = new ArrayList<>(ReadmeWalkThrough.options(started.group(1)));
        assertFalse(started.find(), "once");
        assertTrue(options.contains("--allow-loopback-webhooks"), options.toString());
        List<String> blocks = ReadmeWalkThrough.blocks(section);
        String setup = ReadmeWalkThrough.markedBlock(blocks, SETUP_FIRST_LINE);
        List<String> receivers = receiverLines(ReadmeWalkThrough.markedBlock(blocks, RECEIVERS_FIRST_LINE));
        String then = ReadmeWalkThrough.markedBlock(blocks, THEN_FIRST_LINE);

        options.addAll(List.of("--port", "0", "--data", dir.resolve("data").toString()));
        Path runnerLog = dir.resolve("runner.log");
        Process api = walkThrough.startApi(runner.environment(), options, runnerLog);
        Files.createSymbolicLink(dir.resolve("docs"), ReadmeWalkThrough.PROJECT.resolve("docs").toAbsolutePath().normalize());
        List<Integer> ports = new ArrayList<>();
        for (String line : receivers) {
            Matcher m = RECEIVER.matcher(line);
            assertTrue(m.matches());
            String port = m.group(1);
            String free = String.valueOf(freePort());
            ports.add(Integer.parseInt(free));
            assertTrue(setup.contains("http://127.0.0.1:" + port + "/hook"), "the setup block sets a webhook on port " + port);
            setup = setup.replace("http://127.0.0.1:" + port + "/", "http://127.0.0.1:" + free + "/");
        }
        URI uri = ReadmeWalkThrough.awaitReady(api, runnerLog);
        assertTrue(walk.contains(WALK_URL), "the walk-through reaches the runner at " + WALK_URL);
        walk = walk.replace(WALK_URL, uri.toString());
        assertFalse(walk.contains(":3000") || setup.contains(":3000") || then.contains(":3000"),
                "the walk-through reaches port 3000 only in its api helper");
        String script = walk + "\n" + setup + "\ntouch " + WEBHOOKS_SET + "\nuntil [ -e " + RECEIVERS_READY
                + " ]; do sleep 0.1; done\n" + then;

        Path transcript = dir.resolve("transcript.txt");
        Process bash = walkThrough.bash(script, dir, transcript);
        awaitFile(bash, dir.resolve(WEBHOOKS_SET), transcript);
        List<Path> receiverLogs = new ArrayList<>();
        for (int i = 0; i < receivers.size(); i++) {
            Matcher m = RECEIVER.matcher(receivers.get(i));
            assertTrue(m.matches());
            String line = receivers.get(i).substring(0, m.start(1)) + ports.get(i);
            Path log = dir.resolve("receiver-" + i + ".log");
            receiverLogs.add(log);
            Process receiver = walkThrough.start(new ProcessBuilder("bash", "-c", line).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()));
            ReadmeWalkThrough.awaitLine(receiver, log, Pattern.compile("listening on http://127\\.0\\.0\\.1:" + ports.get(i) + "/hook"),
                    "the receiver '" + line + "'");
        }
        Files.createFile(dir.resolve(RECEIVERS_READY));
        boolean ranThrough = bash.waitFor(40, TimeUnit.SECONDS) && bash.exitValue() == 0;

        List<String> lines = Files.readAllLines(transcript, StandardCharsets.UTF_8);
        String msg = ReadmeWalkThrough.assignments(lines).get("MSG");
        String inboxReceived = awaitDelivery(receiverLogs.get(0), "inbox.received", msg);
        String pushStatus = awaitDelivery(receiverLogs.get(1), "push.status", msg);
        String what = "\n--- the walk-through, traced:\n" + String.join("\n", lines) + "\n--- runner:\n"
                + Files.readString(runnerLog) + "\n--- receiver 8787:\n" + Files.readString(receiverLogs.get(0))
                + "\n--- receiver 8788:\n" + Files.readString(receiverLogs.get(1));
        assertTrue(ranThrough, "the walk-through runs through with bash -e within 40 s" + what);
        Matcher answered = ANSWERED.matcher(Files.readString(runnerLog));
        while (answered.find()) {
            assertTrue(answered.group(3).charAt(0) != '5', answered.group() + what);
        }
        assertWebhookWalkThrough(uri.toString(), msg, calls(lines), inboxReceived, pushStatus, what);
    }

    /** What the webhook section's comments promise. */
    private static void assertWebhookWalkThrough(String base, String msg, List<Call> calls, String inboxReceived,
                                                 String pushStatus, String what) {
        assertFalse(calls.isEmpty(), what);
        for (Call call : calls) {
            JsonNode error = call.json().path("error");
            assertTrue(error.isMissingNode() || PROMISED_REFUSALS.contains(error.path("code").asText()), call + what);
        }
        assertTrue(msg != null && !msg.isEmpty(), "the push's messageId is set as $MSG" + what);
        // 8787 prints: msg_... signature ok -> 204: inbox.received {"messageId": ..., "from": ..., "type": "purchase-order"}
        assertTrue(inboxReceived != null, "the supplier's program prints the inbox.received delivery of " + msg + what);
        Matcher inbox = DELIVERY.matcher(inboxReceived);
        assertTrue(inbox.find() && inbox.group(2).equals("ok") && inbox.group(4).equals("204"), inboxReceived + what);
        assertEquals("purchase-order", ReadmeWalkThrough.json(inbox.group(6)).path("type").asText(), inboxReceived + what);
        // 8788 prints: msg_... signature ok -> 204: push.status {"messageId": ..., "status": "ACCEPTED", ...}
        assertTrue(pushStatus != null, "the branch's program prints the push.status delivery of " + msg + what);
        Matcher status = DELIVERY.matcher(pushStatus);
        assertTrue(status.find() && status.group(2).equals("ok") && status.group(4).equals("204"), pushStatus + what);
        assertEquals("ACCEPTED", ReadmeWalkThrough.json(status.group(6)).path("status").asText(), pushStatus + what);

        List<Call> pushes = calls.stream().filter(c -> c.method().equals("GET") && c.url().equals(base + "/pushes/" + msg)).toList();
        assertEquals(2, pushes.size(), what);
        assertEquals("RECEIVED", pushes.get(0).json().path("status").asText(), what);
        assertEquals("ACCEPTED", pushes.get(1).json().path("status").asText(), what);
        assertFalse(pushes.get(1).json().path("acknowledgedAt").asText().isEmpty(), what);
        List<Call> acks = calls.stream().filter(c -> c.url().equals(base + "/inbox/" + msg + "/ack")).toList();
        assertEquals(3, acks.size(), what);
        assertEquals("ACCEPTED", acks.get(0).json().path("status").asText(), what);
        assertEquals(acks.get(0).body(), acks.get(1).body(), "the same acknowledgement again answers the same" + what);
        assertEquals("ACK_CONFLICT", acks.get(2).json().path("error").path("code").asText(), what);
        Call deliveries = calls.get(calls.size() - 1);
        assertEquals(base + "/merchants/me/webhook/deliveries", deliveries.url(), what);
        // the list is read as the deliveries happen: what it holds then depends on the stream's timing (a script this
        // fast may even find the first purchase order's event, read from the stream after the webhook was set)
        assertTrue(deliveries.json().path("deliveries").isArray(), what);
        for (JsonNode delivery : deliveries.json().get("deliveries")) {
            assertEquals("inbox.received", delivery.path("type").asText(), what);
            assertTrue(delivery.path("webhookId").asText().startsWith("msg_") && delivery.has("status")
                    && delivery.has("attempts"), delivery + what);
        }
    }

    private static void requirePython() throws InterruptedException {
        try {
            Process python = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            assertTrue(python.waitFor(10, TimeUnit.SECONDS) && python.exitValue() == 0, "python3 --version fails");
        } catch (IOException e) {
            fail("this test runs the README's webhook receiver, docs/webhook-receiver.py: it needs python3 on the PATH", e);
        }
    }

    /** The walk-through up to the end of the purchase order's paragraph, where the webhook section continues it. */
    private static String upToThePurchaseOrder(String walk) {
        int at = walk.indexOf("\n" + PURCHASE_ORDER + "\n");
        assertTrue(at >= 0, "the walk-through has the paragraph '" + PURCHASE_ORDER + "'");
        int end = walk.indexOf("\n\n", at + 1);
        assertTrue(end >= 0, "and more after it");
        return walk.substring(0, end + 1);
    }

    /** The receiver block: its marker comment, then lines that each start one program. */
    private static List<String> receiverLines(String block) {
        List<String> lines = block.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertEquals(2, lines.size(), "two programs, the supplier's and the branch's:\n" + block);
        for (String line : lines) {
            assertTrue(RECEIVER.matcher(line).matches(), "a receiver line is 'WEBHOOK_SECRET=$(cat FILE) python3 docs/webhook-receiver.py PORT', not: " + line);
        }
        return lines;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitFile(Process bash, Path file, Path transcript) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (!Files.exists(file)) {
            if (!bash.isAlive() || System.nanoTime() > deadline) {
                fail("the walk-through did not reach the webhook setup's end:\n" + Files.readString(transcript));
            }
            Thread.sleep(50);
        }
    }

    /** The receiver's line for the delivery of {@code type} about {@code messageId}, once printed (within 10 s). */
    private static String awaitDelivery(Path log, String type, String messageId) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        do {
            Matcher m = DELIVERY.matcher(Files.readString(log, StandardCharsets.UTF_8));
            while (m.find()) {
                if (m.group(5).equals(type) && messageId != null && m.group(6).contains("\"" + messageId + "\"")) {
                    return m.group();
                }
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return null;
    }

    /**
     * The api calls whose answers were printed (not piped), in order. {@code api} prints the body, then a newline with
     * {@code echo}, whose trace lands at the body's end; the lines between are the rest of a request body.
     */
    private static List<Call> calls(List<String> lines) {
        List<Call> calls = new ArrayList<>();
        for (ReadmeWalkThrough.Curl curl : ReadmeWalkThrough.curls(lines)) {
            int answer = curl.line() + 1;
            while (answer < lines.size() && !lines.get(answer).endsWith(ECHO)) {
                answer++;
            }
            if (answer < lines.size() && lines.get(answer).length() > ECHO.length()) {
                String body = lines.get(answer);
                calls.add(new Call(curl.method(), curl.url(), body.substring(0, body.length() - ECHO.length())));
            }
        }
        return calls;
    }
}
