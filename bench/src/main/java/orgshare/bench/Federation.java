package orgshare.bench;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.local.FunctionInvoker;
import orgshare.local.LocalApi;
import orgshare.local.LocalSecrets;
import orgshare.local.OperatorKey;
import orgshare.local.TemplateModel;
import orgshare.shared.auth.ApiKeys;
import orgshare.shared.federation.FederationEndpoint;
import orgshare.shared.federation.FederationKey;
import orgshare.shared.federation.FederationWire;
import orgshare.shared.httpsig.Ed25519;
import orgshare.shared.httpsig.HttpMessage;
import orgshare.shared.httpsig.MessageSignatures;
import orgshare.shared.json.Json;
import orgshare.shared.testing.CallCounter;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Section 6: pulls across merchant clouds. Three deployments in this JVM, set up as ThreeCloudsTest sets them up:
 * each its own DynamoDB Local server process, table, operator key, secrets and federation key, and its own local API
 * on a loopback port; their operators register each other with POST /peers. A remote member's pull (member on B,
 * owner and group home on A) and the pull of an owner on a third cloud (B -> A -> C) are timed against the same pull
 * made locally (member and owner on A), interleaved, over real HTTP; then the signature cost of one inter-cloud call
 * in-process, and federated pulls under a few workers.
 */
final class Federation {
    private static final double REMOTE_TARGET = 2.0;
    private static final double THIRD_CLOUD_TARGET = 3.0;
    private static final int RECORDS_EACH = 20;
    private static final String TYPE = "order";
    private static final String FILTER = "{\"buyerId\":\"${partner}\"}";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** One kind of pull: the member who sends it, to its own deployment. */
    private record Pull(String name, Merchant member, HttpRequest request) {
    }

    /**
     * One group at A (its home) with an owner and a partner on A, a partner on B and an owner on C, each owner's
     * orders open FULL to the partners with a row filter; the three pulls, each checked to answer a full page.
     */
    private record Scene(Pull local, Pull remote, Pull third, int recordBytes, String page) {
        static Scene setUp(Deployment a, Deployment b, Deployment c) {
            Deployment.federate(a, b);
            Deployment.federate(a, c);
            Merchant owner = a.merchant("Owner on A");
            Merchant local = a.merchant("Partner on A");
            Merchant remote = b.merchant("Partner on B");
            Merchant farOwner = c.merchant("Owner on C");
            String group = owner.call(201, "POST", "/groups", "{\"name\":\"Bench federation\"}").get("groupId").asText();
            owner.call(201, "POST", "/groups/" + group + "/members", "{\"merchantId\":\"" + local.id() + "\"}");
            for (Merchant peer : List.of(remote, farOwner)) {
                owner.call(201, "POST", "/groups/" + group + "/members", "{\"merchantId\":\"" + peer.id()
                        + "\",\"cloudId\":\"" + peer.home().cloudId + "\"}");
            }
            for (Merchant member : List.of(local, remote, farOwner)) {
                member.call(200, "PUT", "/groups/" + group + "/members/me", null);
            }
            // each owner holds 40 orders, 20 for each buyer, interleaved: every pull reads the same 40 and shows 20
            int bytes = 0;
            for (int i = 0; i < 2 * RECORDS_EACH; i++) {
                String body = order(i, (i % 2 == 0 ? local : remote).id());
                bytes += body.length();
                owner.call(200, "PUT", "/records/" + TYPE + "/" + recordId(i), body);
                farOwner.call(200, "PUT", "/records/" + TYPE + "/" + recordId(i), order(i, (i % 2 == 0 ? remote : local).id()));
            }
            owner.call(200, "PATCH", "/groups/" + group + "/rules", "{\"expectedVersion\":0,\"set\":["
                    + rule(owner, local) + "," + rule(owner, remote) + "," + rule(farOwner, remote) + "]}");
            Pull localPull = local.pull("local pull (member and owner on A)", group, owner);
            Pull remotePull = remote.pull("remote member's pull (member on B; owner and home on A)", group, owner);
            Pull thirdPull = remote.pull("owner on a third cloud (member on B, home A, owner on C)", group, farOwner);
            requirePage(localPull);
            requirePage(thirdPull);
            return new Scene(localPull, remotePull, thirdPull, bytes / (2 * RECORDS_EACH), requirePage(remotePull));
        }
    }

