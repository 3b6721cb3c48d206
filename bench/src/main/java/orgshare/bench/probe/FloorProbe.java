package orgshare.bench.probe;

import orgshare.shared.db.Clients;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The cold-start floor: a fresh JVM that only builds the same SDK client as the functions (shared/db/Clients: the
 * URL-connection HTTP client, region and credentials from the environment) and makes one consistent GetItem of
 * {@code pk sk}. Given operations after the key, it makes those instead: a handler's own storage work, bare and cold
 * (the same operations, as many of each, in order: what the bench counted when it ran the handler), each a small
 * valid request on the bench's table. What a handler costs above that is orgshare's; what that costs above the floor
 * is the operations' own (the SDK readies each kind of call on its first use). Args: {@code pk sk [operation...]}.
 * Prints what {@link Probe} prints.
 */
public final class FloorProbe {
    private FloorProbe() {
    }

    public static void main(String[] args) {
        long started = System.nanoTime();
        DynamoDbClient client = Clients.dynamo(System.getenv());
        long built = System.nanoTime();
        String table = System.getenv("TABLE_NAME");
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS(args[0]), "sk", AttributeValue.fromS(args[1]));
        String scratch = "WORKFLOOR#" + UUID.randomUUID();
        List<String> operations = args.length > 2 ? List.of(args).subList(2, args.length) : List.of("GetItem");
        for (int i = 0; i < operations.size(); i++) {
            Map<String, AttributeValue> own = Map.of("pk", AttributeValue.fromS(scratch), "sk", AttributeValue.fromS("S" + i));
            switch (operations.get(i)) {
                case "GetItem" -> client.getItem(b -> b.tableName(table).consistentRead(true).key(key));
                case "BatchGetItem" -> client.batchGetItem(b -> b.requestItems(Map.of(table,
                        KeysAndAttributes.builder().consistentRead(true).keys(List.of(key)).build())));
                case "Query" -> client.query(b -> b.tableName(table).consistentRead(true).limit(25)
                        .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", key.get("pk"))));
                case "Scan" -> client.scan(b -> b.tableName(table).limit(1));
                case "PutItem" -> client.putItem(b -> b.tableName(table).item(own)
                        .conditionExpression("attribute_not_exists(pk)"));
                case "UpdateItem" -> client.updateItem(b -> b.tableName(table).key(own)
                        .updateExpression("SET v = :v").expressionAttributeValues(Map.of(":v", AttributeValue.fromN("1"))));
                case "DeleteItem" -> client.deleteItem(b -> b.tableName(table).key(own));
                case "BatchWriteItem" -> client.batchWriteItem(b -> b.requestItems(Map.of(table, List.of(
                        WriteRequest.builder().putRequest(PutRequest.builder().item(own).build()).build()))));
                case "TransactWriteItems" -> client.transactWriteItems(b -> b.transactItems(TransactWriteItem.builder()
                        .put(Put.builder().tableName(table).item(own).conditionExpression("attribute_not_exists(pk)").build())
                        .build()));
                case "TransactGetItems" -> client.transactGetItems(b -> b.transactItems(t -> t.get(g -> g.tableName(table).key(key))));
                default -> throw new IllegalArgumentException("no bare form for " + operations.get(i));
            }
        }
        long answered = System.nanoTime();
        System.out.println("RESPONSE 200"); // every call above succeeded, or it threw
        System.out.printf("PHASES init=%.1f event=0.0 invoke=%.1f%n", (built - started) / 1e6, (answered - built) / 1e6);
        System.out.println("CLASSES " + ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
        System.out.flush();
        System.exit(0);
    }
}
