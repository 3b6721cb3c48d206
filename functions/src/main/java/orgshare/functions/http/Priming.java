package orgshare.functions.http;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import orgshare.shared.Orgshare;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * SnapStart's hook: before Lambda snapshots a published version, prime the application (SDK client, JSON), so a
 * restored function answers its first request warm. Outside a CRaC runtime (tests, the local runner) it is never
 * called.
 */
public final class Priming implements Resource {
    /** CRaC holds resources weakly; these must live as long as the container. One per application, not per handler. */
    private static final Map<Orgshare, Priming> REGISTERED = new IdentityHashMap<>();
    private final Orgshare app;

    private Priming(Orgshare app) {
        this.app = app;
    }

    /** Registers the application's priming once, however many handlers share it; returns it. */
    public static synchronized Priming register(Orgshare app) {
        return REGISTERED.computeIfAbsent(app, a -> {
            Priming priming = new Priming(a);
            Core.getGlobalContext().register(priming);
            return priming;
        });
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        app.prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // nothing: connections the snapshot held are re-opened by the HTTP client on first use
    }
}