    /**
     * What a pull of a kind is made of: its DynamoDB calls at each deployment, and per pull the time spent in them
     * (storage) and the rest of its latency (the APIs, the handlers, the signatures).
     */
    private record Profile(Map<String, List<String>> callsByCloud, Stats storage, Stats rest) {
        int calls() {
            return callsByCloud.values().stream().mapToInt(List::size).sum();
        }
    }

    private Federation() {
    }

    static Section run(Db db, Path template, Settings settings) {
        Section section = new Section("6. Federation across clouds", settings.command("federation"));
        CpuShare cpu = CpuShare.start();
        Path logs = template.resolveSibling("bench").resolve("target");
        // A runs on the bench's own DynamoDB Local process, B and C each on one more, as three operators would
        try (Db dbB = Db.start(logs.resolve("dynamodb-local-globex.log"));
             Db dbC = Db.start(logs.resolve("dynamodb-local-initech.log"));
             Deployment a = Deployment.start("A", "acme", db, template);
             Deployment b = Deployment.start("B", "globex", dbB, template);
             Deployment c = Deployment.start("C", "initech", dbC, template)) {
            Scene scene = Scene.setUp(a, b, c);
            Signing signing = Signing.measure(scene.remote(), a, scene.page().getBytes(StandardCharsets.UTF_8),
                    settings.warmup() * 10, settings.runs() * 10);
            List<Profile> profiles = latency(section, settings, scene, List.of(a, b, c), signing);
            signing.report(section, scene.page().length(), settings.warmup() * 10);
            throughput(section, settings, scene, profiles.get(1).calls(), profiles.get(0).calls());
            section.line("").line(cpu.report()); // before B's and C's DynamoDB Local processes end, so theirs is counted
        }
        return section;
    }

    /** The three pulls, timed interleaved, then profiled: the first two targets and the latency table. */
    private static List<Profile> latency(Section section, Settings settings, Scene scene, List<Deployment> deployments,
                                         Signing signing) {
        List<Pull> pulls = List.of(scene.local(), scene.remote(), scene.third());
        List<Stats> stats = Stats.interleaved(settings.warmup(), settings.runs(),
                () -> send(scene.local()), () -> send(scene.remote()), () -> send(scene.third()));
        int profiled = Math.min(settings.runs(), 100);
        List<Profile> profiles = profile(pulls, deployments, profiled);
        Stats local = stats.get(0);
        double remoteRatio = stats.get(1).median() / local.median();
        double thirdRatio = stats.get(2).median() / local.median();
        section.target("remote member's pull / local pull", "<= " + REMOTE_TARGET, String.format("%.2f (%s ms / %s ms)",
                        remoteRatio, Stats.ms(stats.get(1).median()), Stats.ms(local.median())),
                remoteRatio <= REMOTE_TARGET, boundBy(profiles.get(1), profiles.get(0), 1, signing));
        section.target("owner on a third cloud: pull / local pull", "<= " + THIRD_CLOUD_TARGET, String.format(
                        "%.2f (%s ms / %s ms)", thirdRatio, Stats.ms(stats.get(2).median()), Stats.ms(local.median())),
                thirdRatio <= THIRD_CLOUD_TARGET, boundBy(profiles.get(2), profiles.get(0), 2, signing));

        section.line(String.format("Three deployments in the bench's JVM, as `ThreeCloudsTest` sets them up: A (`acme`, the "
                        + "group's home) on the bench's DynamoDB Local process, B (`globex`) and C (`initech`) each on a DynamoDB "
                        + "Local server process of its own, each with its own table, operator key, secrets and federation key, and "
                        + "its own local API (`LocalApi` over template.yaml) on a loopback port; each operator registered the "
                        + "other with `POST /peers`. One group at A with the owner and a partner on A, a partner on B and an "
                        + "owner on C; each owner holds %d `%s` records of %,d bytes on average (%d for each partner) under the "
                        + "rule FULL with the row filter `%s`, so every pull reads the same %d records and answers a page of "
                        + "`limit=%d` (%,d bytes of JSON). Each request is `GET /groups/{g}/exchange/{ownerId}/%s?limit=%d` "
                        + "with the member's key to its own deployment, over HTTP/1.1 on loopback; medians of %d interleaved "
                        + "runs after %d warm-up rounds. Latencies in ms as p50 / p90 / p99. The machine has %d CPUs, shared by "
                        + "the three APIs, the three DynamoDB Local processes and the client.",
                2 * RECORDS_EACH, TYPE, scene.recordBytes(), RECORDS_EACH, FILTER, 2 * RECORDS_EACH, RECORDS_EACH,
                scene.page().length(), TYPE, RECORDS_EACH, settings.runs(), settings.warmup(),
                Runtime.getRuntime().availableProcessors()));
        List<String> paths = List.of("A", "B -> A", "B -> A -> C");
        List<List<String>> rows = new ArrayList<>();
        for (int kind = 0; kind < pulls.size(); kind++) {
            Profile profile = profiles.get(kind);
            rows.add(List.of(pulls.get(kind).name(), paths.get(kind), stats.get(kind).spread(),
                    String.format("%.2f", stats.get(kind).median() / local.median()), profile.calls() + ": " + calls(profile),
                    Stats.ms(profile.storage().median()), Stats.ms(profile.rest().median())));
        }
        section.table(List.of("pull", "path", "p50 / p90 / p99 (ms)", "over the local pull", "DynamoDB calls a pull",
                "DynamoDB time a pull, p50 (ms)", "the rest, p50 (ms)"), rows);
        section.line(String.format("DynamoDB calls counted by a CallCounter on each deployment's client for one pull of each "
                + "kind; each deployment's authorizer (one GetItem) is in its count. Then %d more of each, interleaved, "
                + "each split by a CallTimer on the three clients into its time in DynamoDB calls and the rest of its "
                + "latency (the local APIs: HTTP on loopback, the runner's event mapping, JSON; the handlers; the "
                + "signatures); the medians of each part.", profiled));
        return profiles;
    }

