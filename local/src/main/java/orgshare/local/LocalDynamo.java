package orgshare.local;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import orgshare.shared.db.TableDefinition;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * DynamoDB Local inside this process (no port unless {@link #expose}d), in memory or kept in a SQLite file under a data
 * folder so that a later run sees what an earlier one wrote. The table is created from the code's one definition.
 */
public final class LocalDynamo implements AutoCloseable {
    public static final String TABLE_NAME = "orgshare";
    /** The SQLite file DynamoDB Local keeps the data in, inside the --data folder. */
    static final String DATABASE_FILE = "orgshare-dynamodb-local.db";
    /** DynamoDBEmbedded's Boolean argument opts out of its usage telemetry: a local tool does not phone home. */
    private static final boolean TELEMETRY_DISABLED = true;
    private static final Duration LOCKED_WAIT = Duration.ofSeconds(10);

    private final AmazonDynamoDBLocal engine;
    private final DynamoDbClient client;
    private Server endpoint;

    private LocalDynamo(AmazonDynamoDBLocal engine) {
        this.engine = engine;
        this.client = engine.dynamoDbClient();
    }

    /** In memory: gone when the process ends. */
    public static LocalDynamo inMemory() {
        return withTable(new LocalDynamo(DynamoDBEmbedded.create(TELEMETRY_DISABLED)));
    }

    /**
     * Kept in {@code dataDir} (created if missing). A process opens a folder once; another process may use it at the
     * same time (SQLite locks the file), which is how an invoke sees what a running start-api wrote.
     */
    public static LocalDynamo persistent(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new LocalRunnerException("Cannot create the data folder " + dataDir + ": " + e.getMessage(), e);
        }
        Path file = dataDir.resolve(DATABASE_FILE).toAbsolutePath();
        long deadline = System.nanoTime() + LOCKED_WAIT.toNanos();
        while (true) {
            try {
                return withTable(new LocalDynamo(DynamoDBEmbedded.create(file.toFile(), TELEMETRY_DISABLED)));
            } catch (IllegalArgumentException alreadyOpen) {
                throw new LocalRunnerException("The data folder " + dataDir + " is already open in this process", alreadyOpen);
            } catch (RuntimeException e) {
                // SQLite is busy while another run (an invoke beside a start-api) writes the file: wait for it a little
                if (!String.valueOf(e.getMessage()).contains("database is locked") || System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(50);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalRunnerException("Interrupted while the data file was locked", e);
        }
    }

    /** {@link #persistent} when a folder is given, else {@link #inMemory}. */
    public static LocalDynamo open(Path dataDirOrNull) {
        return dataDirOrNull == null ? inMemory() : persistent(dataDirOrNull);
    }

    private static LocalDynamo withTable(LocalDynamo dynamo) {
        try {
            TableDefinition.createIfMissing(dynamo.client, TABLE_NAME);
            return dynamo;
        } catch (RuntimeException e) {
            dynamo.close();
            throw e;
        }
    }

    public DynamoDbClient client() {
        return client;
    }

    /** The streams API of the same engine: the table's changes, as the delivery function's event source reads them. */
    public software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient streamsClient() {
        return engine.dynamoDbStreamsClient();
    }

    /**
     * Serves this same database over DynamoDB's HTTP API on 127.0.0.1 only, for the AWS CLI or NoSQL Workbench.
     * DynamoDB Local's own server listens on every interface and keeps one database per access key and region; this
     * one binds loopback and answers every key and region from the table the functions use.
     *
     * @return the endpoint URL
     * @throws LocalRunnerException it cannot listen there; a port in use has a {@link java.net.BindException} cause
     */
    public synchronized URI expose(int port) {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
        connector.setPort(port);
        server.addConnector(connector);
        // no CORS origins: a web page in a browser must not reach the table
        server.setHandler(new LocalDynamoDBServerHandler(new EngineRequestHandler(engine), ""));
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            throw new LocalRunnerException("Cannot serve DynamoDB Local on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        endpoint = server;
        return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception ignored) {
            // stopping: nothing more to do
        }
    }

    /**
     * Stops the engine and releases the data file. DynamoDB Local leaves one sleeping non-daemon job thread behind
     * (its stream shard rollover), so a program that is done ends with System.exit, as Main does.
     */
    @Override
    public synchronized void close() {
        if (endpoint != null) {
            stopQuietly(endpoint);
        }
        client.close();
        engine.shutdownNow();
    }
}
