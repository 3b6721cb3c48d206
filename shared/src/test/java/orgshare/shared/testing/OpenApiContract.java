package orgshare.shared.testing;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * openapi.yaml held to what the code does: the HTTP tests pass every exchange they make through {@link #check}, and a
 * response whose status, headers or body the description does not allow fails the test. A request is checked when it
 * succeeded (2xx): the description must admit every request the API accepts; refused requests are bad on purpose.
 */
public final class OpenApiContract {
    /** The description, from any module's folder. */
    public static final Path DESCRIPTION = Path.of("../openapi.yaml");
    private static final AtomicLong REQUESTS = new AtomicLong();
    private static final AtomicLong RESPONSES = new AtomicLong();
    private static volatile OpenApiInteractionValidator validator;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (RESPONSES.get() > 0) {
                String line = String.format("OpenAPI: %d requests and %d responses validated against openapi.yaml in this test JVM%n",
                        REQUESTS.get(), RESPONSES.get());
                System.out.print(line);
                try { // the module's tally, where a reader of the build finds it (target/ is the module's own)
                    Files.writeString(Path.of("target", "openapi-contract.txt"), line);
                } catch (java.io.IOException | RuntimeException noTarget) {
                    // a run outside Maven has no target folder; the line above says it
                }
            }
        }));
    }

    private OpenApiContract() {
    }

    private static OpenApiInteractionValidator validator() {
        if (validator == null) {
            synchronized (OpenApiContract.class) {
                if (validator == null) {
                    if (!Files.isRegularFile(DESCRIPTION)) {
                        throw new IllegalStateException("No " + DESCRIPTION.toAbsolutePath());
                    }
                    validator = OpenApiInteractionValidator
                            .createForSpecificationUrl(DESCRIPTION.toAbsolutePath().toUri().toString()).build();
                }
            }
        }
        return validator;
    }

    /**
     * Checks one exchange; throws an AssertionError naming what the description does not allow.
     *
     * @param pathAndQuery the raw path with its query string, as sent
     */
    public static void check(String method, String pathAndQuery, Map<String, String> requestHeaders, String requestBody,
                             int status, Map<String, String> responseHeaders, String responseBody) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        Request.Method verb = Request.Method.valueOf(method.toUpperCase(Locale.ROOT));
        SimpleResponse.Builder response = SimpleResponse.Builder.status(status);
        responseHeaders.forEach(response::withHeader);
        if (responseBody != null && !responseBody.isEmpty()) {
            response.withBody(responseBody);
        }
        ValidationReport answer = validator().validateResponse(path, verb, response.build());
        if (isOutsideTheApi(answer)) {
            return; // the gateway's own answer where no route is (404, a malformed URL): not an operation
        }
        fail("response", method, pathAndQuery, status, answer);
        RESPONSES.incrementAndGet();
        if (status < 200 || status > 299) {
            return;
        }
        // query parameter names are case-sensitive, as API Gateway passes them (the validator's default folds case,
        // and would read ?LIMIT=x, which the API ignores as a parameter it does not know, as a bad ?limit=)
        SimpleRequest.Builder request = new SimpleRequest.Builder(verb, path, true);
        boolean hasBody = requestBody != null && !requestBody.isEmpty();
        // a Content-Type without a body says nothing (the API reads none)
        requestHeaders.forEach((name, value) -> {
            if (hasBody || !name.equalsIgnoreCase("content-type")) {
                request.withHeader(name, value);
            }
        });
        if (q >= 0) {
            for (String pair : pathAndQuery.substring(q + 1).split("&")) {
                if (!pair.isEmpty()) {
                    int eq = pair.indexOf('=');
                    request.withQueryParam(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
                }
            }
        }
        if (hasBody) {
            request.withBody(requestBody);
        }
        fail("request", method, pathAndQuery, status, validator().validateRequest(request.build()));
        REQUESTS.incrementAndGet();
    }

    private static boolean isOutsideTheApi(ValidationReport report) {
        return report.getMessages().stream().anyMatch(m -> m.getKey().endsWith(".path.missing")
                || m.getKey().endsWith(".operation.notAllowed"));
    }

    private static void fail(String what, String method, String pathAndQuery, int status, ValidationReport report) {
        if (report.hasErrors()) {
            throw new AssertionError("openapi.yaml does not allow this " + what + ": " + method + " " + pathAndQuery
                    + " -> " + status + "\n" + report.getMessages().stream()
                    .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                    .map(m -> "  " + m.getKey() + ": " + m.getMessage()).collect(Collectors.joining("\n")));
        }
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    public static long requestsValidated() {
        return REQUESTS.get();
    }

    public static long responsesValidated() {
        return RESPONSES.get();
    }
}
