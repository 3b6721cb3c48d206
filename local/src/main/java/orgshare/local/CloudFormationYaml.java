package orgshare.local;

import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a CloudFormation/SAM template written in YAML. The short-form tags ({@code !Ref X}, {@code !GetAtt A.B},
 * {@code !Sub ...}) become the long forms ({@code {Ref: X}}, {@code {Fn::GetAtt: [A, B]}}, {@code {Fn::Sub: ...}}),
 * so the rest of the runner deals with one form only.
 */
public final class CloudFormationYaml {
    /** The short forms CloudFormation documents; any other {@code !Name} is read the same way, as {@code Fn::Name}. */
    static final List<String> SHORT_FORMS = List.of(
            "Ref", "Condition", "GetAtt", "Sub", "Join", "If", "Equals", "Select", "Split", "FindInMap", "GetAZs",
            "ImportValue", "Base64", "Not", "And", "Or", "Cidr", "Length", "ToJsonString", "Transform");

    private CloudFormationYaml() {
    }

    public static Map<String, Object> load(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return asDocument(newLoader().loadFromReader(reader), file.toString());
        } catch (IOException e) {
            throw new LocalRunnerException("Cannot read the template " + file + ": " + e.getMessage(), e);
        } catch (YamlEngineException e) {
            throw new LocalRunnerException("The template " + file + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    static Map<String, Object> parse(String yaml) {
        return asDocument(newLoader().loadFromString(yaml), "the YAML text");
    }

    private static Load newLoader() {
        // the core schema reads 'true', 30 and ~ the way CloudFormation does; the JSON schema would keep 'True' a string
        LoadSettings settings = LoadSettings.builder()
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(false)
                .setLabel("template")
                .build();
        return new Load(settings, new IntrinsicConstructor(settings));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asDocument(Object loaded, String source) {
        if (!(loaded instanceof Map<?, ?> document)) {
            throw new LocalRunnerException(source + " is not a YAML mapping");
        }
        return (Map<String, Object>) document;
    }

    /** Builds the long form of an intrinsic from its short-form tag. */
    private static final class IntrinsicConstructor extends StandardConstructor {
        IntrinsicConstructor(LoadSettings settings) {
            super(settings);
            for (String name : SHORT_FORMS) {
                tagConstructors.put(new Tag("!" + name), this::constructIntrinsic);
            }
        }

        @Override
        protected Optional<ConstructNode> findConstructorFor(Node node) {
            Optional<ConstructNode> known = super.findConstructorFor(node);
            if (known.isPresent() || !node.getTag().getValue().startsWith("!")) {
                return known;
            }
            // an intrinsic newer than this runner: keep it as Fn::Name, the resolver says so only if it is ever used
            return Optional.of(this::constructIntrinsic);
        }

        private Object constructIntrinsic(Node node) {
            String name = node.getTag().getValue().substring(1);
            Object value = constructValue(node);
            return switch (name) {
                case "Ref", "Condition" -> Map.of(name, value);
                case "GetAtt" -> Map.of("Fn::GetAtt", value instanceof String dotted ? splitGetAtt(dotted) : value);
                default -> Map.of("Fn::" + name, value);
            };
        }

        private Object constructValue(Node node) {
            if (node instanceof ScalarNode scalar) {
                return constructScalar(scalar);
            }
            if (node instanceof SequenceNode sequence) {
                return constructSequence(sequence);
            }
            return constructMapping((MappingNode) node);
        }

        /** {@code A.B.C} names resource A and its attribute B.C (nested attributes keep their dots). */
        private static List<String> splitGetAtt(String dotted) {
            int dot = dotted.indexOf('.');
            if (dot <= 0 || dot == dotted.length() - 1) {
                return Arrays.asList(dotted);
            }
            return List.of(dotted.substring(0, dot), dotted.substring(dot + 1));
        }
    }
}
