package orgshare.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.NullNode;
import orgshare.local.TemplateModel.LambdaFunction;
import orgshare.shared.Orgshare;
import orgshare.shared.ids.Ids;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Runs a template function on a JSON event the way the Lambda Java runtime does: a {@code RequestStreamHandler} gets
 * the event's JSON bytes and its output is read back as JSON; for a {@code RequestHandler<I, O>} the event is read
 * into its input type and the output written back as JSON. The handler is built once per function
 * through its {@code (Orgshare)} constructor, on the local table and the function's own resolved environment, and
 * stays warm for later invocations, like a container.
 */
public final class FunctionInvoker {
    private final TemplateModel template;
    private final DynamoDbClient client;
    private final Supplier<String> ids;
    private final ConcurrentMap<String, WarmHandler> warm = new ConcurrentHashMap<>();
    private final LocalSecrets secrets;
    private final Map<String, String> extraEnvironment = new ConcurrentHashMap<>();
    private volatile Clock clock = Clock.systemUTC();
    /** The function each thread runs now: one process holds them all, where Lambda gives each its own container. */
    private static final ThreadLocal<String> RUNNING = new ThreadLocal<>();

    /**
     * A built handler: a stream handler (no input type), or a typed one and the reader of its input type, its
     * deserializers resolved once.
     */
    private record WarmHandler(LambdaFunction function, Object handler, JavaType inputType, ObjectReader inputReader) {
    }

    /** The handler threw: what a Lambda invocation reports as a function error. */
    public static final class FunctionFailedException extends RuntimeException {
        private final String functionId;

        FunctionFailedException(String functionId, Throwable cause) {
            super(functionId + " failed: " + cause, cause);
            this.functionId = functionId;
        }

        public String functionId() {
            return functionId;
        }
    }

    /** On a fresh cursor secret: cursors work for as long as this invoker lives. */
    public FunctionInvoker(TemplateModel template, DynamoDbClient client) {
        this(template, client, LocalSecrets.fresh(), null);
    }

    /**
     * {@code secrets} stand for the Secrets Manager secrets a deployment keeps: a function whose template environment
     * names one gets its value, and a function that does not cannot read it, as deployed.
     */
    public FunctionInvoker(TemplateModel template, DynamoDbClient client, LocalSecrets secrets) {
        this(template, client, secrets, null);
    }

    /** With {@code ids} making the IDs the functions create (null: fresh ones, as deployed). */
    FunctionInvoker(TemplateModel template, DynamoDbClient client, LocalSecrets secrets, Supplier<String> ids) {
        this.template = template;
        this.client = client;
        this.secrets = secrets;
        this.ids = ids;
    }

    public TemplateModel template() {
        return template;
    }

    /**
     * Sets one more environment variable for every function built from now on: settings a deployment takes from
     * its configuration, such as {@value Orgshare#ENV_FEDERATION_TIMEOUT_MS}.
     */
    public FunctionInvoker withEnvironment(String name, String value) {
        extraEnvironment.put(name, value);
        return this;
    }

    /** The clock every function built from now on reads (tests that let time pass: retries, windows). */
    FunctionInvoker withClock(Clock clock) {
        this.clock = clock;
        return this;
    }

    /**
     * Invokes the function on the event.
     *
     * @throws LocalRunnerException    the function is unknown, cannot be built, or the event does not fit its input
     * @throws FunctionFailedException the handler threw
     */
    public JsonNode invoke(String functionId, JsonNode event) {
        String outer = RUNNING.get();
        RUNNING.set(functionId);
        try {
            return run(functionId, event);
        } finally {
            RUNNING.set(outer);
        }
    }

    /**
     * The logical ID of the function this thread is running (its handler, and everything the handler calls on this
     * thread), or null outside any invocation: what a deployed function knows as its own name.
     */
    public static String running() {
        return RUNNING.get();
    }

    private JsonNode run(String functionId, JsonNode event) {
        WarmHandler warmHandler = warm.computeIfAbsent(functionId, this::load);
        if (warmHandler.handler() instanceof RequestStreamHandler stream) {
            return runStream(functionId, warmHandler, stream, event);
        }
        @SuppressWarnings("unchecked")
        RequestHandler<Object, Object> typed = (RequestHandler<Object, Object>) warmHandler.handler();
        Object input;
        try {
            input = warmHandler.inputReader().readValue(event);
        } catch (IOException e) {
            throw new LocalRunnerException("The event does not fit " + functionId + "'s input type "
                    + warmHandler.inputType().getRawClass().getName() + ": " + e.getMessage(), e);
        }
        Object output;
        try {
            output = typed.handleRequest(input, new LocalLambdaContext(warmHandler.function()));
        } catch (RuntimeException | Error e) {
            throw new FunctionFailedException(functionId, e);
        }
        return output == null ? NullNode.getInstance() : EventJson.mapper().valueToTree(output);
    }

