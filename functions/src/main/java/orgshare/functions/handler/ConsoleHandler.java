package orgshare.functions.handler;

import com.amazonaws.services.lambda.runtime.Context;
import orgshare.functions.http.ApiResponse;
import orgshare.functions.http.HttpEvent;
import orgshare.functions.http.HttpFunction;
import orgshare.functions.http.HttpResult;
import orgshare.shared.error.ApiException;
import orgshare.shared.ids.Digests;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GET /console and GET /console/{proxy+}: the web console's static files, no key needed (the page itself asks for
 * one and calls the public API with it). The files are read from the jar once per container and each asset is
 * named by its SHA-256, so a new deployment never meets a stale cached copy and the page itself is never cached.
 */
public final class ConsoleHandler extends HttpFunction {
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    static final String ASSET_PREFIX = "/console/assets/";
    private static final Map<String, String> TYPES = Map.of(
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "html", "text/html; charset=utf-8");
    private static final List<String> ASSETS = List.of("app.js", "app.css");

    private record File(String contentType, String cacheControl, String body) {
    }

    /** Every file by the path it answers on: index.html on /console, the assets on their fingerprinted names. */
    private static final Map<String, File> FILES = load();

    static Map<String, File> load() {
        Map<String, File> files = new HashMap<>();
        String index = read("index.html");
        for (String asset : ASSETS) {
            String body = read(asset);
            int dot = asset.lastIndexOf('.');
            String extension = asset.substring(dot + 1);
            String path = ASSET_PREFIX + asset.substring(0, dot) + "." + Digests.sha256Hex(body, 4) + "." + extension;
            files.put(path, new File(TYPES.get(extension), "public, max-age=31536000, immutable", body));
            String placeholder = "{{" + asset + "}}";
            if (!index.contains(placeholder)) {
                throw new IllegalStateException("console/index.html does not name " + placeholder);
            }
            index = index.replace(placeholder, path);
        }
        files.put("/console", new File(TYPES.get("html"), "no-cache", index));
        return Map.copyOf(files);
    }

    private static String read(String name) {
        try (InputStream in = ConsoleHandler.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                throw new IllegalStateException("console/" + name + " is not in the jar (the functions module packs it)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("console/" + name + " cannot be read", e);
        }
    }

    @Override
    public HttpResult handle(HttpEvent event, Context context) {
        if (event.hasBody()) {
            return secured(ApiResponse.error(ApiException.validation("This route takes no body; send the request without one.")).toHttp());
        }
        String path = pathOf(event);
        File file = path == null ? null : FILES.get(path);
        if (file == null) {
            return secured(ApiResponse.error(ApiException.notFound("NOT_FOUND", "The console has no such file.")).toHttp());
        }
        return secured(new HttpResult(200, Map.of("content-type", file.contentType(), "cache-control", file.cacheControl()),
                file.body()));
    }

    /**
     * The path asked for: the page on GET /console, else the {proxy+} route's parameter (decoded by the gateway);
     * without one on another path there is no file to answer.
     */
    private static String pathOf(HttpEvent event) {
        String proxy = event.pathParameter("proxy");
        if (proxy != null) {
            return "/console/" + proxy;
        }
        String rawPath = event.rawPath();
        return rawPath == null || rawPath.endsWith("/console") ? "/console" : null;
    }

    /** The headers every answer carries, errors included: the page may run only its own files. */
    private static HttpResult secured(HttpResult response) {
        return response.withHeaders(Map.of("content-security-policy", CONTENT_SECURITY_POLICY,
                "x-content-type-options", "nosniff", "referrer-policy", "no-referrer"));
    }
}
