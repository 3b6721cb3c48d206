package orgshare.functions.http;

import com.amazonaws.services.lambda.runtime.Context;
import orgshare.shared.auth.Caller;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Work that can wait for the cleanup goes on while the invocation has more than 3 s left, or 10 s without Lambda's clock. */
class TimeBudgetTest {
    private final AtomicInteger remaining = new AtomicInteger();
    /** A Lambda context that says only how much time is left. */
    private final Context context = (Context) Proxy.newProxyInstance(Context.class.getClassLoader(),
            new Class<?>[]{Context.class}, (proxy, method, args) ->
                    "getRemainingTimeInMillis".equals(method.getName()) ? remaining.get() : null);

    @Test
    void goesOnWhileMoreThanTheMarginIsLeft() {
        remaining.set(60_000);
        BooleanSupplier timeLeft = new ApiRequest(new HttpEvent.Builder().build(), Caller.operator(), context).timeLeft();
        assertTrue(timeLeft.getAsBoolean());
        remaining.set(3_001);
        assertTrue(timeLeft.getAsBoolean());
        remaining.set(3_000);
        assertFalse(timeLeft.getAsBoolean(), "3 s are kept to answer");
        remaining.set(-1);
        assertFalse(timeLeft.getAsBoolean());
    }

    @Test
    void withoutLambdasClockItAllowsTenSeconds() {
        assertTrue(TimeBudget.of(null).getAsBoolean());
        remaining.set(0); // a context that does not count down, as the local runner's
        assertTrue(TimeBudget.of(context).getAsBoolean());
    }
}
