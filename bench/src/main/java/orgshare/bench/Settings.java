package orgshare.bench;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What one run measures and how much: the full defaults, or {@code --quick} (a smoke run, sizes / 10 or more). */
record Settings(boolean quick, Set<String> only, int roundTripGroup, int warmup, int runs, int scaleMembers,
                int scaleRulesPerMember, int cleanupMembers, int cleanupRounds, int records, int pagerRounds, int coldRuns,
                boolean everyHandler, int loadWarmup, int loadRequests, int loadSeconds, int loadWorkers) {

    static final List<String> SECTIONS = List.of("roundtrips", "overhead", "scale", "coldstart", "localapi", "federation",
            "webhooks");

    static Settings parse(String[] args) {
        boolean quick = false;
        Set<String> only = new LinkedHashSet<>(SECTIONS);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--only" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--only takes a comma-separated list of " + SECTIONS);
                    }
                    only = new LinkedHashSet<>(List.of(args[++i].split(",")));
                    if (!SECTIONS.containsAll(only)) {
                        throw new IllegalArgumentException("--only takes sections of " + SECTIONS + ", not " + only);
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "'; usage: bench/run [--quick] [--only " + String.join(",", SECTIONS) + "]");
            }
        }
        return quick
                ? new Settings(true, only, 1_000, 20, 40, 1_000, 10, 1_000, 3, 5_000, 3, 3, false, 50, 400, 4, 4)
                : new Settings(false, only, 1_000, 200, 500, 10_000, 10, 10_000, 5, 50_000, 3, 5, true, 300, 5_000, 30, 4);
    }

    boolean runs(String section) {
        return only.contains(section);
    }

    /** The command that reproduces one section of this run. */
    String command(String section) {
        return "bench/run" + (quick ? " --quick" : "") + " --only " + section;
    }

    String mode() {
        return quick ? "--quick (smoke run: scale sizes / 10, fewer iterations and handlers)" : "full";
    }
}
