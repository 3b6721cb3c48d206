package orgshare.shared.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import orgshare.shared.error.ApiException;

import java.math.BigDecimal;
import java.util.stream.Collectors;

/** The JSON mappers, built once per container. Request decoding is strict: unknown fields and wrong types are errors. */
public final class Json {
    private static final ObjectMapper MAPPER = strictMapper();

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static ObjectMapper strictMapper() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        // business documents keep their numbers exactly as sent, and a repeated key is an error, not a silent overwrite
        mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        mapper.configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.setSerializationInclusion(JsonInclude.Include.NON_NULL);
        // "name": 42 is a wrong type, not the string "42"
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        return mapper;
    }

    /** Decodes a request body into {@code type}, turning every parse failure into a 400 a person can act on. */
    public static <T> T decodeRequest(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("MALFORMED_JSON", "The request needs a JSON object body.");
        }
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw ApiException.badRequest("MALFORMED_JSON", "The request body must be a JSON object, not null.");
            }
            return value;
        } catch (NumberFormatException e) {
            throw numberOutOfRange();
        } catch (InputCoercionException e) {
            throw numberOutOfRange();
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.validation("Unknown field '" + e.getPropertyName() + "'.");
        } catch (MismatchedInputException e) {
            String path = fieldPath(e);
            throw ApiException.validation(path.isEmpty()
                    ? "The request body must be a JSON object."
                    : "Field '" + path + "' has the wrong type.");
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("MALFORMED_JSON", "The request body is not valid JSON.");
        }
    }

    /** Parses any JSON document into a tree (for bodies whose shape is the caller's own). */
    public static JsonNode decodeTree(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("MALFORMED_JSON", "The request needs a JSON body.");
        }
        try {
            return MAPPER.readTree(body);
        } catch (NumberFormatException e) {
            throw numberOutOfRange();
        } catch (JsonProcessingException e) {
            if (String.valueOf(e.getOriginalMessage()).startsWith("Duplicate field")) {
                throw ApiException.badRequest("MALFORMED_JSON", "The request body repeats a key in one object; each key may appear once.");
            }
            throw ApiException.badRequest("MALFORMED_JSON", "The request body is not valid JSON.");
        }
    }

    /**
     * A request body that must be a JSON object (a business document): anything else is a 400, and so is a number
     * whose exponent is beyond +-{@value #MAX_EXPONENT} (no business figure needs one, and Java could not read it back).
     */
    public static ObjectNode decodeObject(String body) {
        JsonNode tree = decodeTree(body);
        if (!tree.isObject()) {
            throw ApiException.validation("The body must be a JSON object ({...}), not " + describe(tree) + ".");
        }
        requireReadableNumbers(tree);
        return (ObjectNode) tree;
    }

    private static final int MAX_EXPONENT = 1000;

    private static void requireReadableNumbers(JsonNode node) {
        if (node.isBigDecimal() || node.isDouble() || node.isFloat()) {
            BigDecimal value = node.decimalValue();
            long exponent = (long) value.precision() - value.scale();
            if (value.signum() != 0 && (exponent > MAX_EXPONENT || exponent < -MAX_EXPONENT)) {
                throw numberOutOfRange();
            }
        } else if (node.isContainerNode()) {
            for (JsonNode child : node) {
                requireReadableNumbers(child);
            }
        }
    }

    private static ApiException numberOutOfRange() {
        return ApiException.validation("A number in the body is out of range: exponents are limited to +-" + MAX_EXPONENT
                + " and whole-number fields to their documented range.");
    }

    /** Parses JSON this service stored itself. */
    public static ObjectNode storedObject(String json) {
        try {
            return (ObjectNode) MAPPER.readTree(json);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("a stored document is not a JSON object", e);
        }
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "a " + node.getNodeType().name().toLowerCase();
        };
    }

    public static String encode(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode response", e);
        }
    }

    private static String fieldPath(MismatchedInputException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }
}
