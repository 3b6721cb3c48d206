package orgshare.local;

import orgshare.shared.auth.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * start-api as a user runs it, in its own process: it prints a ready line with the URL once it accepts requests, and
 * with --data the operator key it made survives a restart (kept owner-only in the folder); without --data it is new.
 */
class StartApiProcessTest {
    private static final Pattern KEY = Pattern.compile("Operator key \\(([^)]*)\\): (osk_\\S+)");

    private record Started(Process process, URI uri, String key, String origin) {
    }

    private static Started start(String... extra) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "start-api", "--port", "0", "--template", ProjectFiles.TEMPLATE.toString()));
        command.addAll(List.of(extra));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().remove(OperatorKey.ENVIRONMENT_VARIABLE);
        Process process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String key = null;
        String origin = null;
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            Matcher m = KEY.matcher(line);
            if (m.find()) {
                origin = m.group(1);
                key = m.group(2);
            }
            if (line.startsWith(Main.READY)) {
                return new Started(process, URI.create(line.substring(Main.READY.length()).split(" ")[0]), key, origin);
            }
        }
        process.destroyForcibly();
        throw new AssertionError("start-api ended without a ready line");
    }

    private static void stop(Started started) throws InterruptedException {
        started.process().destroy();
        assertTrue(started.process().waitFor(20, TimeUnit.SECONDS), "start-api stops on SIGTERM, as on Ctrl-C");
    }

    @Test
    void theGeneratedKeySurvivesARestartWithTheSameDataFolder(@TempDir Path data) throws Exception {
        Started first = start("--data", data.toString());
        try {
            assertNotNull(first.key());
            assertTrue(first.origin().contains("kept in"), first.origin());
            ApiReply cloud = ApiReply.call(first.uri(), "POST", "/clouds", first.key(), "{\"cloudId\":\"acme\",\"name\":\"Acme\"}");
            assertEquals(201, cloud.status(), cloud.text());
        } finally {
            stop(first);
        }
        Path kept = OperatorKey.keptFile(data);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)));

        Started second = start("--data", data.toString());
        try {
            assertEquals(first.key(), second.key(), "the same key after a restart");
            ApiReply merchant = ApiReply.call(second.uri(), "POST", "/merchants", second.key(), "{\"cloudId\":\"acme\",\"name\":\"A\"}");
            assertEquals(201, merchant.status(), "the user's script still works: " + merchant.text());
        } finally {
            stop(second);
        }

        Started memory = start();
        try {
            assertTrue(ApiKeys.wellFormed(memory.key()));
            assertNotEquals(first.key(), memory.key(), "without --data, a fresh key per run");
            assertTrue(memory.origin().contains("new for this run"), memory.origin());
            assertEquals(404, ApiReply.call(memory.uri(), "GET", "/no/route", null, null).status(), "it accepts requests");
        } finally {
            stop(memory);
        }
    }
}
