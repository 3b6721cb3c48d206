package orgshare.shared.db;

import orgshare.shared.webhooks.WebhookEvents;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the table's stream from its start, shard by shard, the way Lambda's event source mapping does for the
 * delivery function where no AWS runs it: the local runner polls it, and tests read it. Not thread-safe: one reader.
 */
public final class TableStream {
    private final DynamoDbClient dynamo;
    private final DynamoDbStreamsClient streams;
    private final String tableName;
    private final Map<String, String> iterators = new HashMap<>();
    private final Map<String, String> readUpTo = new HashMap<>();
    private final java.util.Set<String> closed = new java.util.HashSet<>();
    private String streamArn;

    public TableStream(DynamoDbClient dynamo, DynamoDbStreamsClient streams, String tableName) {
        this(dynamo, streams, tableName, Map.of());
    }

    /**
     * Resumes after the given sequence number in each shard named (a reader that kept its place); other shards are read
     * from their start.
     */
    public TableStream(DynamoDbClient dynamo, DynamoDbStreamsClient streams, String tableName, Map<String, String> readUpTo) {
        this.dynamo = dynamo;
        this.streams = streams;
        this.tableName = tableName;
        this.readUpTo.putAll(readUpTo);
    }

    public String streamArn() {
        if (streamArn == null) {
            streamArn = dynamo.describeTable(b -> b.tableName(tableName)).table().latestStreamArn();
            if (streamArn == null) {
                throw new IllegalStateException("table " + tableName + " has no stream");
            }
        }
        return streamArn;
    }

    /** The records written since the last poll (all of them, at the first), in order within each shard. */
    public List<Record> poll() {
        List<Record> records = new ArrayList<>();
        pollByShard().values().forEach(records::addAll);
        return records;
    }

    /** The same, shard by shard: each shard's records in order, and the last one read noted as the shard's place. */
    public Map<String, List<Record>> pollByShard() {
        Map<String, List<Record>> byShard = new LinkedHashMap<>();
        for (Shard shard : streams.describeStream(b -> b.streamArn(streamArn())).streamDescription().shards()) {
            if (closed.contains(shard.shardId())) {
                continue;
            }
            String iterator = iterators.computeIfAbsent(shard.shardId(), this::firstIterator);
            List<Record> records = new ArrayList<>();
            while (iterator != null) {
                String from = iterator;
                GetRecordsResponse page = streams.getRecords(b -> b.shardIterator(from).limit(1000));
                records.addAll(page.records());
                iterator = page.nextShardIterator();
                if (page.records().isEmpty()) {
                    break;
                }
            }
            if (iterator == null) {
                iterators.remove(shard.shardId());
                closed.add(shard.shardId()); // a closed shard: read to its end
            } else {
                iterators.put(shard.shardId(), iterator);
            }
            if (!records.isEmpty()) {
                readUpTo.put(shard.shardId(), records.get(records.size() - 1).dynamodb().sequenceNumber());
                byShard.put(shard.shardId(), records);
            }
        }
        return byShard;
    }

    /** Per shard, the sequence number of the last record read: where a new reader resumes. */
    public Map<String, String> readUpTo() {
        return Map.copyOf(readUpTo);
    }

    private String firstIterator(String shardId) {
        String after = readUpTo.get(shardId);
        if (after != null) {
            try {
                return streams.getShardIterator(b -> b.streamArn(streamArn()).shardId(shardId)
                        .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(after)).shardIterator();
            } catch (RuntimeException trimmed) {
                // the place is gone (trimmed, or another stream): from the shard's start; a record read again is
                // recognised by its delivery, written once
            }
        }
        return streams.getShardIterator(b -> b.streamArn(streamArn()).shardId(shardId)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    }

    /** The parts of a stream record the webhook events read. */
    public static WebhookEvents.StreamRecord toEventRecord(Record record) {
        Instant at = record.dynamodb().approximateCreationDateTime();
        return new WebhookEvents.StreamRecord(record.eventID(), record.eventNameAsString(),
                record.dynamodb().hasOldImage() ? record.dynamodb().oldImage() : null,
                record.dynamodb().hasNewImage() ? record.dynamodb().newImage() : null, at);
    }
}
