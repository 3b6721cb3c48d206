package orgshare.shared.service;

import orgshare.shared.Orgshare;
import orgshare.shared.auth.Caller;
import orgshare.shared.error.ApiException;
import orgshare.shared.ids.Ids;
import orgshare.shared.testing.DynamoDbLocal;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A generated group ID that collides with an existing group's is a retryable 409, and overwrites nothing. */
class GeneratedIdCollisionTest {
    @Test
    void aCollidingGroupIdIsARetryableConflict() {
        Deque<String> scripted = new ArrayDeque<>();
        Ids real = new Ids(Clock.systemUTC());
        Supplier<String> ids = () -> scripted.isEmpty() ? real.get() : scripted.poll();
        Orgshare app = DynamoDbLocal.newApp(DynamoDbLocal.client(), Map.of(), Clock.systemUTC(), ids);
        app.clouds().register(Caller.operator(), new CloudService.CreateCloud("acme", "Acme"));
        Caller creator = Caller.merchant(app.merchants().create(Caller.operator(),
                new MerchantService.CreateMerchant("acme", "Creator")).merchantId(), "acme");
        String first = app.groups().create(creator, new GroupService.CreateGroup("First")).groupId();

        for (String key : new String[]{null, "collision-retry"}) {
            scripted.add(first);
            ApiException collided = assertThrows(ApiException.class,
                    () -> app.groups().create(creator, new GroupService.CreateGroup("Second"), key));
            assertEquals(409, collided.status(), "with key " + key);
            assertEquals("CONCURRENT_CHANGE", collided.code());
        }
        assertEquals("First", app.groups().get(creator, first, null, null).name());
        assertEquals("Second", app.groups().create(creator, new GroupService.CreateGroup("Second"), "collision-retry").name(),
                "the retry, with a fresh ID, succeeds");
    }
}