    /** The remote member's pulls, then the local ones, under a few workers: the last target and the load table. */
    private static void throughput(Section section, Settings settings, Scene scene, int remoteCalls, int localCalls) {
        int workers = settings.loadWorkers();
        LocalApiLoad.load(HTTP, scene.remote().request(), workers, settings.loadWarmup(), 60);
        LocalApiLoad.Load federated = LocalApiLoad.load(HTTP, scene.remote().request(), workers, settings.loadRequests(),
                settings.loadSeconds());
        LocalApiLoad.load(HTTP, scene.local().request(), workers, settings.loadWarmup(), 60);
        LocalApiLoad.Load inA = LocalApiLoad.load(HTTP, scene.local().request(), workers, settings.loadRequests(),
                settings.loadSeconds());
        Stats federatedStats = Stats.ofNanos(federated.nanos());
        Stats inAStats = Stats.ofNanos(inA.nanos());
        double federatedRps = federated.nanos().size() / federated.seconds();
        double inARps = inA.nanos().size() / inA.seconds();
        section.target("federated pulls (B -> A), " + workers + " workers", "every request 200 (no throughput target set)",
                String.format("%,.0f pulls/s, p50 %s ms, p99 %s ms; %d of %,d not 200", federatedRps,
                        Stats.ms(federatedStats.p50()), Stats.ms(federatedStats.p99()), federated.failures(),
                        federated.nanos().size()), federated.failures() == 0, "requests failed");
        section.line("").line(String.format("Load: the remote member's pull, then the local pull, from %d workers of one "
                        + "java.net.http.HttpClient (HTTP/1.1, loopback) for at most %,d requests or %d s each, after %,d "
                        + "warm-up requests each.", workers, settings.loadRequests(), settings.loadSeconds(),
                settings.loadWarmup()));
        section.table(List.of("what", "requests", "seconds", "pulls/s", "p50 / p90 / p99 (ms)"), List.of(
                loadRow("remote member's pulls, B -> A, " + workers + " workers", federated, federatedStats, federatedRps),
                loadRow("for reference: local pulls on A, " + workers + " workers", inA, inAStats, inARps)));
        section.line(String.format("Federated pulls get %.2fx the local pulls' throughput on the same machine: each makes "
                        + "%d DynamoDB calls and two trips through a local API against the local pull's %d and one, on %d CPUs "
                        + "shared by everything.", federatedRps / inARps, remoteCalls, localCalls,
                Runtime.getRuntime().availableProcessors()));
    }

