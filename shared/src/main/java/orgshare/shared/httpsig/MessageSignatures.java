package orgshare.shared.httpsig;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * HTTP Message Signatures (RFC 9421): the signature base of a message for a list of covered components and signature
 * parameters, and the Signature-Input / Signature fields that carry a signature under a label. Profiles (which
 * components, which parameters, the window, the nonces) are the caller's; this class knows only the format.
 */
public final class MessageSignatures {
    public static final String SIGNATURE_INPUT = "signature-input";
    public static final String SIGNATURE = "signature";

    private MessageSignatures() {
    }

    /** A covered component: a derived one ({@code @method}) or a header field, from the request when {@code req}. */
    public record Component(String name, boolean req) {
        public Component {
            name = name.toLowerCase(Locale.ROOT);
        }

        public static Component of(String name) {
            return new Component(name, false);
        }

        /** A component of the request a response answers (the {@code ;req} parameter). */
        public static Component ofRequest(String name) {
            return new Component(name, true);
        }

        StructuredFields.Item item() {
            return new StructuredFields.Item(name, req ? Map.of("req", Boolean.TRUE) : Map.of());
        }
    }

    /** A signature algorithm with its key: signs a base, or checks a signature of one. */
    public interface Algorithm {
        String name();

        byte[] sign(byte[] base);

        boolean verify(byte[] base, byte[] signature);
    }

    /** The two field values that carry one signature. */
    public record Signed(String signatureInput, String signature) {
    }

    /** What a verified signature covered, and its parameters (created, nonce, keyid, tag, ...). */
    public record Verified(List<Component> components, Map<String, Object> parameters) {
    }

    /** Why a signature was refused: a code for the error shape and a message for people. */
    public static final class Refused extends Exception {
        private final String code;

        public Refused(String code, String message) {
            super(message);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /** The signature base (RFC 9421 §2.5) of {@code message} for these components and parameters. */
    public static String base(HttpMessage message, List<Component> components, Map<String, Object> parameters) throws Refused {
        StringBuilder base = new StringBuilder();
        for (Component component : components) {
            StructuredFields.Item item = component.item();
            base.append(StructuredFields.serialize(item)).append(": ").append(value(message, component)).append('\n');
        }
        base.append("\"@signature-params\": ").append(signatureParams(components, parameters));
        return base.toString();
    }

    private static String signatureParams(List<Component> components, Map<String, Object> parameters) {
        return StructuredFields.serialize(new StructuredFields.InnerList(
                components.stream().map(Component::item).toList(), parameters));
    }

    /** Signs {@code message}: the Signature-Input and Signature values for {@code label}. */
    public static Signed sign(HttpMessage message, String label, List<Component> components, Map<String, Object> parameters,
                              Algorithm algorithm) throws Refused {
        byte[] signature = algorithm.sign(base(message, components, parameters).getBytes(StandardCharsets.UTF_8));
        return new Signed(label + "=" + signatureParams(components, parameters),
                label + "=:" + Base64.getEncoder().encodeToString(signature) + ":");
    }

    /**
     * Verifies the signature {@code label} of {@code message} with the algorithm {@code keyFor} gives for its
     * parameters (null: no such key). The caller then checks its profile on what was covered.
     */
    public static Verified verify(HttpMessage message, String label, Function<Map<String, Object>, Algorithm> keyFor)
            throws Refused {
        StructuredFields.InnerList input;
        byte[] signature;
        try {
            Object inputMember = one(message, SIGNATURE_INPUT).get(label);
            Object signatureMember = one(message, SIGNATURE).get(label);
            if (!(inputMember instanceof StructuredFields.InnerList list)
                    || !(signatureMember instanceof StructuredFields.Item item) || !(item.value() instanceof byte[] bytes)) {
                throw new Refused("BAD_SIGNATURE", "No signature '" + label + "' in Signature-Input and Signature.");
            }
            input = list;
            signature = bytes;
        } catch (IllegalArgumentException malformed) {
            throw new Refused("BAD_SIGNATURE", "Signature-Input or Signature is not a structured dictionary: " + malformed.getMessage());
        }
        List<Component> components = new ArrayList<>();
        for (StructuredFields.Item item : input.items()) {
            if (!(item.value() instanceof String name) || !Set.of("req").containsAll(item.parameters().keySet())) {
                throw new Refused("BAD_SIGNATURE", "A covered component is not a plain name (or ;req).");
            }
            components.add(new Component(name, item.parameters().containsKey("req")));
        }
        Map<String, Object> parameters = new LinkedHashMap<>(input.parameters());
        Algorithm algorithm = keyFor.apply(parameters);
        if (algorithm == null) {
            throw new Refused("UNKNOWN_PEER", "The signature's keyid names no key this side knows.");
        }
        Object alg = parameters.get("alg");
        if (alg != null && !algorithm.name().equals(alg)) {
            throw new Refused("BAD_SIGNATURE", "The signature says alg " + alg + "; the key is " + algorithm.name() + ".");
        }
        byte[] base = base(message, components, parameters).getBytes(StandardCharsets.UTF_8);
        if (!algorithm.verify(base, signature)) {
            throw new Refused("BAD_SIGNATURE", "The signature does not match the message.");
        }
        return new Verified(List.copyOf(components), Map.copyOf(parameters));
    }

    private static Map<String, Object> one(HttpMessage message, String field) throws Refused {
        List<String> values = message.header(field);
        if (values.isEmpty()) {
            throw new Refused("BAD_SIGNATURE", "The message has no " + field + " field.");
        }
        return StructuredFields.parseDictionary(String.join(", ", values));
    }

    /** A component's value (RFC 9421 §2.1-2.2). */
    private static String value(HttpMessage message, Component component) throws Refused {
        HttpMessage source = message;
        if (component.req()) {
            if (message.isRequest() || message.request() == null) {
                throw new Refused("BAD_SIGNATURE", "';req' covers a request component, and only a response has one.");
            }
            source = message.request();
        }
        String name = component.name();
        if (name.startsWith("@")) {
            return derived(source, name);
        }
        List<String> values = source.header(name);
        if (values.isEmpty()) {
            throw new Refused("BAD_SIGNATURE", "The covered field '" + name + "' is not in the message.");
        }
        return String.join(", ", values.stream().map(String::strip).toList());
    }

    private static String derived(HttpMessage message, String name) throws Refused {
        if (name.equals("@status")) {
            if (message.isRequest()) {
                throw new Refused("BAD_SIGNATURE", "@status is a response's.");
            }
            return String.valueOf(message.status());
        }
        if (!message.isRequest()) {
            throw new Refused("BAD_SIGNATURE", name + " is a request's; a response covers it with ;req.");
        }
        URI uri = message.targetUri();
        return switch (name) {
            case "@method" -> message.method().toUpperCase(Locale.ROOT);
            case "@target-uri" -> uri.toString();
            case "@authority" -> authority(uri);
            case "@scheme" -> uri.getScheme().toLowerCase(Locale.ROOT);
            case "@path" -> uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            case "@query" -> "?" + (uri.getRawQuery() == null ? "" : uri.getRawQuery());
            case "@request-target" -> (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            default -> throw new Refused("BAD_SIGNATURE", "Unknown derived component " + name + ".");
        };
    }

    private static String authority(URI uri) {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (port == 443 && "https".equalsIgnoreCase(uri.getScheme()))
                || (port == 80 && "http".equalsIgnoreCase(uri.getScheme()));
        return defaultPort ? host : host + ":" + port;
    }
}
