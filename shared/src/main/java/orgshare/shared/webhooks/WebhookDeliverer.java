package orgshare.shared.webhooks;

import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.db.TableDefinition;
import orgshare.shared.error.ApiException;
import orgshare.shared.json.Json;
import orgshare.shared.time.Timestamps;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Delivers webhook events: at least once, signed per the Standard Webhooks convention, with the same
 * {@code webhook-id} on every attempt. Each delivery is an item ({@code WHDELIVERY#<merchantId>} /
 * {@code <createdAt>#<webhookId>}), written once (a stream record read again finds it), then updated with each
 * attempt; a failed one waits in the sparse gsi1 partition {@value #RETRY_INDEX} for its next attempt, with backoff and
 * jitter, until {@link #GIVE_UP} after its creation, when it is FAILED. The URL is checked again, after a fresh DNS
 * resolution, before every attempt; no redirect is followed, an attempt takes at most {@link #TIMEOUT}, and at most
 * {@value #MAX_READ} bytes of the answer are read.
 */
public final class WebhookDeliverer {
    public static final String RETRY_INDEX = "WHRETRY";
    public static final Duration TIMEOUT = Duration.ofSeconds(5);
    public static final Duration GIVE_UP = Duration.ofHours(24);
    static final int MAX_READ = 4096;
    static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    static final Duration MAX_RETRY = Duration.ofHours(4);
    private static final Duration KEEP = Duration.ofDays(30);
    /** How long a first attempt may take to record its outcome before the retries take the delivery over. */
    static final Duration UNRECORDED = Duration.ofMinutes(1);

    public record Outcome(int delivered, int retrying, int failed, int skipped) {
    }

    private static final class Http {
        static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private final OrgTable table;
    private final WebhookService webhooks;
    private final Clock clock;
    private final boolean allowLoopback;

    public WebhookDeliverer(OrgTable table, WebhookService webhooks, Clock clock, boolean allowLoopback) {
        this.table = table;
        this.webhooks = webhooks;
        this.clock = clock;
        this.allowLoopback = allowLoopback;
    }

    /** The events of a batch of stream records, each to every merchant it concerns that asked for it. */
    public Outcome deliver(List<WebhookEvents.StreamRecord> records) {
        int delivered = 0;
        int retrying = 0;
        int failed = 0;
        int skipped = 0;
        for (WebhookEvents.StreamRecord record : records) {
            for (WebhookEvents.Pending event : WebhookEvents.of(record)) {
                for (String merchantId : audience(event.audience())) {
                    WebhookService.Webhook webhook = webhooks.find(merchantId);
                    if (webhook == null || !webhook.wants(event.type())) {
                        skipped++;
                        continue;
                    }
                    Map<String, AttributeValue> delivery = create(webhook, event);
                    if (delivery == null) {
                        skipped++; // this record was read before: its delivery goes on through the retries
                        continue;
                    }
                    switch (attempt(webhook, delivery)) {
                        case "DELIVERED" -> delivered++;
                        case "FAILED" -> failed++;
                        default -> retrying++;
                    }
                }
            }
        }
        return new Outcome(delivered, retrying, failed, skipped);
    }

    /** Attempts again what is due, oldest due first, while {@code keepGoing}. */
    public Outcome retryDue(BooleanSupplier keepGoing) {
        int delivered = 0;
        int retrying = 0;
        int failed = 0;
        String now = Timestamps.format(clock.instant());
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> after = start;
            QueryResponse page = table.client().query(b -> b.tableName(table.name()).indexName(TableDefinition.GSI1)
                    .keyConditionExpression("gsi1pk = :pk AND gsi1sk <= :now")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(RETRY_INDEX), ":now", AttributeValue.fromS(now + "~")))
                    .limit(25).exclusiveStartKey(after));
            for (Map<String, AttributeValue> due : page.items()) {
                Map<String, AttributeValue> delivery = new HashMap<>(due);
                if (!keepGoing.getAsBoolean()) {
                    return new Outcome(delivered, retrying, failed, 0);
                }
                WebhookService.Webhook webhook = webhooks.find(delivery.get("merchantId").s());
                String result = webhook == null ? finish(delivery, "FAILED", "WEBHOOK_REMOVED", null) : attempt(webhook, delivery);
                switch (result) {
                    case "DELIVERED" -> delivered++;
                    case "FAILED" -> failed++;
                    default -> retrying++;
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return new Outcome(delivered, retrying, failed, 0);
    }

    private List<String> audience(WebhookEvents.Audience audience) {
        if (audience instanceof WebhookEvents.Merchant one) {
            return List.of(one.merchantId());
        }
        if (audience instanceof WebhookEvents.CreatorOf creatorOf) {
            Map<String, AttributeValue> group = group(creatorOf.groupId());
            // a group being deleted (dissolved) tells its members once, as group.dissolved: not member by member
            return group == null || !"ACTIVE".equals(group.get("status").s()) ? List.of() : List.of(group.get("creatorId").s());
        }
        WebhookEvents.MembersOf members = (WebhookEvents.MembersOf) audience;
        List<String> ids = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> after = start;
            QueryResponse page = table.client().query(b -> b.tableName(table.name()).consistentRead(true)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :member)")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(Keys.group(members.groupId())),
                            ":member", AttributeValue.fromS(Keys.MEMBER_PREFIX)))
                    .exclusiveStartKey(after));
            for (Map<String, AttributeValue> member : page.items()) {
                String id = member.get("merchantId").s();
                boolean federated = member.containsKey("federated") && Boolean.TRUE.equals(member.get("federated").bool());
                if (!federated && !id.equals(members.except())) {
                    ids.add(id);
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return ids;
    }

    private Map<String, AttributeValue> group(String groupId) {
        Map<String, AttributeValue> item = table.client().getItem(b -> b.tableName(table.name()).consistentRead(true)
                .key(OrgTable.keyMap(Keys.group(groupId), Keys.GROUP_SK))).item();
        return item == null || item.isEmpty() ? null : item;
    }

    /**
     * The delivery item, written once. Null when it exists already (the same record, read again): its delivery goes on
     * through the retries; but one never attempted (the function stopped between writing it and sending it) is
     * returned, to be attempted now.
     */
    private Map<String, AttributeValue> create(WebhookService.Webhook webhook, WebhookEvents.Pending event) {
        String id = event.webhookId(webhook.merchantId());
        Instant at = event.at() == null ? clock.instant() : event.at();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", event.type());
        body.put("timestamp", Timestamps.format(at));
        body.put("data", event.data());
        Map<String, AttributeValue> item = new HashMap<>(OrgTable.keyMap("WHDELIVERY#" + webhook.merchantId(),
                Timestamps.format(at) + "#" + id));
        item.put("webhookId", AttributeValue.fromS(id));
        item.put("merchantId", AttributeValue.fromS(webhook.merchantId()));
        item.put("type", AttributeValue.fromS(event.type()));
        item.put("payload", AttributeValue.fromS(Json.encode(body)));
        item.put("status", AttributeValue.fromS("PENDING"));
        item.put("attempts", AttributeValue.fromN("0"));
        item.put("createdAt", AttributeValue.fromS(Timestamps.format(clock.instant())));
        item.put(TableDefinition.TTL, AttributeValue.fromN(Long.toString(clock.instant().plus(KEEP).getEpochSecond())));
        // due for the retries a little later, in case this attempt never records its outcome (the function stopped)
        item.put(TableDefinition.GSI1_PK, AttributeValue.fromS(RETRY_INDEX));
        item.put(TableDefinition.GSI1_SK, AttributeValue.fromS(Timestamps.format(clock.instant().plus(UNRECORDED)) + "#" + id));
        try {
            table.client().putItem(b -> b.tableName(table.name()).item(item).conditionExpression("attribute_not_exists(pk)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return item;
        } catch (ConditionalCheckFailedException seen) {
            Map<String, AttributeValue> existing = seen.hasItem() ? seen.item() : Map.of();
            return existing.containsKey("status") && "PENDING".equals(existing.get("status").s()) ? new HashMap<>(existing) : null;
        }
    }

    /** One attempt; the item records it. Returns DELIVERED, RETRYING or FAILED. */
    private String attempt(WebhookService.Webhook webhook, Map<String, AttributeValue> delivery) {
        String id = delivery.get("webhookId").s();
        String payload = delivery.get("payload").s();
        Instant now = clock.instant();
        long timestamp = now.getEpochSecond();
        String result;
        Integer status = null;
        try {
            URI url = WebhookUrls.resolve(URI.create(webhook.url()), allowLoopback).url();
            HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT)
                    .header("content-type", "application/json")
                    .header("user-agent", "orgshare-webhooks")
                    .header("webhook-id", id)
                    .header("webhook-timestamp", Long.toString(timestamp))
                    .header("webhook-signature", WebhookSignature.sign(webhook.secret(), id, timestamp, payload))
                    .POST(HttpRequest.BodyPublishers.ofString(payload)).build();
            HttpResponse<InputStream> response = Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                body.readNBytes(MAX_READ); // read a little, so the connection can be reused; never more
            }
            status = response.statusCode();
            result = status >= 200 && status < 300 ? "OK" : "HTTP_" + status;
        } catch (ApiException refused) {
            result = refused.code(); // INVALID_WEBHOOK_URL: the name resolves somewhere it must not, now
        } catch (HttpTimeoutException late) {
            result = "TIMEOUT";
        } catch (IOException unreachable) {
            result = "UNREACHABLE";
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            result = "INTERRUPTED";
        }
        if ("OK".equals(result)) {
            return finish(delivery, "DELIVERED", result, status);
        }
        Instant created = Instant.parse(delivery.get("createdAt").s());
        int attempts = Integer.parseInt(delivery.get("attempts").n()) + 1;
        Instant next = now.plus(backoff(attempts));
        if (next.isAfter(created.plus(GIVE_UP))) {
            return finish(delivery, "FAILED", result, status);
        }
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":status", AttributeValue.fromS("RETRYING"));
        values.put(":attempts", AttributeValue.fromN(Integer.toString(attempts)));
        values.put(":last", AttributeValue.fromS(status == null ? result : Integer.toString(status)));
        values.put(":at", AttributeValue.fromS(Timestamps.format(now)));
        values.put(":next", AttributeValue.fromS(Timestamps.format(next)));
        values.put(":index", AttributeValue.fromS(RETRY_INDEX));
        values.put(":sort", AttributeValue.fromS(Timestamps.format(next) + "#" + id));
        table.client().updateItem(b -> b.tableName(table.name()).key(keyOf(delivery))
                .updateExpression("SET #status = :status, attempts = :attempts, lastResult = :last, lastAttemptAt = :at, "
                        + "nextAttemptAt = :next, gsi1pk = :index, gsi1sk = :sort")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(values));
        delivery.put("attempts", AttributeValue.fromN(Integer.toString(attempts)));
        return "RETRYING";
    }

    private String finish(Map<String, AttributeValue> delivery, String outcome, String result, Integer status) {
        int attempts = Integer.parseInt(delivery.get("attempts").n()) + ("WEBHOOK_REMOVED".equals(result) ? 0 : 1);
        table.client().updateItem(b -> b.tableName(table.name()).key(keyOf(delivery))
                .updateExpression("SET #status = :status, attempts = :attempts, lastResult = :last, lastAttemptAt = :at "
                        + "REMOVE gsi1pk, gsi1sk, nextAttemptAt")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":status", AttributeValue.fromS(outcome),
                        ":attempts", AttributeValue.fromN(Integer.toString(attempts)),
                        ":last", AttributeValue.fromS(status == null ? result : Integer.toString(status)),
                        ":at", AttributeValue.fromS(Timestamps.format(clock.instant())))));
        return outcome;
    }

    private static Map<String, AttributeValue> keyOf(Map<String, AttributeValue> delivery) {
        return OrgTable.keyMap(delivery.get(TableDefinition.PK).s(), delivery.get(TableDefinition.SK).s());
    }

    /** 5 s, 20 s, 80 s, ... up to 4 hours, each with up to a fifth more at random: about 10 attempts in 24 hours. */
    static Duration backoff(int attempts) {
        long base = FIRST_RETRY.toMillis() * (1L << Math.min(2L * (attempts - 1), 40));
        long capped = Math.min(base, MAX_RETRY.toMillis());
        return Duration.ofMillis(capped + ThreadLocalRandom.current().nextLong(capped / 5 + 1));
    }
}
