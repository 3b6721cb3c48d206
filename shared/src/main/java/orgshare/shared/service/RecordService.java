package orgshare.shared.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import orgshare.shared.auth.Caller;
import orgshare.shared.db.Cursors;
import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.db.TableDefinition;
import orgshare.shared.error.ApiException;
import orgshare.shared.idempotency.Idempotency;
import orgshare.shared.json.Json;
import orgshare.shared.model.RecordItem;
import orgshare.shared.rules.RecordProjection;
import orgshare.shared.rules.Resolution;
import orgshare.shared.time.Timestamps;
import orgshare.shared.validation.Validate;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.Page;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A merchant's own business records, and the one pager that lists them, for their owner and (projected and
 * filtered by a resolved rule) for a partner. Without {@code since} a list reads the record partition in record ID
 * order, consistently; with it, gsi1 in update order, so an incremental pull reads only what changed.
 */
public final class RecordService {
    /** The largest body stored (record or pushed document), well below DynamoDB's 400 KB item limit. */
    public static final int MAX_BODY_BYTES = 256 * 1024;
    /** With a row filter, one Query reads up to this many records per requested one, to fill the page. */
    private static final int FILTER_READ_AHEAD = 10;
    private static final int MAX_QUERY_LIMIT = 1000;

    public record RecordSaved(String recordId, String type, String updatedAt) {
    }

    public record RecordView(String recordId, String type, String updatedAt, JsonNode body) {
    }

    public record RecordPage(List<RecordView> records, String cursor) {
    }

    private final OrgTable table;
    private final Clock clock;
    private final Idempotency idempotency;

    public RecordService(OrgTable table, Clock clock, Idempotency idempotency) {
        this.table = table;
        this.clock = clock;
        this.idempotency = idempotency;
    }

    /** Creates or replaces one of the caller's records; {@code updatedAt} is the server's clock. One PutItem. */
    public RecordSaved put(Caller caller, String rawType, String rawRecordId, String rawBody) {
        return put(caller, rawType, rawRecordId, rawBody, null);
    }

    /**
     * As {@link #put(Caller, String, String, String)}, at most once per {@code Idempotency-Key} (then the record and
     * the key's record are one transaction): a retry gets the first answer and does not touch the record again.
     */
    public RecordSaved put(Caller caller, String rawType, String rawRecordId, String rawBody, String idempotencyKey) {
        String owner = caller.requireMerchant();
        Idempotency.Claim claim = Idempotency.claim(owner, idempotencyKey, "PUT /records",
                String.valueOf(rawType), String.valueOf(rawRecordId), String.valueOf(rawBody));
        return idempotency.once(claim, RecordSaved.class, () -> {
            String type = Validate.recordType("type", rawType);
            String recordId = Validate.recordId("recordId", rawRecordId);
            String body = storableBody(rawBody);
            String now = Timestamps.now(clock);
            RecordItem record = RecordItem.create(owner, type, recordId, now, body);
            RecordSaved saved = new RecordSaved(recordId, type, now);
            if (claim == null) {
                table.records().putItem(record);
            } else {
                table.transact(List.of(
                        TransactWriteItem.builder().put(Put.builder().tableName(table.name())
                                .item(RecordItem.SCHEMA.itemToMap(record, true)).build()).build(),
                        idempotency.record(claim, saved)),
                        failed -> ApiException.conflict("CONCURRENT_CHANGE", "This request was already made; retry."));
            }
            return saved;
        });
    }

    /** The caller's own records of one type, whole. */
    public RecordPage list(Caller caller, String rawType, String rawSince, String rawLimit, String rawCursor) {
        String owner = caller.requireMerchant();
        String type = Validate.recordType("type", rawType);
        Instant since = Validate.timestamp("since", rawSince);
        int limit = Validate.pageSize(rawLimit);
        return page(owner, type, since, limit, rawCursor, null);
    }

