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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's federation walk-through works as written: its two runner blocks start two start-api processes (the
 * options they give ./run-local, which passes them to start-api, on ports the system picks and in temporary data
 * folders: the only substitutions), its curl block runs with {@code bash -e} against them, and the answers are the ones
 * its comments promise. bash's trace ({@code -x}) says which call each answer belongs to.
 */
class FederationWalkThroughTest {
    private static final String SECTION = "## Federation: one group across two deployments";
    private static final String WALK_FIRST_LINE = "# federation walk-through: deployment A on port 3000, deployment B on port 3001";


    private final ReadmeWalkThrough walkThrough = new ReadmeWalkThrough();

    @AfterEach
    void stopTheProcesses() throws InterruptedException {
        walkThrough.stop();
    }

    @Test
    void theReadmesFederationWalkThroughWorksAsWritten(@TempDir Path dir) throws Exception {
        List<String> blocks = ReadmeWalkThrough.blocks(ReadmeWalkThrough.section(SECTION));
        List<Runner> runners = blocks.stream().filter(b -> b.contains(ReadmeWalkThrough.RUN_LOCAL + " "))
                .map(ReadmeWalkThrough::runner).toList();
        assertEquals(2, runners.size(), "two runner blocks, side by side");

        List<Process> started = new ArrayList<>();
        for (int i = 0; i < runners.size(); i++) {
            Runner runner = runners.get(i).with("--port", "0").with("--data", dir.resolve("data-" + i).toString());
            started.add(walkThrough.startApi(runner.environment(), runner.options(), dir.resolve("runner-" + i + ".log")));
        }
        String script = ReadmeWalkThrough.markedBlock(blocks, WALK_FIRST_LINE);
        Map<String, String> urls = new HashMap<>();
        for (int i = 0; i < runners.size(); i++) {
            URI uri = ReadmeWalkThrough.awaitReady(started.get(i), dir.resolve("runner-" + i + ".log"));
            String port = runners.get(i).option("--port");
            Matcher line = Pattern.compile("(?m)^(\\w+)=http://127\\.0\\.0\\.1:" + port + "$").matcher(script);
            List<String> names = line.results().map(m -> m.group(1)).toList();
            assertEquals(1, names.size(), "the walk-through names the runner on port " + port
                    + " in one line VAR=http://127.0.0.1:" + port);
            String name = names.get(0);
            urls.put(name, uri.toString());
            script = line.replaceAll(Matcher.quoteReplacement(name + "=" + uri));
            assertFalse(script.contains(":" + port), "the walk-through reaches port " + port + " only through $" + name);
        }

        Path transcript = dir.resolve("transcript.txt");
        Process bash = walkThrough.bash(script, dir, transcript);
        boolean ranThrough = bash.waitFor(90, TimeUnit.SECONDS) && bash.exitValue() == 0;
        List<String> lines = Files.readAllLines(transcript, StandardCharsets.UTF_8);
        StringBuilder what = new StringBuilder("\n--- the walk-through, traced:\n").append(String.join("\n", lines));
        for (int i = 0; i < runners.size(); i++) {
            what.append("\n--- runner ").append(i).append(":\n").append(Files.readString(dir.resolve("runner-" + i + ".log")));
        }
        assertTrue(ranThrough, "the walk-through runs through with bash -e within 90 s" + what);
        Map<String, String> vars = ReadmeWalkThrough.assignments(lines);
        List<Call> calls = ReadmeWalkThrough.calls(lines);
        assertWalkThrough(urls.get("A"), urls.get("B"), vars, calls, what.toString());
    }

