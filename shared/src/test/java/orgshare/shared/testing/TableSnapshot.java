package orgshare.shared.testing;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Every item of a table, in a stable order: tests compare two snapshots to prove a refused call wrote nothing. */
public final class TableSnapshot {
    private TableSnapshot() {
    }

    /** A test-only full Scan; production code never scans. */
    public static List<String> of(DynamoDbClient client, String tableName) {
        List<String> items = new ArrayList<>();
        client.scanPaginator(ScanRequest.builder().tableName(tableName).consistentRead(true).build())
                .items().forEach(item -> items.add(canonical(item)));
        items.sort(null);
        return items;
    }

    private static String canonical(Map<String, AttributeValue> item) {
        return new TreeMap<>(item).toString();
    }
}
