package orgshare.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import orgshare.local.CommandLine.UsageException;
import orgshare.local.FunctionInvoker.FunctionFailedException;
import orgshare.local.TemplateModel.HttpRoute;
import orgshare.shared.Orgshare;
import orgshare.shared.federation.FederationKey;
import orgshare.shared.httpsig.Ed25519;
import orgshare.shared.receipts.Receipts;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The local runner's command line: {@code invoke} runs one function on an event file, {@code start-api} serves the
 * HttpApi, {@code operator-key} makes a key for a deployment. Functions and routes come from template.yaml; the table
 * is DynamoDB Local inside this process, in memory or kept under {@code --data}.
 */
public final class Main {
    static final int EXIT_OK = 0;
    static final int EXIT_FUNCTION_ERROR = 1;
    static final int EXIT_USAGE = 2;
    /** The start of the line start-api prints once it accepts requests. */
    static final String READY = "Ready: ";

    private static final Map<String, Set<String>> OPTIONS = Map.of(
            "invoke", Set.of("event", "data", "template", "ids", "bearer"),
            "start-api", Set.of("port", "host", "data", "template", "schedule-every", "dynamodb-port", "allow-loopback-webhooks"),
            "operator-key", Set.of(),
            "federation-key", Set.of(),
            "verify-receipt", Set.of("identity"));

    static final String USAGE = """
            Usage:
              java -jar local/target/orgshare-local.jar start-api [--port 3000] [--host 127.0.0.1] [--data DIR]
                  [--dynamodb-port N] [--schedule-every SECONDS] [--allow-loopback-webhooks] [--template template.yaml]
              java -jar local/target/orgshare-local.jar invoke <FunctionLogicalId> --event <file> [--data DIR]
                  [--ids ID,...] [--bearer KEY] [--template template.yaml]
              java -jar local/target/orgshare-local.jar operator-key
              java -jar local/target/orgshare-local.jar federation-key
              java -jar local/target/orgshare-local.jar verify-receipt <receipt.json> --identity <URL or file>
              java -jar local/target/orgshare-local.jar --help

              --port N              the API's port (default 3000)
              --host ADDRESS        the address the API listens on (default 127.0.0.1)
              --data DIR            keep the table and the generated operator key in DIR, so a restart (and an invoke
                                    beside a start-api) sees them; without it, both are new at every run
              --dynamodb-port N     also serve the table over DynamoDB's API on 127.0.0.1:N, for the AWS CLI or NoSQL
                                    Workbench (any credentials and region)
              --schedule-every S    run the scheduled functions (the cleanup, the webhook retries) every S seconds, not
                                    at the template's rates
              --allow-loopback-webhooks
                                    take webhook URLs on this machine (http or https on 127.0.0.1, ::1, localhost), for
                                    demos and tests; without it, as deployed: https with a public host only
              --ids ID,...          the IDs the invoked function makes, in order (a new merchant's, a new group's), so
                                    that later sample events can name them
              --bearer KEY          the API key the event presents (its authorization header): the merchant's own key,
                                    where the function checks it (a key rotation replaces the key presented)
              --identity URL|FILE   verify-receipt: the signing deployment's GET /federation/identity (its URL, or a file
                                    holding that answer); the file holds one receipt or GET /receipts' answer;
                                    exit 0 when every receipt in it verifies, 1 when one does not
              ORGSHARE_OPERATOR_KEY the operator's API key; when unset, one is made and printed (kept in --data DIR)
            """;

    /** Runs start-up work off the main thread; a daemon thread, so it never keeps the process alive by itself. */
    private static final Executor STARTER = runnable -> {
        Thread thread = new Thread(runnable, "local-start");
        thread.setDaemon(true);
        thread.start();
    };

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    Main(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        int exit = new Main(System.getenv(), System.out, System.err).run(args);
        System.exit(exit);
    }

    /** Runs a command and returns the process exit code; {@code start-api} returns when the process is told to stop. */
    int run(String[] args) {
        if (CommandLine.asksForHelp(args)) {
            out.print(USAGE);
            return EXIT_OK;
        }
        try {
            CommandLine line = CommandLine.parse(args, OPTIONS);
            return switch (line.command()) {
                case "invoke" -> invoke(line);
                case "start-api" -> startApi(line);
                case "federation-key" -> federationKey(line);
                case "verify-receipt" -> verifyReceipt(line);
                default -> operatorKey(line);
            };
        } catch (UsageException e) {
            err.println(e.getMessage());
            err.print(USAGE);
            return EXIT_USAGE;
        } catch (LocalRunnerException e) {
            err.println(e.getMessage());
            return EXIT_USAGE;
        }
    }

