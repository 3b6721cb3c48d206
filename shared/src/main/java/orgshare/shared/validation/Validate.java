package orgshare.shared.validation;

import orgshare.shared.error.ApiException;

import java.util.regex.Pattern;

/** Checks every user-supplied value before it reaches a key: fixed alphabets, bounded lengths, no '#'. */
public final class Validate {
    /** Generated IDs (merchants, groups): 26 characters of Crockford base32, as {@link orgshare.shared.ids.Ids} makes them. */
    private static final Pattern GENERATED_ID = Pattern.compile("[0-9A-HJKMNP-TV-Z]{26}");
    /** Operator-chosen cloud IDs: lowercase DNS-label style. */
    private static final Pattern CLOUD_ID = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    public static final int MAX_NAME_LENGTH = 200;
    public static final int MAX_PAGE_SIZE = 100;
    public static final int DEFAULT_PAGE_SIZE = 50;

    private Validate() {
    }

    public static String generatedId(String field, String value) {
        required(field, value);
        if (!GENERATED_ID.matcher(value).matches()) {
            throw ApiException.validation("'" + field + "' must be a 26-character ID of digits and capital letters.");
        }
        return value;
    }

    public static String cloudId(String value) {
        required("cloudId", value);
        if (!CLOUD_ID.matcher(value).matches()) {
            throw ApiException.validation(
                    "'cloudId' must be 1 to 63 lowercase letters, digits or '-', not starting or ending with '-'.");
        }
        return value;
    }

    /** A display name: 1 to 200 characters, no control characters, no leading or trailing space. */
    public static String name(String field, String value) {
        required(field, value);
        if (value.isEmpty() || value.codePointCount(0, value.length()) > MAX_NAME_LENGTH) {
            throw ApiException.validation("'" + field + "' must be 1 to " + MAX_NAME_LENGTH + " characters.");
        }
        if (!value.strip().equals(value)) {
            throw ApiException.validation("'" + field + "' must not start or end with white space.");
        }
        if (value.codePoints().anyMatch(Validate::isForbiddenInName)) {
            throw ApiException.validation("'" + field + "' must not contain control or invisible formatting characters.");
        }
        return value;
    }

    private static boolean isForbiddenInName(int cp) {
        int type = Character.getType(cp);
        return Character.isISOControl(cp) || type == Character.FORMAT || type == Character.SURROGATE
                || type == Character.UNASSIGNED || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.PRIVATE_USE;
    }

    public static <T> T required(String field, T value) {
        if (value == null) {
            throw ApiException.validation("'" + field + "' is required.");
        }
        return value;
    }

    /** Parses {@code ?limit=}: absent means the default, else 1 to {@link #MAX_PAGE_SIZE}. */
    public static int pageSize(String raw) {
        if (raw == null) {
            return DEFAULT_PAGE_SIZE;
        }
        if (!raw.matches("[0-9]{1,4}")) {
            throw ApiException.validation("'limit' must be a whole number from 1 to " + MAX_PAGE_SIZE + ".");
        }
        int limit = Integer.parseInt(raw);
        if (limit < 1 || limit > MAX_PAGE_SIZE) {
            throw ApiException.validation("'limit' must be a whole number from 1 to " + MAX_PAGE_SIZE + ".");
        }
        return limit;
    }
}
