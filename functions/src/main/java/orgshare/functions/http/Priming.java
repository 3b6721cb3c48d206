package orgshare.functions.http;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import orgshare.shared.Orgshare;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * SnapStart's hook: before Lambda snapshots a published version, prime what the function's first request runs, so a
 * restored function answers it warm: the SDK client (one read), JSON, the secrets its services use (its handler built
 * them in its init), and each handler's own path from the event's bytes to the response's (a request without a key,
 * which every handler refuses before it reads or writes anything). Outside a CRaC runtime (tests, the local runner)
 * it is never called.
 */
public final class Priming implements Resource {
    /** CRaC holds resources weakly; these must live as long as the container. One per application, not per handler. */
    private static final Map<Orgshare, Priming> REGISTERED = new IdentityHashMap<>();
    private final Orgshare app;
    private final List<Runnable> handlers = new ArrayList<>();

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

    /**
     * Also primes a handler's own path: it runs once on {@code event}'s bytes (a request it refuses before any read or
     * write), its answer dropped.
     */
    public static synchronized void register(Orgshare app, RequestStreamHandler handler, byte[] event) {
        register(app).handlers.add(() -> {
            try {
                handler.handleRequest(new ByteArrayInputStream(event), new ByteArrayOutputStream(), null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        app.prime();
        List<Runnable> primers;
        synchronized (Priming.class) {
            primers = List.copyOf(handlers);
        }
        for (Runnable primer : primers) {
            try {
                primer.run();
            } catch (RuntimeException ignored) {
                // priming is best effort: a snapshot without it is only slower to its first request
            }
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // nothing: connections the snapshot held are re-opened by the HTTP client on first use
    }
}
