package orgshare.shared.json;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The JSON Canonicalization Scheme (RFC 8785): one text for one JSON value, whoever writes it, so that a signature over
 * it (a deletion receipt's) verifies in any language. Object members sorted by their names' UTF-16 code units, no
 * whitespace, strings escaped minimally, numbers as ECMAScript writes the IEEE-754 double they stand for (the fewest
 * digits that read back as that double, found here rather than taken from {@link Double#toString}, which keeps two
 * digits where one would do, and is not the shortest before Java 19).
 */
public final class CanonicalJson {
    private CanonicalJson() {
    }

    public static String of(JsonNode value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(JsonNode value, StringBuilder out) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            out.append("null");
        } else if (value.isBoolean()) {
            out.append(value.booleanValue());
        } else if (value.isNumber()) {
            out.append(number(value.doubleValue()));
        } else if (value.isTextual()) {
            string(value.textValue(), out);
        } else if (value.isArray()) {
            out.append('[');
            for (int i = 0; i < value.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(value.get(i), out);
            }
            out.append(']');
        } else if (value.isObject()) {
            List<String> names = new ArrayList<>();
            for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
                names.add(it.next());
            }
            names.sort(String::compareTo); // String order is UTF-16 code unit order, as the scheme sorts
            out.append('{');
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                string(names.get(i), out);
                out.append(':');
                write(value.get(names.get(i)), out);
            }
            out.append('}');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getNodeType());
        }
    }

    private static void string(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * The decimal with the fewest significant digits that reads back as {@code value}, and of those the closest to it:
     * the double's exact value rounded to 1, 2, ... 17 digits until one round-trips.
     */
    private static BigDecimal shortest(double value) {
        BigDecimal exact = new BigDecimal(value);
        for (int digits = 1; digits < 17; digits++) {
            BigDecimal candidate = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (candidate.doubleValue() == value) {
                return candidate.stripTrailingZeros();
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros();
    }

    /** ECMAScript's Number.prototype.toString for a finite double (RFC 8785 §3.2.2.3). */
    static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("JSON has no " + value);
        }
        if (value == 0) {
            return "0"; // and -0 too
        }
        String sign = value < 0 ? "-" : "";
        BigDecimal exact = shortest(Math.abs(value));
        String digits = exact.unscaledValue().toString();
        int k = digits.length();
        int n = k - exact.scale(); // value = 0.digits × 10^n
        StringBuilder out = new StringBuilder(sign);
        if (k <= n && n <= 21) {
            out.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            out.append('e').append(n - 1 >= 0 ? "+" : "-").append(Math.abs(n - 1));
        }
        return out.toString();
    }
}