    /**
     * Parses a document body (a JSON object, at most {@link #MAX_BODY_BYTES}) and returns its compact form, which is
     * what is stored.
     */
    public static String storableBody(String rawBody) {
        ObjectNode body = Json.decodeObject(rawBody);
        String compact = Json.encode(body);
        int bytes = compact.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BODY_BYTES) {
            throw ApiException.tooLarge("The document is " + bytes + " bytes; at most " + MAX_BODY_BYTES + " are stored.");
        }
        return compact;
    }

    /**
     * One page of {@code owner}'s records of {@code type}: one Query. With a {@code resolution} (a partner's pull),
     * only records its row filter matches are returned, each projected to its scope; null means the owner itself.
     * The cursor carries only a position: the partition always comes from the request.
     */
    RecordPage page(String owner, String type, Instant since, int limit, String rawCursor, Resolution resolution) {
        String partition = Keys.records(owner, type);
        String sinceKey = Positions.after(since);
        String after = Cursors.decode(rawCursor, position -> since == null
                ? Validate.recordId("cursor", position)
                : Positions.timeAnd(position, id -> Validate.recordId("cursor", id), sinceKey));
        boolean filtered = resolution != null && !resolution.filter().isEmpty();
        QueryEnhancedRequest.Builder query = QueryEnhancedRequest.builder()
                .limit(filtered ? Math.min(MAX_QUERY_LIMIT, limit * FILTER_READ_AHEAD) : limit);
        Page<RecordItem> page;
        if (since == null) {
            query.queryConditional(QueryConditional.keyEqualTo(Key.builder().partitionValue(partition).build()))
                    .consistentRead(true);
            if (after != null) {
                query.exclusiveStartKey(OrgTable.keyMap(partition, after));
            }
            page = table.records().query(query.build()).iterator().next();
        } else {
            // gsi1 reads are eventually consistent: clients overlap incremental pulls a little (see README)
            query.queryConditional(QueryConditional.sortGreaterThan(
                    Key.builder().partitionValue(partition).sortValue(sinceKey).build()));
            if (after != null) {
                Map<String, AttributeValue> start = new HashMap<>(
                        OrgTable.keyMap(partition, after.substring(after.indexOf('#') + 1)));
                start.put(TableDefinition.GSI1_PK, AttributeValue.fromS(partition));
                start.put(TableDefinition.GSI1_SK, AttributeValue.fromS(after));
                query.exclusiveStartKey(start);
            }
            page = table.records().index(TableDefinition.GSI1).query(query.build()).iterator().next();
        }

        List<RecordView> views = new ArrayList<>();
        List<RecordItem> items = page.items();
        String cursor = null;
        for (int i = 0; i < items.size(); i++) {
            RecordItem item = items.get(i);
            RecordView view = view(item, resolution);
            if (view != null) {
                views.add(view);
            }
            if (views.size() == limit && i < items.size() - 1) {
                cursor = position(item, since != null); // the page is full before the Query's end
                break;
            }
        }
        if (cursor == null && page.lastEvaluatedKey() != null && !page.lastEvaluatedKey().isEmpty()) {
            Map<String, AttributeValue> last = page.lastEvaluatedKey();
            cursor = since == null ? last.get(TableDefinition.SK).s() : last.get(TableDefinition.GSI1_SK).s();
        }
        return new RecordPage(views, Cursors.encode(cursor));
    }

    private static RecordView view(RecordItem item, Resolution resolution) {
        ObjectNode body = Json.storedObject(item.getBody());
        if (resolution == null) {
            return new RecordView(item.getRecordId(), item.getType(), item.getUpdatedAt(), body);
        }
        if (!RecordProjection.matches(resolution, body)) {
            return null;
        }
        return new RecordView(item.getRecordId(), item.getType(), item.getUpdatedAt(),
                RecordProjection.project(resolution, body).orElse(null));
    }

    private static String position(RecordItem item, boolean bySince) {
        return bySince ? item.getGsi1sk() : item.getRecordId();
    }
}
