package orgshare.shared.rules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's resolution: the most specific of (partner, type), (partner, *), (*, type), (*, *) wins as a whole. */
class RuleResolverTest {
    private static final String OWNER = "OWNER";
    private static final String PARTNER = "PARTNER";
    private static final String TYPE = "order";
    // each extends a real value, so a prefix or substring match would pick them up
    private static final String OTHER_OWNER = "OWNER2";
    private static final String OTHER_PARTNER = "PARTNER2";
    private static final String OTHER_TYPE = "order2";

    /** Where a deciding rule can sit, most specific first; written out here, not taken from the resolver. */
    private enum Level {
        PARTNER_TYPE(PARTNER, TYPE),
        PARTNER_ANY(PARTNER, "*"),
        ANY_TYPE("*", TYPE),
        ANY_ANY("*", "*");

        final String partnerId;
        final String type;

        Level(String partnerId, String type) {
            this.partnerId = partnerId;
            this.type = type;
        }

        boolean appliesTo(String queriedType) {
            return type.equals("*") || type.equals(queriedType);
        }
    }

    /** The rule at one level in a combination; null in a combination means no rule there. */
    private record Slot(Scope scope, boolean push) {
    }

    /** Per level: absent, or one of 4 scopes with push false or true. */
    private static final int STATES_PER_LEVEL = 1 + Scope.values().length * 2;

    private static Slot[] combination(int index) {
        Slot[] slots = new Slot[Level.values().length];
        for (int level = 0; level < slots.length; level++) {
            int state = index % STATES_PER_LEVEL;
            index /= STATES_PER_LEVEL;
            slots[level] = state == 0 ? null : new Slot(Scope.values()[(state - 1) / 2], (state - 1) % 2 == 1);
        }
        return slots;
    }

    // a FIELDS list and a filter unique to each level, so a resolution mixing two rules cannot pass
    private static List<String> fieldsOf(Level level) {
        return List.of("field_" + level.name(), "shared");
    }

    private static Rule ruleAt(Level level, Slot slot) {
        return new Rule(OWNER, level.partnerId, level.type, slot.scope(), fieldsOf(level),
                Map.of("level", level.name(), "buyerId", "${partner}"), slot.push());
    }

    /** The specification as a loop: the first present level that applies wins; none means NONE without push. */
    private static Resolution expected(Slot[] slots, String queriedType) {
        for (Level level : Level.values()) {
            Slot slot = slots[level.ordinal()];
            if (slot != null && level.appliesTo(queriedType)) {
                List<String> fields = slot.scope() == Scope.FIELDS ? fieldsOf(level) : List.of();
                return new Resolution(slot.scope(), fields, Map.of("level", level.name(), "buyerId", PARTNER), slot.push());
            }
        }
        return new Resolution(Scope.NONE, List.of(), Map.of(), false);
    }

    /** Generous rules that must never decide for (OWNER, PARTNER, TYPE) nor for (OWNER, PARTNER, *). */
    private static List<Rule> noise() {
        String[][] keys = {
                {OTHER_OWNER, PARTNER, TYPE}, {OTHER_OWNER, PARTNER, "*"}, {OTHER_OWNER, "*", TYPE}, {OTHER_OWNER, "*", "*"},
                {OWNER, OTHER_PARTNER, TYPE}, {OWNER, OTHER_PARTNER, "*"}, {OWNER, OTHER_PARTNER, OTHER_TYPE},
                {OWNER, PARTNER, OTHER_TYPE}, {OWNER, "*", OTHER_TYPE},
                {OWNER, PARTNER, "Order"}, // types are case-sensitive
                {PARTNER, OWNER, TYPE}, {PARTNER, OWNER, "*"}, // the partner's own rules toward the owner
        };
        List<Rule> noise = new ArrayList<>();
        for (String[] key : keys) {
            noise.add(new Rule(key[0], key[1], key[2], Scope.FULL, List.of("noise"),
                    Map.of("level", "noise " + String.join("#", key)), true));
        }
        return noise;
    }

