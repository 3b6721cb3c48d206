package orgshare.bench.probe;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Lambda cold start as near as a plain JVM gets, run beside the deployment jar: load the handler class and build
 * it through its no-argument constructor, as the Java runtime does (its static init: Orgshare.fromEnvironment() builds
 * the SDK client and the services the handler uses), read the event file's bytes, invoke the stream handler on them
 * once, as the runtime does for a RequestStreamHandler.
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
            RequestStreamHandler handler = (RequestStreamHandler) type.getConstructor().newInstance();
            long built = System.nanoTime();
            ByteArrayInputStream event = new ByteArrayInputStream(Files.readAllBytes(Path.of(args[i + 1])));
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            long read = System.nanoTime();
            handler.handleRequest(event, response, new ProbeContext());
            long answered = System.nanoTime();
            System.out.println("RESPONSE " + status(response.toString(StandardCharsets.UTF_8)));
            System.out.printf("PHASES init=%.1f event=%.1f invoke=%.1f%n", (built - started) / 1e6, (read - built) / 1e6,
                    (answered - read) / 1e6);
        }
        System.out.println("CLASSES " + ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
        System.out.flush();
        System.exit(0);
    }

    /**
     * The answer's status, found in its text without a JSON library (the probe must not load classes the handler
     * does not): an HTTP response's statusCode, or the authorizer's decision (200 authorized, 403 not).
     */
    static String status(String response) {
        int at = response.indexOf("\"statusCode\":");
        if (at >= 0) {
            int start = at + "\"statusCode\":".length();
            int end = start;
            while (end < response.length() && Character.isDigit(response.charAt(end))) {
                end++;
            }
            return response.substring(start, end);
        }
        if (response.contains("\"isAuthorized\":true")) {
            return "200";
        }
        return response.contains("\"isAuthorized\":false") ? "403" : "unreadable: " + response;
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
