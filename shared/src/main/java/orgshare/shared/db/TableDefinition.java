package orgshare.shared.db;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

import java.util.List;

/**
 * The one table, defined once. template.yaml declares the same keys (the template test compares them),
 * and local runs and tests create the table from {@link #createTableRequest(String)}.
 */
public final class TableDefinition {
    /** The table's stream: each change with the item before and after it (the webhooks' events). */
    private static final software.amazon.awssdk.services.dynamodb.model.StreamSpecification STREAM =
            software.amazon.awssdk.services.dynamodb.model.StreamSpecification.builder().streamEnabled(true)
                    .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES).build();

    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String GSI1 = "gsi1";
    public static final String GSI1_PK = "gsi1pk";
    public static final String GSI1_SK = "gsi1sk";
    public static final String TTL = "expiresAt";

    private TableDefinition() {
    }

    /** Attribute name -> type of every key attribute, table and index. */
    public static List<AttributeDefinition> attributeDefinitions() {
        return List.of(
                attribute(PK), attribute(SK), attribute(GSI1_PK), attribute(GSI1_SK));
    }

    public static List<KeySchemaElement> tableKeySchema() {
        return List.of(key(PK, KeyType.HASH), key(SK, KeyType.RANGE));
    }

    public static List<GlobalSecondaryIndex> globalSecondaryIndexes() {
        return List.of(GlobalSecondaryIndex.builder()
                .indexName(GSI1)
                .keySchema(key(GSI1_PK, KeyType.HASH), key(GSI1_SK, KeyType.RANGE))
                .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                .build());
    }

    public static CreateTableRequest createTableRequest(String tableName) {
        return CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attributeDefinitions())
                .keySchema(tableKeySchema())
                .globalSecondaryIndexes(globalSecondaryIndexes())
                // the stream carries every change, with the item before and after, to the webhook delivery function
                .streamSpecification(STREAM)
                .build();
    }

    /** Creates the table (and its TTL setting) unless it exists; waits until it is active. */
    public static void createIfMissing(DynamoDbClient client, String tableName) {
        try {
            client.createTable(createTableRequest(tableName));
        } catch (ResourceInUseException alreadyThere) {
            // a table made before it had a stream (a kept local data folder): the webhooks read it
            if (client.describeTable(b -> b.tableName(tableName)).table().latestStreamArn() == null) {
                client.updateTable(b -> b.tableName(tableName).streamSpecification(STREAM));
            }
            return;
        }
        client.waiter().waitUntilTableExists(b -> b.tableName(tableName));
        client.updateTimeToLive(b -> b.tableName(tableName)
                .timeToLiveSpecification(s -> s.attributeName(TTL).enabled(true)));
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
