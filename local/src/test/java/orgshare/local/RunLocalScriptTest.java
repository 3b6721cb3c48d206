package orgshare.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ./run-local in a copy of the project's layout, with {@code mvn} and {@code java} on the PATH replaced by scripts that
 * record their calls: it builds only when a source is newer than the last build, and --help builds nothing.
 */
class RunLocalScriptTest {
    private record Run(int exit, String out, String err, List<String> calls) {
    }

    private static Path project(Path dir) throws IOException {
        Files.copy(Path.of("../run-local"), dir.resolve("run-local"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.writeString(dir.resolve("pom.xml"), "<project/>");
        Files.writeString(dir.resolve("template.yaml"), "Resources: {}");
        Files.createDirectories(dir.resolve("local/src/main/java"));
        Files.writeString(dir.resolve("local/src/main/java/A.java"), "class A {}");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        stub(bin.resolve("mvn"), "echo \"mvn $*\" >> \"$CALLS\"; mkdir -p local/target; touch local/target/orgshare-local.jar");
        stub(bin.resolve("java"), "echo \"java $*\" >> \"$CALLS\"");
        return dir;
    }

    private static void stub(Path file, String body) throws IOException {
        Files.writeString(file, "#!/usr/bin/env bash\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static Run run(Path dir, String... args) throws Exception {
        Path calls = dir.resolve("calls.txt");
        Files.deleteIfExists(calls);
        Files.createFile(calls);
        List<String> command = new java.util.ArrayList<>(List.of("bash", dir.resolve("run-local").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("PATH", dir.resolve("bin") + ":/usr/bin:/bin");
        builder.environment().put("CALLS", calls.toString());
        builder.redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        Process process = builder.start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "run-local ends");
        return new Run(process.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8), Files.readAllLines(calls));
    }

    private static void age(Path file, int secondsAgo) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(secondsAgo)));
    }

    @Test
    void helpPrintsTheUsageAndBuildsNothing(@TempDir Path dir) throws Exception {
        project(dir);
        for (String help : List.of("--help", "-h")) {
            Run run = run(dir, "--port", "4000", help);
            assertEquals(0, run.exit(), run.err());
            assertTrue(run.out().startsWith("Usage: ./run-local") && run.out().contains("--port"), run.out());
            assertEquals(List.of(), run.calls(), "neither mvn nor java runs");
        }
    }

    @Test
    void itBuildsOnTheFirstRunAndThenOnlyWhenASourceChanged(@TempDir Path dir) throws Exception {
        project(dir);
        Run first = run(dir, "--port", "4000");
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.err().contains("Building orgshare") && first.err().contains("few minutes"), first.err());
        assertEquals(List.of("mvn -B -q -DskipTests package", "java -jar local/target/orgshare-local.jar start-api --port 4000"),
                first.calls());

        for (Path file : List.of(dir.resolve("pom.xml"), dir.resolve("template.yaml"), dir.resolve("local/src/main/java/A.java"))) {
            age(file, 60);
        }
        Run unchanged = run(dir);
        assertEquals(List.of("java -jar local/target/orgshare-local.jar start-api"), unchanged.calls(), unchanged.err());
        assertFalse(unchanged.err().contains("uild"), unchanged.err());

        for (String changed : List.of("local/src/main/java/A.java", "template.yaml", "pom.xml")) {
            Files.writeString(dir.resolve(changed), " ", java.nio.file.StandardOpenOption.APPEND);
            Files.setLastModifiedTime(dir.resolve(changed), FileTime.from(Instant.now().plusSeconds(5)));
            Run rebuilt = run(dir);
            assertEquals("mvn -B -q -DskipTests package", rebuilt.calls().get(0), changed + ": " + rebuilt.calls());
            assertTrue(rebuilt.err().contains("rebuilding"), rebuilt.err());
            age(dir.resolve(changed), 60);
        }
    }
}
