package orgshare.shared.service;

import orgshare.shared.Orgshare;
import orgshare.shared.auth.Caller;
import orgshare.shared.error.ApiException;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.testing.TableSnapshot;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A cloud, merchants and a group on a fresh DynamoDB Local table, with short ways to set rules and exchange. */
final class ExchangeFixture {
    final Orgshare app;
    final Caller creator;

    ExchangeFixture(ExecutionInterceptor... interceptors) {
        this(DynamoDbLocal.newApp(DynamoDbLocal.client(interceptors), Map.of()));
    }

    /** On an application of the test's own making (a clock it moves, say). */
    ExchangeFixture(Orgshare app) {
        this.app = app;
        app.clouds().register(Caller.operator(), new CloudService.CreateCloud("acme", "Acme"));
        creator = merchant("Creator");
    }

    Caller merchant(String name) {
        MerchantService.MerchantView view = app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("acme", name));
        return Caller.merchant(view.merchantId(), "acme");
    }

    /** A group created by {@link #creator} with the given merchants as ACTIVE members. */
    String group(Caller... members) {
        String groupId = app.groups().create(creator, new GroupService.CreateGroup("Network")).groupId();
        Arrays.stream(members).forEach(m -> join(groupId, m));
        return groupId;
    }

    void join(String groupId, Caller member) {
        app.memberships().invite(creator, groupId, new MembershipService.InviteMember(member.merchantId()));
        app.memberships().join(member, groupId);
    }

    long version(String groupId) {
        return app.rules().list(creator, groupId, "1", null).version();
    }

    /** Applies rule sets at the current version; returns the new version. */
    long set(String groupId, RuleService.RuleInput... rules) {
        return app.rules().change(creator, groupId, new RuleService.RuleChanges(version(groupId), List.of(rules), null)).version();
    }

    static RuleService.RuleInput rule(Caller owner, Object partner, String type, String scope) {
        return rule(owner, partner, type, scope, null, null, false);
    }

    /** {@code partner} is a Caller or "*". */
    static RuleService.RuleInput rule(Caller owner, Object partner, String type, String scope, List<String> fields,
                                      Map<String, String> filter, boolean push) {
        String partnerId = partner instanceof Caller c ? c.merchantId() : (String) partner;
        return new RuleService.RuleInput(owner.merchantId(), partnerId, type, scope, fields, filter, push);
    }

    /** An owner's cap; {@code partner} is a Caller or "*". */
    static ConsentService.CapInput cap(Object partner, String type, String maxScope, List<String> fields,
                                       Map<String, String> filter, Boolean push) {
        String partnerId = partner instanceof Caller c ? c.merchantId() : (String) partner;
        return new ConsentService.CapInput(partnerId, type, maxScope, fields, filter, push);
    }

    void put(Caller owner, String type, String recordId, String json) {
        app.records().put(owner, type, recordId, json);
    }

    RecordService.RecordPage pull(Caller partner, String groupId, Caller owner, String type) {
        return app.exchange().pull(partner, groupId, owner.merchantId(), type, null, null, null);
    }

    List<String> pulledIds(Caller partner, String groupId, Caller owner, String type) {
        return pull(partner, groupId, owner, type).records().stream().map(RecordService.RecordView::recordId).toList();
    }

    List<String> snapshot() {
        return TableSnapshot.of(app.table().client(), app.table().name());
    }

    static String code(Runnable call) {
        return assertThrows(ApiException.class, call::run).code();
    }

    /** Asserts the call is refused with {@code code} and writes nothing. */
    void refused(String code, Runnable call) {
        List<String> before = snapshot();
        assertEquals(code, code(call));
        assertEquals(before, snapshot(), "a refused call (" + code + ") wrote nothing");
    }
}
