package orgshare.shared.testing;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import orgshare.shared.Orgshare;
import orgshare.shared.db.Cursors;
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
import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * DynamoDB Local in server mode on a free loopback port, started once per test JVM and driven over HTTP by the real
 * SDK client: the same code path as production. Each test gets its own table, so tests never see each other's items.
 */
public final class DynamoDbLocal {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static URI endpoint;

    private DynamoDbLocal() {
    }

    public static synchronized URI endpoint() {
        if (endpoint == null) {
            endpoint = startServer().endpoint(); // the JVM's shared server: stopped when the JVM ends
        }
        return endpoint;
    }

    /**
     * Another DynamoDB Local server of its own, on its own free loopback port (a second deployment's engine, as when
     * several deployments run side by side). Close it when done.
     */
    public static Server startServer() {
        int port = freePort();
        try {
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                    new String[]{"-inMemory", "-port", String.valueOf(port)});
            server.start();
            Server started = new Server(URI.create("http://127.0.0.1:" + port), server);
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
            return started;
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start", e);
        }
    }

    /** One DynamoDB Local server, over HTTP on loopback. */
    public record Server(URI endpoint, DynamoDBProxyServer server) implements AutoCloseable {
        /** A real SDK client against this server. */
        public DynamoDbClient client(ExecutionInterceptor... interceptors) {
            return clientOf(endpoint, interceptors);
        }

        @Override
        public void close() {
            try {
                server.stop();
            } catch (Exception ignored) {
                // stopping twice, or the JVM is going away
            }
        }
    }

    /** A real SDK client against the shared server, with any interceptors (call counting, fault injection). */
    public static DynamoDbClient client(ExecutionInterceptor... interceptors) {
        return clientOf(endpoint(), interceptors);
    }

    /** The streams API of the shared server, with the real SDK client. */
    public static software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient streamsClient() {
        return software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.builder().build())
                .build();
    }

    private static DynamoDbClient clientOf(URI endpoint, ExecutionInterceptor... interceptors) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.builder().build())
                .overrideConfiguration(c -> {
                    for (ExecutionInterceptor interceptor : interceptors) {
                        c.addExecutionInterceptor(interceptor);
                    }
                })
                .build();
    }

    /** Creates a fresh table (from the one definition) and returns its name. */
    public static String newTable(DynamoDbClient client) {
        String name = "orgshare-test-" + TABLES.incrementAndGet();
        TableDefinition.createIfMissing(client, name);
        return name;
    }

    /** An application on a fresh table; {@code env} adds settings such as OPERATOR_KEY_HASH. */
    public static Orgshare newApp(DynamoDbClient client, Map<String, String> env) {
        return Orgshare.create(client, environment(env, newTable(client)));
    }

    public static Orgshare newApp(DynamoDbClient client, Map<String, String> env, Clock clock, Supplier<String> ids) {
        return Orgshare.create(client, environment(env, newTable(client)), clock, ids);
    }

    /** {@code env} with the table's name and, unless given, a fresh cursor secret, as the local runner gives them. */
    public static Map<String, String> environment(Map<String, String> env, String table) {
        Map<String, String> all = new HashMap<>(env);
        all.put(Orgshare.ENV_TABLE_NAME, table);
        all.putIfAbsent(Orgshare.ENV_CURSOR_SECRET, Cursors.newSecret());
        all.putIfAbsent(Orgshare.ENV_FEDERATION_KEY_SECRET, orgshare.shared.federation.FederationKey.newSecret());
        all.putIfAbsent(Orgshare.ENV_ALLOW_LOOPBACK_PEERS, "true");
        return all;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
