package orgshare.bench;

import orgshare.shared.db.TableDefinition;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * DynamoDB Local in server mode on a loopback port, driven over HTTP by the real SDK client, as in the integration
 * tests. It runs in a process of its own, not in the bench's JVM: the storage then does not share the bench's heap,
 * GC pauses or JIT threads, as DynamoDB does not share a Lambda's.
 */
final class Db implements AutoCloseable {
    static final String REGION = "us-east-1";
    /** DynamoDB Local keeps tables per access key and region: every client, and every probe process, uses these. */
    static final String ACCESS_KEY = "local";
    static final String SECRET_KEY = "local";

    final URI endpoint;
    private final Process process;
    private final AtomicInteger tables = new AtomicInteger();

    private Db(URI endpoint, Process process) {
        this.endpoint = endpoint;
        this.process = process;
    }

    /** Starts the server (its output goes to {@code log}) and waits until it takes connections. */
    static Db start(Path log) {
        int port = freePort();
        List<String> command = List.of(javaBinary(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "com.amazonaws.services.dynamodbv2.local.main.ServerRunner",
                "-inMemory", "-port", String.valueOf(port), "-disableTelemetry");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            Db db = new Db(URI.create("http://127.0.0.1:" + port), process);
            Runtime.getRuntime().addShutdownHook(new Thread(db::close));
            db.awaitPort(port);
            return db;
        } catch (IOException e) {
            throw new UncheckedIOException("DynamoDB Local did not start", e);
        }
    }

    /** A real SDK client over HTTP (URL-connection, as shared/db/Clients builds it), with any interceptors. */
    DynamoDbClient client(ExecutionInterceptor... interceptors) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClient(UrlConnectionHttpClient.builder().build())
                .overrideConfiguration(c -> List.of(interceptors).forEach(c::addExecutionInterceptor))
                .build();
    }

    /** The streams API of the same server: the tables' changes, as the webhook delivery reads them. */
    software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient streamsClient() {
        return software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClient(UrlConnectionHttpClient.builder().build())
                .build();
    }

    /** A fresh table from the code's one definition: each section works on its own. */
    String newTable(DynamoDbClient client) {
        String name = "orgshare-bench-" + tables.incrementAndGet();
        TableDefinition.createIfMissing(client, name);
        return name;
    }

    /** What Orgshare.fromEnvironment() reads in a probe process to reach {@code table}. */
    Map<String, String> lambdaEnvironment(String table) {
        return Map.of("TABLE_NAME", table, "AWS_REGION", REGION, "DYNAMODB_ENDPOINT", endpoint.toString(),
                "AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Override
    public void close() {
        process.destroy();
    }

    private void awaitPort(int port) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("DynamoDB Local exited with " + process.exitValue() + "; see its log");
            }
            try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        throw new IllegalStateException("DynamoDB Local did not open port " + port + " within 60 s");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