    private static String describe(Slot[] slots) {
        StringBuilder text = new StringBuilder();
        for (Level level : Level.values()) {
            Slot slot = slots[level.ordinal()];
            text.append(level).append('=').append(slot == null ? "absent" : slot.scope() + (slot.push() ? "+push" : "")).append(' ');
        }
        return text.toString().trim();
    }

    private static String winner(Slot[] slots, String queriedType) {
        for (Level level : Level.values()) {
            Slot slot = slots[level.ordinal()];
            if (slot != null && level.appliesTo(queriedType)) {
                return level + " " + slot;
            }
        }
        return "no rule";
    }

    @Test
    void everyCombinationOfTheFourCandidateRulesResolvesToTheMostSpecificPresentOne() {
        int combinations = (int) Math.pow(STATES_PER_LEVEL, Level.values().length);
        assertEquals(6561, combinations);
        List<Rule> noise = noise();
        Set<String> concreteOutcomes = new HashSet<>();
        Set<String> anyTypeOutcomes = new HashSet<>();
        for (int index = 0; index < combinations; index++) {
            Slot[] slots = combination(index);
            List<Rule> rules = new ArrayList<>(noise);
            for (Level level : Level.values()) {
                if (slots[level.ordinal()] != null) {
                    rules.add(ruleAt(level, slots[level.ordinal()]));
                }
            }
            // the order rules arrive in (a BatchGetItem's is arbitrary) must not matter
            Collections.shuffle(rules, new Random(index));

            assertEquals(expected(slots, TYPE), RuleResolver.resolve(rules, OWNER, PARTNER, TYPE),
                    "type " + TYPE + ", " + describe(slots));
            assertEquals(expected(slots, "*"), RuleResolver.resolve(rules, OWNER, PARTNER, "*"),
                    "type *, " + describe(slots));
            concreteOutcomes.add(winner(slots, TYPE));
            anyTypeOutcomes.add(winner(slots, "*"));
        }
        // proves the enumeration reached every level winning with every scope and push, and the no-rule case
        assertEquals(4 * 4 * 2 + 1, concreteOutcomes.size());
        assertEquals(2 * 4 * 2 + 1, anyTypeOutcomes.size());
    }

    @Test
    void candidateKeysAreTheFourKeysMostSpecificFirst() {
        assertEquals(List.of("OWNER#PARTNER#order", "OWNER#PARTNER#*", "OWNER#*#order", "OWNER#*#*"),
                RuleResolver.candidateKeys(OWNER, PARTNER, TYPE));
    }

    @Test
    void aRuleKeyIsOwnerPartnerAndTypeJoinedByHashes() {
        assertEquals("OWNER#*#order", new Rule(OWNER, "*", TYPE, Scope.FULL, null, null, false).key());
        assertEquals("OWNER#PARTNER#*", Rule.key(OWNER, PARTNER, Rule.ANY));
    }

    @Test
    void noRuleMeansNoneWithoutPush() {
        Resolution nothing = RuleResolver.resolve(List.of(), OWNER, PARTNER, TYPE);
        assertEquals(Resolution.NOTHING, nothing);
        assertEquals(Scope.NONE, nothing.scope());
        assertFalse(nothing.push());
        assertFalse(nothing.canRead());
        assertTrue(nothing.fields().isEmpty());
        assertTrue(nothing.filter().isEmpty());
    }

    @Test
    void onlyUnrelatedRulesMeanNoneWithoutPush() {
        assertEquals(Resolution.NOTHING, RuleResolver.resolve(noise(), OWNER, PARTNER, TYPE));
        assertEquals(Resolution.NOTHING, RuleResolver.resolve(noise(), OWNER, PARTNER, "*"));
    }

    @Test
    void aNoneRuleHidesWhatABroaderRuleGrants() {
        List<Rule> rules = List.of(
                new Rule(OWNER, PARTNER, TYPE, Scope.NONE, null, null, false),
                new Rule(OWNER, "*", "*", Scope.FULL, null, null, true));
        Resolution resolution = RuleResolver.resolve(rules, OWNER, PARTNER, TYPE);
        assertEquals(Scope.NONE, resolution.scope());
        assertFalse(resolution.canRead());
        assertFalse(resolution.push(), "the winner's push holds, not the broader rule's");
        // the broader grant still reaches the types the NONE rule does not name
        assertEquals(Scope.FULL, RuleResolver.resolve(rules, OWNER, PARTNER, OTHER_TYPE).scope());
    }

