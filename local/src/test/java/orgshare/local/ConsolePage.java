package orgshare.local;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The console's page as the tests read it: the fingerprinted assets it names. */
final class ConsolePage {
    private static final Pattern ASSET = Pattern.compile("/console/assets/app\\.[0-9a-f]{8}\\.(?:js|css)");

    private ConsolePage() {
    }

    /** The assets' paths, in the page's order (the stylesheet, then the script). */
    static List<String> assets(String html) {
        List<String> paths = new ArrayList<>();
        Matcher asset = ASSET.matcher(html);
        while (asset.find()) {
            paths.add(asset.group());
        }
        return paths;
    }

    /** The script's path. */
    static String script(String html) {
        return assets(html).stream().filter(p -> p.endsWith(".js")).findFirst()
                .orElseThrow(() -> new AssertionError("the console's page names no script: " + html));
    }
}
