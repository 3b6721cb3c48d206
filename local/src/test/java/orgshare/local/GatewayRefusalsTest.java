package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.shared.auth.ApiKeys;
import orgshare.shared.testing.DynamoDbLocal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the runner answers by itself, byte for byte over a raw socket: API Gateway's status, a JSON body in the one
 * error shape, never HTML, never a Java exception's name, never a reset connection instead of an answer.
 */
class GatewayRefusalsTest {
    private static final String OPERATOR_KEY = ApiKeys.generate();
    private static LocalApi api;

    @BeforeAll
    static void start() {
        var client = DynamoDbLocal.client();
        api = LocalApi.start(ProjectFiles.TEMPLATE, client, DynamoDbLocal.newTable(client), OPERATOR_KEY, 0);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    /** A whole response: the status line, the headers (names lowercased) and the body, read to the end. */
    private record Answer(int status, String head, String body) {
        JsonNode json() throws IOException {
            return EventJson.mapper().readTree(body);
        }
    }

    private static Answer send(byte[] request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), api.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            // written on another thread: the answer may come before the request is all sent, as for a 413
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    out.write(request);
                    out.flush();
                } catch (IOException ignored) {
                    // the server stopped reading after its answer
                }
            });
            byte[] bytes = readAll(socket.getInputStream());
            writing.join();
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            assertTrue(end > 0, "a whole response, not: " + text);
            String head = text.substring(0, end).toLowerCase(Locale.ROOT);
            int status = Integer.parseInt(text.substring(9, 12));
            return new Answer(status, head, new String(Arrays.copyOfRange(bytes, end + 4, bytes.length), StandardCharsets.UTF_8));
        }
    }

    /** Reads until the server closes; a reset instead of a close fails the test. */
    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toByteArray();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void assertRefused(String label, byte[] request, int status, String code) throws IOException {
        Answer answer = send(request);
        assertEquals(status, answer.status(), label + ": " + answer.head() + "\n" + answer.body());
        assertTrue(answer.head().contains("\r\ncontent-type: application/json"), label + ": " + answer.head());
        assertEquals(code, answer.json().path("error").path("code").asText(), label + ": " + answer.body());
        String message = answer.json().path("error").path("message").asText();
        assertTrue(!message.isBlank() && !message.contains("Exception") && !message.contains("java."), label + ": " + message);
        assertTrue(!answer.body().contains("<"), label + ": no HTML: " + answer.body());
    }

    private static byte[] get(String target, String extraHeaders) {
        return ascii("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + extraHeaders + "Connection: close\r\n\r\n");
    }

    @Test
    void malformedUrlsAre400sAndAnUnknownRouteA404() throws IOException {
        assertRefused("bad percent-encoding in the path", get("/groups/%zz", ""), 400, "BAD_REQUEST");
        assertRefused("bad percent-encoding in the query", get("/groups?limit=%G1", ""), 400, "BAD_REQUEST");
        assertRefused("bad percent-encoding on no route", get("/nowhere%", ""), 400, "BAD_REQUEST");
        assertRefused("double slash", get("//groups", ""), 404, "NOT_FOUND");
        assertRefused("unknown route", get("/no/such/route", ""), 404, "NOT_FOUND");
    }

    @Test
    void malformedRequestLinesAndHeadersAre400s() throws IOException {
        assertRefused("garbage", ascii("GARBAGE\r\n\r\n"), 400, "BAD_REQUEST");
        assertRefused("no version", ascii("GET /groups\r\nHost: x\r\n\r\n"), 400, "BAD_REQUEST");
        assertRefused("absolute-form nonsense", ascii("GET groups HTTP/1.1\r\nHost: x\r\n\r\n"), 400, "BAD_REQUEST");
        assertRefused("a header without a colon", get("/groups", "NoColonHere\r\n"), 400, "BAD_REQUEST");
        assertRefused("a bad Content-Length", ascii("POST /groups HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n"),
                400, "BAD_REQUEST");
        assertRefused("HTTP/2 prior knowledge", ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), 400, "BAD_REQUEST");
    }

    @Test
    void headersOverApiGatewaysLimitAre431s() throws IOException {
        assertRefused("one huge header", get("/groups", "X-Big: " + "a".repeat(HttpHead.MAX_HEAD_BYTES) + "\r\n"),
                431, "HEADERS_TOO_LARGE");
        assertRefused("a header line longer than the raw limit", get("/groups", "X-Big: " + "a".repeat(50_000) + "\r\n"),
                431, "HEADERS_TOO_LARGE");
        assertRefused("too many headers", get("/groups", "X-Many: 1\r\n".repeat(HttpHead.MAX_HEADERS + 1)),
                431, "HEADERS_TOO_LARGE");
    }

    @Test
    void aBodyOverTenMegabytesIsA413AndTheAnswerArrives() throws IOException {
        int size = HttpHead.MAX_BODY_BYTES + 1;
        byte[] head = ascii("POST /groups HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + size + "\r\n\r\n");
        byte[] request = Arrays.copyOf(head, head.length + size);
        Arrays.fill(request, head.length, request.length, (byte) 'a');
        assertRefused("declared and sent", request, 413, "PAYLOAD_TOO_LARGE");

        byte[] chunkedHead = ascii("POST /groups HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        chunked.write(chunkedHead);
        byte[] chunk = new byte[1024 * 1024];
        Arrays.fill(chunk, (byte) 'a');
        for (int i = 0; i < 11; i++) {
            chunked.write(ascii(Integer.toHexString(chunk.length) + "\r\n"));
            chunked.write(chunk);
            chunked.write(ascii("\r\n"));
        }
        chunked.write(ascii("0\r\n\r\n"));
        assertRefused("chunked", chunked.toByteArray(), 413, "PAYLOAD_TOO_LARGE");
    }

    @Test
    void aWellFormedRequestStillReachesItsFunctionOnAKeptAliveConnection() throws IOException {
        String body = "{\"cloudId\":\"keep\",\"name\":\"Keep\"}";
        String post = "POST /clouds HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + OPERATOR_KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
        String chunkedGet = "GET /no/such/route HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
        Answer first = send(ascii(post + chunkedGet));
        assertEquals(201, first.status(), first.body());
        assertTrue(first.body().contains("HTTP/1.1 404"), "the second answer follows on the same connection: " + first.body());
    }
}
