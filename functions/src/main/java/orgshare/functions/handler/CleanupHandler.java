package orgshare.functions.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import orgshare.functions.http.TimeBudget;
import orgshare.shared.Orgshare;
import orgshare.shared.json.Json;
import orgshare.shared.service.CleanupService;

import java.util.Map;

/**
 * On the EventBridge schedule: deletes what dissolved groups and departed members left, and logs the counts.
 * The event is taken as a plain map: nothing in it matters, and ScheduledEvent's Joda time field needs a runtime mixin.
 */
public final class CleanupHandler implements RequestHandler<Map<String, Object>, CleanupService.CleanupReport> {
    private final CleanupService cleanup;

    public CleanupHandler() {
        this(Orgshare.fromEnvironment());
    }

    public CleanupHandler(Orgshare app) {
        this.cleanup = app.cleanup();
    }

    @Override
    public CleanupService.CleanupReport handleRequest(Map<String, Object> event, Context context) {
        long started = System.nanoTime();
        CleanupService.CleanupReport report = cleanup.run(TimeBudget.of(context));
        ObjectNode line = Json.mapper().valueToTree(report);
        line.put("level", "INFO");
        line.put("event", "cleanup");
        line.put("latencyMs", (System.nanoTime() - started) / 1_000_000.0);
        if (context != null && context.getLogger() != null) {
            context.getLogger().log(line + "\n");
        } else {
            System.out.println(line);
        }
        return report;
    }
}
