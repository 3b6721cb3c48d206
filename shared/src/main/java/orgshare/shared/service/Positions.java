package orgshare.shared.service;

import orgshare.shared.db.Cursors;
import orgshare.shared.db.TableDefinition;
import orgshare.shared.time.Timestamps;
import orgshare.shared.validation.Validate;
import software.amazon.awssdk.enhanced.dynamodb.model.Page;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Page positions of the time-ordered logs (inbox, audit): sort keys {@code <timestamp>#<generated id>}. */
final class Positions {
    private Positions() {
    }

    /** Checks a decoded cursor position of a time-ordered log. */
    static String timeAndId(String position) {
        return timeAnd(position, id -> Validate.generatedId("cursor", id), null);
    }

    /**
     * Checks a position {@code <timestamp>#<id>}: both parts, and, with {@code after} (from {@link #after}), that it
     * lies inside the range a {@code since} selects.
     */
    static String timeAnd(String position, UnaryOperator<String> idCheck, String after) {
        int hash = position.indexOf('#');
        if (hash < 0) {
            throw Cursors.invalid();
        }
        Validate.timestamp("cursor", position.substring(0, hash));
        idCheck.apply(position.substring(hash + 1));
        if (after != null && position.compareTo(after) <= 0) {
            throw Cursors.invalid();
        }
        return position;
    }

    /** The sort key just after every {@code <since>#<id>} ('$' follows '#'), or null without {@code since}. */
    static String after(Instant since) {
        return since == null ? null : Timestamps.format(since) + "$";
    }

    /** The sort key DynamoDB stopped at, or null on the last page. */
    static String lastSortKey(Page<?> page) {
        Map<String, AttributeValue> last = page.lastEvaluatedKey();
        return last == null || last.isEmpty() ? null : last.get(TableDefinition.SK).s();
    }
}
