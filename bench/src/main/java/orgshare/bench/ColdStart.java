package orgshare.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import orgshare.bench.probe.FloorProbe;
import orgshare.bench.probe.Probe;
import orgshare.local.TemplateModel.HttpRoute;
import orgshare.shared.auth.ApiKeys;
import orgshare.shared.db.Keys;
import orgshare.shared.testing.CallCounter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IntSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.jar.JarFile;

/**
 * Section 4: from JVM start to the first response of each handler, in a fresh process beside the deployment jar
 * (bench/probe/Probe), against the floor: a fresh JVM that only builds the same SDK client and makes one GetItem
 * (FloorProbe). With the template's JAVA_TOOL_OPTIONS flags, then with an AppCDS archive of each.
 */
final class ColdStart {
    private static final double TARGET = 1.2;
    private static final List<String> JVM_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1");
    /** The handlers a --quick run starts: the authorizer and the pull. */
    private static final Set<String> QUICK_ROUTES = Set.of(Routes.PULL);
    private static final ObjectMapper EVENTS = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

    /** One handler to start: its function, class, and a fresh request that succeeds on the bench's table. */
    private record Handler(String functionId, String handlerClass, Supplier<Object> event) {
    }

    /** One process: wall time from start to its RESPONSE line, and what it said of itself. */
    private record Run(double millis, double init, double event, double invoke, int classes) {
    }

    /** The handler furthest above its floor, and what its phases say bounds it. */
    private static final class Worst {
        String name = "-";
        double ratio;
        Run run;
        Run own;
        List<String> ownCalls = List.of();

        void offerOwn(String functionId, Run measured, List<String> calls) {
            if (functionId.equals(name)) {
                own = measured;
                ownCalls = calls;
            }
        }

        void offer(String functionId, double candidate, Run measured) {
            if (run == null || candidate > ratio) {
                name = functionId;
                ratio = candidate;
                run = measured;
            }
        }

        String bound(Run floor) {
            return run == null ? "" : String.format("%s loads %,d classes against the floor's %,d (by origin in the "
                            + "table below); its init takes %.0f ms against the floor's "
                            + "%.0f ms client build, reading its event %.0f ms, and its first invocation %.0f ms against one "
                            + "GetItem's %.0f ms", name, run.classes(), floor.classes(), run.init(), floor.init(), run.event(),
                    run.invoke(), floor.invoke()) + (own == null ? "" : String.format("; its own calls (%s), made bare and "
                    + "cold, take %.0f ms (%.2f of the floor), so the handler is %.2f of its own storage work",
                    RoundTrips.summary(ownCalls), own.millis(), own.millis() / floor.millis(), run.millis() / own.millis()));
        }
    }

    private ColdStart() {
    }

