package orgshare.local;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Decodes the parts of a request URL; a broken percent-encoding is the client's error, answered 400 by API Gateway. */
final class PercentDecoding {
    /** A path or query string whose percent-encoding cannot be decoded. */
    static final class MalformedException extends RuntimeException {
        MalformedException(String text, IllegalArgumentException cause) {
            super("malformed percent-encoding in '" + text + "'", cause, false, false);
        }
    }

    private PercentDecoding() {
    }

    /** A path segment: '+' is a plus sign here, not a space. */
    static String pathSegment(String raw) {
        return decode(raw.replace("+", "%2B"), raw);
    }

    /** A query string name or value, in form encoding: '+' is a space. */
    static String queryComponent(String raw) {
        return decode(raw, raw);
    }

    private static String decode(String encoded, String original) {
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new MalformedException(original, e);
        }
    }
}
