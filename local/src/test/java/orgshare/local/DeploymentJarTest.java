package orgshare.local;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jar template.yaml deploys carries one HTTP client, URL-connection (the light cold start the design counts on),
 * and nothing of the local runner: a dependency that brings another client back fails here, not in a cold start.
 */
class DeploymentJarTest {
    private static final Path JAR = Path.of("../functions/target/orgshare-functions.jar");

    /** Packages of the SDK's other HTTP clients and the libraries under them, and what only local runs need. */
    private static final List<String> FORBIDDEN = List.of(
            "software/amazon/awssdk/http/apache/", "software/amazon/awssdk/http/apache5/",
            "software/amazon/awssdk/http/nio/", "software/amazon/awssdk/http/crt/", "software/amazon/awssdk/crt/",
            "org/apache/hc/", "org/apache/http/", "io/netty/",
            "com/amazonaws/services/dynamodbv2/local/", "org/eclipse/jetty/", "com/almworks/sqlite4java/");

    @Test
    void theDeploymentJarCarriesOnlyTheUrlConnectionClient() throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by `mvn package` before this module's tests");
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> names = jar.stream().map(e -> e.getName()).toList();
            assertTrue(names.stream().anyMatch(n -> n.startsWith("software/amazon/awssdk/http/urlconnection/")),
                    "the URL-connection client is in the jar");
            TreeSet<String> found = names.stream()
                    .flatMap(n -> FORBIDDEN.stream().filter(n::startsWith))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(new TreeSet<>(), found, "packages that must not be deployed");
            long classes = names.stream().filter(n -> n.endsWith(".class")).count();
            System.out.printf("deployment jar: %.1f MB, %d classes%n", Files.size(JAR) / 1e6, classes);
        }
    }
}
