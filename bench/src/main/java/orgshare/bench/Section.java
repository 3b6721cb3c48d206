package orgshare.bench;

import java.util.ArrayList;
import java.util.List;

/** One section of the report: its Markdown, and the targets it checked (they also go to the summary at the top). */
final class Section {
    /** A target, the figure measured against it, and, where it misses, what bounds the figure. */
    record Target(String name, String target, String measured, boolean pass, String boundBy) {
        String verdict() {
            return pass ? "PASS" : "MISS";
        }
    }

    final String title;
    private final String command;
    private final StringBuilder body = new StringBuilder();
    final List<Target> targets = new ArrayList<>();

    Section(String title, String command) {
        this.title = title;
        this.command = command;
    }

    Section line(String text) {
        body.append(text).append('\n');
        return this;
    }

    Section table(List<String> header, List<List<String>> rows) {
        body.append('\n').append(row(header)).append(row(header.stream().map(h -> "---").toList()));
        rows.forEach(r -> body.append(row(r)));
        body.append('\n');
        return this;
    }

    Target target(String name, String target, String measured, boolean pass, String boundBy) {
        Target t = new Target(name, target, measured, pass, pass ? null : boundBy);
        targets.add(t);
        return t;
    }

    String markdown() {
        StringBuilder md = new StringBuilder("## ").append(title).append("\n\n");
        md.append("Reproduce: `").append(command).append("`\n\n");
        if (!targets.isEmpty()) {
            md.append("| target | goal | measured | result |\n| --- | --- | --- | --- |\n");
            for (Target t : targets) {
                md.append(row(List.of(t.name(), t.target(), t.measured(), t.verdict()
                        + (t.boundBy() == null ? "" : ": " + t.boundBy()))));
            }
            md.append('\n');
        }
        return md.append(body).append('\n').toString();
    }

    static String row(List<String> cells) {
        return "| " + String.join(" | ", cells.stream().map(c -> c.replace("|", "\\|")).toList()) + " |\n";
    }
}
