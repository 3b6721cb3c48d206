package orgshare.bench.probe;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Lambda cold start as near as a plain JVM gets, run beside the deployment jar: load the handler class and build
 * it through its no-argument constructor, as the Java runtime does (its static init: Orgshare.fromEnvironment() builds
 * the SDK client and the services), read the event file into the handler's input type, invoke it once.
 * Prints {@code RESPONSE <status>} the moment the response exists (the bench stops its clock on that line), then the
 * phases and the number of classes loaded. Several handler/event pairs in one run: the AppCDS training run.
 */
public final class Probe {
    private Probe() {
    }

    public static void main(String[] args) throws Exception {
        for (int i = 0; i + 1 < args.length; i += 2) {
            long started = System.nanoTime();
            Class<?> type = Class.forName(args[i]);
            @SuppressWarnings("unchecked")
            RequestHandler<Object, Object> handler = (RequestHandler<Object, Object>) type.getConstructor().newInstance();
            long built = System.nanoTime();
            // lenient, as the runtime's reader is: an event carries more than the handler's type declares
            ObjectMapper events = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
            Object event = events.readValue(Files.readAllBytes(Path.of(args[i + 1])), inputType(type));
            long read = System.nanoTime();
            Object response = handler.handleRequest(event, new ProbeContext());
            long answered = System.nanoTime();
            System.out.println("RESPONSE " + status(response));
            System.out.printf("PHASES init=%.1f event=%.1f invoke=%.1f%n", (built - started) / 1e6, (read - built) / 1e6,
                    (answered - read) / 1e6);
        }
        System.out.println("CLASSES " + ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
        System.out.flush();
        System.exit(0);
    }

    /** The I of RequestHandler<I, O>: the parameter of the handleRequest that is not the erased bridge. */
    private static Class<?> inputType(Class<?> type) {
        for (Method method : type.getMethods()) {
            if (method.getName().equals("handleRequest") && method.getParameterCount() == 2 && !method.isBridge()) {
                return method.getParameterTypes()[0];
            }
        }
        throw new IllegalArgumentException(type + " has no handleRequest(I, Context)");
    }

    private static String status(Object response) {
        if (response instanceof APIGatewayV2HTTPResponse http) {
            return String.valueOf(http.getStatusCode());
        }
        if (response instanceof SimpleIAMPolicyResponse decision) {
            return decision.getIsAuthorized() ? "200" : "403";
        }
        return response == null ? "null" : "200";
    }

    /** A Lambda context whose logger writes to stderr, as the runtime's writes each log call to its log stream. */
    static final class ProbeContext implements Context {
        @Override
        public String getAwsRequestId() {
            return "probe";
        }

        @Override
        public String getLogGroupName() {
            return "probe";
        }

        @Override
        public String getLogStreamName() {
            return "probe";
        }

        @Override
        public String getFunctionName() {
            return "probe";
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:us-east-1:123456789012:function:probe";
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
            return 15_000;
        }

        @Override
        public int getMemoryLimitInMB() {
            return 1024;
        }

        @Override
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override
                public void log(String message) {
                    System.err.print(message);
                }

                @Override
                public void log(byte[] message) {
                    log(new String(message, StandardCharsets.UTF_8));
                }
            };
        }
    }
}
