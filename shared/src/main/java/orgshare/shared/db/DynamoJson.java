package orgshare.shared.db;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DynamoDB's JSON form of attribute values ({@code {"S": "x"}}, {@code {"N": "1"}}, {@code {"M": {...}}} ...), as a
 * stream event for Lambda carries the images of an item, to and from the SDK's values.
 */
public final class DynamoJson {
    private DynamoJson() {
    }

    /** An item's image as a stream event holds it (a map of names to typed values), or null. */
    @SuppressWarnings("unchecked")
    public static Map<String, AttributeValue> item(Object image) {
        if (!(image instanceof Map<?, ?> map)) {
            return null;
        }
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        ((Map<String, Object>) map).forEach((name, value) -> item.put(name, value(value)));
        return item;
    }

    @SuppressWarnings("unchecked")
    static AttributeValue value(Object json) {
        if (!(json instanceof Map<?, ?> typed) || typed.size() != 1) {
            throw new IllegalArgumentException("not a DynamoDB JSON value: " + json);
        }
        Map.Entry<String, Object> only = ((Map<String, Object>) typed).entrySet().iterator().next();
        Object v = only.getValue();
        return switch (only.getKey()) {
            case "S" -> AttributeValue.fromS((String) v);
            case "N" -> AttributeValue.fromN(String.valueOf(v));
            case "B" -> AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode((String) v)));
            case "BOOL" -> AttributeValue.fromBool(v instanceof Boolean b ? b : Boolean.parseBoolean(String.valueOf(v)));
            case "NULL" -> AttributeValue.fromNul(true);
            case "SS" -> AttributeValue.fromSs((List<String>) v);
            case "NS" -> AttributeValue.fromNs(((List<Object>) v).stream().map(String::valueOf).toList());
            case "L" -> AttributeValue.fromL(((List<Object>) v).stream().map(DynamoJson::value).toList());
            case "M" -> AttributeValue.fromM(item(v));
            default -> throw new IllegalArgumentException("unknown DynamoDB JSON type " + only.getKey());
        };
    }

    /** The JSON form of an SDK value (what the local runner puts into the stream events it makes). */
    public static Object json(AttributeValue value) {
        Map<String, Object> typed = new LinkedHashMap<>();
        switch (value.type()) {
            case S -> typed.put("S", value.s());
            case N -> typed.put("N", value.n());
            case B -> typed.put("B", Base64.getEncoder().encodeToString(value.b().asByteArray()));
            case BOOL -> typed.put("BOOL", value.bool());
            case NUL -> typed.put("NULL", true);
            case SS -> typed.put("SS", value.ss());
            case NS -> typed.put("NS", value.ns());
            case L -> {
                List<Object> list = new ArrayList<>();
                value.l().forEach(v -> list.add(json(v)));
                typed.put("L", list);
            }
            case M -> typed.put("M", json(value.m()));
            default -> throw new IllegalArgumentException("unsupported DynamoDB value " + value);
        }
        return typed;
    }

    public static Map<String, Object> json(Map<String, AttributeValue> item) {
        Map<String, Object> json = new LinkedHashMap<>();
        item.forEach((name, value) -> json.put(name, json(value)));
        return json;
    }
}