    /** What a ratio is made of: the extra DynamoDB calls and their time, and the rest of the extra hops. */
    private static String boundBy(Profile profile, Profile localProfile, int hops, Signing signing) {
        String trips = hops == 1 ? "1 more trip" : hops + " more trips";
        return String.format("%d DynamoDB calls against the local pull's %d (%s): %s ms of storage a pull against %s ms "
                        + "(medians); the rest, with %s through a local API on loopback and %d signed hop%s (4 Ed25519 "
                        + "operations each, %s µs a hop in-process), is %s ms against %s ms", profile.calls(), localProfile.calls(),
                calls(profile), Stats.ms(profile.storage().median()), Stats.ms(localProfile.storage().median()), trips, hops,
                hops == 1 ? "" : "s", micros(signing.total().median()), Stats.ms(profile.rest().median()),
                Stats.ms(localProfile.rest().median()));
    }

    private static List<String> loadRow(String what, LocalApiLoad.Load load, Stats stats, double rps) {
        return List.of(what, String.format("%,d", load.nanos().size()), String.format("%.1f", load.seconds()),
                String.format("%,.0f", rps), stats.spread());
    }

    /** "A: GetItem, BatchGetItem; B: GetItem ×2" in the order the calls were made. */
    private static String calls(Profile profile) {
        return profile.callsByCloud().entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(e -> e.getKey() + ": " + e.getValue().stream()
                        .collect(Collectors.groupingBy(name -> name, LinkedHashMap::new, Collectors.counting()))
                        .entrySet().stream().map(n -> n.getKey() + (n.getValue() > 1 ? " ×" + n.getValue() : ""))
                        .collect(Collectors.joining(", ")))
                .collect(Collectors.joining("; "));
    }

    /**
     * Each pull's DynamoDB calls at each deployment; then {@code runs} rounds of all of them, interleaved as in the
     * timing, each pull split into its time in DynamoDB (on any of the deployments) and the rest.
     */
    private static List<Profile> profile(List<Pull> pulls, List<Deployment> deployments, int runs) {
        List<Map<String, List<String>>> calls = new ArrayList<>();
        for (Pull pull : pulls) {
            deployments.forEach(d -> d.counter.reset());
            send(pull);
            Map<String, List<String>> byCloud = new LinkedHashMap<>();
            deployments.forEach(d -> byCloud.put(d.label, d.counter.calls()));
            calls.add(byCloud);
        }
        List<List<Long>> storage = new ArrayList<>();
        List<List<Long>> rest = new ArrayList<>();
        pulls.forEach(p -> {
            storage.add(new ArrayList<>());
            rest.add(new ArrayList<>());
        });
        for (int round = 0; round < runs; round++) {
            for (int k = 0; k < pulls.size(); k++) {
                int kind = (round + k) % pulls.size();
                deployments.forEach(d -> d.timer.reset());
                long started = System.nanoTime();
                send(pulls.get(kind));
                long nanos = System.nanoTime() - started;
                long inDynamo = Math.round(1e9 * deployments.stream().mapToDouble(d -> d.timer.secondsByOperation().values()
                        .stream().mapToDouble(Double::doubleValue).sum()).sum());
                storage.get(kind).add(inDynamo);
                rest.get(kind).add(nanos - inDynamo);
            }
        }
        List<Profile> profiles = new ArrayList<>();
        for (int kind = 0; kind < pulls.size(); kind++) {
            profiles.add(new Profile(calls.get(kind), Stats.ofNanos(storage.get(kind)), Stats.ofNanos(rest.get(kind))));
        }
        return profiles;
    }

    /**
     * How much of the machine's CPU went to other work while the section ran: the machine's busy time (Linux
     * /proc/stat) less this JVM's and its child processes' (the DynamoDB Local servers). Other work on a shared
     * machine makes every latency longer; the interleaving spreads it over the three kinds of pull alike.
     */
    private record CpuShare(long startedNanos, double machineBusy, double ownBusy) {
        static CpuShare start() {
            return new CpuShare(System.nanoTime(), machineBusySeconds(), ownBusySeconds());
        }

