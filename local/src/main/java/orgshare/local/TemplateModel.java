package orgshare.local;

import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the local runner needs from template.yaml: the functions with their handler and resolved environment, the
 * HttpApi routes and authorizers, the schedules and the table's keys. The template is the only list of routes and
 * handlers; nothing here names a function.
 */
public final class TemplateModel {
    static final String FUNCTION_TYPE = "AWS::Serverless::Function";
    static final String HTTP_API_TYPE = "AWS::Serverless::HttpApi";
    /** The API SAM creates when an HttpApi event names no ApiId. */
    static final String IMPLICIT_HTTP_API = "ServerlessHttpApi";

    /** A declared parameter: its Default (null if none) and the value this run uses. */
    public record Parameter(String name, String type, Object defaultValue, Object value) {
    }

    /**
     * A function as this run sees it: the handler ({@code class::method}), Globals.Function merged under the function's
     * own properties, the environment resolved.
     */
    public record LambdaFunction(String logicalId, String handlerClass, String handlerMethod, String runtime,
                                 String codeUri, int memoryMb, int timeoutSeconds, Map<String, String> environment) {
    }

    /** A Lambda authorizer of an HttpApi, with the function that implements it. */
    public record Authorizer(String name, String functionId, String payloadFormatVersion, boolean simpleResponses,
                             List<String> identityHeaders, List<String> identityQueryStrings) {
    }

    /** An HttpApi route: method ({@code ANY} for every method), path as declared, the function, its authorizer if any. */
    public record HttpRoute(String method, String path, String functionId, String apiId, Authorizer authorizer) {
        public String routeKey() {
            return method + " " + path;
        }
    }

    /** An EventBridge schedule that invokes a function. */
    public record Schedule(String functionId, String eventName, String expression, boolean enabled) {
    }

    /**
     * A DynamoDB stream event source: the function the table's changes are fed to, at most {@code batchSize} records
     * an invocation, from the stream's start ({@code TRIM_HORIZON}) or its end ({@code LATEST}).
     */
    public record StreamSource(String functionId, String eventName, String tableId, String startingPosition, int batchSize,
                               boolean reportsItemFailures) {
    }

    /** The keys of the table resource, in the SDK's model types so they compare with the code's definition. */
    public record TableSpec(String logicalId, List<AttributeDefinition> attributeDefinitions,
                            List<KeySchemaElement> keySchema, List<GlobalSecondaryIndex> globalSecondaryIndexes,
                            String ttlAttribute, boolean ttlEnabled) {
    }

    private final Map<String, Object> document;
    private final Map<String, Parameter> parameters;
    private final Map<String, Map<String, Object>> resources;
    private final TemplateValues values;
    private final Map<String, LambdaFunction> functions;
    private final List<HttpRoute> httpRoutes;
    private final List<Schedule> schedules;
    private final List<StreamSource> streamSources;

    private TemplateModel(Path file, Map<String, Object> document, Map<String, String> parameterOverrides,
                          String tableName) {
        this.document = document;
        this.parameters = readParameters(section(document, "Parameters"), parameterOverrides);
        this.resources = readResources(section(document, "Resources"));
        Map<String, Object> parameterValues = new LinkedHashMap<>();
        parameters.forEach((name, parameter) -> parameterValues.put(name, parameter.value()));
        Map<String, String> resourceTypes = new LinkedHashMap<>();
        resources.forEach((id, resource) -> resourceTypes.put(id, String.valueOf(resource.get("Type"))));
        this.values = new TemplateValues(parameterValues, resourceTypes, section(document, "Conditions"),
                section(document, "Mappings"), tableName);
        this.functions = readFunctions();
        this.httpRoutes = readHttpRoutes();
        this.schedules = readSchedules();
        this.streamSources = readStreamSources();
    }

    /**
     * Reads and resolves the template.
     *
     * @param parameterOverrides values for template parameters, as {@code sam deploy --parameter-overrides} gives them
     * @param tableName          the local table that every DynamoDB table resource stands for
     */
    public static TemplateModel load(Path file, Map<String, String> parameterOverrides, String tableName) {
        return new TemplateModel(file, CloudFormationYaml.load(file), parameterOverrides, tableName);
    }

