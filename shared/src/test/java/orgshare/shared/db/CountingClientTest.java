package orgshare.shared.db;

import orgshare.shared.testing.DynamoDbLocal;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The per-request call count the request log reports: each call on this thread once, reset by every take. */
class CountingClientTest {
    @Test
    void countsEachCallOnceAndStartsAgainAtEveryTake() {
        DynamoDbClient plain = DynamoDbLocal.client();
        DynamoDbClient counting = CountingClient.wrap(plain);
        assertSame(counting, CountingClient.wrap(counting), "wrapping twice would count twice");
        String table = DynamoDbLocal.newTable(plain);
        Map<String, AttributeValue> key = OrgTable.keyMap("PK", "a");
        CountingClient.take();

        counting.putItem(b -> b.tableName(table).item(key));
        counting.updateItem(b -> b.tableName(table).key(key).updateExpression("SET n = :n")
                .expressionAttributeValues(Map.of(":n", AttributeValue.fromN("1"))));
        counting.transactWriteItems(b -> b.transactItems(TransactWriteItem.builder()
                .put(Put.builder().tableName(table).item(OrgTable.keyMap("PK", "b")).build()).build()));
        counting.deleteItem(b -> b.tableName(table).key(key));
        assertEquals(4, CountingClient.take());
        assertEquals(0, CountingClient.take(), "a fresh count");
        plain.getItem(b -> b.tableName(table).key(key));
        assertEquals(0, CountingClient.take(), "only the wrapped client counts");
    }
}
