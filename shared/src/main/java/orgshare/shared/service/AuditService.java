package orgshare.shared.service;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.shared.auth.Caller;
import orgshare.shared.db.Cursors;
import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.db.TableDefinition;
import orgshare.shared.json.Json;
import orgshare.shared.model.AuditItem;
import orgshare.shared.validation.Validate;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.Page;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.util.List;

/**
 * The audit log: every pull, push and rule change, written into the log of each merchant it concerns, and each
 * merchant's own log, newest first. Events hold who, what and how many, never record content.
 */
public final class AuditService {
    public record AuditEvent(String eventId, String at, String action, String groupId, String actorId, String ownerId,
                             String type, String scope, Integer count, String messageId, Long version,
                             JsonNode changes, String peerCloudId) {
    }

    public record AuditPage(List<AuditEvent> events, String cursor) {
    }

    private final OrgTable table;

    private final Cursors cursors;

    public AuditService(OrgTable table, Cursors cursors) {
        this.table = table;
        this.cursors = cursors;
    }

    /** The put of {@code event} into one merchant's log, for a transaction that must not happen without it. */
    public TransactWriteItem put(AuditItem event, String merchantId) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table.name())
                .item(AuditItem.SCHEMA.itemToMap(event.copyFor(merchantId), true)).build()).build();
    }

    /** Writes {@code event} into one merchant's log on its own (what a peer's signed answer established). */
    public void write(AuditItem event, String merchantId) {
        table.client().putItem(b -> b.tableName(table.name()).item(AuditItem.SCHEMA.itemToMap(event.copyFor(merchantId), true)));
    }

    /** The caller's audit log, newest first. */
    public AuditPage list(Caller caller, String rawLimit, String rawCursor) {
        String me = caller.requireMerchant();
        int limit = Validate.pageSize(rawLimit);
        Cursors.Scope scope = Cursors.scope("audit", me);
        String after = cursors.open(scope, rawCursor, Positions::timeAndId);
        String partition = Keys.audit(me);
        QueryEnhancedRequest.Builder query = QueryEnhancedRequest.builder()
                .queryConditional(QueryConditional.keyEqualTo(Key.builder().partitionValue(partition).build()))
                .scanIndexForward(false)
                .consistentRead(true)
                .limit(limit);
        if (after != null) {
            query.exclusiveStartKey(OrgTable.keyMap(partition, after));
        }
        Page<AuditItem> page = table.audit().query(query.build()).iterator().next();
        List<AuditEvent> events = page.items().stream().map(AuditService::view).toList();
        return new AuditPage(events, cursors.seal(scope, Positions.lastSortKey(page)));
    }

    private static AuditEvent view(AuditItem item) {
        JsonNode changes = item.getChanges() == null ? null : Json.storedTree(item.getChanges());
        return new AuditEvent(item.getEventId(), item.getAt(), item.getAction(), item.getGroupId(), item.getActorId(),
                item.getOwnerId(), item.getType(), item.getScope(), item.getCount(), item.getMessageId(),
                item.getVersion(), changes, item.getPeerCloudId());
    }
}
