package orgshare.functions.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import orgshare.functions.http.TimeBudget;
import orgshare.shared.Orgshare;
import orgshare.shared.webhooks.WebhookDeliverer;

import java.util.Map;

/** On a schedule: attempts again the webhook deliveries whose backoff is over, while the invocation has time. */
public final class RetryWebhooksHandler implements RequestHandler<Map<String, Object>, WebhookDeliverer.Outcome> {
    private final WebhookDeliverer webhookDeliverer;

    public RetryWebhooksHandler() {
        this(Orgshare.fromEnvironment());
    }

    public RetryWebhooksHandler(Orgshare app) {
        this.webhookDeliverer = app.webhookDeliverer();
    }

    @Override
    public WebhookDeliverer.Outcome handleRequest(Map<String, Object> event, Context context) {
        WebhookDeliverer.Outcome outcome = webhookDeliverer.retryDue(TimeBudget.of(context));
        System.out.println("{\"level\":\"INFO\",\"event\":\"webhook-retries\",\"delivered\":" + outcome.delivered()
                + ",\"retrying\":" + outcome.retrying() + ",\"failed\":" + outcome.failed() + "}");
        return outcome;
    }
}
