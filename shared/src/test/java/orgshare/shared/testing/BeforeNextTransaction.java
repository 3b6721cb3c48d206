package orgshare.shared.testing;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/** Runs one action (another request) just before the next TransactWriteItems is sent: a race, made to happen. */
public final class BeforeNextTransaction implements ExecutionInterceptor {
    private volatile Runnable action;

    public void then(Runnable next) {
        action = next;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        Runnable next = action;
        if (next != null && context.request() instanceof TransactWriteItemsRequest) {
            action = null;
            next.run();
        }
    }
}
