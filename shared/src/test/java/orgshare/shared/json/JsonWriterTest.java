package orgshare.shared.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The streaming answer writer writes exactly what the data-binding mapper writes, for every kind of value it meets. */
class JsonWriterTest {
    enum Scope { NONE, FULL }

    record Inner(String name, Integer count, List<String> tags) {
    }

    record Outer(String id, Inner inner, @JsonInclude(JsonInclude.Include.ALWAYS) Inner always, Scope scope,
                 Map<String, Object> extra, long version, boolean flag, double ratio, BigDecimal amount) {
    }

    /** A record that is not public, nested in a class: read through its accessors all the same. */
    private record Hidden(String secret) {
    }

    /** A bean, not a record: written by the mapper. */
    public static final class Bean {
        public String getValue() {
            return "v";
        }
    }

    private static void same(Object value) {
        assertEquals(Json.mapperEncode(value), JsonWriter.encode(value), () -> "for " + value);
    }

    @Test
    void recordsLeaveOutNullComponentsUnlessMarkedAlwaysAndKeepTheirOrder() {
        same(new Outer("a", null, null, Scope.FULL, null, 3L, true, 0.5, null));
        same(new Outer("a", new Inner("n", null, List.of()), new Inner(null, 2, null), null,
                Map.of("k", 1), Long.MAX_VALUE, false, -1e-9, new BigDecimal("1.2300E+5")));
        same(new Hidden("s"));
        same(List.of(new Hidden("s"), new Hidden(null)));
    }

    @Test
    void mapsLeaveOutNullValuesListsKeepNullsBothKeepTheirOrder() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("z", null);
        map.put("a", Arrays.asList(1, null, "x", 2.5, true));
        map.put("nested", Map.of("q", List.of()));
        same(map);
        same(Arrays.asList(null, null));
        same(Map.of());
        same(List.of());
    }

    @Test
    void numbersTextAndEnumsAsTheMapperWritesThem() {
        for (Object value : List.of(0, -7, Long.MIN_VALUE, (short) 3, (byte) -1, 1.0, 1e300, Double.MIN_VALUE,
                new BigDecimal("0.000"), new BigDecimal("-12345678901234567890.5"), new BigInteger("123456789012345678901234567890"),
                1.5f, "", "quote \" backslash \\ newline \n tab \t nul \u0000 é 漢 😀 \u2028", Scope.NONE, true, false)) {
            same(value);
            same(List.of(value));
        }
    }

    @Test
    void treesBeansAndOtherTypesGoToTheMapper() {
        // numbers kept as sent (1e2, -0, 0.0000001 are kept as their text), nulls, nesting, every number size
        ObjectNode tree = Json.decodeObject("{\"price\": 10.50, \"n\": 1e2, \"z\": -0, \"tiny\": 0.0000001, \"s\": \"x\","
                + " \"a\": [null, {\"b\": false}, 7, 12345678901, 123456789012345678901234567890, -1.5e-7, 2.0]}");
        same(tree);
        same(Json.decodeTree("[1, \"two\", null]"));
        same(Json.decodeTree("\"text\""));
        ObjectNode built = JsonNodeFactory.instance.objectNode().put("d", 0.25).put("f", 1.5f).put("l", 5L)
                .put("bool", true).putNull("nothing");
        built.set("bin", JsonNodeFactory.instance.binaryNode(new byte[]{1, 2, 3}));
        built.set("pojo", JsonNodeFactory.instance.pojoNode(List.of("x")));
        same(built);
        same(Map.of("document", tree));
        same(new Bean());
        same(java.net.URI.create("https://example.com/x"));
        same(java.util.UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
        Map<Integer, String> numericKeys = new HashMap<>();
        numericKeys.put(1, "one");
        same(numericKeys);
    }
}
