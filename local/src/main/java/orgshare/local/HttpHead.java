package orgshare.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One HTTP/1.1 request as read off the wire, checked the way API Gateway checks it before any route is looked at: a
 * well-formed request line and headers within its size limit, a valid percent-encoding, a body within 10 MB. What
 * fails is a {@link Refusal} with the status API Gateway gives, never an exception the client would see.
 */
record HttpHead(String method, String rawPath, String rawQuery, String version, Map<String, List<String>> headers) {
    /** API Gateway's quota on an HTTP API request: "total combined size of request line and header values". */
    static final int MAX_HEAD_BYTES = 10_240;
    /** Header names count too on the wire; this bounds what is read before the quota is checked. */
    private static final int MAX_RAW_HEAD_BYTES = 4 * MAX_HEAD_BYTES;
    static final int MAX_HEADERS = 100;
    /** API Gateway's limit on an HTTP API request body. */
    static final int MAX_BODY_BYTES = 10 * 1024 * 1024;

    /** A request the gateway answers by itself; the connection closes after the answer. */
    static final class Refusal extends Exception {
        private final int status;
        private final String code;

        Refusal(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }

        HttpReply reply() {
            return HttpReply.error(status, code, getMessage());
        }

        int status() {
            return status;
        }
    }

    /** The peer closed the connection before sending a request: nothing to answer. */
    static final class Closed extends Exception {
        Closed() {
            super(null, null, false, false);
        }
    }

    private static Refusal badRequest(String message) {
        return new Refusal(400, "BAD_REQUEST", message);
    }

    private static Refusal headersTooLarge() {
        return new Refusal(431, "HEADERS_TOO_LARGE", "The request line and headers are larger than "
                + MAX_HEAD_BYTES + " bytes, or there are more than " + MAX_HEADERS + " headers.");
    }

    static Refusal bodyTooLarge() {
        return new Refusal(413, "PAYLOAD_TOO_LARGE", "The body is larger than " + MAX_BODY_BYTES + " bytes.");
    }

