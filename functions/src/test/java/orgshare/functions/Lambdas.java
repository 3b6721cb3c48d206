package orgshare.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import orgshare.functions.handler.AuthorizerHandler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Drives a handler the way the Lambda runtime does: the event as the JSON bytes API Gateway sends (payload 2.0), the
 * handler's output bytes read back as the response API Gateway reads. Tests keep building events with the events
 * classes; the handlers themselves never see them.
 */
public final class Lambdas {
    /** Writes an event as API Gateway's JSON: the events classes' getters name the fields, absent ones left out. */
    private static final ObjectMapper WRITER = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            // the authorizer event's request context answers its time as Joda and java.time objects, which are
            // strings and numbers on the wire and which no handler reads: left out
            .addMixIn(APIGatewayV2CustomAuthorizerEvent.RequestContext.class, NoTime.class);
    /** Reads what a handler wrote, leniently, as API Gateway does; a deep or long body is only a string here. */
    private static final ObjectMapper READER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    static {
        READER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(Integer.MAX_VALUE).build());
    }

    @JsonIgnoreProperties({"time", "timeEpoch"})
    private abstract static class NoTime {
    }

    private Lambdas() {
    }

    /** Invokes an HTTP function on {@code event}; {@code context} may be null, as some tests pass. */
    public static APIGatewayV2HTTPResponse http(RequestStreamHandler handler, APIGatewayV2HTTPEvent event, Context context) {
        return http(handler, bytes(event), context);
    }

    /** Invokes an HTTP function on raw invocation bytes (what only a caller other than API Gateway sends). */
    public static APIGatewayV2HTTPResponse http(RequestStreamHandler handler, byte[] event, Context context) {
        JsonNode output = invoke(handler, event, context);
        if (!output.isObject() || !output.path("statusCode").isInt()) {
            fail("an HTTP function answers a JSON object with an integer statusCode, not: " + clip(output.toString()));
        }
        try {
            return READER.treeToValue(output, APIGatewayV2HTTPResponse.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Invokes the authorizer on {@code event}: {@code {"isAuthorized": .., "context": {..}}} as its simple response. */
    public static SimpleIAMPolicyResponse authorize(AuthorizerHandler handler, APIGatewayV2CustomAuthorizerEvent event,
                                                    Context context) {
        return authorizerAnswer(invoke(handler, bytes(event), context));
    }

    /** Invokes the authorizer on raw invocation bytes. */
    public static SimpleIAMPolicyResponse authorize(AuthorizerHandler handler, byte[] event, Context context) {
        return authorizerAnswer(invoke(handler, event, context));
    }

    private static SimpleIAMPolicyResponse authorizerAnswer(JsonNode output) {
        if (!output.isObject() || !output.path("isAuthorized").isBoolean()) {
            fail("the authorizer answers a JSON object with a boolean isAuthorized, not: " + clip(output.toString()));
        }
        Map<String, String> context = null;
        JsonNode values = output.get("context");
        if (values != null && !values.isNull()) {
            if (!values.isObject()) {
                fail("the authorizer's context is a JSON object, not: " + clip(values.toString()));
            }
            context = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> entry : values.properties()) {
                if (!entry.getValue().isTextual()) {
                    fail("the authorizer's context holds strings, not: " + clip(entry.toString()));
                }
                context.put(entry.getKey(), entry.getValue().textValue());
            }
        }
        return new SimpleIAMPolicyResponse(output.get("isAuthorized").booleanValue(), context);
    }

    /** The JSON bytes of an events-class object, as API Gateway sends the event. */
    public static byte[] bytes(Object event) {
        try {
            return WRITER.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode invoke(RequestStreamHandler handler, byte[] event, Context context) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(event), out, context);
            JsonNode output = READER.readTree(out.toByteArray());
            if (output == null || output.isMissingNode()) {
                fail(handler.getClass().getSimpleName() + " wrote nothing");
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(handler.getClass().getSimpleName() + " failed on "
                    + clip(new String(event, StandardCharsets.UTF_8)) + " (wrote: "
                    + clip(out.toString(StandardCharsets.UTF_8)) + ")", e);
        }
    }

    private static String clip(String text) {
        return text.length() <= 500 ? text : text.substring(0, 500) + "...";
    }
}