    public Map<String, Parameter> parameters() {
        return parameters;
    }

    /** Every resource by logical ID, as written (intrinsics in their long form, unresolved). */
    public Map<String, Map<String, Object>> resources() {
        return resources;
    }

    /** The Globals section as written. */
    public Map<String, Object> globals() {
        return section(document, "Globals");
    }

    public List<LambdaFunction> functions() {
        return List.copyOf(functions.values());
    }

    public Optional<LambdaFunction> function(String logicalId) {
        return Optional.ofNullable(functions.get(logicalId));
    }

    /** The function, or an error that lists the functions there are. */
    public LambdaFunction requireFunction(String logicalId) {
        return function(logicalId).orElseThrow(() -> new LocalRunnerException("No function " + logicalId
                + " in the template; its functions are " + functions.keySet()));
    }

    public List<HttpRoute> httpRoutes() {
        return httpRoutes;
    }

    public List<Schedule> schedules() {
        return schedules;
    }

    public List<StreamSource> streamSources() {
        return streamSources;
    }

    /** The default authorizer of the template's HttpApi, if it declares one. */
    public Optional<Authorizer> defaultAuthorizer() {
        return resources.entrySet().stream()
                .filter(e -> HTTP_API_TYPE.equals(e.getValue().get("Type")))
                .map(e -> defaultAuthorizerOf(e.getKey()))
                .flatMap(Optional::stream)
                .findFirst();
    }

    /** The one DynamoDB table resource. */
    public TableSpec table() {
        List<String> tables = resources.entrySet().stream()
                .filter(e -> TemplateValues.TABLE_TYPE.equals(e.getValue().get("Type")))
                .map(Map.Entry::getKey)
                .toList();
        if (tables.size() != 1) {
            throw new LocalRunnerException("The template should declare one " + TemplateValues.TABLE_TYPE + ", found " + tables);
        }
        String id = tables.get(0);
        Map<String, Object> properties = properties(id);
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        for (Map<String, Object> index : mapList(properties.get("GlobalSecondaryIndexes"), id + ".GlobalSecondaryIndexes")) {
            Map<String, Object> projection = map(index.get("Projection"), id + " index Projection");
            indexes.add(GlobalSecondaryIndex.builder()
                    .indexName(string(index.get("IndexName")))
                    .keySchema(keySchema(index.get("KeySchema"), id + " index KeySchema"))
                    .projection(Projection.builder()
                            .projectionType(string(projection.get("ProjectionType")))
                            .nonKeyAttributes(stringList(projection.get("NonKeyAttributes")))
                            .build())
                    .build());
        }
        List<AttributeDefinition> attributes = new ArrayList<>();
        for (Map<String, Object> attribute : mapList(properties.get("AttributeDefinitions"), id + ".AttributeDefinitions")) {
            attributes.add(AttributeDefinition.builder()
                    .attributeName(string(attribute.get("AttributeName")))
                    .attributeType(string(attribute.get("AttributeType")))
                    .build());
        }
        Map<String, Object> ttl = properties.get("TimeToLiveSpecification") == null
                ? Map.of() : map(properties.get("TimeToLiveSpecification"), id + ".TimeToLiveSpecification");
        return new TableSpec(id, attributes, keySchema(properties.get("KeySchema"), id + ".KeySchema"), indexes,
                string(ttl.get("AttributeName")), Boolean.TRUE.equals(values.resolve(ttl.get("Enabled"))));
    }

    private Map<String, Parameter> readParameters(Map<String, Object> declared, Map<String, String> overrides) {
        for (String name : overrides.keySet()) {
            if (!declared.containsKey(name)) {
                throw new LocalRunnerException("Parameter override " + name + ": the template declares no such parameter");
            }
        }
        Map<String, Parameter> result = new LinkedHashMap<>();
        declared.forEach((name, raw) -> {
            Map<String, Object> definition = map(raw, "Parameters." + name);
            Object defaultValue = definition.get("Default");
            Object value = overrides.containsKey(name) ? overrides.get(name) : defaultValue;
            if (value == null) {
                throw new LocalRunnerException("Parameter " + name + " has no Default; supply a value for it");
            }
            // parameters are strings to CloudFormation, whatever the YAML scalar looked like
            String type = String.valueOf(definition.get("Type"));
            Object normalized = type.equals("CommaDelimitedList") || type.startsWith("List<")
                    ? List.of(String.valueOf(value).split(",", -1)) : String.valueOf(value);
            result.put(name, new Parameter(name, type, defaultValue, normalized));
        });
        return Collections.unmodifiableMap(result);
    }

