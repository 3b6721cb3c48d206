package orgshare.local;

import orgshare.local.TemplateModel.HttpRoute;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Matches a request to an HttpApi route as API Gateway does: {@code {name}} takes one path segment, a last
 * {@code {name+}} the rest; the most specific route wins (a literal segment over a parameter over a greedy one,
 * a method over ANY). Path parameters are percent-decoded per segment, so {@code %2F} stays inside its segment.
 */
final class RouteTable {
    record Match(HttpRoute route, Map<String, String> pathParameters) {
    }

    private enum SegmentKind { LITERAL, PARAMETER, GREEDY }

    private record Segment(SegmentKind kind, String text) {
    }

    private record CompiledRoute(HttpRoute route, List<Segment> segments) {
        boolean anyMethod() {
            return route.method().equals("ANY");
        }
    }

    private final List<CompiledRoute> routes;

    RouteTable(List<HttpRoute> routes) {
        Set<String> keys = new HashSet<>();
        List<CompiledRoute> compiled = new ArrayList<>();
        for (HttpRoute route : routes) {
            if (!keys.add(route.routeKey())) {
                throw new LocalRunnerException("Route " + route.routeKey() + " is declared twice in the template");
            }
            compiled.add(new CompiledRoute(route, compile(route.path())));
        }
        compiled.sort(SPECIFIC_FIRST);
        this.routes = List.copyOf(compiled);
    }

    /**
     * The route for a request, with its decoded path parameters.
     *
     * @throws PercentDecoding.MalformedException the path has a broken percent-encoding
     */
    Optional<Match> match(String method, String rawPath) {
        List<String> segments = split(rawPath);
        for (CompiledRoute candidate : routes) {
            if (!candidate.anyMethod() && !candidate.route().method().equals(method)) {
                continue;
            }
            Map<String, String> parameters = bind(candidate.segments(), segments);
            if (parameters != null) {
                return Optional.of(new Match(candidate.route(), parameters));
            }
        }
        return Optional.empty();
    }

    private static final Comparator<CompiledRoute> SPECIFIC_FIRST = (a, b) -> {
        int shared = Math.min(a.segments().size(), b.segments().size());
        for (int i = 0; i < shared; i++) {
            int byKind = a.segments().get(i).kind().compareTo(b.segments().get(i).kind());
            if (byKind != 0) {
                return byKind;
            }
        }
        if (a.segments().size() != b.segments().size()) {
            return Integer.compare(b.segments().size(), a.segments().size());
        }
        return Boolean.compare(a.anyMethod(), b.anyMethod());
    };

    private static Map<String, String> bind(List<Segment> pattern, List<String> rawSegments) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < pattern.size(); i++) {
            Segment segment = pattern.get(i);
            if (segment.kind() == SegmentKind.GREEDY) {
                if (i >= rawSegments.size()) {
                    return null;
                }
                List<String> rest = new ArrayList<>();
                for (String raw : rawSegments.subList(i, rawSegments.size())) {
                    rest.add(PercentDecoding.pathSegment(raw));
                }
                parameters.put(segment.text(), String.join("/", rest));
                return parameters;
            }
            if (i >= rawSegments.size()) {
                return null;
            }
            String value = PercentDecoding.pathSegment(rawSegments.get(i));
            if (segment.kind() == SegmentKind.LITERAL) {
                if (!segment.text().equals(value)) {
                    return null;
                }
            } else if (value.isEmpty()) {
                return null;
            } else {
                parameters.put(segment.text(), value);
            }
        }
        return pattern.size() == rawSegments.size() ? parameters : null;
    }

    private static List<Segment> compile(String path) {
        List<Segment> segments = new ArrayList<>();
        List<String> parts = split(path);
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            if (part.startsWith("{") && part.endsWith("+}")) {
                if (i != parts.size() - 1) {
                    throw new LocalRunnerException("Route path " + path + ": a greedy " + part + " must be the last segment");
                }
                segments.add(new Segment(SegmentKind.GREEDY, part.substring(1, part.length() - 2)));
            } else if (part.startsWith("{") && part.endsWith("}")) {
                segments.add(new Segment(SegmentKind.PARAMETER, part.substring(1, part.length() - 1)));
            } else {
                segments.add(new Segment(SegmentKind.LITERAL, part));
            }
        }
        return segments;
    }

    private static List<String> split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("/", -1));
    }
}
