package orgshare.shared.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import orgshare.shared.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's scopes (NONE, SUMMARY, FIELDS, FULL) and row filter (equality on top-level string fields), applied to one record body. */
class RecordProjectionTest {
    private static final JsonNodeFactory NODES = Json.mapper().getNodeFactory();

    /** JSON written with single quotes, to keep the bodies readable here. */
    private static ObjectNode body(String singleQuoted) {
        try {
            return (ObjectNode) Json.mapper().readTree(singleQuoted.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Resolution filtered(Map<String, String> filter) {
        return new Resolution(Scope.FULL, List.of(), filter, false);
    }

    private static Resolution scoped(Scope scope, String... fields) {
        return new Resolution(scope, List.of(fields), Map.of(), false);
    }

    private static Set<String> keys(ObjectNode node) {
        Set<String> keys = new HashSet<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    // --- row filter

    @Test
    void anEmptyFilterMatchesEveryBody() {
        assertTrue(RecordProjection.matches(filtered(Map.of()), body("{}")));
        assertTrue(RecordProjection.matches(filtered(Map.of()), body("{'buyerId': 'B1', 'n': 7, 'o': {'x': null}}")));
    }

    @Test
    void oneConditionMatchesOnlyThatExactString() {
        Resolution buyerB1 = filtered(Map.of("buyerId", "B1"));
        assertTrue(RecordProjection.matches(buyerB1, body("{'buyerId': 'B1', 'total': 10}")));
        assertFalse(RecordProjection.matches(buyerB1, body("{'buyerId': 'B2', 'total': 10}")));
        assertFalse(RecordProjection.matches(buyerB1, body("{'buyerId': 'b1'}")), "values are case-sensitive");
        assertFalse(RecordProjection.matches(buyerB1, body("{'buyerId': 'B1 '}")), "values are not trimmed");
        assertFalse(RecordProjection.matches(buyerB1, body("{'buyerId': 'B10'}")), "no prefix match");
        assertFalse(RecordProjection.matches(buyerB1, body("{'buyerid': 'B1'}")), "field names are case-sensitive");
    }

    @Test
    void anEmptyStringMatchesOnlyAnEmptyString() {
        Resolution empty = filtered(Map.of("note", ""));
        assertTrue(RecordProjection.matches(empty, body("{'note': ''}")));
        assertFalse(RecordProjection.matches(empty, body("{}")));
        assertFalse(RecordProjection.matches(empty, body("{'note': null}")));
        assertFalse(RecordProjection.matches(empty, body("{'note': ' '}")));
    }

    @Test
    void aMissingFieldNeverMatches() {
        assertFalse(RecordProjection.matches(filtered(Map.of("buyerId", "B1")), body("{}")));
        assertFalse(RecordProjection.matches(filtered(Map.of("buyerId", "B1")), body("{'sellerId': 'B1'}")));
    }

    @Test
    void severalConditionsMatchOnlyWhenEveryOneHolds() {
        Map<String, String> filter = Map.of("buyerId", "B1", "region", "EU", "status", "open");
        Resolution resolution = filtered(filter);
        List<String> fields = List.of("buyerId", "region", "status");
        // each condition either holds, is broken by a wrong value, or is broken by a missing field
        for (int holding = 0; holding < (1 << fields.size()); holding++) {
            for (boolean breakByRemoving : new boolean[]{false, true}) {
                ObjectNode record = body("{'other': 'x'}");
                for (int i = 0; i < fields.size(); i++) {
                    String field = fields.get(i);
                    if ((holding & (1 << i)) != 0) {
                        record.put(field, filter.get(field));
                    } else if (!breakByRemoving) {
                        record.put(field, filter.get(field) + "-not");
                    }
                }
                boolean all = holding == (1 << fields.size()) - 1;
                assertEquals(all, RecordProjection.matches(resolution, record), record.toString());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"7", "7.0", "7e0", "-7", "true", "false", "null", "{}", "{'v': '7'}", "[]", "['7']",
            "[7]", "{'buyerId': '7'}"})
    void aNonStringValueNeverMatchesEvenWhenItPrintsTheSame(String nonString) {
        ObjectNode record = body("{'buyerId': " + nonString + "}");
        assertFalse(record.get("buyerId").isTextual());
        String printed = record.get("buyerId").isValueNode() ? record.get("buyerId").asText() : record.get("buyerId").toString();
        assertFalse(RecordProjection.matches(filtered(Map.of("buyerId", printed)), record), nonString);
        assertFalse(RecordProjection.matches(filtered(Map.of("buyerId", "7")), record), nonString);
    }

    @Test
    void numberSevenDoesNotMatchTheStringSevenButTheStringDoes() {
        Resolution seven = filtered(Map.of("qty", "7"));
        assertFalse(RecordProjection.matches(seven, body("{'qty': 7}")));
        assertFalse(RecordProjection.matches(seven, NODES.objectNode().put("qty", new BigDecimal("7"))));
        assertFalse(RecordProjection.matches(seven, NODES.objectNode().put("qty", 7L)));
        assertTrue(RecordProjection.matches(seven, body("{'qty': '7'}")));
    }

    @Test
    void nestedFieldsAreNotMatchedByTopLevelNames() {
        ObjectNode record = body("{'party': {'buyerId': 'B1'}, 'lines': [{'buyerId': 'B1'}]}");
        assertFalse(RecordProjection.matches(filtered(Map.of("buyerId", "B1")), record));
        assertFalse(RecordProjection.matches(filtered(Map.of("party.buyerId", "B1")), record));
        assertFalse(RecordProjection.matches(filtered(Map.of("/party/buyerId", "B1")), record));
        // a top-level key that happens to contain a dot is an ordinary top-level name
        assertTrue(RecordProjection.matches(filtered(Map.of("party.buyerId", "B1")), body("{'party.buyerId': 'B1'}")));
    }

    @ParameterizedTest
    @EnumSource(Scope.class)
    void theFilterAppliesWhateverTheScope(Scope scope) {
        Resolution resolution = new Resolution(scope, List.of("total"), Map.of("buyerId", "B1"), false);
        assertTrue(RecordProjection.matches(resolution, body("{'buyerId': 'B1'}")));
        assertFalse(RecordProjection.matches(resolution, body("{'buyerId': 'B2'}")));
    }

    // --- projection

    @Test
    void fullReturnsTheWholeBody() {
        ObjectNode record = body("{'buyerId': 'B1', 'total': 12.50, 'lines': [{'sku': 'A', 'qty': 2}], 'meta': {'x': null}}");
        ObjectNode before = record.deepCopy();
        Optional<ObjectNode> projected = RecordProjection.project(scoped(Scope.FULL), record);
        assertTrue(projected.isPresent());
        assertEquals(before, projected.get());
        assertEquals(before, record, "projecting does not change the stored body");
    }

    @Test
    void fieldsReturnsExactlyTheListedFieldsThatExist() {
        ObjectNode record = body("{'buyerId': 'B1', 'total': 12.50, 'secret': 'S', 'status': 'open'}");
        Optional<ObjectNode> projected = RecordProjection.project(scoped(Scope.FIELDS, "total", "status", "missing"), record);
        assertEquals(Optional.of(body("{'total': 12.50, 'status': 'open'}")), projected);
    }

    @Test
    void fieldsKeepsNestedValuesWhole() {
        ObjectNode record = body("{'party': {'buyerId': 'B1', 'address': {'city': 'Oslo'}}, 'lines': [{'sku': 'A'}, 2, null],"
                + " 'secret': {'party': 1}}");
        ObjectNode before = record.deepCopy();
        ObjectNode projected = RecordProjection.project(scoped(Scope.FIELDS, "party", "lines"), record).orElseThrow();
        assertEquals(Set.of("party", "lines"), keys(projected));
        assertEquals(before.get("party"), projected.get("party"));
        assertEquals(before.get("lines"), projected.get("lines"));
        assertEquals(before, record, "projecting does not change the stored body");
    }

    @Test
    void fieldsNeverReachIntoNestedObjects() {
        ObjectNode record = body("{'party': {'buyerId': 'B1'}, 'lines': [{'sku': 'A'}]}");
        assertEquals(Optional.of(body("{}")), RecordProjection.project(scoped(Scope.FIELDS, "buyerId", "party.buyerId", "sku"), record));
    }

    @Test
    void aListedFieldHoldingNullIsPresentAsNull() {
        // the field exists (its value is null), so it is shown as such, unlike a missing one
        ObjectNode projected = RecordProjection.project(scoped(Scope.FIELDS, "note", "missing"), body("{'note': null, 'x': 1}")).orElseThrow();
        assertEquals(Set.of("note"), keys(projected));
        assertTrue(projected.get("note").isNull());
    }

    @Test
    void fieldsWithNoneOfThemPresentIsAnEmptyBody() {
        assertEquals(Optional.of(body("{}")), RecordProjection.project(scoped(Scope.FIELDS, "total"), body("{'secret': 'S'}")));
        assertEquals(Optional.of(body("{}")), RecordProjection.project(scoped(Scope.FIELDS, "total"), body("{}")));
    }

    @ParameterizedTest
    @EnumSource(value = Scope.class, names = {"SUMMARY", "NONE"})
    void summaryAndNoneShowNoBody(Scope scope) {
        ObjectNode record = body("{'buyerId': 'B1', 'total': 12.50}");
        assertEquals(Optional.empty(), RecordProjection.project(scoped(scope), record));
        // even a resolution that (against validation) lists fields shows nothing
        assertEquals(Optional.empty(), RecordProjection.project(scoped(scope, "total"), record));
    }

    // --- properties over random bodies

    private static final List<String> KEY_ALPHABET = List.of("a", "b", "c", "d", "e", "f", "g", "id", "a.b", "A", "");

    private static String randomKey(Random random) {
        return KEY_ALPHABET.get(random.nextInt(KEY_ALPHABET.size()));
    }

    private static JsonNode randomValue(Random random, int depth) {
        int kind = random.nextInt(depth > 2 ? 6 : 8);
        return switch (kind) {
            case 0 -> NODES.textNode(randomKey(random));
            case 1 -> NODES.numberNode(random.nextInt(20) - 10);
            case 2 -> NODES.numberNode(BigDecimal.valueOf(random.nextInt(2000), 2));
            case 3 -> NODES.booleanNode(random.nextBoolean());
            case 4 -> NODES.nullNode();
            case 5 -> NODES.textNode(Integer.toString(random.nextInt(10)));
            case 6 -> randomObject(random, depth + 1);
            default -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(randomValue(random, depth + 1));
                }
                yield array;
            }
        };
    }

    /** Keys come from the same small alphabet at every depth, so nested names collide with listed top-level ones. */
    private static ObjectNode randomObject(Random random, int depth) {
        ObjectNode object = NODES.objectNode();
        for (int i = random.nextInt(7); i > 0; i--) {
            object.set(randomKey(random), randomValue(random, depth));
        }
        return object;
    }

    private static List<String> randomDistinctFields(Random random) {
        Set<String> fields = new HashSet<>();
        for (int i = random.nextInt(6); i > 0; i--) {
            fields.add(randomKey(random));
        }
        return new ArrayList<>(fields);
    }

    @Test
    void aFieldsProjectionIsAlwaysTheListedFieldsThatTheBodyHolds() {
        Random random = new Random(2000);
        int partial = 0;
        for (int iteration = 0; iteration < 2000; iteration++) {
            ObjectNode record = randomObject(random, 0);
            ObjectNode before = record.deepCopy();
            List<String> fields = randomDistinctFields(random);
            String context = "iteration " + iteration + ": fields " + fields + " of " + record;

            ObjectNode projected = RecordProjection.project(scoped(Scope.FIELDS, fields.toArray(String[]::new)), record)
                    .orElseThrow(() -> new AssertionError(context));
            Set<String> projectedKeys = keys(projected);
            assertTrue(keys(record).containsAll(projectedKeys), context);
            assertTrue(fields.containsAll(projectedKeys), context);
            Set<String> listedAndPresent = new HashSet<>(fields);
            listedAndPresent.retainAll(keys(record));
            assertEquals(listedAndPresent, projectedKeys, context);
            for (Iterator<Map.Entry<String, JsonNode>> it = projected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                assertEquals(before.get(field.getKey()), field.getValue(), context);
            }

            assertEquals(Optional.of(before), RecordProjection.project(scoped(Scope.FULL), record), context);
            assertEquals(Optional.empty(), RecordProjection.project(scoped(Scope.SUMMARY), record), context);
            assertEquals(Optional.empty(), RecordProjection.project(scoped(Scope.NONE), record), context);
            assertEquals(before, record, "projecting changed the body, " + context);
            if (!projectedKeys.isEmpty() && projectedKeys.size() < fields.size() && projectedKeys.size() < record.size()) {
                partial++;
            }
        }
        // cases that show something, leave out a listed field that is missing and an unlisted one that is there
        assertTrue(partial > 200, "only " + partial + " projections were partial");
    }

    @Test
    void aFilterMatchesExactlyTheBodiesWhoseTopLevelStringsItNames() {
        Random random = new Random(2000);
        int matched = 0;
        int refused = 0;
        for (int iteration = 0; iteration < 2000; iteration++) {
            ObjectNode record = randomObject(random, 0);
            List<String> present = new ArrayList<>(keys(record));
            List<String> strings = present.stream().filter(key -> record.get(key).isTextual()).toList();
            Map<String, String> filter = new HashMap<>();
            for (int i = random.nextInt(4); i > 0; i--) {
                // mostly a field the body holds and its own text (a number's too), so both outcomes occur often
                int pick = random.nextInt(4);
                String field = pick < 2 && !strings.isEmpty() ? strings.get(random.nextInt(strings.size()))
                        : pick == 2 && !present.isEmpty() ? present.get(random.nextInt(present.size()))
                        : randomKey(random);
                JsonNode value = record.get(field);
                String wanted = value != null && value.isValueNode() && random.nextInt(4) > 0 ? value.asText() : randomKey(random);
                filter.put(field, wanted);
            }
            boolean expected = filter.entrySet().stream().allMatch(condition -> {
                JsonNode value = record.get(condition.getKey());
                return value != null && value.getNodeType() == JsonNodeType.STRING
                        && value.textValue().equals(condition.getValue());
            });
            boolean actual = RecordProjection.matches(filtered(filter), record);
            assertEquals(expected, actual, "iteration " + iteration + ": filter " + filter + " on " + record);
            if (!filter.isEmpty()) {
                if (actual) {
                    matched++;
                } else {
                    refused++;
                }
            }
        }
        // the generator must produce both outcomes in numbers, or the property says little
        assertTrue(matched > 100, "only " + matched + " non-empty filters matched");
        assertTrue(refused > 100, "only " + refused + " non-empty filters refused");
    }
}