        String report() {
            double seconds = (System.nanoTime() - startedNanos) / 1e9;
            int cpus = Runtime.getRuntime().availableProcessors();
            double machine = machineBusySeconds() - machineBusy;
            double own = ownBusySeconds() - ownBusy;
            if (Double.isNaN(machine)) {
                return String.format("CPU beside the bench: not measured here (no /proc/stat). The section took %.0f s on %d CPUs.",
                        seconds, cpus);
            }
            return String.format("CPU while the section ran (%.0f s, %d CPUs: %.0f CPU-seconds): the bench and its DynamoDB "
                            + "Local processes used %.0f, other processes on the machine %.0f (%.0f%% of its CPU).", seconds,
                    cpus, seconds * cpus, own, Math.max(0, machine - own), 100 * Math.max(0, machine - own) / (seconds * cpus));
        }

        /** The machine's CPU-seconds spent busy since boot (user, nice, system, irq, softirq, steal), or NaN. */
        private static double machineBusySeconds() {
            try {
                String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long ticks = 0;
                for (int field : new int[]{1, 2, 3, 6, 7, 8}) {
                    ticks += Long.parseLong(fields[field]);
                }
                return ticks / 100.0; // USER_HZ
            } catch (IOException | RuntimeException notLinux) {
                return Double.NaN;
            }
        }

