package orgshare.local;

import orgshare.local.TemplateModel.HttpRoute;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Route matching as API Gateway does it: most specific first, parameters decoded per segment. */
class RouteTableTest {
    private static HttpRoute route(String method, String path, String function) {
        return new HttpRoute(method, path, function, "Api", null);
    }

    private final RouteTable table = new RouteTable(List.of(
            route("GET", "/groups/{groupId}", "GetGroup"),
            route("PUT", "/groups/{groupId}/members/me", "Join"),
            route("DELETE", "/groups/{groupId}/members/{merchantId}", "Leave"),
            route("GET", "/merchants/me", "Me"),
            route("ANY", "/files/{path+}", "Files"),
            route("GET", "/files/{path+}", "GetFiles")));

    private RouteTable.Match match(String method, String path) {
        return table.match(method, path).orElseThrow(() -> new AssertionError("no match for " + method + " " + path));
    }

    @Test
    void literalsBeatParametersAndMethodsBeatAny() {
        assertEquals("Join", match("PUT", "/groups/G1/members/me").route().functionId());
        assertEquals("Leave", match("DELETE", "/groups/G1/members/me").route().functionId());
        assertEquals("GetFiles", match("GET", "/files/a/b").route().functionId());
        assertEquals("Files", match("POST", "/files/a/b").route().functionId());
    }

    @Test
    void parametersArePercentDecodedWithinTheirSegment() {
        assertEquals(Map.of("groupId", "a#b"), match("GET", "/groups/a%23b").pathParameters());
        assertEquals(Map.of("groupId", "a/b+c"), match("GET", "/groups/a%2Fb+c").pathParameters());
        assertEquals(Map.of("path", "a/b c"), match("GET", "/files/a/b%20c").pathParameters());
        assertThrows(PercentDecoding.MalformedException.class, () -> table.match("GET", "/groups/%zz"));
    }

    @Test
    void nothingElseMatches() {
        assertTrue(table.match("POST", "/groups/G1").isEmpty());
        assertTrue(table.match("GET", "/groups").isEmpty());
        assertTrue(table.match("GET", "/groups/").isEmpty());
        assertTrue(table.match("GET", "/groups/G1/extra").isEmpty());
        assertTrue(table.match("GET", "/files").isEmpty());
    }

    @Test
    void aRouteDeclaredTwiceIsRefused() {
        assertThrows(LocalRunnerException.class, () -> new RouteTable(List.of(
                route("GET", "/a", "One"), route("GET", "/a", "Two"))));
    }
}
