package orgshare.shared.json;

import org.junit.jupiter.api.Test;
import orgshare.shared.service.ConsentService;
import orgshare.shared.service.MembershipService;
import orgshare.shared.service.RuleService;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The streaming body reader reads what the mapper reads, and declines (leaving the mapper to answer or refuse) at
 * anything it is not sure of.
 */
class JsonReaderTest {
    record Nested(String name, Long count, Boolean flag, List<String> tags, Map<String, String> labels, List<Nested> children) {
    }

    private static <T> void readsAsTheMapperDoes(String body, Class<T> type) throws Exception {
        T read = JsonReader.read(body, type);
        assertNotNull(read, () -> "declined " + body);
        assertEquals(Json.mapper().readValue(body, type), read, body);
    }

    @Test
    void readsTheBodiesTheMapperTakes() throws Exception {
        readsAsTheMapperDoes("{\"name\":\"n\",\"count\":9223372036854775807,\"flag\":false,\"tags\":[\"a\",null],"
                + "\"labels\":{\"k\":\"v\",\"n\":null},\"children\":[{\"name\":\"c\",\"children\":null},{}]}", Nested.class);
        readsAsTheMapperDoes("{}", Nested.class);
        readsAsTheMapperDoes(" {\"count\": -3} \n", Nested.class);
        readsAsTheMapperDoes("{\"expectedVersion\":3,\"set\":[{\"ownerId\":\"o\",\"partnerId\":\"*\",\"type\":\"order\","
                + "\"scope\":\"FIELDS\",\"fields\":[\"a\",\"b\"],\"filter\":{\"buyerId\":\"${partner}\"},\"push\":true}],"
                + "\"remove\":[{\"ownerId\":\"o\",\"partnerId\":\"p\",\"type\":\"t\"}]}", RuleService.RuleChanges.class);
        readsAsTheMapperDoes("{\"set\":[{\"partnerId\":\"p\",\"type\":\"*\",\"maxScope\":\"SUMMARY\"}]}", ConsentService.ConsentChanges.class);
        readsAsTheMapperDoes("{\"merchantId\":\"m\",\"cloudId\":\"c\"}", MembershipService.InviteMember.class);
    }

    @Test
    void declinesWhatTheMapperMustDecide() {
        for (String body : List.of("", "null", "[]", "\"x\"", "{", "{\"name\":\"n\"} {}", "{\"unknown\":1}",
                "{\"name\":\"a\",\"name\":\"b\"}", "{\"labels\":{\"k\":\"a\",\"k\":\"b\"}}", "{\"name\":1}",
                "{\"name\":true}", "{\"count\":\"1\"}", "{\"count\":1.0}", "{\"count\":1e2}",
                "{\"count\":123456789012345678901234567890}", "{\"flag\":1}", "{\"flag\":\"true\"}", "{\"tags\":\"a\"}",
                "{\"tags\":[1]}", "{\"labels\":[]}", "{\"labels\":{\"k\":2}}", "{\"children\":[{\"unknown\":null}]}",
                "{\"children\":[[]]}")) {
            assertNull(JsonReader.read(body, Nested.class), body);
        }
    }
}
