package orgshare.bench;

import com.sun.net.httpserver.HttpServer;
import orgshare.local.TemplateModel.HttpRoute;
import orgshare.shared.db.TableStream;
import orgshare.shared.webhooks.WebhookEvents;
import orgshare.shared.webhooks.WebhookService;
import software.amazon.awssdk.services.dynamodb.model.Record;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Section 6: webhooks. What a webhook adds to the push that causes its event (nothing is expected: delivery reads the
 * table's stream, never the request), and how fast a burst of pushes is delivered from the stream to a receiver on
 * loopback, by the delivery function's code in batches of the template's size.
 */
final class Webhooks {
    private static final int BATCH = 10;

    private Webhooks() {
    }

    static Section run(Db db, Path template, Settings settings) {
        Section section = new Section("7. Webhooks", settings.command("webhooks"));
        AtomicInteger received = new AtomicInteger();
        HttpServer receiver = receiver(received);
        try {
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            World with = new World(db, template, 2, 1, db.client());
            World without = new World(db, template, 2, 1, db.client());
            with.app.webhooks().set(with.creator, new WebhookService.SetWebhook(url, List.of("inbox.received"), null));
            HttpRoute pushWith = with.route(Routes.PUSH);
            HttpRoute pushWithout = without.route(Routes.PUSH);
            List<Stats> push = Stats.interleaved(settings.warmup(), settings.runs(),
                    () -> with.invokeOk(pushWith, Routes.prepare(with, pushWith)),
                    () -> without.invokeOk(pushWithout, Routes.prepare(without, pushWithout)));
            double ratio = push.get(0).median() / push.get(1).median();
            section.target("push latency with a webhook / without", "<= 1.05 (delivery never sits in the request path)",
                    String.format("%.3f (p50 %s ms / %s ms)", ratio, Stats.ms(push.get(0).median()), Stats.ms(push.get(1).median())),
                    ratio <= 1.05, "the push's own work");

            // the burst: its pushes first, then the stream delivered as the event source mapping hands it over
            TableStream stream = new TableStream(with.client, db.streamsClient(), with.table);
            stream.poll(); // what the latency runs wrote: not part of the burst
            int burst = settings.quick() ? 1_000 : 10_000;
            for (int i = 0; i < burst; i++) {
                with.app.exchange().push(with.partner, with.group, with.creator.merchantId(), "purchase-order",
                        "{\"poNumber\":\"B-" + i + "\"}");
            }
            received.set(0);
            long started = System.nanoTime();
            int records = 0;
            while (received.get() < burst) {
                List<Record> polled = stream.poll();
                records += polled.size();
                for (int from = 0; from < polled.size(); from += BATCH) {
                    List<WebhookEvents.StreamRecord> batch = new ArrayList<>();
                    polled.subList(from, Math.min(polled.size(), from + BATCH)).forEach(r -> batch.add(TableStream.toEventRecord(r)));
                    with.app.webhookDeliverer().deliver(batch);
                }
                if (polled.isEmpty() && System.nanoTime() - started > 300_000_000_000L) {
                    throw new IllegalStateException("the burst was not delivered in 5 minutes: " + received.get() + " of " + burst);
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            section.target("webhook delivery of a burst of " + String.format("%,d", burst) + " pushes",
                    "every push's inbox.received delivered (no throughput target set)",
                    String.format("%,.0f events/s (%,d delivered in %.1f s, %,d stream records read)", burst / seconds, received.get(),
                            seconds, records), received.get() == burst, "one HTTP POST and two writes per event, in sequence");
            section.line(String.format("Latency: `%s` as the partner, %d interleaved runs after %d warm-up rounds, in a world whose "
                    + "creator has a webhook and in one without (the push does not read it). Burst: %,d pushes into the creator's "
                    + "inbox through the service, then the table's stream (DynamoDB Local, server mode) read and handed to the "
                    + "delivery code in batches of %d, one process, one thread, each event POSTed to a receiver on loopback "
                    + "that answers 204 (signing, the SSRF check and both delivery writes included).", pushWith.routeKey(),
                    settings.runs(), settings.warmup(), burst, BATCH));
            return section;
        } finally {
            receiver.stop(0);
        }
    }

    private static HttpServer receiver(AtomicInteger received) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/hook", exchange -> {
                exchange.getRequestBody().readAllBytes();
                received.incrementAndGet();
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.setExecutor(Executors.newFixedThreadPool(4, r -> {
                Thread thread = new Thread(r, "bench-webhook-receiver");
                thread.setDaemon(true);
                return thread;
            }));
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
