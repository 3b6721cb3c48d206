package orgshare.shared.rules;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Owner caps narrow the creator's rules and never widen them: every combination of the candidate rules and caps, and a
 * seeded run of random ones, against an independent reference that applies the deciding rule and the deciding cap to
 * each record one after the other (a record is seen only if both let it through; of it, only what both show).
 */
class ConsentTest {
    private static final String OWNER = "O";
    private static final String PARTNER = "P";
    private static final String TYPE = "order";
    private static final List<String> FIELDS = List.of("a", "b", "c");

    /** The candidate keys (partner, type), (partner, *), (*, type), (*, *), most specific first, as the reference knows them. */
    private static final List<String[]> CANDIDATES = List.of(new String[]{PARTNER, TYPE}, new String[]{PARTNER, "*"},
            new String[]{"*", TYPE}, new String[]{"*", "*"});

    private static List<ObjectNode> records() {
        List<ObjectNode> records = new ArrayList<>();
        for (String buyer : List.of("P", "Q")) {
            for (String region : List.of("north", "south")) {
                ObjectNode body = JsonNodeFactory.instance.objectNode();
                body.put("buyer", buyer).put("region", region).put("a", 1).put("b", "two").put("c", true);
                records.add(body);
            }
        }
        return records;
    }

    /** The reference's view of one record under one rule or cap: null when hidden, else the field names shown. */
    private static Set<String> view(Rule decides, ObjectNode body) {
        if (decides.scope() == Scope.NONE) {
            return null;
        }
        for (Map.Entry<String, String> condition : decides.filter().entrySet()) {
            String wanted = Rule.PARTNER_PLACEHOLDER.equals(condition.getValue()) ? PARTNER : condition.getValue();
            if (!body.has(condition.getKey()) || !body.get(condition.getKey()).asText().equals(wanted)) {
                return null;
            }
        }
        Set<String> shown = new TreeSet<>();
        if (decides.scope() == Scope.FULL) {
            body.fieldNames().forEachRemaining(shown::add);
        } else if (decides.scope() == Scope.FIELDS) {
            decides.fields().stream().filter(body::has).forEach(shown::add);
        }
        return shown;
    }

    private static Rule deciding(List<Rule> set) {
        for (String[] candidate : CANDIDATES) {
            for (Rule rule : set) {
                if (rule.partnerId().equals(candidate[0]) && rule.type().equals(candidate[1])) {
                    return rule;
                }
            }
        }
        return null;
    }

    /** What the reference lets the partner see: record index -> fields (absent: hidden). */
    private static Map<Integer, Set<String>> reference(List<Rule> rules, List<Rule> caps, List<ObjectNode> records) {
        Rule rule = deciding(rules);
        Rule cap = deciding(caps);
        Map<Integer, Set<String>> seen = new TreeMap<>();
        for (int i = 0; i < records.size(); i++) {
            Set<String> byRule = rule == null ? null : view(rule, records.get(i));
            Set<String> byCap = cap == null ? byRule == null ? null : allOf(records.get(i)) : view(cap, records.get(i));
            if (byRule != null && byCap != null) {
                Set<String> both = new TreeSet<>(byRule);
                both.retainAll(byCap);
                seen.put(i, both);
            }
        }
        return seen;
    }

    private static Set<String> allOf(ObjectNode body) {
        Set<String> all = new TreeSet<>();
        body.fieldNames().forEachRemaining(all::add);
        return all;
    }

    /** What the product shows: the effective resolution applied as pulls apply it. */
    private static Map<Integer, Set<String>> effective(List<Rule> rules, List<Rule> caps, List<ObjectNode> records) {
        Resolution granted = RuleResolver.resolve(rules, OWNER, PARTNER, TYPE);
        Resolution grant = Consent.narrow(granted, Consent.cap(caps, OWNER, PARTNER, TYPE));
        Map<Integer, Set<String>> seen = new TreeMap<>();
        if (!grant.canRead()) {
            return seen;
        }
        for (int i = 0; i < records.size(); i++) {
            if (RecordProjection.matches(grant, records.get(i))) {
                Optional<ObjectNode> body = RecordProjection.project(grant, records.get(i));
                seen.put(i, body.map(ConsentTest::allOf).orElse(new TreeSet<>()));
            }
        }
        return seen;
    }