    /** What the README's comments promise, on the names its block gives things ($A, $B, $OP, $S_KEY, $GROUP, ...). */
    private static void assertWalkThrough(String a, String b, Map<String, String> vars, List<Call> calls, String what) {
        for (Call call : calls) {
            assertTrue(call.status() < 500 && call.status() != 401, call + what);
        }
        String op = ReadmeWalkThrough.set(vars, "OP", what);
        String group = ReadmeWalkThrough.set(vars, "GROUP", what);
        String supplierId = ReadmeWalkThrough.set(vars, "S_ID", what);
        String supplierKey = ReadmeWalkThrough.set(vars, "S_KEY", what);
        String northId = ReadmeWalkThrough.set(vars, "N_ID", what);
        String northKey = ReadmeWalkThrough.set(vars, "N_KEY", what);
        String eastKey = ReadmeWalkThrough.set(vars, "E_KEY", what);
        String exchange = "/groups/" + group + "/exchange/" + supplierId + "/";

        // two clouds, registered both ways by fingerprint
        String cloudA = ReadmeWalkThrough.only(calls, "POST", a + "/clouds", op, what).json().get("cloudId").asText();
        String cloudB = ReadmeWalkThrough.only(calls, "POST", b + "/clouds", op, what).json().get("cloudId").asText();
        assertEquals(201, ReadmeWalkThrough.only(calls, "POST", a + "/peers", op, what).status(), what);
        assertEquals(201, ReadmeWalkThrough.only(calls, "POST", b + "/peers", op, what).status(), what);

        // the invitation shows on B, with the group's home; the branch joins on B
        JsonNode invited = groupIn(ReadmeWalkThrough.only(calls, "GET", b + "/groups", northKey, what), group);
        assertTrue(invited != null, "B lists the invitation" + what);
        assertEquals(cloudA, invited.path("homeCloudId").asText(), what);
        assertEquals("INVITED", invited.path("memberStatus").asText(), what);
        Call join = ReadmeWalkThrough.only(calls, "PUT", b + "/groups/" + group + "/members/me", northKey, what);
        assertEquals(200, join.status(), what);
        assertEquals("ACTIVE", join.json().get("status").asText(), what);

        // the pull through B: exactly the branch's orders, of all the supplier stored
        Set<String> its = new TreeSet<>();
        Set<String> others = new TreeSet<>();
        for (Call stored : ReadmeWalkThrough.all(calls, "PUT", null, supplierKey)) {
            if (stored.url().startsWith(a + "/records/order/")) {
                assertEquals(200, stored.status(), stored + what);
                (stored.trace().contains(northId) ? its : others).add(stored.url().substring((a + "/records/order/").length()));
            }
        }
        assertFalse(its.isEmpty() || others.isEmpty(), "the supplier stores orders for the branch and others" + what);
        Call orders = ReadmeWalkThrough.only(calls, "GET", b + exchange + "order", northKey, what);
        assertEquals(200, orders.status(), what);
        Set<String> pulled = new TreeSet<>();
        for (JsonNode record : orders.json().get("records")) {
            pulled.add(record.get("recordId").asText());
            assertEquals(northId, record.get("body").get("buyerId").asText(), what);
        }
        assertEquals(its, pulled, "the branch pulls its own orders, all of them" + what);
        assertEquals("NOT_SHARED", ReadmeWalkThrough.only(calls, "GET", b + exchange + "order", eastKey, what).json().path("error").path("code").asText(), what);

        // stock: the sku and level fields only, of a record stored with more
        Set<String> storedFields = new TreeSet<>();
        for (Call stored : ReadmeWalkThrough.all(calls, "PUT", null, supplierKey)) {
            Matcher body = ReadmeWalkThrough.BODY.matcher(stored.trace());
            if (stored.url().startsWith(a + "/records/stock/") && body.find()) {
                storedFields.addAll(fieldNames(ReadmeWalkThrough.json(body.group(1))));
            }
        }
        assertTrue(storedFields.size() > 2 && storedFields.containsAll(Set.of("sku", "level")), storedFields + what);
        Call stock = ReadmeWalkThrough.only(calls, "GET", b + exchange + "stock", northKey, what);
        assertEquals(200, stock.status(), what);
        assertFalse(stock.json().get("records").isEmpty(), what);
        for (JsonNode record : stock.json().get("records")) {
            assertEquals(Set.of("level", "sku"), fieldNames(record.get("body")), what);
        }

        // the push through B lands in the supplier's inbox on A
        List<Call> pushes = calls.stream().filter(c -> c.method().equals("POST") && c.url().startsWith(b + exchange)
                && northKey.equals(c.key())).toList();
        assertEquals(1, pushes.size(), what);
        assertEquals(202, pushes.get(0).status(), what);
        String messageId = pushes.get(0).json().get("messageId").asText();
        Call inbox = ReadmeWalkThrough.only(calls, "GET", a + "/inbox", supplierKey, what);
        assertTrue(inbox.index() > pushes.get(0).index(), what);
        assertTrue(contains(inbox.json().get("items"), item -> messageId.equals(item.path("messageId").asText())
                && northId.equals(item.path("from").asText()) && cloudB.equals(item.path("fromCloudId").asText())), inbox + what);

        // the audit logs, each where its merchant lives, naming the other side's cloud
        for (String action : List.of("PULL", "PUSH")) {
            assertTrue(contains(ReadmeWalkThrough.only(calls, "GET", a + "/audit", supplierKey, what).json().get("events"), event(action, cloudB)),
                    action + what);
            assertTrue(contains(ReadmeWalkThrough.only(calls, "GET", b + "/audit", northKey, what).json().get("events"), event(action, cloudA)),
                    action + what);
        }

        // the branch leaves, the creator dissolves; after the schedule, B lists the group no more
        Call leave = ReadmeWalkThrough.only(calls, "DELETE", b + "/groups/" + group + "/members/me", northKey, what);
        assertEquals(204, leave.status(), what);
        Call dissolve = ReadmeWalkThrough.only(calls, "DELETE", a + "/groups/" + group, supplierKey, what);
        assertEquals(204, dissolve.status(), what);
        assertTrue(leave.index() < dissolve.index(), what);
        Call refused = ReadmeWalkThrough.only(calls, "GET", b + exchange + "stock", eastKey, what);
        assertTrue(refused.index() > dissolve.index() && (refused.status() == 410 || refused.status() == 404), refused + what);
        List<Call> listings = ReadmeWalkThrough.all(calls, "GET", b + "/groups", null);
        Call last = listings.get(listings.size() - 1);
        assertTrue(last.index() > dissolve.index(), "B's last listing comes after the dissolve" + what);
        assertEquals(200, ReadmeWalkThrough.only(calls, "PUT", b + "/groups/" + group + "/members/me", last.key(), what).status(),
                "the last listing is by a member that joined" + what);
        assertTrue(ReadmeWalkThrough.all(calls, "DELETE", b + "/groups/" + group + "/members/me", last.key()).isEmpty(),
                "and never left: only the dissolve's notice drops its pointer" + what);
        assertEquals(200, last.status(), what);
        assertTrue(groupIn(last, group) == null, "B no longer lists the group once A's schedule told it" + what);
    }

    /**
     * The api calls whose answers were printed, in order. A call's answer is the last line before the next trace line;
     * the lines between are the rest of a request body that spans lines.
     */
    private static Predicate<JsonNode> event(String action, String peerCloudId) {
        return e -> action.equals(e.path("action").asText()) && peerCloudId.equals(e.path("peerCloudId").asText());
    }

    private static JsonNode groupIn(Call listing, String groupId) {
        for (JsonNode g : listing.json().get("groups")) {
            if (groupId.equals(g.path("groupId").asText())) {
                return g;
            }
        }
        return null;
    }

    private static boolean contains(JsonNode items, Predicate<JsonNode> wanted) {
        for (JsonNode item : items) {
            if (wanted.test(item)) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> fieldNames(JsonNode body) {
        Set<String> names = new TreeSet<>();
        body.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
