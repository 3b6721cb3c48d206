package orgshare.shared.httpsig;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a signature can cover of an HTTP message: a request's method and target URI, or a response's status (with the
 * request it answers, for components marked {@code ;req}), and the header fields by name, case-insensitively.
 */
public record HttpMessage(String method, URI targetUri, Integer status, Map<String, List<String>> headers, HttpMessage request) {
    public HttpMessage {
        Map<String, List<String>> lower = new TreeMap<>();
        headers.forEach((name, values) -> lower.merge(name.toLowerCase(Locale.ROOT), List.copyOf(values),
                (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList()));
        headers = Map.copyOf(lower);
    }

    public static HttpMessage request(String method, URI targetUri, Map<String, List<String>> headers) {
        return new HttpMessage(method, targetUri, null, headers, null);
    }

    public static HttpMessage response(int status, Map<String, List<String>> headers, HttpMessage request) {
        return new HttpMessage(null, null, status, headers, request);
    }

    public boolean isRequest() {
        return status == null;
    }

    /** The header's values, or an empty list. */
    public List<String> header(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    /** The one value of a header that must appear once, or null. */
    public String single(String name) {
        List<String> values = header(name);
        return values.size() == 1 ? values.get(0) : null;
    }
}