    @Test
    void aPartnerWideRuleBeatsATypeRuleForEveryPartner() {
        List<Rule> rules = List.of(
                new Rule(OWNER, PARTNER, "*", Scope.SUMMARY, null, null, false),
                new Rule(OWNER, "*", TYPE, Scope.FULL, null, null, true));
        assertEquals(new Resolution(Scope.SUMMARY, List.of(), Map.of(), false), RuleResolver.resolve(rules, OWNER, PARTNER, TYPE));
        assertEquals(new Resolution(Scope.FULL, List.of(), Map.of(), true), RuleResolver.resolve(rules, OWNER, OTHER_PARTNER, TYPE));
    }

    @Test
    void aNoneRuleStillCarriesItsPush() {
        // the winning rule decides as a whole: reading and pushing are separate grants
        Resolution resolution = RuleResolver.resolve(List.of(new Rule(OWNER, PARTNER, TYPE, Scope.NONE, null, null, true),
                new Rule(OWNER, "*", "*", Scope.FULL, null, null, false)), OWNER, PARTNER, TYPE);
        assertFalse(resolution.canRead());
        assertTrue(resolution.push());
    }

    @Test
    void aTypeWildcardQueryUsesOnlyTheTypeWildcardRules() {
        List<Rule> typed = List.of(
                new Rule(OWNER, PARTNER, TYPE, Scope.FULL, null, null, true),
                new Rule(OWNER, "*", TYPE, Scope.FULL, null, null, true));
        assertEquals(Resolution.NOTHING, RuleResolver.resolve(typed, OWNER, PARTNER, "*"));

        List<Rule> withEveryType = new ArrayList<>(typed);
        withEveryType.add(new Rule(OWNER, "*", "*", Scope.SUMMARY, null, null, false));
        assertEquals(Scope.SUMMARY, RuleResolver.resolve(withEveryType, OWNER, PARTNER, "*").scope());
        withEveryType.add(new Rule(OWNER, PARTNER, "*", Scope.NONE, null, null, false));
        assertEquals(Scope.NONE, RuleResolver.resolve(withEveryType, OWNER, PARTNER, "*").scope());
    }

    @Test
    void thePartnerPlaceholderBecomesTheCallersMerchantId() {
        List<Rule> rules = List.of(new Rule(OWNER, "*", TYPE, Scope.FULL, null,
                Map.of("buyerId", "${partner}", "region", "EU"), false));
        assertEquals(Map.of("buyerId", PARTNER, "region", "EU"), RuleResolver.resolve(rules, OWNER, PARTNER, TYPE).filter());
        // one shared rule, a different filter per caller
        assertEquals(Map.of("buyerId", OTHER_PARTNER, "region", "EU"), RuleResolver.resolve(rules, OWNER, OTHER_PARTNER, TYPE).filter());
    }

    @Test
    void thePlaceholderIsReplacedInEveryConditionThatHoldsIt() {
        List<Rule> rules = List.of(new Rule(OWNER, PARTNER, TYPE, Scope.SUMMARY, null,
                Map.of("buyerId", "${partner}", "payerId", "${partner}"), false));
        assertEquals(Map.of("buyerId", PARTNER, "payerId", PARTNER), RuleResolver.resolve(rules, OWNER, PARTNER, TYPE).filter());
    }

    @ParameterizedTest
    @ValueSource(strings = {"EU", "", "${partner}x", "x${partner}", " ${partner}", "${PARTNER}", "$partner", "{partner}",
            "${partner", "$${partner}", OTHER_PARTNER, "*"})
    void aValueOtherThanExactlyThePlaceholderStaysLiteral(String literal) {
        List<Rule> rules = List.of(new Rule(OWNER, PARTNER, TYPE, Scope.FULL, null, Map.of("buyerId", literal), false));
        assertEquals(Map.of("buyerId", literal), RuleResolver.resolve(rules, OWNER, PARTNER, TYPE).filter());
    }

