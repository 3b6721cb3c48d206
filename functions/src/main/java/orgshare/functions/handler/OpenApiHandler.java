package orgshare.functions.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import orgshare.functions.http.ApiRequest;
import orgshare.functions.http.ApiResponse;
import orgshare.shared.error.ApiException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * GET /openapi.json: the API's description, no key needed. openapi.yaml is packed into the jar and turned into JSON
 * once per container (at init, so in the SnapStart snapshot); no other function loads the YAML reader.
 */
public final class OpenApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    static final String RESOURCE = "/openapi.yaml";
    private static final String DOCUMENT = load();

    static String load() {
        try (InputStream in = OpenApiHandler.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not in the jar (the functions module packs it)");
            }
            return new ObjectMapper().writeValueAsString(new YAMLMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("openapi.yaml does not read as YAML", e);
        }
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        if (ApiRequest.hasBody(event)) {
            return ApiResponse.error(ApiException.validation("This route takes no body; send the request without one.")).toHttp();
        }
        APIGatewayV2HTTPResponse response = new APIGatewayV2HTTPResponse();
        response.setStatusCode(200);
        // public and the same for every caller: clients and API consoles may cache it for a few minutes
        response.setHeaders(Map.of("content-type", "application/json", "cache-control", "public, max-age=300"));
        response.setIsBase64Encoded(false);
        response.setBody(DOCUMENT);
        return response;
    }
}
