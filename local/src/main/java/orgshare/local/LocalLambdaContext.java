package orgshare.local;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import orgshare.local.TemplateModel.LambdaFunction;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** The Lambda context of one local invocation: the function's name, memory and deadline; logs go to stderr. */
final class LocalLambdaContext implements Context {
    private static final LambdaLogger STDERR_LOGGER = new StderrLogger(System.err);

    private final LambdaFunction function;
    private final String requestId = UUID.randomUUID().toString();
    private final long deadlineMillis;

    LocalLambdaContext(LambdaFunction function) {
        this.function = function;
        this.deadlineMillis = System.currentTimeMillis() + function.timeoutSeconds() * 1000L;
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + function.logicalId();
    }

    @Override
    public String getLogStreamName() {
        return "local/[$LATEST]" + requestId.replace("-", "");
    }

    @Override
    public String getFunctionName() {
        return function.logicalId();
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:" + TemplateValues.REGION + ":" + TemplateValues.ACCOUNT_ID + ":function:" + function.logicalId();
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, deadlineMillis - System.currentTimeMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
        return function.memoryMb();
    }

    @Override
    public LambdaLogger getLogger() {
        return STDERR_LOGGER;
    }

    /** Writes each log call whole, so lines of concurrent requests do not interleave. */
    private record StderrLogger(PrintStream out) implements LambdaLogger {
        @Override
        public void log(String message) {
            synchronized (out) {
                out.print(message);
                out.flush();
            }
        }

        @Override
        public void log(byte[] message) {
            log(new String(message, StandardCharsets.UTF_8));
        }
    }
}
