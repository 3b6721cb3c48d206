package orgshare.local;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import orgshare.local.TemplateModel.StreamSource;
import orgshare.shared.db.TableStream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Feeds the table's stream to the template's DynamoDB event sources while the local API serves, as Lambda's event
 * source mapping does: polled every {@value #EVERY_MILLIS} ms, in order per shard, in batches of at most the source's
 * BatchSize, the event in AWS's shape. A batch whose function fails, or reports failed records
 * (ReportBatchItemFailures), is retried from its first failed record, {@value #RETRIES} times, then given up (logged:
 * where a deployment's on-failure destination would hold it) and the stream moves on.
 *
 * <p>With a data folder, the place read up to in each shard is kept in {@value #POSITIONS_FILE} once its batches are
 * done, so a restarted runner goes on from there: nothing is lost, and a runner killed mid-batch reads that batch
 * again (its deliveries are written once, so a record read again delivers nothing twice). A new table, or one without
 * a kept place, is read from its start (TRIM_HORIZON), as the template asks.
 */
final class LocalStreamPoller implements AutoCloseable {
    static final long EVERY_MILLIS = 200;
    static final String POSITIONS_FILE = "stream-positions.json";
    static final int RETRIES = 2;

    private final FunctionInvoker invoker;
    private final List<StreamSource> sources;
    private final Map<String, TableStream> streams = new LinkedHashMap<>();
    private final Path data;
    private final PrintStream err;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "local-stream");
        thread.setDaemon(true);
        return thread;
    });

    LocalStreamPoller(FunctionInvoker invoker, DynamoDbClient dynamo, DynamoDbStreamsClient streamsClient, String tableName,
                      List<StreamSource> sources, Path data, PrintStream err) {
        this.invoker = invoker;
        this.sources = sources;
        this.data = data;
        this.err = err;
        Map<String, Map<String, String>> kept = readPositions();
        for (StreamSource source : sources) {
            streams.put(source.functionId(), new TableStream(dynamo, streamsClient, tableName,
                    kept.getOrDefault(source.functionId(), Map.of())));
        }
    }

    /** Polls in the background until closed. */
    LocalStreamPoller start() {
        if (!sources.isEmpty()) {
            executor.scheduleWithFixedDelay(() -> {
                try {
                    pollOnce();
                } catch (RuntimeException e) {
                    err.println("stream: " + e);
                }
            }, EVERY_MILLIS, EVERY_MILLIS, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    List<String> plan() {
        return sources.stream().map(s -> s.functionId() + " on the table's stream, batches of " + s.batchSize()
                + ", every " + EVERY_MILLIS + " ms").toList();
    }

    /** One poll of every source: its new records, handed to its function. Returns how many records were handed over. */
    synchronized int pollOnce() {
        int handed = 0;
        for (StreamSource source : sources) {
            TableStream stream = streams.get(source.functionId());
            for (List<Record> shard : stream.pollByShard().values()) {
                for (int from = 0; from < shard.size(); from += source.batchSize()) {
                    List<Record> batch = shard.subList(from, Math.min(shard.size(), from + source.batchSize()));
                    deliver(source, stream.streamArn(), batch);
                    handed += batch.size();
                }
            }
        }
        if (handed > 0) {
            keepPositions();
        }
        return handed;
    }

    private void deliver(StreamSource source, String streamArn, List<Record> batch) {
        List<Record> remaining = batch;
        for (int attempt = 0; attempt <= RETRIES; attempt++) {
            String firstFailed;
            try {
                JsonNode result = invoker.invoke(source.functionId(), StreamEvents.event(remaining, streamArn));
                firstFailed = source.reportsItemFailures() ? firstFailure(result) : null;
            } catch (RuntimeException e) {
                err.println(source.functionId() + " failed on a batch of " + remaining.size() + " stream records: " + e);
                firstFailed = remaining.get(0).dynamodb().sequenceNumber();
            }
            if (firstFailed == null) {
                return;
            }
            remaining = from(remaining, firstFailed);
            if (remaining.isEmpty()) {
                return; // it named no record of the batch: taken as done, as Lambda does
            }
        }
        err.println(source.functionId() + " gave up on " + remaining.size() + " stream records from sequence number "
                + remaining.get(0).dynamodb().sequenceNumber() + " (a deployment sends them to its on-failure destination)");
    }

    private static String firstFailure(JsonNode result) {
        JsonNode failures = result == null ? null : result.get("batchItemFailures");
        if (failures == null || !failures.isArray() || failures.isEmpty()) {
            return null;
        }
        return failures.get(0).path("itemIdentifier").asText(null);
    }

    private static List<Record> from(List<Record> records, String sequenceNumber) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).dynamodb().sequenceNumber().equals(sequenceNumber)) {
                return records.subList(i, records.size());
            }
        }
        return List.of();
    }

    private Map<String, Map<String, String>> readPositions() {
        if (data == null || !Files.isRegularFile(data.resolve(POSITIONS_FILE))) {
            return Map.of();
        }
        try {
            return EventJson.mapper().readValue(Files.readString(data.resolve(POSITIONS_FILE)),
                    new TypeReference<Map<String, Map<String, String>>>() { });
        } catch (IOException e) {
            err.println("stream: " + POSITIONS_FILE + " is unreadable, the stream is read from its start: " + e.getMessage());
            return Map.of();
        }
    }

    private void keepPositions() {
        if (data == null) {
            return;
        }
        Map<String, Map<String, String>> positions = new TreeMap<>();
        streams.forEach((functionId, stream) -> positions.put(functionId, new TreeMap<>(stream.readUpTo())));
        try {
            Path temporary = Files.createTempFile(data, POSITIONS_FILE, ".tmp");
            Files.writeString(temporary, EventJson.mapper().writeValueAsString(positions));
            Files.move(temporary, data.resolve(POSITIONS_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
