package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import orgshare.shared.testing.SentRequests;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

import java.util.ArrayList;
import java.util.List;

import static orgshare.shared.service.ExchangeFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reads that decide who may do what are sent with ConsistentRead, so a rotated key, a rule change, a leave or a
 * dissolve holds for the very next request. DynamoDB Local is always consistent, so only the request objects can
 * show it: an interceptor keeps them and the test reads the flag the SDK sends.
 */
class ConsistentReadsTest {
    private final SentRequests sent = new SentRequests();
    private final ExchangeFixture f = new ExchangeFixture(sent);

    private static boolean consistent(BatchGetItemRequest request) {
        return !request.requestItems().isEmpty() && request.requestItems().values().stream()
                .map(KeysAndAttributes::consistentRead).allMatch(Boolean.TRUE::equals);
    }

    @Test
    void theAuthorizersKeyLookupIsConsistent() {
        MerchantService.MerchantView merchant = f.app.merchants().create(Caller.operator(),
                new MerchantService.CreateMerchant("acme", "Keyed"));
        sent.clear();
        assertEquals(merchant.merchantId(), f.app.auth().authenticate("Bearer " + merchant.apiKey()).merchantId());
        List<GetItemRequest> lookups = sent.of(GetItemRequest.class);
        assertEquals(1, lookups.size(), "one key lookup: " + sent.all());
        assertEquals(Boolean.TRUE, lookups.get(0).consistentRead(), "a rotated key must fail on the very next request");
    }

    private final Caller owner = f.merchant("Owner");
    private final Caller partner = f.merchant("Partner");
    private final String g = f.group(owner, partner);

    /** The owner opens its orders to the partner, who may also push them. */
    private void shareOrders() {
        f.put(owner, "order", "O-1", "{}");
        f.set(g, rule(owner, partner, "order", "FULL", null, null, true));
    }

    @Test
    void pullPushAndRuleBatchesAuthorizeOnAConsistentRead() {
        sent.clear();
        shareOrders();
        List<BatchGetItemRequest> ruleReads = sent.of(BatchGetItemRequest.class);
        BatchGetItemRequest batchRead = ruleReads.get(ruleReads.size() - 1); // after the version read of f.set
        assertTrue(consistent(batchRead), "the rule batch reads the group and the members it names consistently: " + batchRead);

        sent.clear();
        f.pull(partner, g, owner, "order");
        assertEquals(1, sent.of(BatchGetItemRequest.class).size());
        assertTrue(consistent(sent.of(BatchGetItemRequest.class).get(0)), "pull authorization");
        assertEquals(Boolean.TRUE, sent.of(QueryRequest.class).get(0).consistentRead(), "a pull without since pages consistently");

        sent.clear();
        f.app.exchange().push(partner, g, owner.merchantId(), "order", "{}");
        assertEquals(1, sent.of(BatchGetItemRequest.class).size());
        assertTrue(consistent(sent.of(BatchGetItemRequest.class).get(0)), "push authorization");
    }

    /** A sweep over the routes' reads: only the eventually consistent index (gsi1) may be read without ConsistentRead. */
    @Test
    void everyReadOfTheTableItselfIsConsistent() {
        shareOrders();
        sent.clear();
        f.pull(partner, g, owner, "order");
        f.app.exchange().push(partner, g, owner.merchantId(), "order", "{}");
        f.app.inbox().list(owner, null, null, null);
        f.app.audit().list(owner, null, null);
        f.app.records().list(owner, "order", null, null, null);
        f.app.groups().get(partner, g, null, null);
        f.app.groups().listMine(partner, null, null);
        f.app.rules().list(partner, g, null, null);
        f.app.rules().providers(partner, g);
        f.app.memberships().leave(partner, g, "me");

        List<String> inconsistent = new ArrayList<>();
        for (SdkRequest request : sent.all()) {
            if (request instanceof GetItemRequest get && !Boolean.TRUE.equals(get.consistentRead())
                    || request instanceof BatchGetItemRequest batch && !consistent(batch)
                    || request instanceof QueryRequest query && query.indexName() == null && !Boolean.TRUE.equals(query.consistentRead())) {
                inconsistent.add(request.toString());
            }
        }
        assertFalse(sent.of(QueryRequest.class).isEmpty());
        assertEquals(List.of(), inconsistent, "reads of the table without ConsistentRead");
    }
}
