package orgshare.functions.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import orgshare.functions.http.ApiResponse;
import orgshare.functions.http.HttpEvent;
import orgshare.functions.http.HttpFunction;
import orgshare.functions.http.HttpResult;
import orgshare.shared.error.ApiException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * GET /openapi.json: the API's description, no key needed. openapi.yaml is packed into the jar and turned into JSON
 * once per container (at init, so in the SnapStart snapshot); no other function loads the YAML reader.
 */
public final class OpenApiHandler extends HttpFunction {
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
    public HttpResult handle(HttpEvent event, Context context) {
        if (event.hasBody()) {
            return ApiResponse.error(ApiException.validation("This route takes no body; send the request without one.")).toHttp();
        }
        // public and the same for every caller: clients and API consoles may cache it for a few minutes
        return new HttpResult(200, Map.of("content-type", "application/json", "cache-control", "public, max-age=300"), DOCUMENT);
    }
}