    private static Map<String, Map<String, Object>> readResources(Map<String, Object> declared) {
        Map<String, Map<String, Object>> result = new LinkedHashMap<>();
        declared.forEach((id, raw) -> result.put(id, map(raw, "Resources." + id)));
        return result;
    }

    private Map<String, LambdaFunction> readFunctions() {
        Map<String, Object> globalFunction = section(globals(), "Function");
        Map<String, LambdaFunction> result = new LinkedHashMap<>();
        for (String id : deployedResources(FUNCTION_TYPE)) {
            Map<String, Object> own = properties(id);
            Map<String, Object> merged = new LinkedHashMap<>(globalFunction);
            merged.putAll(own);
            String handler = values.resolveString(merged.get("Handler"), id + ".Handler");
            if (handler == null) {
                throw new LocalRunnerException(id + " has no Handler");
            }
            int separator = handler.indexOf("::");
            String handlerClass = separator < 0 ? handler : handler.substring(0, separator);
            String handlerMethod = separator < 0 ? "handleRequest" : handler.substring(separator + 2);
            result.put(id, new LambdaFunction(id, handlerClass, handlerMethod,
                    values.resolveString(merged.get("Runtime"), id + ".Runtime"),
                    values.resolveString(merged.get("CodeUri"), id + ".CodeUri"),
                    intValue(merged.get("MemorySize"), 128, id + ".MemorySize"),
                    intValue(merged.get("Timeout"), 3, id + ".Timeout"),
                    environment(id, globalFunction, own)));
        }
        return result;
    }

    /** Globals.Function.Environment.Variables overlaid by the function's own, as SAM merges them. */
    private Map<String, String> environment(String id, Map<String, Object> globalFunction, Map<String, Object> own) {
        Map<String, Object> raw = new LinkedHashMap<>(environmentVariables(globalFunction, "Globals.Function"));
        raw.putAll(environmentVariables(own, id));
        Map<String, String> resolved = new LinkedHashMap<>();
        raw.forEach((name, value) -> {
            String text = values.resolveString(value, id + " environment variable " + name);
            if (text != null) {
                resolved.put(name, text);
            }
        });
        return Map.copyOf(resolved);
    }

    private static Map<String, Object> environmentVariables(Map<String, Object> properties, String where) {
        Object environment = properties.get("Environment");
        if (environment == null) {
            return Map.of();
        }
        return section(map(environment, where + ".Environment"), "Variables");
    }

    private List<HttpRoute> readHttpRoutes() {
        List<HttpRoute> routes = new ArrayList<>();
        forEachEvent(Set.of("HttpApi"), (functionId, eventName, properties) -> {
            String where = functionId + ".Events." + eventName;
            String path = values.resolveString(properties.get("Path"), where + ".Path");
            String method = values.resolveString(properties.get("Method"), where + ".Method");
            Object apiRef = properties.get("ApiId");
            String apiId = apiRef == null ? IMPLICIT_HTTP_API : referencedResource(apiRef, where + ".ApiId");
            // an event with neither Path nor Method is the API's catch-all $default route
            String routePath = path == null ? "/{proxy+}" : path;
            String routeMethod = method == null || method.equalsIgnoreCase("any") ? "ANY" : method.toUpperCase();
            routes.add(new HttpRoute(routeMethod, routePath, functionId, apiId, routeAuthorizer(apiId, properties, where)));
        });
        return List.copyOf(routes);
    }

    private List<Schedule> readSchedules() {
        List<Schedule> result = new ArrayList<>();
        forEachEvent(Set.of("Schedule", "ScheduleV2"), (functionId, eventName, properties) -> {
            String where = functionId + ".Events." + eventName;
            Object expression = properties.containsKey("Schedule") ? properties.get("Schedule") : properties.get("ScheduleExpression");
            Object enabled = values.resolve(properties.get("Enabled"));
            String state = values.resolveString(properties.get("State"), where + ".State");
            boolean isEnabled = enabled instanceof Boolean b ? b : !"DISABLED".equalsIgnoreCase(state);
            result.add(new Schedule(functionId, eventName, values.resolveString(expression, where + ".Schedule"), isEnabled));
        });
        return List.copyOf(result);
    }

