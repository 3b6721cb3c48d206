package orgshare.shared.service;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.shared.auth.Caller;
import orgshare.shared.db.Cursors;
import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.json.Json;
import orgshare.shared.model.InboxItem;
import orgshare.shared.validation.Validate;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.Page;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryEnhancedRequest;

import java.time.Instant;
import java.util.List;

/** A merchant's inbox: the documents partners pushed to it, oldest first, so a consumer can read on from where it stopped. */
public final class InboxService {
    public record InboxMessage(String messageId, String from, String groupId, String type, String receivedAt,
                               JsonNode body, String fromCloudId) {
    }

    public record InboxPage(List<InboxMessage> items, String cursor) {
    }

    private final OrgTable table;

    private final Cursors cursors;

    public InboxService(OrgTable table, Cursors cursors) {
        this.table = table;
        this.cursors = cursors;
    }

    /** One page of the caller's inbox; {@code since} skips what arrived up to that instant. One Query. */
    public InboxPage list(Caller caller, String rawSince, String rawLimit, String rawCursor) {
        String me = caller.requireMerchant();
        Instant since = Validate.timestamp("since", rawSince);
        int limit = Validate.pageSize(rawLimit);
        String sinceKey = Positions.after(since);
        Cursors.Scope scope = Cursors.scope("inbox", me, since == null ? "" : sinceKey);
        String after = cursors.open(scope, rawCursor, position -> Positions.timeAnd(position,
                id -> Validate.generatedId("cursor", id), sinceKey));
        String partition = Keys.inbox(me);
        Key.Builder from = Key.builder().partitionValue(partition);
        QueryEnhancedRequest.Builder query = QueryEnhancedRequest.builder()
                .queryConditional(since == null
                        ? QueryConditional.keyEqualTo(from.build())
                        : QueryConditional.sortGreaterThan(from.sortValue(sinceKey).build()))
                .consistentRead(true)
                .limit(limit);
        if (after != null) {
            query.exclusiveStartKey(OrgTable.keyMap(partition, after));
        }
        Page<InboxItem> page = table.inbox().query(query.build()).iterator().next();
        List<InboxMessage> items = page.items().stream().map(item -> new InboxMessage(item.getMessageId(),
                item.getFrom(), item.getGroupId(), item.getType(), item.getReceivedAt(),
                Json.storedObject(item.getBody()), item.getFromCloudId())).toList();
        return new InboxPage(items, cursors.seal(scope, Positions.lastSortKey(page)));
    }
}
