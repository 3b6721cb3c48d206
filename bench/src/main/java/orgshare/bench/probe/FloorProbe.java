package orgshare.bench.probe;

import orgshare.shared.db.Clients;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * The cold-start floor: a fresh JVM that only builds the same SDK client as the functions (shared/db/Clients: the
 * URL-connection HTTP client, region and credentials from the environment) and makes one consistent GetItem of
 * {@code pk sk}. Prints what {@link Probe} prints.
 */
public final class FloorProbe {
    private FloorProbe() {
    }

    public static void main(String[] args) {
        long started = System.nanoTime();
        DynamoDbClient client = Clients.dynamo(System.getenv());
        long built = System.nanoTime();
        GetItemResponse response = client.getItem(b -> b.tableName(System.getenv("TABLE_NAME")).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(args[0]), "sk", AttributeValue.fromS(args[1]))));
        long answered = System.nanoTime();
        System.out.println("RESPONSE " + (response.hasItem() ? "200" : "404"));
        System.out.printf("PHASES init=%.1f event=0.0 invoke=%.1f%n", (built - started) / 1e6, (answered - built) / 1e6);
        System.out.println("CLASSES " + ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
        System.out.flush();
        System.exit(0);
    }
}
