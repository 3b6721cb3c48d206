package orgshare.shared.db;

import orgshare.shared.error.ApiException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.UnaryOperator;

/**
 * Opaque page cursors. A cursor carries only the position inside the caller's own partition; the partition
 * itself always comes from the request, so no cursor can be forged into another owner's data.
 */
public final class Cursors {
    private static final String VERSION = "1:";

    private Cursors() {
    }

    public static String encode(String position) {
        return position == null ? null
                : Base64.getUrlEncoder().withoutPadding().encodeToString((VERSION + position).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Decodes {@code ?cursor=}; {@code validate} checks the position and returns it, or throws.
     * Absent means the first page.
     */
    public static String decode(String cursor, UnaryOperator<String> validate) {
        if (cursor == null) {
            return null;
        }
        String text;
        try {
            if (cursor.length() > 512) {
                throw new IllegalArgumentException("too long");
            }
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        if (!text.startsWith(VERSION)) {
            throw invalid();
        }
        try {
            return validate.apply(text.substring(VERSION.length()));
        } catch (ApiException e) {
            throw invalid();
        }
    }

    public static ApiException invalid() {
        return ApiException.badRequest("INVALID_CURSOR", "The 'cursor' is not one this list returned; start again without it.");
    }
}
