package orgshare.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import orgshare.local.LocalApi;
import orgshare.local.TemplateModel.HttpRoute;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Section 5: the local runner's API (LocalApi over template.yaml, on DynamoDB Local) under a load generator on
 * loopback: a few workers sending the partner's pull, bounded in count and in time.
 */
final class LocalApiLoad {
    private LocalApiLoad() {
    }

    /** What a load produced: each request's latency, how many were not 200, and the wall time. */
    record Load(List<Long> nanos, int failures, double seconds) {
    }

    static Section run(Db db, Path template, Settings settings) {
        Section section = new Section("5. Local API throughput", settings.command("localapi"));
        World w = new World(db, template, 2, 1, db.client());
        HttpRoute pull = w.route(Routes.PULL);
        APIGatewayV2HTTPEvent event = Routes.prepare(w, pull);
        Stats inProcess = Stats.interleaved(settings.warmup(), settings.runs(), w.timedOk(pull, event)).get(0);

        try (LocalApi api = quietly(() -> LocalApi.start(template, w.db.client(), w.table, w.operatorKey, 0))) {
            URI uri = api.baseUri().resolve(event.getRawPath());
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(uri).header("authorization", "Bearer " + w.partnerView.apiKey()).GET().build();
            load(http, request, settings.loadWorkers(), settings.loadWarmup(), 60);
            Load load = load(http, request, settings.loadWorkers(), settings.loadRequests(), settings.loadSeconds());
            Stats stats = Stats.ofNanos(load.nanos());
            double rps = load.nanos().size() / load.seconds();
            section.target("pull through the local API", "every request 200 (no throughput target set)",
                    String.format("%,.0f requests/s, p50 %s ms, p99 %s ms; %d of %,d not 200", rps, Stats.ms(stats.p50()),
                            Stats.ms(stats.p99()), load.failures(), load.nanos().size()), load.failures() == 0,
                    "requests failed");
            section.line(String.format("`GET %s` as the partner (Bearer key), from %d workers of one java.net.http.HttpClient "
                            + "(HTTP/1.1, loopback) for at most %,d requests or %d s, after %,d warm-up requests. Each request "
                            + "runs the template's authorizer (one GetItem) and the pull handler (3 DynamoDB calls) in the local "
                            + "runner, on DynamoDB Local. The machine has %d CPUs, shared by the load generator, the runner and "
                            + "DynamoDB Local.", pull.path(), settings.loadWorkers(), settings.loadRequests(), settings.loadSeconds(),
                    settings.loadWarmup(), Runtime.getRuntime().availableProcessors()));
            section.table(List.of("what", "requests", "seconds", "requests/s", "p50 / p90 / p99 (ms)"), List.of(
                    List.of("local API, " + settings.loadWorkers() + " workers", String.format("%,d", load.nanos().size()),
                            String.format("%.1f", load.seconds()), String.format("%,.0f", rps), stats.spread()),
                    List.of("for reference: the pull handler in-process, 1 caller", String.valueOf(inProcess.n()), "-",
                            String.format("%,.0f", 1e3 / inProcess.median()), inProcess.spread())));
            section.line(String.format("What bounds it: each request is 4 DynamoDB calls on DynamoDB Local, and %d workers "
                            + "get %.1fx what one in-process caller gets from the pull handler alone; the API, its "
                            + "authorizer and DynamoDB Local share %d CPUs.", settings.loadWorkers(),
                    rps / (1e3 / inProcess.median()), Runtime.getRuntime().availableProcessors()));
        }
        return section;
    }

    /**
     * Starts a local API with its per-request console lines going nowhere: LocalApi and its Lambda context keep
     * the stderr they see when their classes load, and printing a line per request is the terminal's cost, not the API's.
     */
    static LocalApi quietly(Supplier<LocalApi> start) {
        PrintStream err = System.err;
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        try {
            Class.forName("orgshare.local.LocalLambdaContext", true, LocalApi.class.getClassLoader());
            return start.get();
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        } finally {
            System.setErr(err);
        }
    }

    /** {@code workers} threads sending {@code request} until {@code maxRequests} were sent or {@code maxSeconds} passed. */
    static Load load(HttpClient http, HttpRequest request, int workers, int maxRequests, int maxSeconds) {
        AtomicInteger issued = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        List<Long> nanos = Collections.synchronizedList(new ArrayList<>());
        long started = System.nanoTime();
        long deadline = started + maxSeconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            Thread thread = new Thread(() -> {
                while (issued.getAndIncrement() < maxRequests && System.nanoTime() < deadline) {
                    long sent = System.nanoTime();
                    try {
                        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() != 200) {
                            failures.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failures.incrementAndGet();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    nanos.add(System.nanoTime() - sent);
                }
            }, "load-" + i);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return new Load(new ArrayList<>(nanos), failures.get(), (System.nanoTime() - started) / 1e9);
    }
}