    static Section run(Db db, Path root, Settings settings) {
        Section section = new Section("4. Cold start", settings.command("coldstart"));
        Path functionsJar = root.resolve("functions/target/orgshare-functions.jar");
        Path probeJar = root.resolve("bench/target/orgshare-bench-probe.jar");
        Path work = root.resolve("bench/target/coldstart");
        CallCounter calls = new CallCounter();
        World w = new World(db, root.resolve("template.yaml"), 2, 1, db.client(calls));
        Map<String, String> env = new HashMap<>(db.lambdaEnvironment(w.table));
        env.put("OPERATOR_KEY_HASH", ApiKeys.hash(w.operatorKey));
        // deployed, a paging function reads this secret from Secrets Manager once per container (in the snapshot)
        env.put(orgshare.shared.Orgshare.ENV_CURSOR_SECRET, orgshare.shared.db.Cursors.newSecret());
        env.put(orgshare.shared.Orgshare.ENV_FEDERATION_KEY_SECRET, orgshare.shared.federation.FederationKey.newSecret());
        env.put(orgshare.shared.Orgshare.ENV_ALLOW_LOOPBACK_PEERS, "true"); // the peer the scenario registers is on loopback
        String classpath = functionsJar + java.io.File.pathSeparator + probeJar;
        List<Handler> handlers = handlers(w, settings);
        List<String> floorArgs = List.of(FloorProbe.class.getName(), Keys.merchant(w.partner.merchantId()), Keys.MERCHANT_SK);

        Path handlersArchive = work.resolve("handlers.jsa");
        Path floorArchive = work.resolve("floor.jsa");
        try {
            Files.createDirectories(work);
            Files.deleteIfExists(handlersArchive);
            Files.deleteIfExists(floorArchive);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // AppCDS training: one archive for the jar (every handler run once in one process), one for the floor
        List<String> training = new ArrayList<>(List.of(Probe.class.getName()));
        for (Handler t : handlers) {
            training.add(t.handlerClass());
            training.add(eventFile(work, t).toString());
        }
        spawn(command(classpath, "-XX:ArchiveClassesAtExit=" + handlersArchive, training), env, work);
        spawn(command(classpath, "-XX:ArchiveClassesAtExit=" + floorArchive, floorArgs), env, work);

        String useHandlers = "-XX:SharedArchiveFile=" + handlersArchive;
        String useFloor = "-XX:SharedArchiveFile=" + floorArchive;
        List<Run> floor = new ArrayList<>();
        List<Run> floorCds = new ArrayList<>();
        Map<Handler, List<Run>> plain = new LinkedHashMap<>();
        Map<Handler, List<Run>> cds = new LinkedHashMap<>();
        // rounds: every variant once per round, so drift in the machine falls on all alike
        for (int round = 0; round < settings.coldRuns(); round++) {
            floor.add(spawn(command(classpath, null, floorArgs), env, work));
            floorCds.add(spawn(command(classpath, useFloor, floorArgs), env, work));
            for (Handler t : handlers) {
                plain.computeIfAbsent(t, k -> new ArrayList<>()).add(spawn(command(classpath, null, probeArgs(work, t)), env, work));
                cds.computeIfAbsent(t, k -> new ArrayList<>()).add(spawn(command(classpath, useHandlers, probeArgs(work, t)), env, work));
            }
        }

        // one more run each with the class-load log: which classes the cold start loads, by origin
        Map<String, Integer> floorClasses = census(classpath, floorArgs, "floor", env, work);
        Map<Handler, Map<String, Integer>> handlerClasses = new LinkedHashMap<>();
        for (Handler t : handlers) {
            handlerClasses.put(t, census(classpath, probeArgs(work, t), t.functionId(), env, work));
        }

        // each handler's own calls, counted in process on a fresh request of the same kind, then made bare and cold
        // (after every timed run above: the peer's deletion, last, must not come before them)
        Map<Handler, List<String>> operations = new LinkedHashMap<>();
        for (Handler t : handlers) {
            Object event = t.event().get();
            calls.reset();
            w.call(t.functionId(), event, World.TIMEOUT_MS);
            operations.put(t, calls.calls());
        }
        Map<Handler, List<Run>> ownWork = new LinkedHashMap<>();
        for (int round = 0; round < settings.coldRuns(); round++) {
            for (Handler t : handlers) {
                List<String> args = new ArrayList<>(List.of(FloorProbe.class.getName(), floorArgs.get(1), floorArgs.get(2)));
                args.addAll(operations.get(t));
                ownWork.computeIfAbsent(t, k -> new ArrayList<>()).add(spawn(command(classpath, null, args), env, work));
            }
        }

        Run floorMedian = median(floor);
        Run floorCdsMedian = median(floorCds);
        List<List<String>> rows = new ArrayList<>();
        rows.add(row("floor: build the SDK client, one GetItem", floorMedian, floorMedian, floorCdsMedian, floorCdsMedian,
                floorMedian, "GetItem", "-"));
        Worst plainWorst = new Worst();
        Worst cdsWorst = new Worst();
        List<Double> saved = new ArrayList<>();
        for (Handler t : handlers) {
            Run p = median(plain.get(t));
            Run c = median(cds.get(t));
            double ratio = p.millis() / floorMedian.millis();
            double ratioCds = c.millis() / floorCdsMedian.millis();
            plainWorst.offer(t.functionId(), ratio, p);
            cdsWorst.offer(t.functionId(), ratioCds, c);
            saved.add(1 - c.millis() / p.millis());
            Run own = median(ownWork.get(t));
            plainWorst.offerOwn(t.functionId(), own, operations.get(t));
            rows.add(row(t.functionId(), p, floorMedian, c, floorCdsMedian, own, RoundTrips.summary(operations.get(t)),
                    ratio <= TARGET && ratioCds <= TARGET ? "PASS" : ratioCds <= TARGET ? "PASS with AppCDS" : "MISS"));
        }
        section.target("cold start, slowest handler / floor", "<= " + TARGET + "x",
                String.format("%.2f (%s)", plainWorst.ratio, plainWorst.name), plainWorst.ratio <= TARGET,
                plainWorst.bound(floorMedian));
        section.target("cold start with AppCDS, slowest handler / floor with AppCDS", "<= " + TARGET + "x",
                String.format("%.2f (%s)", cdsWorst.ratio, cdsWorst.name), cdsWorst.ratio <= TARGET,
                cdsWorst.bound(floorCdsMedian));
        saved.sort(null);
        double medianSaved = saved.isEmpty() ? 0 : saved.get((saved.size() - 1) / 2);

        section.line(String.format("Wall time from starting `java %s -cp functions/target/orgshare-functions.jar:"
                        + "bench/target/orgshare-bench-probe.jar orgshare.bench.probe.Probe <HandlerClass> <event file>` to the line "
                        + "the probe prints when the handler has answered, median of %d runs each (interleaved by rounds); "
                        + "every handler's request succeeds (2xx) against DynamoDB Local. Columns: ms, ratio to the floor, "
                        + "then the same with an AppCDS archive (`-XX:ArchiveClassesAtExit` on one training run that invokes "
                        + "every handler listed, then `-XX:SharedArchiveFile`); the floor has its own archive. "
                        + "init = loading and building the handler (its static init), event = reading the event file's "
                        + "bytes (the handlers are stream handlers: they read the event's JSON themselves, inside invoke), "
                        + "invoke = the first handleRequest (medians, without AppCDS); the rest of the wall time is the "
                        + "JVM's own start. JVM: %s %s, %s (the template's runtime is java25; Lambda's own start-up, "
                        + "its runtime client and the network are not in these figures).", String.join(" ", JVM_FLAGS),
                settings.coldRuns(), System.getProperty("java.vm.vendor"), System.getProperty("java.vm.name"),
                Runtime.version()));
        section.table(List.of("handler", "ms", "/ floor", "AppCDS ms", "/ floor with AppCDS", "init / event / invoke ms",
                "classes loaded", "own calls bare: ms", "/ floor", "handler / own calls", "its calls", "result"), rows);
        section.line("Own calls bare: the handler's own DynamoDB calls (the operations, as many of each, in order, counted "
                + "when the bench ran the handler in process on a fresh request of the same kind), made by "
                + "`orgshare.bench.probe.FloorProbe` (given the operations) in a fresh JVM on the same client, each a small valid request "
                + "(median of the same number of runs, without AppCDS): what the handler's storage work costs cold "
                + "before any of orgshare's code. Its ratio to the floor is what the operations themselves add (the "
                + "SDK readies each kind of call on its first use); handler / own calls is what orgshare adds to them.");
        section.line("");
        section.line(String.format("Classes loaded by origin (`-Xlog:class+load`, one more run each, without AppCDS): the "
                + "floor, the slowest handler (%s), and the fewest and most over all handlers.", plainWorst.name));
        Handler slowest = handlers.stream().filter(h -> h.functionId().equals(plainWorst.name)).findFirst().orElse(handlers.get(0));
        List<List<String>> origins = new ArrayList<>();
        for (String origin : ClassCensus.NAMES) {
            IntSummaryStatistics range = handlerClasses.values().stream().mapToInt(c -> c.get(origin)).summaryStatistics();
            origins.add(List.of(origin, String.format("%,d", floorClasses.get(origin)),
                    String.format("%,d", handlerClasses.get(slowest).get(origin)),
                    String.format("%,d-%,d", range.getMin(), range.getMax())));
        }
        section.table(List.of("origin", "floor", plainWorst.name, "handlers"), origins);
        section.line(String.format("Deployment jar `functions/target/orgshare-functions.jar`: %.1f MB, %,d classes. "
                        + "AppCDS archives: handlers %.1f MB, floor %.1f MB.%s", size(functionsJar) / 1e6, classCount(functionsJar),
                size(handlersArchive) / 1e6, size(floorArchive) / 1e6,
                settings.quick() ? " A --quick run starts only the authorizer and the pull handler." : ""));
        section.line("");
        section.line(String.format("AppCDS %s (kept if it takes 10%% or more off): it takes %.0f%% off the median "
                + "handler's cold start in this run; the jar would ship the archive, trained by invoking each handler once "
                + "at build time.",
                medianSaved > 0.1 ? "holds" : "does not hold", medianSaved * 100));
        section.line("");
        section.line("Not measured here: SnapStart (the template has `SnapStart: ApplyOn: PublishedVersions`) restores a "
                + "snapshot taken after init, so on AWS the init column is paid once per version, not per cold start.");
        return section;
    }

    private static List<Handler> handlers(World w, Settings settings) {
        List<Handler> handlers = new ArrayList<>();
        String authorizer = w.template.defaultAuthorizer().orElseThrow().functionId();
        handlers.add(new Handler(authorizer, w.template.requireFunction(authorizer).handlerClass(), () -> {
            APIGatewayV2CustomAuthorizerEvent event = new APIGatewayV2CustomAuthorizerEvent();
            event.setVersion("2.0");
            event.setType("REQUEST");
            event.setRouteKey(Routes.GET_ME);
            event.setHeaders(Map.of("authorization", "Bearer " + w.partnerView.apiKey()));
            return event;
        }));
        for (HttpRoute route : w.template.httpRoutes()) {
            if (Routes.has(route) && (settings.everyHandler() || QUICK_ROUTES.contains(route.routeKey()))) {
                handlers.add(new Handler(route.functionId(), w.template.requireFunction(route.functionId()).handlerClass(),
                        () -> Routes.prepare(w, route)));
            }
        }
        // the training run replays every prepared event in this order in one JVM: deleting the bench's peer before the
        // signed federation call it prepared would make that call unverifiable, so the peer's deletion goes last
        List<Handler> deletes = handlers.stream().filter(h -> h.functionId().equals("DeletePeerFunction")).toList();
        handlers.removeAll(deletes);
        handlers.addAll(deletes);
        return handlers;
    }

    /** One run of the command with the class-load log, counted by origin. */
    private static Map<String, Integer> census(String classpath, List<String> args, String name, Map<String, String> env,
                                               Path work) {
        Path log = work.resolve("classes-" + name + ".log");
        spawn(command(classpath, "-Xlog:class+load:file=" + log, args), env, work);
        return ClassCensus.count(log);
    }

    private static List<String> probeArgs(Path work, Handler t) {
        return List.of(Probe.class.getName(), t.handlerClass(), eventFile(work, t).toString());
    }

    /** A fresh request for the target, made on the table now (a join needs a new invitation...), written to a file. */
    private static Path eventFile(Path work, Handler t) {
        Path file = work.resolve(t.functionId() + ".json");
        try {
            Files.writeString(file, EVENTS.writeValueAsString(t.event().get()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static List<String> command(String classpath, String archiveFlag, List<String> mainAndArgs) {
        List<String> command = new ArrayList<>(List.of(Db.javaBinary()));
        command.addAll(JVM_FLAGS);
        if (archiveFlag != null) {
            command.add(archiveFlag);
        }
        command.addAll(List.of("-cp", classpath));
        command.addAll(mainAndArgs);
        return command;
    }

    /** Starts the process and times it to its RESPONSE line; a failed or non-2xx first response stops the bench. */
    private static Run spawn(List<String> command, Map<String, String> env, Path work) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(work.resolve("probe-stderr.log").toFile());
        builder.environment().remove("JAVA_TOOL_OPTIONS"); // the flags are on the command line, and only those
        builder.environment().putAll(env);
        long started = System.nanoTime();
        Double millis = null;
        double init = 0;
        double event = 0;
        double invoke = 0;
        int classes = 0;
        List<String> statuses = new ArrayList<>();
        try {
            Process process = builder.start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("RESPONSE ")) {
                        if (millis == null) {
                            millis = (System.nanoTime() - started) / 1e6;
                        }
                        statuses.add(line.substring("RESPONSE ".length()));
                    } else if (line.startsWith("PHASES ") && init == 0) {
                        Map<String, Double> phases = new HashMap<>();
                        for (String part : line.substring("PHASES ".length()).split(" ")) {
                            String[] kv = part.split("=");
                            phases.put(kv[0], Double.parseDouble(kv[1]));
                        }
                        init = phases.get("init");
                        event = phases.get("event");
                        invoke = phases.get("invoke");
                    } else if (line.startsWith("CLASSES ")) {
                        classes = Integer.parseInt(line.substring("CLASSES ".length()).trim());
                    }
                }
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            if (millis == null || statuses.stream().anyMatch(s -> !s.startsWith("2"))) {
                throw new IllegalStateException("probe " + command.subList(command.size() - 2, command.size())
                        + " answered " + statuses + " (exit " + process.exitValue() + "); stderr: "
                        + tail(work.resolve("probe-stderr.log")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new Run(millis, init, event, invoke, classes);
    }

    /** Each column's median on its own (the runs are few, and their phases need not come from one run). */
    private static Run median(List<Run> runs) {
        return new Run(med(runs, Run::millis), med(runs, Run::init), med(runs, Run::event), med(runs, Run::invoke),
                (int) med(runs, r -> (double) r.classes()));
    }

    private static double med(List<Run> runs, java.util.function.ToDoubleFunction<Run> field) {
        double[] values = runs.stream().mapToDouble(field).sorted().toArray();
        return values[(values.length - 1) / 2];
    }

    private static List<String> row(String name, Run p, Run floor, Run c, Run floorCds, Run own, String ownCalls,
                                    String result) {
        return List.of(name, String.format("%.0f", p.millis()), String.format("%.2f", p.millis() / floor.millis()),
                String.format("%.0f", c.millis()), String.format("%.2f", c.millis() / floorCds.millis()),
                String.format("%.0f / %.0f / %.0f", p.init(), p.event(), p.invoke()), String.format("%,d", p.classes()),
                String.format("%.0f", own.millis()), String.format("%.2f", own.millis() / floor.millis()),
                String.format("%.2f", p.millis() / own.millis()), ownCalls.isEmpty() ? "none" : ownCalls, result);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static long classCount(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().filter(e -> e.getName().endsWith(".class")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(Path file) {
        try {
            String text = Files.readString(file);
            return text.substring(Math.max(0, text.length() - 2000));
        } catch (IOException e) {
            return "(none)";
        }
    }
}