    /** The event's JSON bytes in, the handler's bytes out and read as JSON (nothing written: null). */
    private static JsonNode runStream(String functionId, WarmHandler warmHandler, RequestStreamHandler handler, JsonNode event) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(EventJson.mapper().writeValueAsBytes(event)), output,
                    new LocalLambdaContext(warmHandler.function()));
        } catch (IOException | RuntimeException | Error e) {
            throw new FunctionFailedException(functionId, e);
        }
        if (output.size() == 0) {
            return NullNode.getInstance();
        }
        try {
            return EventJson.mapper().readTree(output.toByteArray());
        } catch (IOException e) {
            throw new FunctionFailedException(functionId, e);
        }
    }

    /** Builds a function's handler and its input reader now rather than on its first invocation. */
    public void warmUp(String functionId) {
        warm.computeIfAbsent(functionId, this::load);
    }

    private WarmHandler load(String functionId) {
        LambdaFunction function = template.requireFunction(functionId);
        Class<?> handlerClass;
        try {
            handlerClass = Class.forName(function.handlerClass());
        } catch (ClassNotFoundException e) {
            throw new LocalRunnerException(functionId + ": handler class " + function.handlerClass()
                    + " is not on the runner's classpath (rebuild with mvn package)", e);
        }
        boolean stream = RequestStreamHandler.class.isAssignableFrom(handlerClass);
        if (!(stream || RequestHandler.class.isAssignableFrom(handlerClass)) || !"handleRequest".equals(function.handlerMethod())) {
            throw new LocalRunnerException(functionId + ": the runner runs RequestHandler::handleRequest and "
                    + "RequestStreamHandler::handleRequest handlers; " + function.handlerClass() + "::"
                    + function.handlerMethod() + " is not one");
        }
        if (stream) {
            return new WarmHandler(function, instantiate(handlerClass, function), null, null);
        }
        Type input = requestHandlerInput(handlerClass, Map.of());
        JavaType inputType = EventJson.mapper().getTypeFactory().constructType(input == null ? Object.class : input);
        return new WarmHandler(function, instantiate(handlerClass, function), inputType, EventJson.mapper().readerFor(inputType));
    }

    private Object instantiate(Class<?> handlerClass, LambdaFunction function) {
        Constructor<?> constructor;
        try {
            constructor = handlerClass.getConstructor(Orgshare.class);
        } catch (NoSuchMethodException e) {
            try {
                // a function that uses no table (the API's description) has only Lambda's no-argument constructor
                return handlerClass.getConstructor().newInstance();
            } catch (ReflectiveOperationException none) {
                throw new LocalRunnerException(function.logicalId() + ": " + handlerClass.getName()
                        + " needs a public constructor taking " + Orgshare.class.getName()
                        + ", or none when it uses no table, to run locally", e);
            }
        }
        try {
            Map<String, String> environment = new HashMap<>(function.environment());
            secrets.giveTo(environment);
            // several deployments side by side on one machine: peers at http:// loopback endpoints (deployed: https)
            environment.put(Orgshare.ENV_ALLOW_LOOPBACK_PEERS, "true");
            environment.putAll(extraEnvironment);
            Orgshare app = Orgshare.create(client, environment, clock, ids == null ? new Ids(clock) : ids);
            return constructor.newInstance(app);
        } catch (InvocationTargetException e) {
            throw new LocalRunnerException(function.logicalId() + ": " + handlerClass.getName()
                    + " could not be built: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new LocalRunnerException(function.logicalId() + ": " + handlerClass.getName()
                    + " could not be built: " + e, e);
        }
    }

    /**
     * The {@code I} of {@code RequestHandler<I, O>} as {@code type} binds it, following superclasses and interfaces
     * and the type variables they pass down ({@code XHandler extends ApiHandler implements RequestHandler<Event, ...>}).
     */
    static Type requestHandlerInput(Type type, Map<TypeVariable<?>, Type> bindings) {
        Class<?> raw;
        Map<TypeVariable<?>, Type> own = new HashMap<>();
        if (type instanceof ParameterizedType parameterized) {
            raw = (Class<?>) parameterized.getRawType();
            TypeVariable<?>[] variables = raw.getTypeParameters();
            Type[] arguments = parameterized.getActualTypeArguments();
            for (int i = 0; i < variables.length; i++) {
                Type argument = arguments[i];
                own.put(variables[i], argument instanceof TypeVariable<?> variable
                        ? bindings.getOrDefault(variable, Object.class) : argument);
            }
        } else if (type instanceof Class<?> plain) {
            raw = plain;
        } else {
            return null;
        }
        if (raw == RequestHandler.class) {
            return own.getOrDefault(RequestHandler.class.getTypeParameters()[0], Object.class);
        }
        for (Type parent : raw.getGenericInterfaces()) {
            Type found = requestHandlerInput(parent, own);
            if (found != null) {
                return found;
            }
        }
        Type superclass = raw.getGenericSuperclass();
        return superclass == null ? null : requestHandlerInput(superclass, own);
    }
}
