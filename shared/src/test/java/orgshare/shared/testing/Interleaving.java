package orgshare.shared.testing;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.ArrayList;
import java.util.List;

/**
 * A deterministic race: once armed, the first {@code read} operation the client sends is followed, just before its
 * next {@code write} operation, by a step that runs on the same thread (another request's write, say). The log of
 * operations proves the step ran between the two: {@code [read, ...the step's calls..., write]}.
 */
public final class Interleaving implements ExecutionInterceptor {
    private String read;
    private String write;
    private Runnable step;
    private boolean readSeen;
    private boolean ran;
    private final List<String> log = new ArrayList<>();

    /** Runs {@code step} after the next {@code read} call and before the {@code write} call that follows it. */
    public synchronized void arm(String read, String write, Runnable step) {
        this.read = read;
        this.write = write;
        this.step = step;
        this.readSeen = false;
        this.ran = false;
        this.log.clear();
    }

    /** Whether the step ran between the read and the write. */
    public synchronized boolean ran() {
        return ran;
    }

    /** The operations sent since {@link #arm}, the step's own included, each marked where the step ran. */
    public synchronized List<String> log() {
        return List.copyOf(log);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        Runnable now;
        synchronized (this) {
            if (step == null) {
                log.add(operation);
                return;
            }
            if (!readSeen) {
                readSeen = operation.equals(read);
                log.add(operation);
                return;
            }
            if (!operation.equals(write)) {
                log.add(operation);
                return;
            }
            now = step;
            step = null;
            log.add("<step>");
        }
        now.run(); // the step's own calls pass through here unarmed
        synchronized (this) {
            ran = true;
            log.add("</step>");
            log.add(operation);
        }
    }
}
