package orgshare.functions.http;

import orgshare.functions.handler.GetMeHandler;
import orgshare.functions.handler.ListInboxHandler;
import orgshare.shared.Orgshare;
import orgshare.shared.testing.CallCounter;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.testing.FaultInjector;
import orgshare.shared.testing.TableSnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The SnapStart hook: one registration per application, a real DynamoDB call that writes nothing, never a failure. */
class PrimingTest {
    @Test
    void primingReadsOnceWritesNothingAndNeverFails() {
        CallCounter calls = new CallCounter();
        FaultInjector faults = new FaultInjector();
        Orgshare app = DynamoDbLocal.newApp(DynamoDbLocal.client(calls, faults), Map.of());
        new GetMeHandler(app);
        new ListInboxHandler(app);
        Priming priming = Priming.register(app);
        assertSame(priming, Priming.register(app), "handlers of one application share one registration");

        List<String> before = TableSnapshot.of(app.table().client(), app.table().name());
        calls.reset();
        priming.beforeCheckpoint(null);
        assertEquals(List.of("GetItem"), calls.calls(), "the client is exercised end to end");
        assertEquals(before, TableSnapshot.of(app.table().client(), app.table().name()), "priming writes nothing");

        faults.failAfter("GetItem", 0);
        assertDoesNotThrow(() -> priming.beforeCheckpoint(null), "a refused or failed read does not stop the snapshot");
        faults.disarm();
        assertDoesNotThrow(() -> priming.afterRestore(null));
    }
}
