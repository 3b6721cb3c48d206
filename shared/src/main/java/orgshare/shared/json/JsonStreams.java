package orgshare.shared.json;

import com.fasterxml.jackson.core.JsonFactory;

/**
 * Jackson's streaming parser and generator alone, without the data-binding mapper ({@link Json}): what reads a
 * Lambda event and writes its response. A function that binds no JSON (the authorizer) loads nothing more.
 */
public final class JsonStreams {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonStreams() {
    }

    public static JsonFactory factory() {
        return FACTORY;
    }
}
