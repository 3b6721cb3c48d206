package orgshare.shared.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a request body into a record with Jackson's streaming parser, without the data-binding mapper, for bodies the
 * mapper would take as they are: records of text, Long, Boolean, lists and text-keyed maps of those, and records. It
 * declines (null) at the first thing it is not sure of (an unknown or repeated field, a value of another type, a
 * number out of range, a constructor that refuses, trailing text), and {@link Json#decodeRequest} then asks the mapper,
 * which answers or refuses in its own words: the fast path never decides a refusal. With assertions on (the tests),
 * every body it reads is read by the mapper too and the two values must be equal.
 */
final class JsonReader {
    /** Declined: the mapper decides. */
    private static final class Decline extends Exception {
        Decline() {
            super(null, null, false, false);
        }
    }

    private static final Decline DECLINE = new Decline();

    /** A record type's canonical constructor and its components, found once per type (null: not one to read). */
    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            if (!type.isRecord()) {
                return null;
            }
            RecordComponent[] components = type.getRecordComponents();
            Class<?>[] types = new Class<?>[components.length];
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                index.put(components[i].getName(), i);
            }
            try {
                Constructor<?> constructor = type.getDeclaredConstructor(types);
                constructor.setAccessible(true);
                Type[] generic = new Type[components.length];
                for (int i = 0; i < components.length; i++) {
                    generic[i] = components[i].getGenericType();
                }
                return new Shape(constructor, generic, index);
            } catch (NoSuchMethodException | RuntimeException e) {
                return null;
            }
        }
    };

    private record Shape(Constructor<?> constructor, Type[] types, Map<String, Integer> index) {
    }

    private JsonReader() {
    }

    /** The body as {@code type}, or null where the mapper must decide. */
    static <T> T read(String body, Class<T> type) {
        try (JsonParser parser = Json.treeFactory().createParser(body)) {
            Object value = value(parser, parser.nextToken(), type);
            if (value == null || parser.nextToken() != null) {
                return null;
            }
            return type.cast(value);
        } catch (IOException | Decline | RuntimeException unsure) {
            return null;
        }
    }

    private static Object value(JsonParser parser, JsonToken token, Type type) throws IOException, Decline {
        if (token == null) {
            throw DECLINE;
        }
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (type == String.class) {
            return expect(token, JsonToken.VALUE_STRING, parser.getText());
        }
        if (type == Boolean.class) {
            if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
                return token == JsonToken.VALUE_TRUE;
            }
            throw DECLINE;
        }
        if (type == Long.class) {
            if (token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                return parser.getLongValue();
            }
            throw DECLINE;
        }
        if (type instanceof ParameterizedType generic && generic.getRawType() == List.class) {
            expect(token, JsonToken.START_ARRAY, null);
            List<Object> list = new ArrayList<>();
            for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
                list.add(value(parser, item, generic.getActualTypeArguments()[0]));
            }
            return list;
        }
        if (type instanceof ParameterizedType generic && generic.getRawType() == Map.class
                && generic.getActualTypeArguments()[0] == String.class) {
            expect(token, JsonToken.START_OBJECT, null);
            Map<String, Object> map = new LinkedHashMap<>();
            for (JsonToken field = parser.nextToken(); field == JsonToken.FIELD_NAME; field = parser.nextToken()) {
                String name = parser.currentName();
                map.put(name, value(parser, parser.nextToken(), generic.getActualTypeArguments()[1]));
            }
            return map;
        }
        if (type instanceof Class<?> record && SHAPES.get(record) != null) {
            return record(parser, token, SHAPES.get(record));
        }
        throw DECLINE; // a type this reader does not read: the mapper's
    }

    private static Object record(JsonParser parser, JsonToken token, Shape shape) throws IOException, Decline {
        expect(token, JsonToken.START_OBJECT, null);
        Object[] arguments = new Object[shape.types().length];
        boolean[] seen = new boolean[arguments.length];
        for (JsonToken field = parser.nextToken(); field == JsonToken.FIELD_NAME; field = parser.nextToken()) {
            Integer at = shape.index().get(parser.currentName());
            if (at == null || seen[at]) {
                throw DECLINE; // unknown or repeated
            }
            seen[at] = true;
            arguments[at] = value(parser, parser.nextToken(), shape.types()[at]);
        }
        try {
            return shape.constructor().newInstance(arguments);
        } catch (InvocationTargetException | InstantiationException | IllegalAccessException refused) {
            throw DECLINE;
        }
    }

    private static Object expect(JsonToken token, JsonToken wanted, Object value) throws Decline {
        if (token != wanted) {
            throw DECLINE;
        }
        return value;
    }
}
