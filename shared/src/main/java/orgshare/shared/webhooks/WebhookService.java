package orgshare.shared.webhooks;

import orgshare.shared.auth.Caller;
import orgshare.shared.db.Cursors;
import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.error.ApiException;
import orgshare.shared.time.Timestamps;
import orgshare.shared.validation.Validate;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A merchant's one webhook: where its business program listens, for which events, and the secret deliveries are
 * signed with (shown when it is first set and when it is rotated, never again). Item {@code MERCHANT#<id>} /
 * {@value #SK}.
 */
public final class WebhookService {
    public static final String SK = "WEBHOOK";
    public static final List<String> EVENTS = List.of("inbox.received", "push.status", "group.invited", "member.joined",
            "member.left", "group.dissolved", "rules.changed");

    public record SetWebhook(String url, List<String> events, Boolean rotateSecret) {
    }

    /** What GET shows ({@code secret} only in the answer that made or rotated it). */
    public record WebhookView(String url, List<String> events, String createdAt, String updatedAt, String secret) {
    }

    /** What the delivery function needs. */
    public record Webhook(String merchantId, String url, Set<String> events, String secret) {
        public boolean wants(String type) {
            return events.contains(type);
        }
    }

    /** One delivery as the merchant sees it: its attempts, last result and next attempt. */
    public record Delivery(String webhookId, String type, String status, int attempts, String lastResult,
                           String lastAttemptAt, String nextAttemptAt, String createdAt) {
    }

    public record DeliveryPage(List<Delivery> deliveries, String cursor) {
    }

    private final OrgTable table;
    private final Clock clock;
    private final boolean allowLoopback;
    private final Cursors cursors;

    public WebhookService(OrgTable table, Clock clock, boolean allowLoopback, Cursors cursors) {
        this.table = table;
        this.clock = clock;
        this.allowLoopback = allowLoopback;
        this.cursors = cursors;
    }

    /** The caller's deliveries, newest first: one Query a page, sealed cursors. */
    public DeliveryPage deliveries(Caller caller, String rawLimit, String rawCursor) {
        String me = caller.requireMerchant();
        int limit = Validate.pageSize(rawLimit);
        Cursors.Scope scope = Cursors.scope("deliveries", me);
        String after = cursors.open(scope, rawCursor, position -> {
            if (position.length() > 80 || !position.matches("[0-9TZ:.\\-]+#msg_[0-9a-f]{32}")) {
                throw ApiException.badRequest("INVALID_CURSOR", "The cursor is not one of this list's.");
            }
            return position;
        });
        String partition = "WHDELIVERY#" + me;
        QueryResponse page = table.client().query(b -> {
            b.tableName(table.name()).keyConditionExpression("pk = :pk").consistentRead(true).scanIndexForward(false)
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partition))).limit(limit);
            if (after != null) {
                b.exclusiveStartKey(OrgTable.keyMap(partition, after));
            }
        });
        List<Delivery> deliveries = new ArrayList<>();
        for (Map<String, AttributeValue> item : page.items()) {
            deliveries.add(new Delivery(s(item, "webhookId"), s(item, "type"), s(item, "status"),
                    Integer.parseInt(item.get("attempts").n()), s(item, "lastResult"), s(item, "lastAttemptAt"),
                    s(item, "nextAttemptAt"), s(item, "createdAt")));
        }
        String last = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey().get("sk").s() : null;
        return new DeliveryPage(deliveries, cursors.seal(scope, last));
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    /**
     * Sets the URL and events (one UpdateItem). A new webhook gets a secret, shown in this answer; {@code rotateSecret}
     * replaces it (the old one stops signing at once). The URL is checked as deliveries will check it.
     */
    public WebhookView set(Caller caller, SetWebhook request) {
        String me = caller.requireMerchant();
        WebhookUrls.validate(Validate.required("url", request.url()), allowLoopback);
        List<String> events = events(request.events());
        boolean rotate = Boolean.TRUE.equals(request.rotateSecret());
        String now = Timestamps.now(clock);
        String secret = WebhookSignature.newSecret();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":url", AttributeValue.fromS(request.url()));
        values.put(":events", AttributeValue.fromL(events.stream().map(AttributeValue::fromS).toList()));
        values.put(":now", AttributeValue.fromS(now));
        values.put(":secret", AttributeValue.fromS(secret));
        String update = "SET #url = :url, events = :events, updatedAt = :now, createdAt = if_not_exists(createdAt, :now), "
                + (rotate ? "secret = :secret" : "secret = if_not_exists(secret, :secret)");
        UpdateItemResponse response = table.client().updateItem(b -> b.tableName(table.name())
                .key(OrgTable.keyMap(Keys.merchant(me), SK))
                .updateExpression(update)
                .expressionAttributeNames(Map.of("#url", "url"))
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW));
        Map<String, AttributeValue> item = response.attributes();
        boolean shown = rotate || secret.equals(item.get("secret").s());
        return new WebhookView(request.url(), events, item.get("createdAt").s(), now, shown ? secret : null);
    }

    /** The caller's webhook, without its secret. 404 WEBHOOK_NOT_FOUND when none is set. */
    public WebhookView get(Caller caller) {
        Map<String, AttributeValue> item = read(caller.requireMerchant());
        if (item == null) {
            throw notFound();
        }
        Webhook webhook = webhook(caller.merchantId(), item);
        return new WebhookView(webhook.url(), new ArrayList<>(webhook.events()), item.get("createdAt").s(),
                item.get("updatedAt").s(), null);
    }

    /** Removes the webhook: nothing is delivered from the next event on. 404 when none is set. */
    public void delete(Caller caller) {
        String me = caller.requireMerchant();
        try {
            table.client().deleteItem(b -> b.tableName(table.name()).key(OrgTable.keyMap(Keys.merchant(me), SK))
                    .conditionExpression("attribute_exists(pk)"));
        } catch (ConditionalCheckFailedException none) {
            throw notFound();
        }
    }

    /** The merchant's webhook as deliveries use it, read consistently, or null. */
    public Webhook find(String merchantId) {
        Map<String, AttributeValue> item = read(merchantId);
        return item == null ? null : webhook(merchantId, item);
    }

    private static Webhook webhook(String merchantId, Map<String, AttributeValue> item) {
        Set<String> events = new TreeSet<>();
        item.get("events").l().forEach(e -> events.add(e.s()));
        return new Webhook(merchantId, item.get("url").s(), events, item.get("secret").s());
    }

    private Map<String, AttributeValue> read(String merchantId) {
        Map<String, AttributeValue> item = table.client().getItem(b -> b.tableName(table.name()).consistentRead(true)
                .key(OrgTable.keyMap(Keys.merchant(merchantId), SK))).item();
        return item == null || item.isEmpty() ? null : item;
    }

    private static List<String> events(List<String> raw) {
        List<String> given = Validate.required("events", raw);
        if (given.isEmpty()) {
            throw ApiException.validation("'events' names at least one of " + EVENTS + ".");
        }
        Set<String> events = new TreeSet<>();
        for (String event : given) {
            if (event == null || !EVENTS.contains(event)) {
                throw ApiException.validation("'events' holds '" + event + "'; the events are " + EVENTS + ".");
            }
            events.add(event);
        }
        return List.copyOf(events);
    }

    private static ApiException notFound() {
        return ApiException.notFound("WEBHOOK_NOT_FOUND", "You have no webhook; set one with PUT /merchants/me/webhook.");
    }
}