        private static double ownBusySeconds() {
            return Stream.concat(Stream.of(ProcessHandle.current()), ProcessHandle.current().descendants())
                    .mapToDouble(p -> p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0)).sum();
        }
    }

    private static void send(Pull pull) {
        int status = send(pull.request(), HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status != 200) {
            throw new IllegalStateException(pull.name() + " answered " + status);
        }
    }

    /** The page a pull answers, checked: a full page, every record the puller's own (a figure of an error is wrong). */
    private static String requirePage(Pull pull) {
        HttpResponse<String> response = send(pull.request(), HttpResponse.BodyHandlers.ofString());
        JsonNode records = response.statusCode() == 200 ? Json.decodeTree(response.body()).path("records") : null;
        String buyer = pull.member().id();
        if (records == null || records.size() != RECORDS_EACH) {
            throw new IllegalStateException(pull.name() + " answered " + response.statusCode() + ": " + response.body());
        }
        records.forEach(r -> {
            if (!buyer.equals(r.path("body").path("buyerId").asText())) {
                throw new IllegalStateException(pull.name() + " showed another buyer's record: " + r);
            }
        });
        return response.body();
    }

    private static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        try {
            return HTTP.send(request, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String recordId(int i) {
        return String.format("PO-%04d", i);
    }

    /** An order of about 1 KB for {@code buyerId}. */
    private static String order(int i, String buyerId) {
        StringBuilder lines = new StringBuilder();
        for (int line = 0; line < 12; line++) {
            lines.append(line == 0 ? "" : ",").append(String.format("{\"sku\":\"W-%04d-%02d\",\"description\":\"widget, "
                    + "grade %d\",\"quantity\":%d,\"price\":4.25}", i, line, line, line + 1));
        }
        return "{\"buyerId\":\"" + buyerId + "\",\"orderNo\":\"" + recordId(i) + "\",\"currency\":\"EUR\",\"lines\":["
                + lines + "],\"total\":331.50}";
    }

    private static String rule(Merchant owner, Merchant partner) {
        return "{\"ownerId\":\"" + owner.id() + "\",\"partnerId\":\"" + partner.id() + "\",\"type\":\"" + TYPE
                + "\",\"scope\":\"FULL\",\"filter\":" + FILTER + ",\"push\":false}";
    }

    private static String micros(double millis) {
        return String.format("%.0f", millis * 1e3);
    }

    /** "p50 / p90 / p99" in µs. */
    private static String spreadMicros(Stats stats) {
        return micros(stats.p50()) + " / " + micros(stats.p90()) + " / " + micros(stats.p99());
    }

    /**
     * One whole deployment: its own table on a DynamoDB Local server, operator key, secrets and federation key, and
     * its local API on a free loopback port, hosting one cloud. Its client counts and times its DynamoDB calls.
     */
    private static final class Deployment implements AutoCloseable {
        final String cloudId;
        final String label;
        final String operatorKey = ApiKeys.generate();
        final LocalSecrets secrets = LocalSecrets.fresh();
        final CallCounter counter = new CallCounter();
        final CallTimer timer = new CallTimer();
        final LocalApi api;

        private Deployment(String cloudId, String label, Db db, Path template) {
            this.cloudId = cloudId;
            this.label = label;
            DynamoDbClient client = db.client(counter, timer);
            String table = db.newTable(client);
            FunctionInvoker invoker = new FunctionInvoker(TemplateModel.load(template,
                    OperatorKey.of(operatorKey).parameterOverrides(), table), client, secrets);
            this.api = LocalApiLoad.quietly(() -> LocalApi.start(invoker, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        }

        /** A deployment hosting {@code cloudId}, its cloud created by its operator. */
        static Deployment start(String label, String cloudId, Db db, Path template) {
            Deployment deployment = new Deployment(cloudId, label, db, template);
            deployment.operator(201, "POST", "/clouds", "{\"cloudId\":\"" + cloudId + "\",\"name\":\"" + cloudId + "\"}");
            return deployment;
        }

        /** Both operators register each other, by the fingerprint the other gave. */
        static void federate(Deployment one, Deployment other) {
            one.trust(other);
            other.trust(one);
        }

        private void trust(Deployment other) {
            operator(201, "POST", "/peers", "{\"cloudId\":\"" + other.cloudId + "\",\"endpoint\":\"" + other.api.baseUri()
                    + "\",\"fingerprint\":\"" + other.key().fingerprint() + "\"}");
        }

        FederationKey key() {
            return FederationKey.fromSecret(secrets::federationSecret);
        }

        Merchant merchant(String name) {
            JsonNode created = operator(201, "POST", "/merchants", "{\"cloudId\":\"" + cloudId + "\",\"name\":\"" + name + "\"}");
            return new Merchant(this, created.get("merchantId").asText(), created.get("apiKey").asText());
        }

        private JsonNode operator(int expected, String method, String path, String body) {
            return call(expected, method, path, operatorKey, body);
        }

        HttpRequest request(String method, String path, String key, String body) {
            return HttpRequest.newBuilder(api.baseUri().resolve(path)).header("authorization", "Bearer " + key)
                    .header("content-type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .build();
        }

        /** A set-up call that must answer {@code expected}: the bench measures nothing on a half-built world. */
        JsonNode call(int expected, String method, String path, String key, String body) {
            HttpResponse<String> response = send(request(method, path, key, body), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expected) {
                throw new IllegalStateException(cloudId + ": " + method + " " + path + " answered " + response.statusCode()
                        + ", not " + expected + ": " + response.body());
            }
            return response.body().isEmpty() ? null : Json.decodeTree(response.body());
        }

        @Override
        public void close() {
            api.close();
        }
    }

    /** A merchant, its key, and the deployment it lives on (and calls). */
    private record Merchant(Deployment home, String id, String key) {
        JsonNode call(int expected, String method, String path, String body) {
            return home.call(expected, method, path, key, body);
        }

        /** This member's pull of {@code owner}'s records in {@code group}, sent to its own deployment. */
        Pull pull(String name, String group, Merchant owner) {
            return new Pull(name, this, home.request("GET", "/groups/" + group + "/exchange/" + owner.id() + "/" + TYPE
                    + "?limit=" + RECORDS_EACH, key, null));
        }
    }

    /** The four signature steps of one inter-cloud call, timed apart, with the deployments' real keys. */
    private record Signing(Stats signRequest, Stats verifyRequest, Stats signResponse, Stats verifyResponse, Stats total,
                           Stats parsePage, Stats ed25519) {
        private static final byte[] NO_BODY = new byte[0];

        /** The member's deployment forwards {@code pull} to {@code home}, which answers {@code page}. */
        static Signing measure(Pull pull, Deployment home, byte[] page, int warmup, int runs) {
            Deployment caller = pull.member().home();
            URI target = pull.request().uri();
            FederationKey callerKey = caller.key();
            FederationKey homeKey = home.key();
            Set<String> nonces = ConcurrentHashMap.newKeySet();
            FederationWire.Nonces once = (keyId, nonce, keepUntil) -> nonces.add(keyId + " " + nonce);
            FederationWire atCaller = new FederationWire(callerKey, only(homeKey), once, Clock.systemUTC());
            FederationWire atHome = new FederationWire(homeKey, only(callerKey), once, Clock.systemUTC());
            URI signed = URI.create(home.api.baseUri() + "/federation/v1" + target.getRawPath() + "?" + target.getRawQuery());
            String forMerchant = FederationEndpoint.merchant(pull.member().id(), caller.cloudId);
            String pageText = new String(page, StandardCharsets.UTF_8);
            // the algorithm alone, on a signature base of about the size the wire signs
            MessageSignatures.Algorithm signer = callerKey.signer();
            MessageSignatures.Algorithm verifier = Ed25519.algorithm(null, Ed25519.publicKey(callerKey.publicKey()));
            byte[] base = new byte[300];
            List<List<Long>> nanos = new ArrayList<>();
            for (int step = 0; step < 7; step++) {
                nanos.add(new ArrayList<>(runs));
            }
            for (int i = 0; i < warmup + runs; i++) {
                long started = System.nanoTime();
                Map<String, List<String>> headers = atCaller.signRequest("GET", signed, forMerchant, NO_BODY);
                long signedRequest = System.nanoTime();
                HttpMessage request = HttpMessage.request("GET", signed, headers);
                long verifiedRequest;
                long signedResponse;
                try {
                    atHome.verifyRequest(request, NO_BODY);
                    verifiedRequest = System.nanoTime();
                    Map<String, List<String>> answer = atHome.signResponse(200, page, request);
                    signedResponse = System.nanoTime();
                    atCaller.verifyResponse(HttpMessage.response(200, answer, request), page, homeKey.fingerprint());
                } catch (MessageSignatures.Refused refused) {
                    throw new IllegalStateException("a call signed here was refused here: " + refused.getMessage(), refused);
                }
                long verifiedResponse = System.nanoTime();
                Json.decodeTree(pageText);
                long parsed = System.nanoTime();
                if (!verifier.verify(base, signer.sign(base))) {
                    throw new IllegalStateException("Ed25519 refused its own signature");
                }
                long signedAndVerified = System.nanoTime();
                if (i >= warmup) {
                    nanos.get(0).add(signedRequest - started);
                    nanos.get(1).add(verifiedRequest - signedRequest);
                    nanos.get(2).add(signedResponse - verifiedRequest);
                    nanos.get(3).add(verifiedResponse - signedResponse);
                    nanos.get(4).add(verifiedResponse - started);
                    nanos.get(5).add(parsed - verifiedResponse);
                    nanos.get(6).add(signedAndVerified - parsed);
                }
            }
            List<Stats> stats = nanos.stream().map(Stats::ofNanos).toList();
            return new Signing(stats.get(0), stats.get(1), stats.get(2), stats.get(3), stats.get(4), stats.get(5), stats.get(6));
        }

        /** The third target and the table of the steps. */
        void report(Section section, int pageBytes, int warmup) {
            section.target("sign + verify a request and its answer, per call", "- (no target set)", String.format(
                    "%s µs (p99 %s µs)", micros(total.median()), micros(total.p99())), true, null);
            section.line("").line(String.format("Signing, in-process (no HTTP), with the deployments' real Ed25519 keys: B signs "
                            + "the request it forwards, A verifies it, A signs its answer (the %,d-byte page above), B verifies that; "
                            + "the peers' keys and the nonces are looked up in memory here (deployed, the receiver reads the peer "
                            + "and puts the nonce in its table: those calls are in the DynamoDB counts above). Medians of %,d calls "
                            + "after %,d warm-up calls, in µs as p50 / p90 / p99.", pageBytes, total.n(), warmup));
            section.table(List.of("step", "p50 / p90 / p99 (µs)"), List.of(
                    List.of("B signs the request", spreadMicros(signRequest)),
                    List.of("A verifies it (digest of an empty body, the merchant, the nonce)", spreadMicros(verifyRequest)),
                    List.of("A signs the answer (Content-Digest over the page)", spreadMicros(signResponse)),
                    List.of("B verifies the answer", spreadMicros(verifyResponse)),
                    List.of("**one call: all four**", spreadMicros(total)),
                    List.of("for comparison: the JDK's Ed25519 alone, one sign and one verify of 300 bytes (a call makes two "
                            + "of each)", spreadMicros(ed25519)),
                    List.of("for comparison: parsing the page's JSON once (Json.decodeTree)", spreadMicros(parsePage))));
        }

        /** The registered peers of a side that registered only {@code peer}. */
        private static FederationWire.Peers only(FederationKey peer) {
            PublicKey key = Ed25519.publicKey(peer.publicKey());
            String fingerprint = peer.fingerprint();
            return asked -> fingerprint.equals(asked) ? key : null;
        }
    }
}
