package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import orgshare.shared.db.OrgTable;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static orgshare.shared.service.ExchangeFixture.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every documented limit of a rule batch admits a batch exactly at it; one past it is refused and writes nothing. */
class RuleBatchLimitsTest {
    @Test
    void aFieldsRuleListsUpTo50Fields() {
        ExchangeFixture f = new ExchangeFixture();
        Caller a = f.merchant("A");
        Caller b = f.merchant("B");
        String g = f.group(a, b);
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < RuleService.MAX_FIELDS; i++) {
            fields.add("field" + i);
        }
        f.set(g, rule(a, b, "order", "FIELDS", fields, null, false));
        assertEquals(fields, f.app.rules().list(b, g, null, null).rules().get(0).fields());
        List<String> oneMore = new ArrayList<>(fields);
        oneMore.add("field50");
        f.refused("VALIDATION_FAILED", () -> f.set(g, rule(a, b, "stock", "FIELDS", oneMore, null, false)));
    }

    @Test
    void aFilterHoldsUpTo10ConditionsOfUpTo1024Characters() {
        ExchangeFixture f = new ExchangeFixture();
        Caller a = f.merchant("A");
        Caller b = f.merchant("B");
        String g = f.group(a, b);
        Map<String, String> filter = new LinkedHashMap<>();
        for (int i = 0; i < RuleService.MAX_FILTER_CONDITIONS; i++) {
            filter.put("f" + i, i == 0 ? "v".repeat(RuleService.MAX_FILTER_VALUE_LENGTH) : "v" + i);
        }
        f.set(g, rule(a, b, "order", "FULL", null, filter, false));
        assertEquals(filter, f.app.rules().list(b, g, null, null).rules().get(0).filter());
        Map<String, String> oneMore = new LinkedHashMap<>(filter);
        oneMore.put("f10", "v10");
        f.refused("VALIDATION_FAILED", () -> f.set(g, rule(a, b, "stock", "FULL", null, oneMore, false)));
    }

    @Test
    void aBatchFillingExactlyOneTransactionIsApplied() {
        ExchangeFixture f = new ExchangeFixture();
        List<Caller> partners = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            partners.add(f.merchant("Partner " + i));
        }
        String g = f.group(partners.toArray(Caller[]::new));
        List<RuleService.RuleInput> wildcards = new ArrayList<>();
        for (int i = 0; i < 26; i++) {
            wildcards.add(rule(f.creator, "*", "type" + i, "SUMMARY"));
        }
        long version = f.set(g, wildcards.toArray(RuleService.RuleInput[]::new));

        // 1 version + (24 sets + 25 removals) + 25 member checks (creator and partners) + 25 audit events = 100
        List<RuleService.RuleInput> sets = partners.stream().map(p -> rule(f.creator, p, "order", "FULL")).toList();
        List<RuleService.RuleRef> removes = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            removes.add(new RuleService.RuleRef(f.creator.merchantId(), "*", "type" + i));
        }
        assertEquals(OrgTable.MAX_TRANSACTION, 1 + sets.size() + removes.size() + 25 + 25);
        long next = f.app.rules().change(f.creator, g, new RuleService.RuleChanges(version, sets, removes)).version();
        assertEquals(version + 1, next);
        assertEquals(24 + 1, f.app.rules().list(f.creator, g, "100", null).rules().size(), "24 sets and the one wildcard kept");

        // 101: one more set (a wildcard, so no member is added)
        List<RuleService.RuleInput> oneSetMore = new ArrayList<>(sets);
        oneSetMore.add(rule(f.creator, "*", "extra", "SUMMARY"));
        f.refused("VALIDATION_FAILED", () -> f.app.rules().change(f.creator, g,
                new RuleService.RuleChanges(next, oneSetMore, removes)));
    }
}
