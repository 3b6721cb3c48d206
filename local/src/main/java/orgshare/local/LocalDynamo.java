package orgshare.local;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import orgshare.shared.db.TableDefinition;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * DynamoDB Local inside this process (no port, no server), in memory or kept in a SQLite file under a data folder so
 * that a later run sees what an earlier one wrote. The table is created from the code's one definition.
 */
public final class LocalDynamo implements AutoCloseable {
    public static final String TABLE_NAME = "orgshare";
    /** The SQLite file DynamoDB Local keeps the data in, inside the --data folder. */
    static final String DATABASE_FILE = "orgshare-dynamodb-local.db";
    /** DynamoDBEmbedded's Boolean argument opts out of its usage telemetry: a local tool does not phone home. */
    private static final boolean TELEMETRY_DISABLED = true;

    private final AmazonDynamoDBLocal engine;
    private final DynamoDbClient client;

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
        AmazonDynamoDBLocal engine;
        try {
            engine = DynamoDBEmbedded.create(file.toFile(), TELEMETRY_DISABLED);
        } catch (IllegalArgumentException alreadyOpen) {
            throw new LocalRunnerException("The data folder " + dataDir + " is already open in this process", alreadyOpen);
        }
        return withTable(new LocalDynamo(engine));
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

    /**
     * Stops the engine and releases the data file. DynamoDB Local leaves one sleeping non-daemon job thread behind
     * (its stream shard rollover), so a program that is done ends with System.exit, as Main does.
     */
    @Override
    public void close() {
        client.close();
        engine.shutdownNow();
    }
}
