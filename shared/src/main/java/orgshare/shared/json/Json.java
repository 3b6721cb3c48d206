package orgshare.shared.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.util.RawValue;
import orgshare.shared.error.ApiException;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The JSON mapper, built once per container on its first use. Request decoding is strict: unknown fields and wrong
 * types are errors. Trees (business documents, bodies of the caller's own shape) are read with the streaming parser
 * and the node classes alone, so a function that reads and writes only documents never builds the mapper.
 */
public final class Json {
    /** The data-binding mapper, built when a function first binds JSON to a type (a cold start pays for it then). */
    private static final class Mapper {
        static final ObjectMapper MAPPER = strictMapper();
    }

    /** The parser factory for trees: the mapper's limits (nesting depth, no repeated key), without the mapper. */
    private static final class Trees {
        static final JsonFactory FACTORY = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    private static final int MAX_DEPTH = 64;

    private Json() {
    }

    public static ObjectMapper mapper() {
        return Mapper.MAPPER;
    }

    private static ObjectMapper strictMapper() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build());
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        // a tree read through the mapper keeps a number's digits (business documents go through readExact, which keeps
        // its very text), and a repeated key is an error, not a silent overwrite
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
        requireUnicode(body);
        T read = JsonReader.read(body, type);
        if (read != null) {
            assert read.equals(mapperDecode(body, type)) : "JsonReader and the mapper differ for " + type.getName() + ": " + body;
            return read;
        }
        try {
            T value = Mapper.MAPPER.readValue(body, type);
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

    /**
     * Parses any JSON document into a tree (for bodies whose shape is the caller's own), keeping every number as
     * written (see {@link #readExact}), and refusing text that is not valid Unicode or a number whose exponent is
     * beyond +-{@value #MAX_EXPONENT} (no business figure needs one, and Java could not read it back).
     */
    public static JsonNode decodeTree(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("MALFORMED_JSON", "The request needs a JSON body.");
        }
        try {
            return readExact(body);
        } catch (NumberFormatException e) {
            throw numberOutOfRange();
        } catch (IOException e) {
            if (e instanceof JsonProcessingException json && String.valueOf(json.getOriginalMessage()).startsWith("Duplicate field")) {
                throw ApiException.badRequest("MALFORMED_JSON", "The request body repeats a key in one object; each key may appear once.");
            }
            throw ApiException.badRequest("MALFORMED_JSON", "The request body is not valid JSON.");
        }
    }

    /** A request body that must be a JSON object (a business document): anything else is a 400. */
    public static ObjectNode decodeObject(String body) {
        JsonNode tree = decodeTree(body);
        if (!tree.isObject()) {
            throw ApiException.validation("The body must be a JSON object ({...}), not " + describe(tree) + ".");
        }
        return (ObjectNode) tree;
    }

    private static final int MAX_EXPONENT = 1000;

    private static ApiException numberOutOfRange() {
        return ApiException.validation("A number in the body is out of range: exponents are limited to +-" + MAX_EXPONENT
                + " and whole-number fields to their documented range.");
    }

    /** Parses a JSON object this service stored itself. */
    public static ObjectNode storedObject(String json) {
        if (storedTree(json) instanceof ObjectNode object) {
            return object;
        }
        throw new IllegalStateException("a stored document is not a JSON object");
    }

    /** Parses JSON this service stored itself, numbers as they were written. */
    public static JsonNode storedTree(String json) {
        try {
            return readExact(json);
        } catch (IOException e) {
            throw new IllegalStateException("stored JSON does not parse", e);
        }
    }

    /**
     * One JSON value as a tree that writes back what was sent: a number Jackson would write differently (-0, -0.0,
     * 1e3, 0.0000001) is kept as its text; strings and keys are refused when they hold an unpaired surrogate.
     */
    private static JsonNode readExact(String json) throws IOException {
        try (JsonParser parser = Trees.FACTORY.createParser(json)) {
            if (parser.nextToken() == null) {
                throw new JsonParseException(parser, "no JSON value");
            }
            JsonNode value = exactValue(parser);
            if (parser.nextToken() != null) {
                throw new JsonParseException(parser, "trailing tokens after the JSON value");
            }
            return value;
        }
    }

    /** The value at the parser's current token; nesting is bounded by the factory's depth limit. */
    private static JsonNode exactValue(JsonParser parser) throws IOException {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return switch (parser.currentToken()) {
            case START_OBJECT -> {
                ObjectNode object = nodes.objectNode();
                while (next(parser) != JsonToken.END_OBJECT) {
                    String name = unicode(parser.currentName());
                    next(parser);
                    object.set(name, exactValue(parser));
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = nodes.arrayNode();
                while (next(parser) != JsonToken.END_ARRAY) {
                    array.add(exactValue(parser));
                }
                yield array;
            }
            case VALUE_STRING -> nodes.textNode(unicode(parser.getText()));
            case VALUE_NUMBER_INT -> exactNumber(switch (parser.getNumberType()) {
                case INT -> IntNode.valueOf(parser.getIntValue());
                case LONG -> LongNode.valueOf(parser.getLongValue());
                default -> BigIntegerNode.valueOf(parser.getBigIntegerValue());
            }, parser.getText());
            case VALUE_NUMBER_FLOAT -> exactNumber(DecimalNode.valueOf(readableDecimal(parser)), parser.getText());
            case VALUE_TRUE -> BooleanNode.TRUE;
            case VALUE_FALSE -> BooleanNode.FALSE;
            case VALUE_NULL -> NullNode.getInstance();
            default -> throw new JsonParseException(parser, "unexpected token " + parser.currentToken());
        };
    }

    private static JsonToken next(JsonParser parser) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            throw new JsonParseException(parser, "unexpected end of input");
        }
        return token;
    }

    /** An ordinary number node where it writes back as {@code text}, else the text itself, written as it came. */
    private static JsonNode exactNumber(NumericNode number, String text) {
        return number.asText().equals(text) ? number : JsonNodeFactory.instance.rawValueNode(new RawValue(text));
    }

    private static BigDecimal readableDecimal(JsonParser parser) throws IOException {
        BigDecimal value = parser.getDecimalValue();
        long exponent = (long) value.precision() - value.scale();
        if (value.signum() != 0 && (exponent > MAX_EXPONENT || exponent < -MAX_EXPONENT)) {
            throw numberOutOfRange();
        }
        return value;
    }

    /** {@code text} when it is valid Unicode; a high surrogate without its low one (or the reverse) is a 400. */
    private static String unicode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw ApiException.badRequest("MALFORMED_JSON", "The request body holds an unpaired surrogate (U+"
                        + Integer.toHexString(c).toUpperCase(Locale.ROOT)
                        + ", alone): JSON text must be valid Unicode.");
            }
        }
        return text;
    }

    /** Refuses a body whose keys or strings are not valid Unicode; a syntax error it leaves to the decoding. */
    private static void requireUnicode(String body) {
        try (JsonParser parser = Trees.FACTORY.createParser(body)) {
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                if (t == JsonToken.FIELD_NAME || t == JsonToken.VALUE_STRING) {
                    unicode(parser.getText());
                }
            }
        } catch (IOException e) {
            // the decoding reports it, with its own message
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

    /**
     * A value as JSON text, written with the streaming generator ({@link JsonWriter}) as the mapper writes it; with
     * assertions on (the tests), the mapper writes it too and the two texts must be the same.
     */
    public static String encode(Object value) {
        String text = JsonWriter.encode(value);
        assert text.equals(mapperEncode(value)) : "JsonWriter and the mapper differ for " + value.getClass().getName()
                + ": " + text + " / " + mapperEncode(value);
        return text;
    }

    /** The mapper's own reading of a body (null where it refuses it). */
    private static Object mapperDecode(String body, Class<?> type) {
        try {
            return Mapper.MAPPER.readValue(body, type);
        } catch (IOException | RuntimeException refused) {
            return null;
        }
    }

    /** The parser factory with the mapper's limits, for a reader of JSON that does without the mapper. */
    static JsonFactory treeFactory() {
        return Trees.FACTORY;
    }

    /** The mapper's own text for a value. */
    static String mapperEncode(Object value) {
        try {
            return Mapper.MAPPER.writeValueAsString(value);
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
