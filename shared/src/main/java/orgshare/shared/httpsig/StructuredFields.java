package orgshare.shared.httpsig;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of Structured Field Values (RFC 8941) that HTTP message signatures and digests use: dictionaries whose
 * members are items or inner lists, with parameters; items are strings, tokens, integers, booleans and byte
 * sequences. Parsing is strict (anything else is an {@link IllegalArgumentException}); serializing is canonical.
 */
public final class StructuredFields {
    private StructuredFields() {
    }

    /** A token (an unquoted identifier such as {@code sha-256}), kept apart from a string. */
    public record Token(String value) {
    }

    /** A bare item with its parameters (in order). */
    public record Item(Object value, Map<String, Object> parameters) {
    }

    /** An inner list of items with the list's own parameters (in order). */
    public record InnerList(List<Item> items, Map<String, Object> parameters) {
    }

    /** A dictionary: member name -> {@link Item} or {@link InnerList}, in order. */
    public static Map<String, Object> parseDictionary(String text) {
        Parser p = new Parser(text);
        Map<String, Object> members = new LinkedHashMap<>();
        p.skipSpaces();
        while (!p.done()) {
            String key = p.key();
            Object member;
            if (p.peek() == '=') {
                p.next();
                member = p.peek() == '(' ? p.innerList() : p.item();
            } else {
                member = new Item(Boolean.TRUE, p.parameters());
            }
            members.put(key, member);
            p.skipOws();
            if (p.done()) {
                break;
            }
            p.expect(',');
            p.skipOws();
            if (p.done()) {
                throw new IllegalArgumentException("a dictionary ends with ','");
            }
        }
        return members;
    }

    /** The canonical form of an inner list, as {@code @signature-params} and Signature-Input carry it. */
    public static String serialize(InnerList list) {
        StringBuilder out = new StringBuilder("(");
        for (int i = 0; i < list.items().size(); i++) {
            if (i > 0) {
                out.append(' ');
            }
            Item item = list.items().get(i);
            out.append(bareItem(item.value())).append(parameters(item.parameters()));
        }
        return out.append(')').append(parameters(list.parameters())).toString();
    }

    public static String serialize(Item item) {
        return bareItem(item.value()) + parameters(item.parameters());
    }

    private static String parameters(Map<String, Object> parameters) {
        StringBuilder out = new StringBuilder();
        parameters.forEach((key, value) -> {
            out.append(';').append(key);
            if (!Boolean.TRUE.equals(value)) {
                out.append('=').append(bareItem(value));
            }
        });
        return out.toString();
    }

    static String bareItem(Object value) {
        if (value instanceof String s) {
            StringBuilder out = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                if (c < 0x20 || c > 0x7e) {
                    throw new IllegalArgumentException("a structured string holds only printable ASCII");
                }
                if (c == '"' || c == '\\') {
                    out.append('\\');
                }
                out.append(c);
            }
            return out.append('"').toString();
        }
        if (value instanceof Long || value instanceof Integer) {
            return value.toString();
        }
        if (value instanceof Boolean b) {
            return b ? "?1" : "?0";
        }
        if (value instanceof Token t) {
            return t.value();
        }
        if (value instanceof byte[] bytes) {
            return ":" + Base64.getEncoder().encodeToString(bytes) + ":";
        }
        throw new IllegalArgumentException("not a structured item: " + value);
    }

    private static final class Parser {
        private final String text;
        private int at;

        Parser(String text) {
            this.text = text;
        }

        boolean done() {
            return at >= text.length();
        }

        char peek() {
            return done() ? '\0' : text.charAt(at);
        }

        char next() {
            if (done()) {
                throw new IllegalArgumentException("unexpected end");
            }
            return text.charAt(at++);
        }

        void expect(char c) {
            if (next() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + (at - 1));
            }
        }

        void skipSpaces() {
            while (peek() == ' ') {
                at++;
            }
        }

        void skipOws() {
            while (peek() == ' ' || peek() == '\t') {
                at++;
            }
        }

        String key() {
            char first = peek();
            if (!(first >= 'a' && first <= 'z') && first != '*') {
                throw new IllegalArgumentException("a key starts with a lowercase letter or '*'");
            }
            int start = at;
            while (!done()) {
                char c = peek();
                if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '*') {
                    at++;
                } else {
                    break;
                }
            }
            return text.substring(start, at);
        }

        InnerList innerList() {
            expect('(');
            List<Item> items = new ArrayList<>();
            while (true) {
                skipSpaces();
                if (peek() == ')') {
                    next();
                    return new InnerList(items, parameters());
                }
                items.add(item());
                char c = peek();
                if (c != ' ' && c != ')') {
                    throw new IllegalArgumentException("inner list items are separated by spaces");
                }
            }
        }

        Item item() {
            Object value = bareItem();
            return new Item(value, parameters());
        }

        Map<String, Object> parameters() {
            Map<String, Object> parameters = new LinkedHashMap<>();
            while (peek() == ';') {
                next();
                skipSpaces();
                String key = key();
                Object value = Boolean.TRUE;
                if (peek() == '=') {
                    next();
                    value = bareItem();
                }
                parameters.put(key, value);
            }
            return parameters;
        }

        Object bareItem() {
            char c = peek();
            if (c == '"') {
                return string();
            }
            if (c == '-' || (c >= '0' && c <= '9')) {
                return integer();
            }
            if (c == ':') {
                return bytes();
            }
            if (c == '?') {
                next();
                char b = next();
                if (b != '0' && b != '1') {
                    throw new IllegalArgumentException("a boolean is ?0 or ?1");
                }
                return b == '1';
            }
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*') {
                int start = at;
                while (!done() && isTokenChar(peek())) {
                    at++;
                }
                return new Token(text.substring(start, at));
            }
            throw new IllegalArgumentException("no structured item at " + at);
        }

        private static boolean isTokenChar(char c) {
            return (c < 128 && Character.isLetterOrDigit(c)) || "!#$%&'*+-.^_`|~:/".indexOf(c) >= 0;
        }

        String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '\\') {
                    char escaped = next();
                    if (escaped != '"' && escaped != '\\') {
                        throw new IllegalArgumentException("only \\\" and \\\\ are escapes");
                    }
                    out.append(escaped);
                } else if (c == '"') {
                    return out.toString();
                } else if (c < 0x20 || c > 0x7e) {
                    throw new IllegalArgumentException("a structured string holds only printable ASCII");
                } else {
                    out.append(c);
                }
            }
        }

        Long integer() {
            int start = at;
            if (peek() == '-') {
                at++;
            }
            int digits = 0;
            while (peek() >= '0' && peek() <= '9') {
                at++;
                digits++;
            }
            if (digits == 0 || digits > 15) {
                throw new IllegalArgumentException("an integer has 1 to 15 digits");
            }
            if (peek() == '.') {
                throw new IllegalArgumentException("decimals are not used here");
            }
            return Long.parseLong(text.substring(start, at));
        }

        byte[] bytes() {
            expect(':');
            int end = text.indexOf(':', at);
            if (end < 0) {
                throw new IllegalArgumentException("a byte sequence ends with ':'");
            }
            String encoded = text.substring(at, end);
            at = end + 1;
            if (!encoded.matches("[A-Za-z0-9+/]*={0,2}")) {
                throw new IllegalArgumentException("a byte sequence is base64");
            }
            return Base64.getDecoder().decode(encoded);
        }
    }
}
