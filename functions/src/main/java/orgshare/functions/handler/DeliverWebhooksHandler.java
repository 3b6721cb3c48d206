package orgshare.functions.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import orgshare.functions.http.Priming;
import orgshare.shared.Orgshare;
import orgshare.shared.db.DynamoJson;
import orgshare.shared.webhooks.WebhookDeliverer;
import orgshare.shared.webhooks.WebhookEvents;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * On the table's stream (a DynamoDB event source): the webhook events a batch of changes means, delivered to the
 * merchants that asked for them. A record that cannot be handled is reported as the batch's first failure (Lambda
 * retries from there, bisecting); a receiver that fails is not such a failure: its delivery is retried on a schedule.
 * The event is read as a plain map (DynamoDB JSON images), as it arrives.
 */
public final class DeliverWebhooksHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final WebhookDeliverer webhookDeliverer;

    public DeliverWebhooksHandler() {
        this(Orgshare.fromEnvironment());
    }

    public DeliverWebhooksHandler(Orgshare app) {
        Priming.register(app);
        this.webhookDeliverer = app.webhookDeliverer();
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Object records = event == null ? null : event.get("Records");
        List<Object> failures = new ArrayList<>();
        WebhookDeliverer.Outcome total = new WebhookDeliverer.Outcome(0, 0, 0, 0);
        if (records instanceof List<?> list) {
            for (Object raw : list) {
                try {
                    WebhookDeliverer.Outcome outcome = webhookDeliverer.deliver(List.of(change(raw)));
                    total = new WebhookDeliverer.Outcome(total.delivered() + outcome.delivered(),
                            total.retrying() + outcome.retrying(), total.failed() + outcome.failed(),
                            total.skipped() + outcome.skipped());
                } catch (RuntimeException e) {
                    // Lambda retries the batch from the first failure (every earlier record is done), bisecting, then
                    // sends what still fails to the on-failure destination; a record without a sequence number fails
                    // the whole batch, as Lambda reads an identifier it cannot place
                    failures.add(Map.of("itemIdentifier", String.valueOf(sequenceNumber(raw))));
                    System.err.println("{\"level\":\"ERROR\",\"event\":\"webhooks\",\"error\":\"" + e.getClass().getSimpleName() + "\"}");
                    break;
                }
            }
        }
        System.out.println("{\"level\":\"INFO\",\"event\":\"webhooks\",\"delivered\":" + total.delivered() + ",\"retrying\":"
                + total.retrying() + ",\"failed\":" + total.failed() + ",\"skipped\":" + total.skipped() + "}");
        return Map.of("batchItemFailures", failures);
    }

    /** One record of the event, as the webhook events read it; anything else than AWS's shape is an error. */
    private static WebhookEvents.StreamRecord change(Object raw) {
        if (!(raw instanceof Map<?, ?> record) || !(record.get("dynamodb") instanceof Map<?, ?> dynamodb)
                || !(record.get("eventID") instanceof String eventId) || !(record.get("eventName") instanceof String eventName)) {
            throw new IllegalArgumentException("not a DynamoDB stream record");
        }
        Object created = dynamodb.get("ApproximateCreationDateTime");
        return new WebhookEvents.StreamRecord(eventId, eventName, DynamoJson.item(dynamodb.get("OldImage")),
                DynamoJson.item(dynamodb.get("NewImage")),
                created instanceof Number n ? Instant.ofEpochMilli((long) (n.doubleValue() * 1000)) : null);
    }

    private static Object sequenceNumber(Object raw) {
        return raw instanceof Map<?, ?> record && record.get("dynamodb") instanceof Map<?, ?> dynamodb
                ? dynamodb.get("SequenceNumber") : null;
    }
}