    private int invoke(CommandLine line) {
        if (line.positionals().size() != 1) {
            throw new UsageException("invoke takes one function logical ID.");
        }
        String functionId = line.positionals().get(0);
        String eventFile = line.option("event", null);
        if (eventFile == null) {
            throw new UsageException("invoke needs --event <file>.");
        }
        JsonNode event = HttpApiEvents.presentingKey(readEvent(Path.of(eventFile)), line.option("bearer", null));
        ScriptedIds ids = ScriptedIds.parse(line.option("ids", null));
        try (Session session = openSession(line)) {
            session.template().requireFunction(functionId);
            JsonNode output = new FunctionInvoker(session.template(), session.dynamo().client(),
                    LocalSecrets.forRun(session.data(), env), ids).invoke(functionId, event);
            out.println(output.toString());
            if (ids.unused() > 0) {
                err.println("warning: " + functionId + " made fewer IDs than --ids names; " + ids.unused() + " unused");
            }
            return EXIT_OK;
        } catch (FunctionFailedException e) {
            e.getCause().printStackTrace(err);
            out.println(lambdaErrorPayload(e.getCause()));
            return EXIT_FUNCTION_ERROR;
        }
    }

    private int startApi(CommandLine line) {
        line.allowPositionals(0);
        InetSocketAddress address = new InetSocketAddress(line.option("host", "127.0.0.1"), port(line, "port", 3000));
        Integer dynamoPort = line.option("dynamodb-port", null) == null ? null : port(line, "dynamodb-port", 0);
        if (address.isUnresolved()) {
            throw new UsageException("Unknown host '" + line.option("host", "") + "'.");
        }
        Duration every = null;
        if (line.option("schedule-every", null) != null) {
            int seconds = line.intOption("schedule-every", 0);
            if (seconds < 1) {
                throw new UsageException("--schedule-every takes a whole number of seconds, at least 1.");
            }
            every = Duration.ofSeconds(seconds);
        }
        boolean loopbackWebhooks = line.flag("allow-loopback-webhooks");
        Session session = openSession(line);
        // one invoker for requests, schedules and the stream: one warm handler per function, as in one container
        FunctionInvoker invoker = new FunctionInvoker(session.template(), session.dynamo().client(),
                LocalSecrets.forRun(session.data(), env));
        if (loopbackWebhooks) {
            invoker.withEnvironment(Orgshare.ENV_ALLOW_LOOPBACK_WEBHOOKS, "true");
        }
        LocalApi api;
        URI dynamoEndpoint;
        try {
            dynamoEndpoint = dynamoPort == null ? null : listen(() -> session.dynamo().expose(dynamoPort), "dynamodb-port");
            api = listen(() -> LocalApi.start(invoker, address), "port");
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        STARTER.execute(() -> warmUp(invoker, api.servedFunctions()));
        LocalScheduler scheduler = new LocalScheduler(invoker, session.template().schedules(), every, err);
        LocalStreamPoller stream = new LocalStreamPoller(invoker, session.dynamo().client(), session.dynamo().streamsClient(),
                LocalDynamo.TABLE_NAME, session.template().streamSources(), session.data(), err).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stream.close();
            scheduler.close();
            api.close();
            session.close();
            err.println("orgshare local API stopped");
            stopped.countDown();
        }, "local-api-shutdown"));
        printBanner(session, api, scheduler, stream, dynamoEndpoint);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return EXIT_OK;
    }

    /** Builds the handlers while the API waits for its first request, as provisioned concurrency would. */
    private void warmUp(FunctionInvoker invoker, Set<String> functions) {
        for (String functionId : functions) {
            try {
                invoker.warmUp(functionId);
            } catch (LocalRunnerException e) {
                // the request that reaches this function reports it, with its stack trace
                err.println("warning: " + e.getMessage());
            }
        }
    }

    /** A port option, 0 to 65535 (0: any free port). */
    private static int port(CommandLine line, String name, int absent) {
        int port = line.intOption(name, absent);
        if (port < 0 || port > 65535) {
            throw new UsageException("--" + name + " takes a port number, 0 to 65535.");
        }
        return port;
    }

    /** Starts a listener; a port in use says which option chooses another. */
    private static <T> T listen(Supplier<T> start, String option) {
        try {
            return start.get();
        } catch (LocalRunnerException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof BindException) {
                    throw new LocalRunnerException(e.getMessage() + "\nThe port is in use (another orgshare?); choose another with --"
                            + option + " N.", e);
                }
            }
            throw e;
        }
    }

    private int operatorKey(CommandLine line) {
        line.allowPositionals(0);
        OperatorKey key = OperatorKey.generate();
        out.println("Operator key (keep it secret; it is shown only now):");
        out.println("  " + key.key());
        out.println("Its SHA-256, the only part that is deployed:");
        out.println("  " + key.hash());
        out.println("Deploy with:");
        out.println("  sam deploy --parameter-overrides " + OperatorKey.TEMPLATE_PARAMETER + "=" + key.hash());
        return EXIT_OK;
    }

    private int federationKey(CommandLine line) {
        line.allowPositionals(0);
        String secret = FederationKey.newSecret();
        FederationKey key = FederationKey.fromSecret(() -> secret);
        out.println("Federation secret (keep it secret; the key pair is derived from it; shown only now):");
        out.println("  " + secret);
        out.println("Public key:  " + key.publicKeyText());
        out.println("Fingerprint: " + key.fingerprint() + "   (what the operators of peer clouds register)");
        out.println("Use it locally with " + LocalSecrets.FEDERATION_KEY_VARIABLE + "=<secret>; deployed, the stack makes its own.");
        return EXIT_OK;
    }

    /** Checks a deletion receipt offline against the signing deployment's published identity. */
    private int verifyReceipt(CommandLine line) {
        if (line.positionals().size() != 1) {
            throw new UsageException("verify-receipt takes one receipt file.");
        }
        String identityAt = line.option("identity", null);
        if (identityAt == null) {
            throw new UsageException("verify-receipt needs --identity <URL or file> of the deployment that signed it.");
        }
        List<Receipts.SignedReceipt> receipts = new ArrayList<>();
        JsonNode identity;
        try {
            JsonNode file = EventJson.mapper().readTree(Files.readString(Path.of(line.positionals().get(0))));
            // one signed receipt, or GET /receipts' answer as it was saved: every receipt in it
            for (JsonNode one : file.has("receipts") ? file.get("receipts") : List.of(file)) {
                receipts.add(EventJson.mapper().treeToValue(one, Receipts.SignedReceipt.class));
            }
            identity = EventJson.mapper().readTree(identityAt.startsWith("http://") || identityAt.startsWith("https://")
                    ? fetchIdentity(identityAt) : Files.readString(Path.of(identityAt)));
        } catch (IOException e) {
            throw new LocalRunnerException("Cannot read the receipt or the identity: " + e.getMessage(), e);
        }
        if (receipts.isEmpty()) {
            err.println("The file holds no receipt.");
            return 1;
        }
        String publicKey = identity.path("publicKey").asText("");
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(publicKey);
        } catch (IllegalArgumentException e) {
            raw = new byte[0];
        }
        if (raw.length != 32 || !Ed25519.fingerprint(raw).equals(identity.path("fingerprint").asText())) {
            err.println("The identity is not one: its publicKey and fingerprint do not match.");
            return 1;
        }
        int failed = 0;
        for (Receipts.SignedReceipt receipt : receipts) {
            Receipts.Receipt r = receipt.receipt();
            if (!Receipts.verify(receipt, raw)) {
                failed++;
                err.println("NOT verified: " + (r == null ? "a receipt" : "receipt " + r.receiptId())
                        + " was changed, or " + identityAt + " did not sign it.");
                continue;
            }
            out.println("Verified: receipt " + r.receiptId() + " (" + r.kind() + ", group " + r.groupId()
                    + (r.merchantId() == null ? "" : ", merchant " + r.merchantId()) + ", completed " + r.completedAt()
                    + ", deleted " + r.deleted() + ") signed by " + receipt.fingerprint());
        }
        return failed == 0 ? EXIT_OK : 1;
    }

    private static String fetchIdentity(String url) throws IOException {
        URI uri = URI.create(url);
        if (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/")) {
            uri = URI.create(url.replaceAll("/$", "") + "/federation/identity");
        }
        try {
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                    .followRedirects(HttpClient.Redirect.NEVER).build()
                    .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException(uri + " answered " + response.statusCode());
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private void printBanner(Session session, LocalApi api, LocalScheduler scheduler, LocalStreamPoller stream, URI dynamoEndpoint) {
        TemplateModel template = session.template();
        OperatorKey operatorKey = session.operatorKey();
        out.println("orgshare local API on " + api.baseUri() + "  (table '" + LocalDynamo.TABLE_NAME + "' "
                + (session.data() == null ? "in memory" : "in " + session.data().toAbsolutePath()) + ")");
        for (HttpRoute route : template.httpRoutes()) {
            out.printf("  %-7s %-40s %s%n", route.method(), route.path(), route.functionId());
        }
        template.defaultAuthorizer().ifPresent(authorizer ->
                out.println("  authorizer: " + authorizer.name() + " -> " + authorizer.functionId()));
        for (String planned : scheduler.plan()) {
            out.println("  schedule: " + planned);
        }
        for (String planned : stream.plan()) {
            out.println("  stream: " + planned);
        }
        if (dynamoEndpoint != null) {
            out.println("DynamoDB Local on " + dynamoEndpoint + " (loopback only; any credentials and region), e.g.:");
            out.println("  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws dynamodb scan --region us-east-1 --table-name "
                    + LocalDynamo.TABLE_NAME + " --endpoint-url " + dynamoEndpoint);
        }
        if (!operatorKey.generated()) {
            out.println("Operator key: from " + OperatorKey.ENVIRONMENT_VARIABLE);
        } else if (session.data() != null) {
            out.println("Operator key (kept in " + OperatorKey.keptFile(session.data()).toAbsolutePath()
                    + ", the same at every start): " + operatorKey.key());
        } else {
            out.println("Operator key (new for this run; set " + OperatorKey.ENVIRONMENT_VARIABLE
                    + " or pass --data DIR to keep one): " + operatorKey.key());
        }
        out.println(READY + api.baseUri() + " accepts requests. Ctrl-C to stop.");
        out.flush();
    }

    /** What a command runs on: the template as this run resolves it, and the table. */
    private record Session(TemplateModel template, LocalDynamo dynamo, OperatorKey operatorKey, Path data)
            implements AutoCloseable {
        @Override
        public void close() {
            dynamo.close();
        }
    }

    /**
     * Reads the template while DynamoDB Local starts on another thread: the two are most of the start-up time and
     * need nothing from each other.
     */
    private Session openSession(CommandLine line) {
        Path data = dataDir(line);
        OperatorKey operatorKey = OperatorKey.forRun(env, data);
        CompletableFuture<LocalDynamo> dynamo = CompletableFuture.supplyAsync(() -> LocalDynamo.open(data), STARTER);
        TemplateModel template;
        try {
            template = loadTemplate(line, operatorKey);
        } catch (RuntimeException e) {
            dynamo.thenAccept(LocalDynamo::close);
            throw e;
        }
        try {
            return new Session(template, dynamo.join(), operatorKey, data);
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private static TemplateModel loadTemplate(CommandLine line, OperatorKey operatorKey) {
        Path template = templatePath(line);
        if (!Files.isRegularFile(template)) {
            throw new LocalRunnerException("No template at " + template.toAbsolutePath()
                    + "; run from the project folder or pass --template");
        }
        return TemplateModel.load(template, operatorKey.parameterOverrides(), LocalDynamo.TABLE_NAME);
    }

    private static Path templatePath(CommandLine line) {
        return Path.of(line.option("template", "template.yaml"));
    }

    private static Path dataDir(CommandLine line) {
        String data = line.option("data", null);
        return data == null ? null : Path.of(data);
    }

    private static JsonNode readEvent(Path file) {
        try {
            return EventJson.mapper().readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new LocalRunnerException("The event file " + file + " is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new LocalRunnerException("Cannot read the event file " + file + ": " + e);
        }
    }

    /** The payload Lambda returns for a function error. */
    private static String lambdaErrorPayload(Throwable error) {
        ObjectNode payload = EventJson.mapper().createObjectNode();
        payload.put("errorMessage", String.valueOf(error.getMessage()));
        payload.put("errorType", error.getClass().getName());
        var trace = payload.putArray("stackTrace");
        for (StackTraceElement element : error.getStackTrace()) {
            trace.add(element.toString());
        }
        return payload.toString();
    }
}
