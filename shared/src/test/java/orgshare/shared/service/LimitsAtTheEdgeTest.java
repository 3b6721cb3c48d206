package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import orgshare.shared.error.ApiException;
import orgshare.shared.json.Json;
import orgshare.shared.testing.LargeGroup;
import orgshare.shared.testing.SentRequests;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static orgshare.shared.service.ExchangeFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every limit the README states, exactly at the limit (accepted) and one past it (refused, writing nothing). The
 * numbers are written out here as the README says them, never taken from the code's constants.
 */
class LimitsAtTheEdgeTest {
    private final SentRequests sent = new SentRequests();
    private final ExchangeFixture f = new ExchangeFixture(sent);
    private final Caller owner = f.merchant("Owner");
    private final Caller partner = f.merchant("Partner");
    private final String g = f.group(owner, partner);

    private ApiException refusal(Runnable call) {
        List<String> before = f.snapshot();
        ApiException refused = assertThrows(ApiException.class, call::run);
        assertEquals(before, f.snapshot(), "a refusal writes nothing");
        return refused;
    }

    private RuleService.Version change(List<RuleService.RuleInput> sets, List<RuleService.RuleRef> removes) {
        return f.app.rules().change(f.creator, g, new RuleService.RuleChanges(f.version(g), sets, removes));
    }

    @Test
    void aRuleBatchHoldsFiftyChangesNotFiftyOne() {
        List<RuleService.RuleInput> sets = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            sets.add(rule(owner, partner, "t" + i, "FULL"));
        }
        ApiException refused = refusal(() -> change(sets, null));
        assertEquals(400, refused.status());
        assertTrue(refused.getMessage().contains("at most 50 changes"), refused.getMessage());
        assertEquals(1, change(sets.subList(0, 50), null).version());
        assertEquals(50, f.app.rules().list(partner, g, "100", null).rules().size());
    }

    /** 1 version + changes + members named by sets + merchants named in all: 100 fit in one transaction, 101 do not. */
    @Test
    void aRuleBatchFitsOneHundredTransactionActionsNotOneHundredAndOne() {
        LargeGroup.addMembersWithRules(f.app.table(), g, owner.merchantId(), 32);
        List<RuleService.RuleInput> sets = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            String member = String.format("01JDSEED%018d", i);
            sets.add(new RuleService.RuleInput(owner.merchantId(), member, "stock", "FULL", null, null, false));
        }
        // 1 + 33 changes + 33 members (owner and 32 partners) + 34 merchants (those and the creator) = 101
        List<RuleService.RuleRef> oneMore = List.of(new RuleService.RuleRef(owner.merchantId(), String.format("01JDSEED%018d", 0), "order"));
        ApiException refused = refusal(() -> change(sets, oneMore));
        assertEquals(400, refused.status());
        assertTrue(refused.getMessage().contains("needs 101 writes"), refused.getMessage());

        // 1 + 32 changes + 33 members + 34 merchants = 100
        sent.clear();
        assertEquals(1, change(sets, null).version());
        List<TransactWriteItemsRequest> transactions = sent.of(TransactWriteItemsRequest.class);
        assertEquals(1, transactions.size());
        assertEquals(100, transactions.get(0).transactItems().size(), "the batch was one transaction of exactly 100 actions");
    }

    /** A body of {@code bytes} UTF-8 bytes as stored (compact), with a two-byte character in it. */
    private static String body(int bytes) {
        String head = "{\"note\":\"\u00e9";
        String tail = "\"}";
        int used = (head + tail).getBytes(StandardCharsets.UTF_8).length;
        String text = head + "x".repeat(bytes - used) + tail;
        assertEquals(bytes, text.getBytes(StandardCharsets.UTF_8).length);
        return text;
    }

    @Test
    void aBodyOf256KiBIsKeptAndOneByteMoreIsRefused() {
        int limit = 256 * 1024;
        f.set(g, rule(owner, partner, "doc", "FULL", null, null, true));
        f.put(owner, "doc", "D-1", body(limit));
        assertEquals(body(limit), Json.encode(f.pull(partner, g, owner, "doc").records().get(0).body()), "kept whole");
        assertEquals(413, refusal(() -> f.put(owner, "doc", "D-2", body(limit + 1))).status());
        assertNotNull(f.app.exchange().push(partner, g, owner.merchantId(), "doc", body(limit)).messageId());
        assertEquals(413, refusal(() -> f.app.exchange().push(partner, g, owner.merchantId(), "doc", body(limit + 1))).status());
    }

    @Test
    void typesHold64CharactersAndRecordIds128() {
        String type64 = "t".repeat(64);
        String id128 = "r".repeat(128);
        f.put(owner, type64, id128, "{}");
        assertEquals(List.of(id128), f.app.records().list(owner, type64, null, null, null).records().stream()
                .map(RecordService.RecordView::recordId).toList());
        assertEquals(400, refusal(() -> f.put(owner, type64 + "t", "r", "{}")).status(), "a type of 65");
        assertEquals(400, refusal(() -> f.put(owner, "t", id128 + "r", "{}")).status(), "a record ID of 129");
        assertEquals(400, refusal(() -> f.app.records().list(owner, type64 + "t", null, null, null)).status());
        f.set(g, rule(owner, partner, type64, "FULL"));
        assertEquals(List.of(id128), f.pulledIds(partner, g, owner, type64));
        assertEquals(400, refusal(() -> f.pull(partner, g, owner, type64 + "t")).status());
    }

    @Test
    void pagesHoldFiftyByDefaultAndOneToOneHundredOnRequest() {
        for (int i = 0; i < 101; i++) {
            f.put(owner, "order", String.format("O-%03d", i), "{}");
        }
        f.set(g, rule(owner, partner, "order", "FULL"));
        RecordService.RecordPage own = f.app.records().list(owner, "order", null, null, null);
        assertEquals(50, own.records().size(), "the default page");
        assertNotNull(own.cursor());
        RecordService.RecordPage pulled = f.app.exchange().pull(partner, g, owner.merchantId(), "order", null, null, null);
        assertEquals(50, pulled.records().size(), "the default page of a pull");
        assertEquals(100, f.app.records().list(owner, "order", null, "100", null).records().size());
        assertEquals(1, f.app.records().list(owner, "order", null, "1", null).records().size());
        for (String limit : List.of("101", "0", "-1")) {
            assertEquals(400, refusal(() -> f.app.records().list(owner, "order", null, limit, null)).status(), limit);
            assertEquals(400, refusal(() -> f.app.exchange().pull(partner, g, owner.merchantId(), "order", null, limit, null)).status(), limit);
            assertEquals(400, refusal(() -> f.app.inbox().list(owner, null, limit, null)).status(), limit);
        }
        RecordService.RecordPage last = f.app.records().list(owner, "order", null, "100", f.app.records().list(owner, "order", null, "1", null).cursor());
        assertEquals(100, last.records().size());
        assertNull(f.app.records().list(owner, "order", null, "100", last.cursor()).cursor(), "the records end: no cursor");
    }

    @Test
    void theInboxPageHoldsFiftyByDefault() {
        f.set(g, rule(owner, partner, "po", "NONE", null, null, true));
        for (int i = 0; i < 51; i++) {
            f.app.exchange().push(partner, g, owner.merchantId(), "po", "{}");
        }
        InboxService.InboxPage page = f.app.inbox().list(owner, null, null, null);
        assertEquals(50, page.items().size(), "the default page");
        assertEquals(1, f.app.inbox().list(owner, null, null, page.cursor()).items().size());
    }
}
