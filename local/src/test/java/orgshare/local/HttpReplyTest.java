package orgshare.local;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A function's answer that is not JSON (the console's files) goes out as the function wrote it. */
class HttpReplyTest {
    @Test
    void aTextBodyAndItsHeadersPassUnchanged() throws Exception {
        HttpReply reply = HttpReply.fromLambda(EventJson.mapper().readTree("{\"statusCode\":200,\"headers\":{"
                + "\"content-type\":\"text/html; charset=utf-8\",\"cache-control\":\"no-cache\","
                + "\"content-security-policy\":\"default-src 'none'; script-src 'self'\"},"
                + "\"isBase64Encoded\":false,\"body\":\"<!doctype html><p>é</p>\"}"));
        assertEquals(200, reply.status());
        assertEquals(List.of("text/html; charset=utf-8"), reply.headers().get("content-type"));
        assertEquals(List.of("no-cache"), reply.headers().get("cache-control"));
        assertEquals(List.of("default-src 'none'; script-src 'self'"), reply.headers().get("content-security-policy"));
        assertArrayEquals("<!doctype html><p>é</p>".getBytes(StandardCharsets.UTF_8), reply.body(), "UTF-8, byte for byte");
    }

    @Test
    void aBase64BodyIsDecoded() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2};
        HttpReply reply = HttpReply.fromLambda(EventJson.mapper().readTree("{\"statusCode\":200,\"headers\":{"
                + "\"content-type\":\"image/png\"},\"isBase64Encoded\":true,\"body\":\""
                + Base64.getEncoder().encodeToString(png) + "\"}"));
        assertArrayEquals(png, reply.body());
    }
}
