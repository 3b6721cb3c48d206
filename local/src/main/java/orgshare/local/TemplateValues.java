package orgshare.local;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves template values the way a deployment would, with local stand-ins: parameters from overrides or their
 * Default, every DynamoDB table to the local table, pseudo parameters to a fixed account in us-east-1, {@code Arn}
 * attributes to fake ARNs. What has no meaningful local value (an import from another stack) is an error, never a guess.
 */
public final class TemplateValues {
    public static final String REGION = "us-east-1";
    public static final String ACCOUNT_ID = "123456789012";
    public static final String STACK_NAME = "orgshare-local";
    static final String TABLE_TYPE = "AWS::DynamoDB::Table";
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
    /** Marks AWS::NoValue while resolving; removed from maps and lists, as CloudFormation removes the property. */
    private static final Object NO_VALUE = new Object();

    private final Map<String, Object> parameters;
    private final Map<String, String> resourceTypes;
    private final Map<String, Object> conditions;
    private final Map<String, Object> mappings;
    private final String tableName;
    private final Map<String, Boolean> evaluatedConditions = new HashMap<>();

    /**
     * @param parameters    parameter name -> value (overrides already applied over defaults)
     * @param resourceTypes logical ID -> resource Type
     * @param conditions    the template's Conditions section
     * @param mappings      the template's Mappings section
     * @param tableName     the local table every DynamoDB table resource stands for
     */
    TemplateValues(Map<String, Object> parameters, Map<String, String> resourceTypes, Map<String, Object> conditions,
                   Map<String, Object> mappings, String tableName) {
        this.parameters = parameters;
        this.resourceTypes = resourceTypes;
        this.conditions = conditions;
        this.mappings = mappings;
        this.tableName = tableName;
    }

    /** The value with every intrinsic function resolved; null where it resolves to AWS::NoValue. */
    public Object resolve(Object value) {
        Object resolved = resolveAny(value);
        return resolved == NO_VALUE ? null : resolved;
    }

    /** A scalar value as the string a Lambda environment variable or a property would hold. */
    public String resolveString(Object value, String where) {
        Object resolved = resolve(value);
        if (resolved instanceof Map<?, ?> || resolved instanceof List<?>) {
            throw new LocalRunnerException(where + " does not resolve to a single value: " + resolved);
        }
        return resolved == null ? null : String.valueOf(resolved);
    }

    /** Evaluates a named condition of the Conditions section. */
    public boolean condition(String name) {
        Boolean known = evaluatedConditions.get(name);
        if (known != null) {
            return known;
        }
        if (!conditions.containsKey(name)) {
            throw new LocalRunnerException("Condition '" + name + "' is not defined in Conditions");
        }
        boolean value = asBoolean(resolveAny(conditions.get(name)), "Condition " + name);
        evaluatedConditions.put(name, value);
        return value;
    }

