package orgshare.local;

import java.nio.file.Path;
import java.util.Locale;

/** The project's template and sample events, seen from the local module (surefire runs in the module's folder). */
final class ProjectFiles {
    static final Path TEMPLATE = Path.of("../template.yaml");
    static final Path EVENTS = Path.of("../events");

    private ProjectFiles() {
    }

    /** The sample event's file name: {@code CreateGroupFunction} -> {@code create-group.json}. */
    static String sampleEventName(String functionId) {
        String base = functionId.endsWith("Function") ? functionId.substring(0, functionId.length() - "Function".length()) : functionId;
        return base.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT) + ".json";
    }

    /** The template as a run with this operator key and table sees it. */
    static TemplateModel template(OperatorKey operatorKey, String tableName) {
        return TemplateModel.load(TEMPLATE, operatorKey.parameterOverrides(), tableName);
    }
}
