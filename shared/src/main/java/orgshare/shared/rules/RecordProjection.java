package orgshare.shared.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.Optional;

/** Applies a resolution to one record body: the row filter decides whether it is seen, the scope what of it. */
public final class RecordProjection {
    private RecordProjection() {
    }

    /** Row filter: every filter field is a top-level string field of the body with exactly that value. */
    public static boolean matches(Resolution resolution, JsonNode body) {
        for (Map.Entry<String, String> condition : resolution.filter().entrySet()) {
            JsonNode value = body.get(condition.getKey());
            if (value == null || !value.isTextual() || !value.textValue().equals(condition.getValue())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The part of a matching record's body the partner sees: all of it (FULL), the listed fields that are present
     * (FIELDS), or none (SUMMARY and NONE).
     */
    public static Optional<ObjectNode> project(Resolution resolution, ObjectNode body) {
        return switch (resolution.scope()) {
            case FULL -> Optional.of(body);
            case FIELDS -> {
                ObjectNode projected = body.objectNode();
                for (String field : resolution.fields()) {
                    JsonNode value = body.get(field);
                    if (value != null) {
                        projected.set(field, value);
                    }
                }
                yield Optional.of(projected);
            }
            default -> Optional.empty();
        };
    }
}
