package orgshare.shared.testing;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.concurrent.atomic.AtomicInteger;

/** Makes the SDK fail one named operation after it has let {@code allowed} of them through: a crash half-way. */
public final class FaultInjector implements ExecutionInterceptor {
    private volatile String operation;
    private final AtomicInteger remaining = new AtomicInteger(Integer.MAX_VALUE);

    public void failAfter(String operation, int allowed) {
        this.operation = operation;
        remaining.set(allowed);
    }

    public void disarm() {
        operation = null;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String target = operation;
        if (target != null && target.equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
                && remaining.getAndDecrement() <= 0) {
            throw SdkClientException.create("injected failure in " + target);
        }
    }
}
