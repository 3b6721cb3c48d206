package orgshare.shared.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Seeded random valid JSON documents, written in the many ways JSON allows: numbers in every form (negative zero,
 * exponents in either case with and without a sign, leading-zero fractions, trailing zeros, long digit strings),
 * strings with every escape ({@code \/} and backslash-u escapes in either case included), astral-plane characters
 * raw and as escaped pairs, nested objects and arrays, empty containers, whitespace between tokens. Exponents stay
 * within the service's +-1000 bound and documents far below its size limit, so every document is one it must keep.
 */
public final class RandomJson {
    /** A document's text, and its top-level fields: each decoded name with its value's text as written. */
    public record Document(String text, Map<String, String> fields) {
    }

    private static final int MAX_DEPTH = 4;
    private static final JsonFactory PLAIN = new JsonFactory();

    private final Random random;
    private final List<String> commonKeys;

    /** {@code commonKeys}: names top-level fields often take (so that a FIELDS rule finds some). */
    public RandomJson(Random random, List<String> commonKeys) {
        this.random = random;
        this.commonKeys = commonKeys;
    }

    public Document document() {
        Map<String, String> fields = new LinkedHashMap<>();
        int size = random.nextInt(9);
        for (int i = 0; i < size; i++) {
            String name = random.nextInt(3) == 0 ? text() : commonKeys.get(random.nextInt(commonKeys.size()));
            fields.putIfAbsent(name, value(1));
        }
        return new Document(space() + object(fields) + space(), fields);
    }

    private String value(int depth) {
        int kinds = depth >= MAX_DEPTH ? 4 : 6;
        return switch (random.nextInt(kinds)) {
            case 0, 1 -> number();
            case 2 -> string(text());
            case 3 -> List.of("true", "false", "null").get(random.nextInt(3));
            case 4 -> {
                Map<String, String> fields = new LinkedHashMap<>();
                int size = random.nextInt(5);
                for (int i = 0; i < size; i++) {
                    fields.putIfAbsent(text(), value(depth + 1));
                }
                yield object(fields);
            }
            default -> {
                List<String> items = new ArrayList<>();
                int size = random.nextInt(5);
                for (int i = 0; i < size; i++) {
                    items.add(value(depth + 1));
                }
                yield "[" + space() + String.join("," + space(), items) + space() + "]";
            }
        };
    }

    private String object(Map<String, String> fields) {
        List<String> members = new ArrayList<>();
        fields.forEach((name, value) -> members.add(space() + string(name) + space() + ":" + space() + value + space()));
        return "{" + (members.isEmpty() ? space() : String.join(",", members)) + "}";
    }

    private String space() {
        return switch (random.nextInt(12)) {
            case 0 -> " ";
            case 1 -> "\n  ";
            case 2 -> "\t";
            case 3 -> "\r\n";
            default -> "";
        };
    }

    /** A JSON number in one of its many spellings. */
    public String number() {
        String sign = random.nextInt(3) == 0 ? "-" : "";
        return sign + switch (random.nextInt(8)) {
            case 0 -> List.of("0", "0.0", "0.000", "0e0", "0E+5", "0.0e-7").get(random.nextInt(6));
            case 1 -> digits(1 + random.nextInt(random.nextInt(10) == 0 ? 300 : 19));
            case 2 -> "0." + "0".repeat(random.nextInt(12)) + digits(1 + random.nextInt(8));
            case 3 -> digits(1 + random.nextInt(6)) + "." + digits(1 + random.nextInt(4)) + "0".repeat(1 + random.nextInt(3));
            case 4 -> digits(1 + random.nextInt(40)) + "." + anyDigits(1 + random.nextInt(40));
            default -> mantissa() + exponent();
        };
    }

    private String mantissa() {
        String whole = random.nextInt(4) == 0 ? "0" : digits(1 + random.nextInt(4));
        return random.nextBoolean() ? whole : whole + "." + anyDigits(1 + random.nextInt(6));
    }

    /** An exponent whose value keeps the number within +-1000 (the mantissa has at most 10 digits). */
    private String exponent() {
        String marker = random.nextBoolean() ? "e" : "E";
        String sign = List.of("", "+", "-").get(random.nextInt(3));
        int value = random.nextInt(4) == 0 ? random.nextInt(980) : random.nextInt(30);
        return marker + sign + "0".repeat(random.nextInt(5) == 0 ? 1 + random.nextInt(2) : 0) + value;
    }

    /** {@code n} digits, the first not a zero. */
    private String digits(int n) {
        return (1 + random.nextInt(9)) + anyDigits(n - 1);
    }

    private String anyDigits(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('0' + random.nextInt(10)));
        }
        return sb.toString();
    }

    /** Decoded text: ASCII, controls, quotes and slashes, the BMP (no surrogates), the astral planes. */
    private String text() {
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(10);
        for (int i = 0; i < n; i++) {
            int cp = switch (random.nextInt(7)) {
                case 0 -> 0x20 + random.nextInt(0x5F);
                case 1 -> random.nextInt(0x20);
                case 2 -> "\"\\/".charAt(random.nextInt(3));
                case 3 -> 0x80 + random.nextInt(0x780);
                case 4 -> {
                    int c = 0x800 + random.nextInt(0x10000 - 0x800 - 0x800);
                    yield c >= 0xD800 ? c + 0x800 : c; // past the surrogates
                }
                case 5 -> 0x1F300 + random.nextInt(0x300); // emoji
                default -> 0x10000 + random.nextInt(0x100000);
            };
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    /** {@code value} as a JSON string literal, each character written raw or escaped, as JSON allows. */
    public String string(String value) {
        StringBuilder sb = new StringBuilder("\"");
        value.codePoints().forEach(cp -> {
            boolean escape = random.nextInt(4) == 0;
            if (cp < 0x20) {
                String shortForm = switch (cp) {
                    case '\b' -> "\\b";
                    case '\f' -> "\\f";
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    case '\t' -> "\\t";
                    default -> null;
                };
                sb.append(shortForm != null && random.nextBoolean() ? shortForm : unicodeEscape(cp));
            } else if (cp == '"' || cp == '\\') {
                sb.append(escape ? unicodeEscape(cp) : "\\" + (char) cp);
            } else if (cp == '/') {
                sb.append(escape ? (random.nextBoolean() ? "\\/" : unicodeEscape(cp)) : "/");
            } else if (!escape) {
                sb.appendCodePoint(cp);
            } else {
                for (char c : Character.toChars(cp)) {
                    sb.append(unicodeEscape(c));
                }
            }
        });
        return sb.append('"').toString();
    }

    private String unicodeEscape(int c) {
        String hex = String.format(Locale.ROOT, "%04x", c);
        return "\\u" + (random.nextBoolean() ? hex : hex.toUpperCase(Locale.ROOT));
    }

    /**
     * A JSON text as its tokens, strings and names decoded and numbers as written: two texts with the same tokens
     * are the same value with every number spelled the same ({@code 12.50} is not {@code 12.5}).
     */
    public static List<String> tokens(String json) {
        List<String> tokens = new ArrayList<>();
        try (JsonParser parser = PLAIN.createParser(json)) {
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                tokens.add(switch (t) {
                    case FIELD_NAME, VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> t + " " + parser.getText();
                    default -> t.toString();
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
        return tokens;
    }
}
