package orgshare.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark harness (bench/run): measures round trips, overhead over the storage, scale, cold start, the local
 * API and pulls across three deployments on DynamoDB Local, and writes bench/REPORT.md with every target, the figure
 * measured in this run, PASS or MISS, and the command that reproduces it. Nothing in the report is written by hand: run it again to refresh it.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws IOException {
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Path root = Path.of("").toAbsolutePath();
        Path template = root.resolve("template.yaml");
        if (!Files.isRegularFile(template) || !Files.isRegularFile(root.resolve("functions/target/orgshare-functions.jar"))) {
            System.err.println("Run from the project root after building: bench/run does both.");
            System.exit(2);
        }
        long started = System.nanoTime();
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<Section> sections = new ArrayList<>();
        try (Db db = Db.start(root.resolve("bench/target/dynamodb-local.log"))) {
            measure(settings, "roundtrips", sections, () -> RoundTrips.run(db, template, settings));
            measure(settings, "overhead", sections, () -> Overhead.run(db, template, settings));
            measure(settings, "scale", sections, () -> Scale.run(db, template, settings));
            measure(settings, "coldstart", sections, () -> ColdStart.run(db, root, settings));
            measure(settings, "localapi", sections, () -> LocalApiLoad.run(db, template, settings));
            measure(settings, "federation", sections, () -> Federation.run(db, template, settings));
            measure(settings, "webhooks", sections, () -> Webhooks.run(db, template, settings));
        } catch (RuntimeException e) {
            // no report from a run that broke: a partial one would read as complete
            e.printStackTrace();
            System.err.println("bench: failed; bench/REPORT.md was not written. DynamoDB Local's log: bench/target/dynamodb-local.log");
            System.exit(1);
        }
        String report = report(settings, at, (System.nanoTime() - started) / 1e9, sections);
        Path out = root.resolve("bench/REPORT.md");
        Files.writeString(out, report);
        System.out.println(report);
        System.out.println("Written to " + root.relativize(out));
        // DynamoDB Local's SDK and the local API leave non-daemon threads behind: the run is over
        System.exit(0);
    }

    private interface SectionRun {
        Section run();
    }

    private static void measure(Settings settings, String name, List<Section> sections, SectionRun run) {
        if (!settings.runs(name)) {
            return;
        }
        long started = System.nanoTime();
        System.err.println("bench: " + name + "...");
        Section section = run.run();
        double seconds = (System.nanoTime() - started) / 1e9;
        section.line("").line(String.format("_Section time: %.0f s._", seconds));
        System.err.printf("bench: %s done in %.0f s%n", name, seconds);
        sections.add(section);
    }

    private static String report(Settings settings, Instant at, double seconds, List<Section> sections) {
        StringBuilder md = new StringBuilder("# orgshare benchmark report\n\n");
        md.append("Written by `bench/run").append(settings.quick() ? " --quick" : "").append("` (bench/src/main/java/orgshare/bench) on ")
                .append(at).append(String.format(", in %.0f s. Mode: %s. ", seconds, settings.mode()))
                .append(String.format("Java %s, %d CPUs; DynamoDB Local 2.6.1 in server mode on a loopback port, in its own "
                                + "process, reached over HTTP by the real SDK client (URL-connection). Every figure below was measured "
                                + "in this run; absolute latencies are DynamoDB Local's on this machine, so the ratios are what carry over.",
                        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors()))
                .append("\n\n## Targets\n\n| section | target | goal | measured | result |\n| --- | --- | --- | --- | --- |\n");
        for (Section section : sections) {
            for (Section.Target t : section.targets) {
                md.append(Section.row(List.of(section.title.replaceAll("\\..*", ""), t.name(), t.target(), t.measured(),
                        t.verdict() + (t.boundBy() == null ? "" : ": " + t.boundBy()))));
            }
        }
        md.append('\n');
        sections.forEach(section -> md.append(section.markdown()));
        return md.toString();
    }
}
