package orgshare.shared.validation;

import orgshare.shared.error.ApiException;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** Checks every user-supplied value before it reaches a key: fixed alphabets, bounded lengths, no '#'. */
public final class Validate {
    /** Generated IDs (merchants, groups): 26 characters of Crockford base32, as {@link orgshare.shared.ids.Ids} makes them. */
    private static final Pattern GENERATED_ID = Pattern.compile("[0-9A-HJKMNP-TV-Z]{26}");
    /** Operator-chosen cloud IDs: lowercase DNS-label style. */
    private static final Pattern CLOUD_ID = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    /** Record types: a letter or digit, then letters, digits, '.', '_' or '-'; 64 at most. */
    private static final Pattern RECORD_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** Record IDs are the owner's own (an order number, say): the type's alphabet plus ':', 128 at most. */
    private static final Pattern RECORD_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    /** Timestamps as the server writes them, 2026-11-25T10:00:00.000Z; the date and time are checked by parsing. */
    private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z");
    public static final int MAX_FIELD_NAME_LENGTH = 128;
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

    public static String recordType(String field, String value) {
        required(field, value);
        if (!RECORD_TYPE.matcher(value).matches()) {
            throw ApiException.validation("'" + field + "' must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }
        return value;
    }

    public static String recordId(String field, String value) {
        required(field, value);
        if (!RECORD_ID.matcher(value).matches()) {
            throw ApiException.validation("'" + field + "' must be 1 to 128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit.");
        }
        return value;
    }

    /** A top-level field name of a record body (in FIELDS scopes and row filters): 1 to 128 visible characters. */
    public static String fieldName(String field, String value) {
        required(field, value);
        if (value.isEmpty() || value.codePointCount(0, value.length()) > MAX_FIELD_NAME_LENGTH
                || value.codePoints().anyMatch(Validate::isForbiddenInName)) {
            throw ApiException.validation("'" + field + "' must be 1 to " + MAX_FIELD_NAME_LENGTH
                    + " characters with no control or invisible formatting characters.");
        }
        return value;
    }

    /** An ISO-8601 UTC timestamp ({@code ?since=}), or null when absent. */
    public static Instant timestamp(String field, String value) {
        if (value == null) {
            return null;
        }
        if (value.length() <= 40 && TIMESTAMP.matcher(value).matches()) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                // falls through to the one message
            }
        }
        throw ApiException.validation("'" + field + "' must be an ISO-8601 UTC timestamp such as 2026-11-25T10:00:00.000Z.");
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
        if (!raw.matches("[1-9][0-9]{0,3}")) { // as the description says: an integer, no sign, no leading zero
            throw ApiException.validation("'limit' must be a whole number from 1 to " + MAX_PAGE_SIZE + ".");
        }
        int limit = Integer.parseInt(raw);
        if (limit < 1 || limit > MAX_PAGE_SIZE) {
            throw ApiException.validation("'limit' must be a whole number from 1 to " + MAX_PAGE_SIZE + ".");
        }
        return limit;
    }
}
