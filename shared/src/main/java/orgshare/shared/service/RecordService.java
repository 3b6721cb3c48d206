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
    /** Queries one page may make past rows a filter hides (each reads at most 1 MB): bounds a request's work. */
    static final int MAX_QUERIES_PER_PAGE = 8;

    public record RecordSaved(String recordId, String type, String updatedAt) {
    }

    public record RecordView(String recordId, String type, String updatedAt, JsonNode body) {
    }

    public record RecordPage(List<RecordView> records, String cursor) {
    }

    private final OrgTable table;
    private final Clock clock;
    private final Idempotency idempotency;

    private final Cursors cursors;

    public RecordService(OrgTable table, Clock clock, Idempotency idempotency, Cursors cursors) {
        this.table = table;
        this.cursors = cursors;
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
        return page(owner, type, since, limit, rawCursor, null, scope("records", owner, "", owner, type, since));
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
     * One page of {@code owner}'s records of {@code type}. With a {@code resolution} (a partner's pull), only records its
     * row filter matches are returned, each projected to its scope; null means the owner itself. The cursor is sealed
     * to {@code scope}, and the partition always comes from the request.
     * <p>
     * A filtered page is filled: Queries go on past rows the filter hides until the page is full or the partition
     * ends, so which pages come back, and which carry a cursor, are the same as if the hidden rows did not exist. A
     * full page always has a cursor (the next may be empty), and a short page only has one where {@link
     * #MAX_QUERIES_PER_PAGE} Queries found too few rows to show.
     */
    RecordPage page(String owner, String type, Instant since, int limit, String rawCursor, Resolution resolution,
                    Cursors.Scope scope) {
        String partition = Keys.records(owner, type);
        String sinceKey = Positions.after(since);
        String after = cursors.open(scope, rawCursor, position -> since == null
                ? Validate.recordId("cursor", position)
                : Positions.timeAnd(position, id -> Validate.recordId("cursor", id), sinceKey));
        boolean filtered = resolution != null && !resolution.filter().isEmpty();
        List<RecordView> views = new ArrayList<>();
        for (int queries = 0; queries < MAX_QUERIES_PER_PAGE; queries++) {
            int wanted = limit - views.size();
            Page<RecordItem> page = query(partition, since, sinceKey, after,
                    filtered ? Math.min(MAX_QUERY_LIMIT, wanted * FILTER_READ_AHEAD) : wanted);
            for (RecordItem item : page.items()) {
                RecordView view = view(item, resolution);
                if (view != null) {
                    views.add(view);
                    if (views.size() == limit) {
                        return new RecordPage(views, cursors.seal(scope, position(item, since != null)));
                    }
                }
            }
            Map<String, AttributeValue> last = page.lastEvaluatedKey();
            if (last == null || last.isEmpty()) {
                return new RecordPage(views, null);
            }
            after = since == null ? last.get(TableDefinition.SK).s() : last.get(TableDefinition.GSI1_SK).s();
        }
        return new RecordPage(views, cursors.seal(scope, after));
    }

    /** One Query of the partition after {@code after}: by record ID, or by {@code updatedAt} on gsi1 with a since. */
    private Page<RecordItem> query(String partition, Instant since, String sinceKey, String after, int limit) {
        QueryEnhancedRequest.Builder query = QueryEnhancedRequest.builder().limit(limit);
        if (since == null) {
            query.queryConditional(QueryConditional.keyEqualTo(Key.builder().partitionValue(partition).build()))
                    .consistentRead(true);
            if (after != null) {
                query.exclusiveStartKey(OrgTable.keyMap(partition, after));
            }
            return table.records().query(query.build()).iterator().next();
        }
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
        return table.records().index(TableDefinition.GSI1).query(query.build()).iterator().next();
    }

    /** What a list of records is bound to: the lister, the owner, the type and the incremental mode. */
    static Cursors.Scope scope(String list, String caller, String groupId, String owner, String type, Instant since) {
        return Cursors.scope(list, caller, groupId, owner, type, since == null ? "" : Timestamps.format(since));
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
