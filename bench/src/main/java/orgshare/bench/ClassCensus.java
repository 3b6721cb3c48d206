package orgshare.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The classes a cold start loads, by where they come from, read off {@code -Xlog:class+load} (one line a class:
 * {@code [..][info][class,load] <name> source: <where>}): what the JVM has to find, read, verify and initialize
 * beyond what the floor does.
 */
final class ClassCensus {
    /** The origins, most specific prefix first; the first that matches names the class's origin. */
    private static final Map<String, String> ORIGINS = origins();

    static final List<String> NAMES = ORIGINS.values().stream().distinct().toList();

    private ClassCensus() {
    }

    private static Map<String, String> origins() {
        Map<String, String> origins = new LinkedHashMap<>();
        origins.put("software.amazon.awssdk.enhanced.", "enhanced client");
        origins.put("software.amazon.awssdk.services.dynamodb.", "DynamoDB client and model");
        origins.put("software.amazon.awssdk.", "SDK core and HTTP");
        origins.put("com.fasterxml.jackson.databind.", "Jackson databind");
        origins.put("com.fasterxml.jackson.", "Jackson core and annotations");
        origins.put("com.amazonaws.services.lambda.runtime.events.", "Lambda events");
        origins.put("com.amazonaws.services.lambda.", "Lambda core");
        origins.put("orgshare.bench.", "the probe");
        origins.put("orgshare.", "orgshare");
        origins.put("java.", "JDK");
        origins.put("javax.", "JDK");
        origins.put("jdk.", "JDK");
        origins.put("sun.", "JDK");
        origins.put("com.sun.", "JDK");
        origins.put("", "other");
        return origins;
    }

    /** Counts by origin, in {@link #NAMES}' order (an origin with none counts 0). */
    static Map<String, Integer> count(Path log) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        NAMES.forEach(name -> counts.put(name, 0));
        try (Stream<String> lines = Files.lines(log)) {
            lines.map(ClassCensus::className).filter(c -> c != null).forEach(c -> counts.merge(origin(c), 1, Integer::sum));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return counts;
    }

    static String origin(String className) {
        for (Map.Entry<String, String> origin : ORIGINS.entrySet()) {
            if (className.startsWith(origin.getKey())) {
                return origin.getValue();
            }
        }
        throw new IllegalStateException("the empty prefix matches every class");
    }

    private static String className(String line) {
        int tag = line.indexOf("[class,load] ");
        if (tag < 0) {
            return null;
        }
        int start = tag + "[class,load] ".length();
        int end = line.indexOf(' ', start);
        return end < 0 ? line.substring(start) : line.substring(start, end);
    }
}