    private static List<Rule> variants(String partner, String type) {
        List<Rule> all = new ArrayList<>();
        for (Scope scope : Scope.values()) {
            for (List<String> fields : scope == Scope.FIELDS ? List.of(List.of("a"), List.of("a", "b"), List.of("c")) : List.of(List.<String>of())) {
                for (Map<String, String> filter : List.of(Map.<String, String>of(), Map.of("buyer", Rule.PARTNER_PLACEHOLDER), Map.of("region", "north"), Map.of("buyer", "Q"))) {
                    for (boolean push : List.of(true, false)) {
                        all.add(new Rule(OWNER, partner, type, scope, fields, filter, push));
                    }
                }
            }
        }
        return all;
    }

    @Test
    void everyRuleAgainstEveryCapOfEveryKeyMatchesTheReference() {
        List<ObjectNode> records = records();
        int compared = 0;
        for (String[] ruleKey : CANDIDATES) {
            for (String[] capKey : CANDIDATES) {
                for (Rule rule : variants(ruleKey[0], ruleKey[1])) {
                    for (Rule cap : variants(capKey[0], capKey[1])) {
                        List<Rule> rules = List.of(rule);
                        List<Rule> caps = List.of(cap);
                        assertEquals(reference(rules, caps, records), effective(rules, caps, records), rule + " capped by " + cap);
                        Resolution grant = Consent.narrow(RuleResolver.resolve(rules, OWNER, PARTNER, TYPE),
                                Consent.cap(caps, OWNER, PARTNER, TYPE));
                        assertEquals(rule.push() && cap.push(), grant.push(), "push only if both allow");
                        compared++;
                    }
                }
            }
        }
        assertEquals(16 * 48 * 48, compared);
    }

    @Test
    void randomRuleAndCapSetsNeverShowMoreThanTheReference() {
        Random random = new Random(Long.getLong("orgshare.consent.seed", 20261130L));
        List<ObjectNode> records = records();
        for (int run = 0; run < 3_000; run++) {
            List<Rule> rules = pick(random);
            List<Rule> caps = pick(random);
            assertEquals(reference(rules, caps, records), effective(rules, caps, records), rules + " capped by " + caps);
        }
    }

    private static List<Rule> pick(Random random) {
        List<Rule> picked = new ArrayList<>();
        for (String[] key : CANDIDATES) {
            if (random.nextBoolean()) {
                List<Rule> options = variants(key[0], key[1]);
                picked.add(options.get(random.nextInt(options.size())));
            }
        }
        return picked;
    }

    @Test
    void noCapNarrowsNothingAndACapNeverWidens() {
        Resolution granted = new Resolution(Scope.FIELDS, List.of("a"), Map.of(), false);
        assertEquals(granted, Consent.narrow(granted, Optional.empty()), "no cap: as granted");
        Resolution wide = Consent.narrow(granted, Optional.of(new Resolution(Scope.FULL, List.of(), Map.of(), true)));
        assertEquals(Scope.FIELDS, wide.scope());
        assertEquals(List.of("a"), wide.fields());
        assertFalse(wide.push());
        Resolution disjoint = Consent.narrow(granted, Optional.of(new Resolution(Scope.FIELDS, List.of("b"), Map.of(), true)));
        assertEquals(Scope.SUMMARY, disjoint.scope(), "no field both open: the summary is what is left");
        Resolution contradiction = Consent.narrow(new Resolution(Scope.FULL, List.of(), Map.of("region", "north"), true),
                Optional.of(new Resolution(Scope.FULL, List.of(), Map.of("region", "south"), true)));
        assertFalse(contradiction.canRead(), "filters no row can meet at once");
        assertTrue(contradiction.push());
    }
}