    /**
     * Reads a request line and its headers.
     *
     * @throws Closed  the connection ended before a request began
     * @throws Refusal the head is malformed or too large
     */
    static HttpHead read(InputStream in) throws IOException, Closed, Refusal {
        int[] budget = {MAX_RAW_HEAD_BYTES};
        String requestLine;
        do {
            requestLine = readLine(in, budget, true);
            if (requestLine == null) {
                throw new Closed();
            }
        } while (requestLine.isEmpty() && budget[0] > MAX_RAW_HEAD_BYTES - 8); // tolerate a stray CRLF or two before it
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3 || !isToken(parts[0]) || !parts[1].startsWith("/") || !visibleAscii(parts[1])) {
            throw badRequest("Malformed request line.");
        }
        String version = parts[2];
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw version.matches("HTTP/\\d(\\.\\d)?")
                    ? new Refusal(505, "HTTP_VERSION_NOT_SUPPORTED", "Only HTTP/1.1 and HTTP/1.0 are served.")
                    : badRequest("Malformed request line.");
        }
        int query = parts[1].indexOf('?');
        String rawPath = query < 0 ? parts[1] : parts[1].substring(0, query);
        String rawQuery = query < 0 ? "" : parts[1].substring(query + 1);
        if (!wellEncoded(rawPath) || !wellEncoded(rawQuery)) {
            throw badRequest("Malformed percent-encoding in the URL.");
        }
        long counted = requestLine.length();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int count = 0;
        for (String line = readLine(in, budget, false); !line.isEmpty(); line = readLine(in, budget, false)) {
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw badRequest("Malformed header line.");
            }
            String value = line.substring(colon + 1).strip();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    throw badRequest("A control character in a header value.");
                }
            }
            counted += value.length();
            if (++count > MAX_HEADERS || counted > MAX_HEAD_BYTES) {
                throw headersTooLarge();
            }
            headers.computeIfAbsent(line.substring(0, colon), name -> new ArrayList<>()).add(value);
        }
        return new HttpHead(parts[0], rawPath, rawQuery, version, headers);
    }

    /** The header's values, whatever the case of its name. */
    List<String> header(String name) {
        List<String> values = new ArrayList<>();
        headers.forEach((key, list) -> {
            if (key.equalsIgnoreCase(name)) {
                values.addAll(list);
            }
        });
        return values;
    }

    /** Whether a comma-separated header (Connection, Expect) holds this token. */
    boolean hasToken(String name, String token) {
        for (String value : header(name)) {
            for (String part : value.split(",")) {
                if (part.strip().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    boolean keepAlive() {
        return version.equals("HTTP/1.1") && !hasToken("connection", "close");
    }

    /**
     * Reads the body (Content-Length or chunked), after a {@code 100 Continue} when the client waits for one.
     *
     * @throws Refusal the framing is malformed or the body is over {@value #MAX_BODY_BYTES} bytes
     */
    byte[] readBody(InputStream in, Runnable sendContinue) throws IOException, Refusal {
        List<String> encodings = header("transfer-encoding");
        List<String> lengths = header("content-length");
        if (!encodings.isEmpty()) {
            if (!lengths.isEmpty() || version.equals("HTTP/1.0")
                    || !String.join(",", encodings).strip().equalsIgnoreCase("chunked")) {
                throw badRequest("Unsupported Transfer-Encoding.");
            }
            continueIfAsked(sendContinue);
            return readChunked(in);
        }
        if (lengths.isEmpty()) {
            return new byte[0];
        }
        String length = String.join(",", lengths);
        for (String each : length.split(",")) {
            if (!each.strip().equals(lengths.get(0).strip()) || !each.strip().matches("\\d{1,19}")) {
                throw badRequest("Malformed Content-Length.");
            }
        }
        long declared;
        try {
            declared = Long.parseLong(lengths.get(0).strip());
        } catch (NumberFormatException e) {
            throw bodyTooLarge();
        }
        if (declared > MAX_BODY_BYTES) {
            throw bodyTooLarge();
        }
        if (declared > 0) {
            continueIfAsked(sendContinue);
        }
        byte[] body = in.readNBytes((int) declared);
        if (body.length < declared) {
            throw badRequest("The body ended before its Content-Length.");
        }
        return body;
    }

    private void continueIfAsked(Runnable sendContinue) {
        if (version.equals("HTTP/1.1") && hasToken("expect", "100-continue")) {
            sendContinue.run();
        }
    }

    private static byte[] readChunked(InputStream in) throws IOException, Refusal {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int[] budget = {MAX_RAW_HEAD_BYTES};
        while (true) {
            String line = readLine(in, budget, false);
            int extension = line.indexOf(';');
            String size = (extension < 0 ? line : line.substring(0, extension)).strip();
            if (!size.matches("[0-9A-Fa-f]{1,8}")) {
                throw badRequest("Malformed chunk size.");
            }
            int chunk = Integer.parseInt(size, 16);
            if (chunk == 0) {
                while (!readLine(in, budget, false).isEmpty()) {
                    // trailers: API Gateway passes none on
                }
                return body.toByteArray();
            }
            if (chunk < 0 || body.size() + (long) chunk > MAX_BODY_BYTES) {
                throw bodyTooLarge();
            }
            byte[] bytes = in.readNBytes(chunk);
            if (bytes.length < chunk) {
                throw badRequest("The body ended inside a chunk.");
            }
            body.write(bytes);
            if (!readLine(in, budget, false).isEmpty()) {
                throw badRequest("Malformed chunk.");
            }
        }
    }

    /**
     * A line without its CRLF (or bare LF), in ISO-8859-1, charged to the budget; null when the stream ends before
     * the {@code first} line of a request begins.
     */
    private static String readLine(InputStream in, int[] budget, boolean first) throws IOException, Refusal {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (first && line.isEmpty() && budget[0] == MAX_RAW_HEAD_BYTES) {
                    return null;
                }
                throw badRequest("The request ended before its head did.");
            }
            if (--budget[0] < 0) {
                throw headersTooLarge();
            }
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
    }

    /** An RFC 9110 token: a method or a header name. */
    static boolean isToken(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean alphanumeric = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
            if (!alphanumeric && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean visibleAscii(String text) {
        return text.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '#');
    }

    /** Every '%' starts two hex digits. */
    private static boolean wellEncoded(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '%') {
                if (i + 2 >= text.length() || !hex(text.charAt(i + 1)) || !hex(text.charAt(i + 2))) {
                    return false;
                }
                i += 2;
            }
        }
        return true;
    }

    private static boolean hex(char c) {
        return Character.digit(c, 16) >= 0 && c < 0x80;
    }
}
