package orgshare.shared.federation;

import orgshare.shared.db.OrgTable;
import orgshare.shared.db.TableDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The nonces of inter-cloud calls this deployment has accepted, kept past the window by the table's TTL: a nonce is
 * taken with one conditional put, so of two calls with the same nonce exactly one gets through, whatever the timing.
 */
public final class NonceStore implements FederationWire.Nonces {
    private final OrgTable table;

    public NonceStore(OrgTable table) {
        this.table = table;
    }

    @Override
    public boolean firstSeen(String keyId, String nonce, Instant keepUntil) {
        Map<String, AttributeValue> item = new HashMap<>(OrgTable.keyMap("NONCE#" + keyId + "#" + nonce, "NONCE"));
        item.put(TableDefinition.TTL, AttributeValue.fromN(Long.toString(keepUntil.getEpochSecond())));
        try {
            table.client().putItem(b -> b.tableName(table.name()).item(item).conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException seen) {
            return false;
        }
    }
}