    private Object resolveAny(Object value) {
        if (value instanceof Map<?, ?> map) {
            if (map.size() == 1) {
                Map.Entry<?, ?> only = map.entrySet().iterator().next();
                String key = String.valueOf(only.getKey());
                if (key.equals("Ref") || key.equals("Condition") || key.startsWith("Fn::")) {
                    return intrinsic(key, only.getValue());
                }
            }
            Map<String, Object> resolved = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                Object item = resolveAny(v);
                if (item != NO_VALUE) {
                    resolved.put(String.valueOf(k), item);
                }
            });
            return resolved;
        }
        if (value instanceof List<?> list) {
            List<Object> resolved = new ArrayList<>();
            for (Object element : list) {
                Object item = resolveAny(element);
                if (item != NO_VALUE) {
                    resolved.add(item);
                }
            }
            return resolved;
        }
        return value;
    }

    private Object intrinsic(String function, Object argument) {
        return switch (function) {
            case "Ref" -> ref(text(argument, "Ref"));
            case "Condition" -> condition(text(argument, "Condition"));
            case "Fn::GetAtt" -> getAtt(argument);
            case "Fn::Sub" -> sub(argument);
            case "Fn::Join" -> join(arguments(argument, 2, function));
            case "Fn::If" -> conditional(arguments(argument, 3, function));
            case "Fn::Equals" -> {
                List<?> pair = arguments(argument, 2, function);
                yield String.valueOf(resolve(pair.get(0))).equals(String.valueOf(resolve(pair.get(1))));
            }
            case "Fn::Not" -> !asBoolean(resolveAny(arguments(argument, 1, function).get(0)), function);
            case "Fn::And" -> list(argument, function).stream().allMatch(c -> asBoolean(resolveAny(c), function));
            case "Fn::Or" -> list(argument, function).stream().anyMatch(c -> asBoolean(resolveAny(c), function));
            case "Fn::Select" -> select(arguments(argument, 2, function));
            case "Fn::Split" -> {
                List<?> args = arguments(argument, 2, function);
                String delimiter = text(resolve(args.get(0)), function);
                yield List.of(text(resolve(args.get(1)), function).split(Pattern.quote(delimiter), -1));
            }
            case "Fn::FindInMap" -> findInMap(arguments(argument, 3, function));
            case "Fn::GetAZs" -> List.of(REGION + "a", REGION + "b", REGION + "c");
            case "Fn::Base64" -> Base64.getEncoder().encodeToString(
                    text(resolve(argument), function).getBytes(StandardCharsets.UTF_8));
            case "Fn::ImportValue" -> throw new LocalRunnerException(
                    "Fn::ImportValue " + resolve(argument) + " names another stack's export, which does not exist locally");
            default -> throw new LocalRunnerException(function + " is not supported by the local runner");
        };
    }

    private Object ref(String name) {
        switch (name) {
            case "AWS::Region":
                return REGION;
            case "AWS::AccountId":
                return ACCOUNT_ID;
            case "AWS::Partition":
                return "aws";
            case "AWS::URLSuffix":
                return "amazonaws.com";
            case "AWS::StackName":
                return STACK_NAME;
            case "AWS::StackId":
                return "arn:aws:cloudformation:" + REGION + ":" + ACCOUNT_ID + ":stack/" + STACK_NAME + "/local";
            case "AWS::NotificationARNs":
                return List.of();
            case "AWS::NoValue":
                return NO_VALUE;
            default:
                break;
        }
        if (parameters.containsKey(name)) {
            return parameters.get(name);
        }
        String type = resourceTypes.get(name);
        if (type == null) {
            throw new LocalRunnerException("Ref " + name + ": no parameter or resource has that name");
        }
        // a Ref to a resource is its physical name; locally every function and API keeps its logical ID
        return TABLE_TYPE.equals(type) ? tableName : name;
    }

    private Object getAtt(Object argument) {
        List<?> args = arguments(argument, 2, "Fn::GetAtt");
        String resource = text(args.get(0), "Fn::GetAtt");
        String attribute = text(resolve(args.get(1)), "Fn::GetAtt");
        return attribute(resource, attribute);
    }

    private String attribute(String resource, String attribute) {
        String type = resourceTypes.get(resource);
        if (type == null) {
            throw new LocalRunnerException("Fn::GetAtt " + resource + "." + attribute + ": no resource has that name");
        }
        if (!attribute.equals("Arn")) {
            throw new LocalRunnerException("Fn::GetAtt " + resource + "." + attribute
                    + ": only the Arn attribute has a local stand-in");
        }
        return arn(resource, type);
    }

    private String arn(String resource, String type) {
        String prefix = "arn:aws:%s:" + REGION + ":" + ACCOUNT_ID + ":";
        return switch (type) {
            case TABLE_TYPE -> prefix.formatted("dynamodb") + "table/" + tableName;
            case "AWS::Serverless::Function", "AWS::Lambda::Function" -> prefix.formatted("lambda") + "function:" + resource;
            case "AWS::Logs::LogGroup" -> prefix.formatted("logs") + "log-group:" + resource;
            default -> prefix.formatted("local") + type + "/" + resource;
        };
    }

    private Object sub(Object argument) {
        String template;
        Map<?, ?> variables = Map.of();
        if (argument instanceof List<?> list && list.size() == 2 && list.get(1) instanceof Map<?, ?> vars) {
            template = text(list.get(0), "Fn::Sub");
            variables = vars;
        } else {
            template = text(argument, "Fn::Sub");
        }
        Matcher matcher = SUB_VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String replacement;
            if (name.startsWith("!")) {
                replacement = "${" + name.substring(1) + "}";
            } else if (variables.containsKey(name)) {
                replacement = text(resolve(variables.get(name)), "Fn::Sub variable " + name);
            } else if (name.contains(".") && !name.startsWith("AWS::")) {
                int dot = name.indexOf('.');
                replacement = attribute(name.substring(0, dot), name.substring(dot + 1));
            } else {
                replacement = text(resolve(Map.of("Ref", name)), "Fn::Sub ${" + name + "}");
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private Object join(List<?> args) {
        String delimiter = text(resolve(args.get(0)), "Fn::Join");
        List<String> parts = new ArrayList<>();
        for (Object part : list(resolve(args.get(1)), "Fn::Join")) {
            parts.add(text(part, "Fn::Join"));
        }
        return String.join(delimiter, parts);
    }

    private Object conditional(List<?> args) {
        return resolveAny(condition(text(args.get(0), "Fn::If")) ? args.get(1) : args.get(2));
    }

    private Object select(List<?> args) {
        int index = Integer.parseInt(text(resolve(args.get(0)), "Fn::Select"));
        List<?> from = list(resolve(args.get(1)), "Fn::Select");
        if (index < 0 || index >= from.size()) {
            throw new LocalRunnerException("Fn::Select index " + index + " is outside " + from);
        }
        return from.get(index);
    }

    private Object findInMap(List<?> args) {
        String mapName = text(resolve(args.get(0)), "Fn::FindInMap");
        String top = text(resolve(args.get(1)), "Fn::FindInMap");
        String second = text(resolve(args.get(2)), "Fn::FindInMap");
        if (mappings.get(mapName) instanceof Map<?, ?> map && map.get(top) instanceof Map<?, ?> level
                && level.containsKey(second)) {
            return resolveAny(level.get(second));
        }
        throw new LocalRunnerException("Fn::FindInMap [" + mapName + ", " + top + ", " + second + "] is not in Mappings");
    }

    private static List<?> arguments(Object argument, int count, String function) {
        List<?> args = list(argument, function);
        if (args.size() != count) {
            throw new LocalRunnerException(function + " takes " + count + " arguments, got " + args);
        }
        return args;
    }

    private static List<?> list(Object value, String function) {
        if (value instanceof List<?> list) {
            return list;
        }
        throw new LocalRunnerException(function + " expects a list, got " + value);
    }

    private static String text(Object value, String function) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        throw new LocalRunnerException(function + " expects a single value, got " + value);
    }

    private static boolean asBoolean(Object value, String where) {
        if (value instanceof Boolean b) {
            return b;
        }
        throw new LocalRunnerException(where + " does not evaluate to true or false: " + value);
    }
}
