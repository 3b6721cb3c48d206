package orgshare.functions.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import orgshare.functions.Lambdas;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's files: fingerprinted assets named by the page, their caching, and the headers on every answer. */
class ConsoleHandlerTest {
    private final ConsoleHandler handler = new ConsoleHandler();

    @Test
    void thePageNamesEachAssetByTheHashOfItsContent() throws Exception {
        APIGatewayV2HTTPResponse page = get(null);
        assertEquals(200, page.getStatusCode());
        assertEquals("text/html; charset=utf-8", page.getHeaders().get("content-type"));
        assertEquals("no-cache", page.getHeaders().get("cache-control"));
        assertFalse(page.getBody().contains("{{"), "every placeholder is replaced");
        assertFalse(Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>").matcher(page.getBody()).find(), "no inline script");
        assertFalse(page.getBody().contains("style="), "no style attribute");
        Matcher asset = Pattern.compile("/console/(assets/([a-z]+)\\.([0-9a-f]{8})\\.(js|css))").matcher(page.getBody());
        int assets = 0;
        while (asset.find()) {
            assets++;
            APIGatewayV2HTTPResponse file = get(asset.group(1));
            assertEquals(200, file.getStatusCode(), asset.group());
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(file.getBody().getBytes(StandardCharsets.UTF_8)));
            assertEquals(sha256.substring(0, 8), asset.group(3), "the name carries the content's hash");
            assertEquals("public, max-age=31536000, immutable", file.getHeaders().get("cache-control"));
            assertEquals(asset.group(4).equals("js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8",
                    file.getHeaders().get("content-type"));
            assertSecured(file);
        }
        assertEquals(2, assets, "the page loads its script and its stylesheet");
        assertSecured(page);
    }

    @Test
    void anyOtherPathIsNotFoundInTheApisErrorShape() {
        for (String path : new String[] {"assets/app.00000000.js", "assets/app.js", "index.html", "../openapi.yaml", "app.js"}) {
            APIGatewayV2HTTPResponse answer = get(path);
            assertEquals(404, answer.getStatusCode(), path);
            assertEquals("{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"The console has no such file.\"}}", answer.getBody());
            assertSecured(answer);
        }
    }

    @Test
    void aBodyIsRefused() {
        APIGatewayV2HTTPEvent event = event(null);
        event.setBody("{}");
        APIGatewayV2HTTPResponse answer = Lambdas.http(handler, event, null);
        assertEquals(400, answer.getStatusCode());
        assertTrue(answer.getBody().contains("VALIDATION_FAILED"));
        assertSecured(answer);
    }

    private static void assertSecured(APIGatewayV2HTTPResponse answer) {
        assertEquals(ConsoleHandler.CONTENT_SECURITY_POLICY, answer.getHeaders().get("content-security-policy"));
        assertEquals("nosniff", answer.getHeaders().get("x-content-type-options"));
        assertEquals("no-referrer", answer.getHeaders().get("referrer-policy"));
        String type = answer.getHeaders().get("content-type");
        // text in UTF-8, said so; errors in the API's one JSON shape, whose encoding is always UTF-8 (RFC 8259)
        assertTrue(type.endsWith("; charset=utf-8") || type.equals("application/json"), type);
    }

    private APIGatewayV2HTTPResponse get(String proxy) {
        return Lambdas.http(handler, event(proxy), null);
    }

    private static APIGatewayV2HTTPEvent event(String proxy) {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRawPath(proxy == null ? "/console" : "/console/" + proxy);
        event.setRouteKey(proxy == null ? "GET /console" : "GET /console/{proxy+}");
        event.setPathParameters(proxy == null ? null : Map.of("proxy", proxy));
        return event;
    }
}
