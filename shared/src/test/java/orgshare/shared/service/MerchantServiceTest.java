package orgshare.shared.service;

import orgshare.shared.Orgshare;
import orgshare.shared.auth.ApiKeys;
import orgshare.shared.auth.Caller;
import orgshare.shared.error.ApiException;
import orgshare.shared.testing.DynamoDbLocal;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Clouds and merchants against DynamoDB Local: uniqueness by conditional writes, under real concurrency. */
class MerchantServiceTest {
    private final Orgshare app = DynamoDbLocal.newApp(DynamoDbLocal.client(), Map.of());

    @Test
    void concurrentRegistrationsOfOneCloudIdHaveExactlyOneWinner() throws Exception {
        int contenders = 16;
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> outcomes = new ArrayList<>();
        for (int i = 0; i < contenders; i++) {
            String name = "Contender " + i;
            Callable<Integer> register = () -> {
                start.await();
                try {
                    app.clouds().register(Caller.operator(), new CloudService.CreateCloud("contested", name));
                    return 201;
                } catch (ApiException e) {
                    return e.status();
                }
            };
            outcomes.add(pool.submit(register));
        }
        start.countDown();
        int won = 0;
        int conflicts = 0;
        for (Future<Integer> outcome : outcomes) {
            int status = outcome.get();
            if (status == 201) {
                won++;
            } else if (status == 409) {
                conflicts++;
            }
        }
        pool.shutdown();
        assertEquals(1, won);
        assertEquals(contenders - 1, conflicts);
    }

    @Test
    void aRotatedKeyStopsWorkingAtOnce() {
        app.clouds().register(Caller.operator(), new CloudService.CreateCloud("keys", "Keys"));
        MerchantService.MerchantView created = app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("keys", "M"));
        Caller merchant = Caller.merchant(created.merchantId(), "keys");
        MerchantService.RotatedKey rotated = app.merchants().rotateKey(merchant, "Bearer " + created.apiKey());
        assertEquals(created.merchantId(), rotated.merchantId());
        assertTrue(ApiKeys.wellFormed(rotated.apiKey()));
        assertEquals("INVALID_KEY", app.auth().authenticate("Bearer " + created.apiKey()).authError(), "the old key is dead");
        assertEquals(created.merchantId(), app.auth().authenticate("Bearer " + rotated.apiKey()).merchantId());

        ApiException replayed = assertThrows(ApiException.class,
                () -> app.merchants().rotateKey(merchant, "Bearer " + created.apiKey()));
        assertEquals("INVALID_KEY", replayed.code(), "a dead key rotates nothing");
        assertEquals(401, replayed.status());
        ApiException missing = assertThrows(ApiException.class, () -> app.merchants().rotateKey(merchant, null));
        assertEquals("INVALID_KEY", missing.code());
        assertEquals(created.merchantId(), app.auth().authenticate("Bearer " + rotated.apiKey()).merchantId(),
                "refused rotations leave the current key working");
    }

    @Test
    void anotherMerchantsKeyRotatesNothing() {
        app.clouds().register(Caller.operator(), new CloudService.CreateCloud("keys", "Keys"));
        MerchantService.MerchantView a = app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("keys", "A"));
        MerchantService.MerchantView b = app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("keys", "B"));
        ApiException refused = assertThrows(ApiException.class,
                () -> app.merchants().rotateKey(Caller.merchant(a.merchantId(), "keys"), "Bearer " + b.apiKey()));
        assertEquals("INVALID_KEY", refused.code());
        assertEquals(a.merchantId(), app.auth().authenticate("Bearer " + a.apiKey()).merchantId());
        assertEquals(b.merchantId(), app.auth().authenticate("Bearer " + b.apiKey()).merchantId());
    }

    /**
     * Sixteen callers present the same key at once, each authenticated first as the authorizer would: exactly one gets
     * a new key, the others are refused, and every key handed out works. Repeated, since a race shows only sometimes.
     */
    @Test
    void racingRotationsWithOneKeyHandOutExactlyOneKeyAndItWorks() throws Exception {
        app.clouds().register(Caller.operator(), new CloudService.CreateCloud("keys", "Keys"));
        MerchantService.MerchantView created = app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("keys", "M"));
        int contenders = 16;
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        try {
            String current = created.apiKey();
            for (int trial = 0; trial < 20; trial++) {
                String presented = "Bearer " + current;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<String>> outcomes = new ArrayList<>();
                for (int i = 0; i < contenders; i++) {
                    outcomes.add(pool.submit(() -> {
                        start.await();
                        Caller caller = app.auth().authenticate(presented);
                        if (caller.merchantId() == null) {
                            return "AUTHORIZER:" + caller.authError();
                        }
                        try {
                            return app.merchants().rotateKey(caller, presented).apiKey();
                        } catch (ApiException e) {
                            return e.status() + ":" + e.code();
                        }
                    }));
                }
                start.countDown();
                List<String> results = new ArrayList<>();
                for (Future<String> outcome : outcomes) {
                    results.add(outcome.get());
                }
                List<String> issued = results.stream().filter(ApiKeys::wellFormed).toList();
                assertEquals(1, issued.size(), "trial " + trial + ": exactly one rotation succeeds: " + results);
                assertTrue(results.stream().allMatch(r -> ApiKeys.wellFormed(r) || r.equals("401:INVALID_KEY")
                        || r.equals("409:CONCURRENT_CHANGE") || r.equals("AUTHORIZER:INVALID_KEY")), results.toString());
                current = issued.get(0);
                assertEquals(created.merchantId(), app.auth().authenticate("Bearer " + current).merchantId(),
                        "trial " + trial + ": the key handed out works");
                assertEquals("INVALID_KEY", app.auth().authenticate(presented).authError(), "the presented key is dead");
            }
        } finally {
            pool.shutdown();
        }
        long keyItems = app.table().client().scanPaginator(b -> b.tableName(app.table().name())).items().stream()
                .filter(item -> item.get("sk").s().equals("KEY") && item.get("merchantId").s().equals(created.merchantId())).count();
        assertEquals(1, keyItems, "no orphan key items");
    }

    @Test
    void merchantsNeedARegisteredCloudAndGetDistinctKeys() {
        ApiException missing = assertThrows(ApiException.class,
                () -> app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("nowhere", "X")));
        assertEquals("CLOUD_NOT_FOUND", missing.code());

        app.clouds().register(Caller.operator(), new CloudService.CreateCloud("acme", "Acme"));
        MerchantService.MerchantView a = app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("acme", "Same name"));
        MerchantService.MerchantView b = app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("acme", "Same name"));
        assertEquals(false, a.merchantId().equals(b.merchantId()));
        assertEquals(false, a.apiKey().equals(b.apiKey()));
        assertEquals(Caller.merchant(a.merchantId(), "acme"), app.auth().authenticate("Bearer " + a.apiKey()));
        assertEquals(Caller.merchant(b.merchantId(), "acme"), app.auth().authenticate("Bearer " + b.apiKey()));
        assertEquals("INVALID_KEY", app.auth().authenticate("Bearer " + ApiKeys.generate()).authError());
        assertEquals("Same name", app.merchants().me(Caller.merchant(a.merchantId(), "acme")).name());
    }
}