    private List<StreamSource> readStreamSources() {
        List<StreamSource> result = new ArrayList<>();
        forEachEvent(Set.of("DynamoDB"), (functionId, eventName, properties) -> {
            String where = functionId + ".Events." + eventName;
            Object stream = properties.get("Stream");
            Object target = stream instanceof Map<?, ?> m ? m.get("Fn::GetAtt") : null;
            List<?> parts = target instanceof List<?> l ? l : target instanceof String s ? List.of(s.split("\\.", 2)) : List.of();
            if (parts.size() != 2 || !"StreamArn".equals(parts.get(1))
                    || !resources.containsKey(String.valueOf(parts.get(0)))
                    || !TemplateValues.TABLE_TYPE.equals(resources.get(String.valueOf(parts.get(0))).get("Type"))) {
                throw new LocalRunnerException(where + ".Stream: only !GetAtt <table>.StreamArn is served locally");
            }
            String start = values.resolveString(properties.get("StartingPosition"), where + ".StartingPosition");
            Object batch = values.resolve(properties.get("BatchSize"));
            int batchSize = batch == null ? 100 : Integer.parseInt(String.valueOf(batch));
            Object types = values.resolve(properties.get("FunctionResponseTypes"));
            boolean reports = types instanceof List<?> l && l.contains("ReportBatchItemFailures");
            result.add(new StreamSource(functionId, eventName, String.valueOf(parts.get(0)),
                    start == null ? "LATEST" : start, batchSize, reports));
        });
        return List.copyOf(result);
    }

    private interface EventVisitor {
        void visit(String functionId, String eventName, Map<String, Object> properties);
    }

    /** Visits the events of the given types; other event types are not served locally and are skipped. */
    private void forEachEvent(Set<String> types, EventVisitor visitor) {
        for (String functionId : functions.keySet()) {
            section(properties(functionId), "Events").forEach((eventName, raw) -> {
                Map<String, Object> event = map(raw, functionId + ".Events." + eventName);
                if (types.contains(String.valueOf(event.get("Type")))) {
                    Object properties = event.get("Properties");
                    visitor.visit(functionId, eventName,
                            properties == null ? Map.of() : map(properties, functionId + ".Events." + eventName + ".Properties"));
                }
            });
        }
    }

    /** The event's own Auth.Authorizer (NONE switches it off), else the API's default authorizer. */
    private Authorizer routeAuthorizer(String apiId, Map<String, Object> eventProperties, String where) {
        Object auth = eventProperties.get("Auth");
        if (auth != null) {
            String named = values.resolveString(map(auth, where + ".Auth").get("Authorizer"), where + ".Auth.Authorizer");
            if ("NONE".equals(named)) {
                return null;
            }
            if (named != null) {
                return authorizer(apiId, named);
            }
        }
        return defaultAuthorizerOf(apiId).orElse(null);
    }

    private Optional<Authorizer> defaultAuthorizerOf(String apiId) {
        Map<String, Object> auth = apiAuth(apiId);
        String name = values.resolveString(auth.get("DefaultAuthorizer"), apiId + ".Auth.DefaultAuthorizer");
        return name == null ? Optional.empty() : Optional.of(authorizer(apiId, name));
    }

    private Authorizer authorizer(String apiId, String name) {
        Map<String, Object> authorizers = section(apiAuth(apiId), "Authorizers");
        if (!authorizers.containsKey(name)) {
            throw new LocalRunnerException(apiId + " has no authorizer named " + name);
        }
        String where = apiId + ".Auth.Authorizers." + name;
        Map<String, Object> definition = map(authorizers.get(name), where);
        if (!definition.containsKey("FunctionArn")) {
            throw new LocalRunnerException(where + " is not a Lambda authorizer; only Lambda authorizers run locally");
        }
        Map<String, Object> identity = section(definition, "Identity");
        return new Authorizer(name,
                referencedResource(definition.get("FunctionArn"), where + ".FunctionArn"),
                values.resolveString(definition.get("AuthorizerPayloadFormatVersion"), where + ".AuthorizerPayloadFormatVersion"),
                Boolean.TRUE.equals(values.resolve(definition.get("EnableSimpleResponses"))),
                Objects.requireNonNullElse(stringList(values.resolve(identity.get("Headers"))), List.of()),
                Objects.requireNonNullElse(stringList(values.resolve(identity.get("QueryStrings"))), List.of()));
    }

