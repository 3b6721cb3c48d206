package orgshare.shared.testing;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every request object the client sends (after the SDK and the Enhanced Client built it), for tests to inspect. */
public final class SentRequests implements ExecutionInterceptor {
    private final List<SdkRequest> sent = new CopyOnWriteArrayList<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        sent.add(context.request());
    }

    public void clear() {
        sent.clear();
    }

    /** The requests of one type sent since the last {@link #clear}, in order. */
    public <T extends SdkRequest> List<T> of(Class<T> type) {
        return sent.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public List<SdkRequest> all() {
        return List.copyOf(sent);
    }
}
