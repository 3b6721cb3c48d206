package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import orgshare.local.TemplateModel.Schedule;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the template's scheduled functions (EventBridge {@code rate(...)} expressions) while the local API serves,
 * so a local user sees the cleanup at work. {@code every} overrides every rate, e.g. a few seconds for a demo.
 */
final class LocalScheduler implements AutoCloseable {
    private static final Pattern RATE = Pattern.compile("rate\\((\\d+) (minute|minutes|hour|hours|day|days)\\)");

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "local-schedule");
        thread.setDaemon(true);
        return thread;
    });
    private final List<String> plan = new ArrayList<>();

    LocalScheduler(FunctionInvoker invoker, List<Schedule> schedules, Duration every, PrintStream err) {
        for (Schedule schedule : schedules) {
            Duration period = every != null ? every : rate(schedule.expression());
            if (!schedule.enabled() || period == null) {
                plan.add(schedule.functionId() + ": not run locally (" + schedule.expression() + ")");
                continue;
            }
            plan.add(schedule.functionId() + " every " + period.toSeconds() + " s");
            executor.scheduleWithFixedDelay(() -> {
                try {
                    invoker.invoke(schedule.functionId(), scheduledEvent(schedule));
                } catch (RuntimeException e) {
                    // a failed run is retried at the next tick, as EventBridge would
                    err.println(schedule.functionId() + " failed: " + e);
                }
            }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    List<String> plan() {
        return plan;
    }

    static Duration rate(String expression) {
        Matcher m = RATE.matcher(expression == null ? "" : expression.strip());
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "minute", "minutes" -> Duration.ofMinutes(n);
            case "hour", "hours" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static JsonNode scheduledEvent(Schedule schedule) {
        ObjectNode event = EventJson.mapper().createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "Scheduled Event");
        event.put("source", "aws.events");
        event.put("account", TemplateValues.ACCOUNT_ID);
        event.put("time", Instant.now().toString());
        event.put("region", TemplateValues.REGION);
        event.putArray("resources").add("arn:aws:events:" + TemplateValues.REGION + ":" + TemplateValues.ACCOUNT_ID
                + ":rule/" + schedule.functionId() + schedule.eventName());
        event.putObject("detail");
        return event;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
