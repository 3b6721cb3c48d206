package orgshare.shared.service;

import orgshare.shared.db.Cursors;
import orgshare.shared.db.TableDefinition;
import orgshare.shared.validation.Validate;
import software.amazon.awssdk.enhanced.dynamodb.model.Page;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;

/** Page positions of the time-ordered logs (inbox, audit): sort keys {@code <timestamp>#<generated id>}. */
final class Positions {
    private Positions() {
    }

    /** Checks a decoded cursor position of a time-ordered log. */
    static String timeAndId(String position) {
        int hash = position.indexOf('#');
        if (hash < 0) {
            throw Cursors.invalid();
        }
        Validate.timestamp("cursor", position.substring(0, hash));
        Validate.generatedId("cursor", position.substring(hash + 1));
        return position;
    }

    /** The sort key DynamoDB stopped at, or null on the last page. */
    static String lastSortKey(Page<?> page) {
        Map<String, AttributeValue> last = page.lastEvaluatedKey();
        return last == null || last.isEmpty() ? null : last.get(TableDefinition.SK).s();
    }
}