    @Test
    void aFilterKeyIsNeverSubstituted() {
        List<Rule> rules = List.of(new Rule(OWNER, PARTNER, TYPE, Scope.FULL, null, Map.of("${partner}", "x"), false));
        assertEquals(Map.of("${partner}", "x"), RuleResolver.resolve(rules, OWNER, PARTNER, TYPE).filter());
    }

    @Test
    void theWinningRuleIsNotChangedBySubstitution() {
        Rule rule = new Rule(OWNER, "*", TYPE, Scope.FULL, null, Map.of("buyerId", "${partner}"), false);
        RuleResolver.resolve(List.of(rule), OWNER, PARTNER, TYPE);
        assertEquals(Map.of("buyerId", "${partner}"), rule.filter());
    }

    @Test
    void aFieldsResolutionCarriesTheRulesFieldsInOrder() {
        List<String> fields = List.of("total", "status", "buyerId");
        Resolution resolution = RuleResolver.resolve(
                List.of(new Rule(OWNER, PARTNER, TYPE, Scope.FIELDS, fields, null, false)), OWNER, PARTNER, TYPE);
        assertEquals(Scope.FIELDS, resolution.scope());
        assertEquals(fields, resolution.fields());
    }

    @ParameterizedTest
    @EnumSource(value = Scope.class, names = "FIELDS", mode = EnumSource.Mode.EXCLUDE)
    void anyOtherScopeCarriesNoFieldsEvenIfTheRuleListsSome(Scope scope) {
        // RuleService refuses such a rule; the resolver must not depend on that to keep fields out of other scopes
        Resolution resolution = RuleResolver.resolve(
                List.of(new Rule(OWNER, PARTNER, TYPE, scope, List.of("total"), null, false)), OWNER, PARTNER, TYPE);
        assertEquals(scope, resolution.scope());
        assertEquals(List.of(), resolution.fields());
    }

    @ParameterizedTest
    @EnumSource(Scope.class)
    void everyScopeButNoneCanRead(Scope scope) {
        assertEquals(scope != Scope.NONE, new Resolution(scope, List.of(), Map.of(), false).canRead());
    }

    @Test
    void scopesAreOrderedFromNothingToEverything() {
        assertEquals(List.of(Scope.NONE, Scope.SUMMARY, Scope.FIELDS, Scope.FULL), List.of(Scope.values()));
        assertTrue(Scope.NONE.compareTo(Scope.SUMMARY) < 0);
        assertTrue(Scope.SUMMARY.compareTo(Scope.FIELDS) < 0);
        assertTrue(Scope.FIELDS.compareTo(Scope.FULL) < 0);
    }

    @Test
    void aRuleAndAResolutionKeepTheirOwnCopies() {
        List<String> fields = new ArrayList<>(List.of("total"));
        Map<String, String> filter = new HashMap<>(Map.of("buyerId", "${partner}"));
        Rule rule = new Rule(OWNER, PARTNER, TYPE, Scope.FIELDS, fields, filter, false);
        fields.add("secret");
        filter.put("region", "EU");
        assertEquals(List.of("total"), rule.fields());
        assertEquals(Map.of("buyerId", "${partner}"), rule.filter());

        Resolution resolution = RuleResolver.resolve(List.of(rule), OWNER, PARTNER, TYPE);
        assertThrows(UnsupportedOperationException.class, () -> resolution.fields().add("secret"));
        assertThrows(UnsupportedOperationException.class, () -> resolution.filter().put("region", "EU"));
    }

    @Test
    void aRuleWithoutFieldsOrFilterHasEmptyOnes() {
        Rule rule = new Rule(OWNER, PARTNER, TYPE, Scope.FULL, null, null, true);
        assertEquals(List.of(), rule.fields());
        assertEquals(Map.of(), rule.filter());
    }
}
