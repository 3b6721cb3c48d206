package orgshare.shared.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/**
 * Writes a value (records, maps, lists, text, numbers, booleans, trees) as JSON with Jackson's streaming generator,
 * the way the data-binding mapper does (a record's components in order, null ones left out unless marked
 * {@code @JsonInclude(ALWAYS)}, a map's null values left out, a list's kept), without building the data-binding mapper: a function
 * whose answer holds nothing else never loads it. JSON trees (documents) are written node by node, as the mapper writes
 * them; anything else (a bean, a type of its own) is written by the mapper itself.
 * {@link Json#encode} writes with it; the tests run with assertions on, and every value it encodes is then also
 * encoded by the mapper and must match byte for byte.
 */
final class JsonWriter {
    /** A record's components and their accessors, found once per record type. */
    private static final ClassValue<Component[]> COMPONENTS = new ClassValue<>() {
        @Override
        protected Component[] computeValue(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            Component[] found = new Component[components.length];
            for (int i = 0; i < components.length; i++) {
                Method accessor = components[i].getAccessor();
                accessor.setAccessible(true); // a record nested in a class need not be public
                JsonInclude include = accessor.getAnnotation(JsonInclude.class);
                found[i] = new Component(components[i].getName(), accessor,
                        include != null && include.value() == JsonInclude.Include.ALWAYS);
            }
            return found;
        }
    };

    private record Component(String name, Method accessor, boolean keepNull) {
    }

    private JsonWriter() {
    }

    static String encode(Object value) {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = JsonStreams.factory().createGenerator(text)) {
            write(json, value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode response", e);
        }
        return text.toString();
    }

    private static void write(JsonGenerator json, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof String text) {
            json.writeString(text);
        } else if (value instanceof Boolean bool) {
            json.writeBoolean(bool);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            json.writeNumber(((Number) value).longValue());
        } else if (value instanceof Double number) {
            json.writeNumber(number);
        } else if (value instanceof BigDecimal number) {
            json.writeNumber(number);
        } else if (value instanceof BigInteger number) {
            json.writeNumber(number);
        } else if (value instanceof Enum<?> constant) {
            json.writeString(constant.name());
        } else if (value instanceof JsonNode node) {
            writeTree(json, node);
        } else if (value instanceof Record record) {
            writeRecord(json, record);
        } else if (value instanceof Map<?, ?> map && map.keySet().stream().allMatch(k -> k instanceof String)) {
            json.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (entry.getValue() != null) { // the mapper's NON_NULL leaves a map's null values out too
                    json.writeFieldName((String) entry.getKey());
                    write(json, entry.getValue());
                }
            }
            json.writeEndObject();
        } else if (value instanceof Collection<?> items) {
            json.writeStartArray();
            for (Object item : items) {
                write(json, item);
            }
            json.writeEndArray();
        } else {
            Json.mapper().writeValue(json, value); // a tree, a bean, a type of its own: the mapper's own way
        }
    }

    /** A tree as the mapper writes one: every member, nulls included; a kept number text (raw) as it is. */
    private static void writeTree(JsonGenerator json, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                json.writeStartObject();
                for (Map.Entry<String, JsonNode> member : node.properties()) {
                    json.writeFieldName(member.getKey());
                    writeTree(json, member.getValue());
                }
                json.writeEndObject();
            }
            case ARRAY -> {
                json.writeStartArray();
                for (JsonNode item : node) {
                    writeTree(json, item);
                }
                json.writeEndArray();
            }
            case STRING -> json.writeString(node.textValue());
            case BOOLEAN -> json.writeBoolean(node.booleanValue());
            case NULL -> json.writeNull();
            case NUMBER -> {
                switch (node.numberType()) {
                    case INT, LONG -> json.writeNumber(node.longValue());
                    case BIG_INTEGER -> json.writeNumber(node.bigIntegerValue());
                    case BIG_DECIMAL -> json.writeNumber(node.decimalValue());
                    case FLOAT -> json.writeNumber(node.floatValue());
                    default -> json.writeNumber(node.doubleValue());
                }
            }
            default -> {
                if (node instanceof POJONode pojo && pojo.getPojo() instanceof RawValue raw) {
                    json.writeRawValue(String.valueOf(raw.rawValue()));
                } else {
                    Json.mapper().writeValue(json, node); // binary and other nodes: the mapper's own way
                }
            }
        }
    }

    private static void writeRecord(JsonGenerator json, Record record) throws IOException {
        json.writeStartObject();
        for (Component component : COMPONENTS.get(record.getClass())) {
            Object value;
            try {
                value = component.accessor().invoke(record);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + record.getClass().getName() + "." + component.name(), e);
            }
            if (value != null || component.keepNull()) {
                json.writeFieldName(component.name());
                write(json, value);
            }
        }
        json.writeEndObject();
    }
}
