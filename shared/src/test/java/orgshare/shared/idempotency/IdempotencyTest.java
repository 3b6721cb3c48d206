package orgshare.shared.idempotency;

import orgshare.shared.Orgshare;
import orgshare.shared.auth.Caller;
import orgshare.shared.error.ApiException;
import orgshare.shared.service.CloudService;
import orgshare.shared.service.ExchangeService;
import orgshare.shared.service.GroupService;
import orgshare.shared.service.MembershipService;
import orgshare.shared.service.MerchantService;
import orgshare.shared.service.RecordService;
import orgshare.shared.service.RuleService;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.testing.TableSnapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Idempotency-Key against DynamoDB Local: retries, sequential and concurrent, get the first answer and write nothing twice. */
class IdempotencyTest {
    private Orgshare app;
    private Caller operator;

    @BeforeEach
    void setUp() {
        app = DynamoDbLocal.newApp(DynamoDbLocal.client(), Map.of());
        operator = Caller.operator();
        app.clouds().register(operator, new CloudService.CreateCloud("acme", "Acme"));
    }

    private Caller merchant(String name) {
        return Caller.merchant(app.merchants().create(operator, new MerchantService.CreateMerchant("acme", name)).merchantId(), "acme");
    }

    private List<String> table() {
        return TableSnapshot.of(app.table().client(), app.table().name());
    }

    /** Runs {@code retry} from {@code n} threads at once and returns what each got. */
    private static <T> List<T> concurrently(int n, Callable<T> retry) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                return retry.call();
            }));
        }
        start.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            results.add(future.get());
        }
        pool.shutdown();
        return results;
    }

    @Test
    void aRetriedMerchantCreationReturnsTheSameMerchantAndKeyWithoutStoringTheKey() {
        MerchantService.CreateMerchant request = new MerchantService.CreateMerchant("acme", "Supplier");
        MerchantService.MerchantView first = app.merchants().create(operator, request, "create-supplier-1");
        List<String> after = table();
        MerchantService.MerchantView retried = app.merchants().create(operator, request, "create-supplier-1");
        assertEquals(first, retried, "the same merchant, with the same key");
        assertEquals(after, table(), "the retry wrote nothing");
        assertFalse(after.stream().anyMatch(row -> row.contains(first.apiKey())), "the key is not stored in clear");
        assertFalse(after.stream().anyMatch(row -> row.contains("create-supplier-1")), "nor is the Idempotency-Key");
        assertEquals(first.merchantId(), app.auth().authenticate("Bearer " + retried.apiKey()).merchantId());

        assertEquals("IDEMPOTENCY_KEY_REUSED", assertThrows(ApiException.class, () -> app.merchants().create(operator,
                new MerchantService.CreateMerchant("acme", "Someone else"), "create-supplier-1")).code());
        assertNotEquals(first.merchantId(), app.merchants().create(operator, request, "create-supplier-2").merchantId(),
                "a new key is a new request");
        assertEquals("VALIDATION_FAILED", assertThrows(ApiException.class,
                () -> app.merchants().create(operator, request, "bad key with spaces")).code());
        assertEquals("VALIDATION_FAILED", assertThrows(ApiException.class,
                () -> app.merchants().create(operator, request, "k".repeat(129))).code());
    }

    @Test
    void concurrentRetriesOfAGroupCreationMakeOneGroup() throws Exception {
        Caller creator = merchant("Creator");
        List<String> before = table();
        List<String> groupIds = concurrently(8, () ->
                app.groups().create(creator, new GroupService.CreateGroup("Purchasing"), "group-once").groupId());
        assertEquals(1, new HashSet<>(groupIds).size(), "every retry got the first answer: " + groupIds);
        assertEquals(1, app.groups().listMine(creator, null, null).groups().size());
        assertEquals(before.size() + 3, table().size(), "one group item, one member item, one key record");
        Caller other = merchant("Other");
        assertNotEquals(groupIds.get(0), app.groups().create(other, new GroupService.CreateGroup("Purchasing"), "group-once").groupId(),
                "keys belong to their caller");
    }

    @Test
    void aRetriedRecordPutKeepsTheFirstWrite() throws Exception {
        Caller owner = merchant("Owner");
        List<RecordService.RecordSaved> saved = concurrently(6, () ->
                app.records().put(owner, "order", "PO-1", "{\"qty\":1}", "put-po-1"));
        assertEquals(1, new HashSet<>(saved).size(), saved.toString());
        Thread.sleep(3);
        RecordService.RecordSaved later = app.records().put(owner, "order", "PO-1", "{\"qty\":1}", "put-po-1");
        assertEquals(saved.get(0), later);
        assertEquals(saved.get(0).updatedAt(), app.records().list(owner, "order", null, null, null).records().get(0).updatedAt(),
                "the record was written once");
        assertEquals("IDEMPOTENCY_KEY_REUSED", assertThrows(ApiException.class,
                () -> app.records().put(owner, "order", "PO-1", "{\"qty\":2}", "put-po-1")).code());
    }

    @Test
    void concurrentRetriesOfAPushDeliverOnce() throws Exception {
        Caller supplier = merchant("Supplier");
        Caller buyer = merchant("Buyer");
        String g = app.groups().create(supplier, new GroupService.CreateGroup("Purchasing")).groupId();
        app.memberships().invite(supplier, g, new MembershipService.InviteMember(buyer.merchantId()));
        app.memberships().join(buyer, g);
        app.rules().change(supplier, g, new RuleService.RuleChanges(0L, List.of(new RuleService.RuleInput(
                supplier.merchantId(), buyer.merchantId(), "po", "NONE", null, null, true)), null));
        List<ExchangeService.Pushed> pushed = concurrently(8, () ->
                app.exchange().push(buyer, g, supplier.merchantId(), "po", "{\"po\":\"B-1\"}", "push-b-1"));
        assertEquals(1, new HashSet<>(pushed).size(), pushed.toString());
        assertEquals(1, app.inbox().list(supplier, null, null, null).items().size(), "delivered once");
        assertEquals(2, app.audit().list(buyer, null, null).events().size(), "the rule change and one push");

        // a retry after the rule that allowed it is gone still gets the first answer, not a refusal
        app.rules().change(supplier, g, new RuleService.RuleChanges(1L, null,
                List.of(new RuleService.RuleRef(supplier.merchantId(), buyer.merchantId(), "po"))));
        assertEquals(pushed.get(0), app.exchange().push(buyer, g, supplier.merchantId(), "po", "{\"po\":\"B-1\"}", "push-b-1"));
        assertEquals("PUSH_NOT_ALLOWED", assertThrows(ApiException.class,
                () -> app.exchange().push(buyer, g, supplier.merchantId(), "po", "{\"po\":\"B-2\"}", "push-b-2")).code());
        assertEquals(1, app.inbox().list(supplier, null, null, null).items().size());
    }
}
