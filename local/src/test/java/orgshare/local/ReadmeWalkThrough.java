package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the README walk-through tests share: reading a section's blocks strictly, and running them as a reader would
 * (start-api as ./run-local starts it, the curl blocks with {@code bash -e -x}). It owns the processes it starts;
 * {@link #stop()} ends them and what they started.
 */
final class ReadmeWalkThrough {
    static final Path README = Path.of("../README.md");
    /** Where ./run-local runs from (it changes to its own folder), so template.yaml is found as it finds it. */
    static final Path PROJECT = Path.of("..");
    static final String RUN_LOCAL = "./run-local";
    /**
     * A top-level call of the block's {@code api} helper, as {@code bash -x} prints it (nested levels print {@code ++});
     * bash quotes a URL with a query ({@code '...?a=1&b=2'}): the URL is read without the quotes.
     */
    private static final Pattern CURL = Pattern.compile("^\\+ curl -s -X (\\S+) '?([^'\\s]+)'? ");
    private static final Pattern BLOCK = Pattern.compile("(?ms)^```\\n(.*?)^```$");
    private static final Pattern ASSIGNMENT = Pattern.compile("^\\+ (\\w+)=(\\S*)$");
    private static final Pattern EXPORT = Pattern.compile("export (\\w+)=(\\S+)");
    private static final Pattern BEARER = Pattern.compile("Authorization: Bearer ([^'\\s]+)");
    static final Pattern BODY = Pattern.compile("(?s) -d '(\\{.*})'");
    /** What {@code api} prints: the body, a space, the HTTP status. */
    private static final Pattern ANSWER = Pattern.compile("^(.*) (\\d{3})$");

    private final List<Process> processes = new ArrayList<>();

    /** A runner block: what it exports, and the options it gives ./run-local (which passes them to start-api). */
    record Runner(Map<String, String> environment, List<String> options) {
        String option(String name) {
            int at = options.indexOf(name);
            assertTrue(at >= 0 && at + 1 < options.size(), "the runner block gives " + name + ": " + options);
            return options.get(at + 1);
        }

        /** The same runner with {@code name}'s value replaced. */
        Runner with(String name, String value) {
            option(name);
            List<String> changed = new ArrayList<>(options);
            changed.set(changed.indexOf(name) + 1, value);
            return new Runner(environment, changed);
        }
    }

    /** The README's section under {@code heading}, which it has once. */
    static String section(String heading) throws IOException {
        String readme = Files.readString(README);
        int start = readme.indexOf("\n" + heading + "\n");
        assertTrue(start >= 0, "the README has the section '" + heading + "'");
        assertEquals(start, readme.lastIndexOf("\n" + heading + "\n"), "once");
        int end = readme.indexOf("\n## ", start + 1);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    static List<String> blocks(String section) {
        List<String> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(section);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    /** The one block of {@code blocks} that starts with {@code firstLine}, the marker a test finds it by. */
    static String markedBlock(List<String> blocks, String firstLine) {
        List<String> marked = blocks.stream().filter(b -> b.startsWith(firstLine + "\n")).toList();
        assertEquals(1, marked.size(), "one block starts with '" + firstLine + "'");
        return marked.get(0);
    }

    /** A runner block holds comments, exports and one ./run-local line, nothing a user would run besides. */
    static Runner runner(String block) {
        Map<String, String> environment = new LinkedHashMap<>();
        List<String> options = null;
        for (String line : block.split("\n")) {
            String stripped = line.strip();
            Matcher export = EXPORT.matcher(stripped);
            if (stripped.isEmpty() || stripped.startsWith("#")) {
                continue;
            } else if (export.matches()) {
                environment.put(export.group(1), export.group(2));
            } else if ((stripped + " ").startsWith(RUN_LOCAL + " ") && options == null) {
                options = options(stripped.substring(RUN_LOCAL.length()));
            } else {
                fail("a runner block holds exports and one ./run-local line, not: " + line);
            }
        }
        assertTrue(options != null, "a runner block has a ./run-local line:\n" + block);
        return new Runner(environment, options);
    }

    /** The options of a ./run-local command line, none when it has none. */
    static List<String> options(String afterRunLocal) {
        String stripped = afterRunLocal.strip();
        return stripped.isEmpty() ? List.of() : List.of(stripped.split(" +"));
    }

    /** The shell variables the walk-through set at its top level, as traced: the last value of each. */
    static Map<String, String> assignments(List<String> lines) {
        Map<String, String> vars = new HashMap<>();
        for (String line : lines) {
            Matcher m = ASSIGNMENT.matcher(line);
            if (m.matches()) {
                vars.put(m.group(1), m.group(2));
            }
        }
        return vars;
    }

    static JsonNode json(String json) {
        try {
            return EventJson.mapper().readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /** A top-level curl call of a walk-through's {@code api} helper, as bash traced it: its transcript line, and to what. */
    record Curl(int line, String method, String url) {
    }

    /** The top-level curl calls in a {@code bash -x} transcript, in order. */
    static List<Curl> curls(List<String> lines) {
        List<Curl> curls = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = CURL.matcher(lines.get(i));
            if (m.find()) {
                curls.add(new Curl(i, m.group(1), m.group(2)));
            }
        }
        return curls;
    }

    /** start-api with these options (the runner's, its port and data folder already substituted) and environment. */
    Process startApi(Map<String, String> environment, List<String> options, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "start-api"));
        command.addAll(options);
        ProcessBuilder builder = new ProcessBuilder(command).directory(PROJECT.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove(OperatorKey.ENVIRONMENT_VARIABLE);
        builder.environment().remove(LocalSecrets.FEDERATION_KEY_VARIABLE);
        builder.environment().putAll(environment);
        return start(builder);
    }

    static URI awaitReady(Process process, Path log) throws IOException, InterruptedException {
        Pattern ready = Pattern.compile(Pattern.quote(Main.READY) + "(\\S+)");
        Matcher m = ready.matcher(awaitLine(process, log, ready, "start-api"));
        assertTrue(m.find());
        return URI.create(m.group(1));
    }

    /** The output of {@code process} in {@code log} once it holds a line with {@code wanted}, within 60 s. */
    static String awaitLine(Process process, Path log, Pattern wanted, String what) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String output = Files.readString(log, StandardCharsets.UTF_8);
            if (wanted.matcher(output).find()) {
                return output;
            }
            if (!process.isAlive()) {
                fail(what + " ended without '" + wanted + "':\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            Thread.sleep(50);
        }
        throw new AssertionError(what + " printed no '" + wanted + "' within 60 s:\n" + Files.readString(log, StandardCharsets.UTF_8));
    }

    /** {@code script} running with bash -e -x in {@code dir} (the trace goes to the transcript with the output). */
    Process bash(String script, Path dir, Path transcript) throws IOException {
        Path file = dir.resolve("walk-through.sh");
        Files.writeString(file, script);
        ProcessBuilder builder = new ProcessBuilder("bash", "-e", "-x", file.toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(transcript.toFile());
        builder.environment().remove(OperatorKey.ENVIRONMENT_VARIABLE);
        return start(builder);
    }

    Process start(ProcessBuilder builder) throws IOException {
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    /** Ends every process started, and what they started (a shell's program). */
    void stop() throws InterruptedException {
        for (Process process : processes) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
        for (Process process : processes) {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }

    /** One call of the block's {@code api} helper, as bash traced it, and the answer it printed. */
    record Call(int index, String method, String url, String key, String trace, int status, String body) {
        JsonNode json() {
            return ReadmeWalkThrough.json(body);
        }

        @Override
        public String toString() {
            return method + " " + url + " -> " + status + " " + body;
        }
    }

    static List<Call> calls(List<String> lines) {
        List<Call> calls = new ArrayList<>();
        for (ReadmeWalkThrough.Curl curl : ReadmeWalkThrough.curls(lines)) {
            int i = curl.line();
            StringBuilder trace = new StringBuilder(lines.get(i));
            int next = i + 1;
            while (next < lines.size() && !lines.get(next).startsWith("+")) {
                next++;
            }
            assertTrue(next > i + 1, "an answer after " + lines.get(i));
            for (int j = i + 1; j < next - 1; j++) {
                trace.append('\n').append(lines.get(j));
            }
            Matcher answer = ANSWER.matcher(lines.get(next - 1));
            assertTrue(answer.matches(), "api prints the body and the status: " + lines.get(next - 1));
            Matcher bearer = BEARER.matcher(trace);
            calls.add(new Call(calls.size(), curl.method(), curl.url(), bearer.find() ? bearer.group(1) : null,
                    trace.toString(), Integer.parseInt(answer.group(2)), answer.group(1).strip()));
        }
        return calls;
    }

    /** The calls of {@code method} to {@code url} (any, when null) made with {@code key} (any, when null). */
    static List<Call> all(List<Call> calls, String method, String url, String key) {
        return calls.stream().filter(c -> c.method().equals(method) && (url == null || c.url().equals(url))
                && (key == null || key.equals(c.key()))).toList();
    }

    static Call only(List<Call> calls, String method, String url, String key, String what) {
        List<Call> found = all(calls, method, url, key);
        assertEquals(1, found.size(), "one " + method + " " + url + " with that key" + what);
        return found.get(0);
    }

    /** A variable the walk-through set, with a value. */
    static String set(Map<String, String> vars, String name, String what) {
        String value = vars.get(name);
        assertTrue(value != null && !value.isEmpty(), "the walk-through sets $" + name + what);
        return value;
    }
}