    private Map<String, Object> apiAuth(String apiId) {
        Map<String, Object> api = resources.get(apiId);
        if (api == null) {
            // the implicit API takes its settings from Globals.HttpApi
            return section(section(globals(), "HttpApi"), "Auth");
        }
        return section(properties(apiId), "Auth");
    }

    /** The logical ID behind {@code !Ref X}, {@code !GetAtt X.Arn} or {@code !Sub ${X.Arn}}. */
    private String referencedResource(Object raw, String where) {
        if (raw instanceof Map<?, ?> intrinsic && intrinsic.size() == 1) {
            Object ref = intrinsic.get("Ref");
            if (ref instanceof String id && resources.containsKey(id)) {
                return id;
            }
            // SAM's AutoPublishAlias: !Ref Function.Alias is the alias of that function's published version
            if (ref instanceof String alias && alias.endsWith(".Alias")
                    && resources.containsKey(alias.substring(0, alias.length() - ".Alias".length()))) {
                return alias.substring(0, alias.length() - ".Alias".length());
            }
            if (intrinsic.get("Fn::GetAtt") instanceof List<?> getAtt && !getAtt.isEmpty()
                    && resources.containsKey(String.valueOf(getAtt.get(0)))) {
                return String.valueOf(getAtt.get(0));
            }
            if (intrinsic.get("Fn::Sub") instanceof String sub && sub.matches("\\$\\{[A-Za-z0-9]+\\.Arn}")
                    && resources.containsKey(sub.substring(2, sub.length() - 5))) {
                return sub.substring(2, sub.length() - 5);
            }
        }
        throw new LocalRunnerException(where + " must reference a resource of this template (!Ref X, !Ref X.Alias or !GetAtt X.Arn), got " + raw);
    }

    /** Resources of a type whose Condition (if any) holds: the ones a deployment would create. */
    private List<String> deployedResources(String type) {
        return resources.entrySet().stream()
                .filter(e -> type.equals(e.getValue().get("Type")))
                .filter(e -> e.getValue().get("Condition") == null
                        || values.condition(String.valueOf(e.getValue().get("Condition"))))
                .map(Map.Entry::getKey)
                .toList();
    }

    private Map<String, Object> properties(String logicalId) {
        return section(resources.get(logicalId), "Properties");
    }

    private List<KeySchemaElement> keySchema(Object raw, String where) {
        List<KeySchemaElement> keys = new ArrayList<>();
        for (Map<String, Object> key : mapList(raw, where)) {
            keys.add(KeySchemaElement.builder()
                    .attributeName(string(key.get("AttributeName")))
                    .keyType(string(key.get("KeyType")))
                    .build());
        }
        return keys;
    }

    private String string(Object raw) {
        return values.resolveString(raw, "a table property");
    }

    private int intValue(Object raw, int absent, String where) {
        String text = values.resolveString(raw, where);
        try {
            return text == null ? absent : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new LocalRunnerException(where + " is not a whole number: " + text);
        }
    }

    private static List<String> stringList(Object raw) {
        if (raw == null) {
            return null;
        }
        if (raw instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(raw));
    }

    /** A mapping section that may be absent: empty then. */
    private static Map<String, Object> section(Map<String, Object> parent, String key) {
        Object value = parent == null ? null : parent.get(key);
        return value == null ? Map.of() : map(value, key);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String where) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new LocalRunnerException(where + " should be a mapping, got " + value);
    }

    private static List<Map<String, Object>> mapList(Object value, String where) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new LocalRunnerException(where + " should be a list, got " + value);
        }
        return list.stream().map(element -> map(element, where)).toList();
    }
}
