package orgshare.shared.webhooks;

import orgshare.shared.error.ApiException;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Webhook URLs are user input, and orgshare calls them: it must never be made to call into the network it runs in. A
 * URL is {@code https} with a host that is a DNS name or a canonical IP literal; the host must be, and resolve only to,
 * public unicast addresses (no loopback, private, carrier-grade NAT, link-local, unique-local, multicast, reserved,
 * documentation or cloud-metadata address, and none of these embedded in an IPv6 form). It is checked when it is set
 * and again, after a fresh DNS resolution, before every delivery. A local run started with
 * {@code --allow-loopback-webhooks} also takes {@code http} on a loopback address, for demos and tests.
 */
public final class WebhookUrls {
    public static final int MAX_LENGTH = 2048;
    private static final Pattern DOTTED_QUAD = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    /** What resolving found: the URL's addresses, all public (or loopback where that is allowed). */
    public record Resolved(URI url, List<InetAddress> addresses) {
    }

    private WebhookUrls() {
    }

    /**
     * Checks a URL as it is set: its form, and that its host is and resolves only to public addresses. 400
     * {@code INVALID_WEBHOOK_URL} otherwise, saying why.
     */
    public static Resolved validate(String raw, boolean allowLoopbackHttp) {
        URI url = form(raw, allowLoopbackHttp);
        return resolve(url, allowLoopbackHttp);
    }

    /** Resolves the host again (at delivery time) and refuses it unless every address is allowed. */
    public static Resolved resolve(URI url, boolean allowLoopbackHttp) {
        String host = bare(url.getHost());
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw refused("its host '" + host + "' does not resolve");
        }
        boolean http = "http".equals(url.getScheme());
        for (InetAddress address : addresses) {
            boolean loopbackAllowed = allowLoopbackHttp && address.isLoopbackAddress();
            if (!isPublic(address) && !loopbackAllowed) {
                throw refused("its host resolves to " + address.getHostAddress()
                        + ", which is not a public address (loopback, private, link-local, metadata and reserved addresses are refused)");
            }
            if (http && !address.isLoopbackAddress()) {
                throw refused("http is taken only for a loopback address, in a local run");
            }
        }
        return new Resolved(url, List.of(addresses));
    }

    /** The URL's form: scheme, no user info or fragment, and a host that is a DNS name or a canonical IP literal. */
    static URI form(String raw, boolean allowLoopbackHttp) {
        if (raw == null || raw.isBlank()) {
            throw refused("it is missing");
        }
        if (raw.length() > MAX_LENGTH) {
            throw refused("it is longer than " + MAX_LENGTH + " characters");
        }
        URI url;
        try {
            url = new URI(raw);
        } catch (URISyntaxException e) {
            throw refused("it is not a URL");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowLoopbackHttp && scheme.equals("http"))) {
            throw refused(allowLoopbackHttp ? "it is https (or http on loopback, in this local run)" : "it is https");
        }
        if (url.getHost() == null || url.getRawUserInfo() != null || url.getRawFragment() != null || url.isOpaque()) {
            throw refused("it is https://host[:port]/path[?query], without user info or fragment");
        }
        String host = bare(url.getHost()).toLowerCase(Locale.ROOT);
        if (url.getHost().startsWith("[")) {
            literal(host); // an IPv6 literal: checked by resolve, which parses it without a lookup
        } else if (!DOTTED_QUAD.matcher(host).matches()) {
            name(host);
        }
        return url;
    }

    private static void literal(String host) {
        if (!host.matches("[0-9a-f:.]+")) {
            throw refused("its IPv6 literal is not one");
        }
    }

    /**
     * A DNS name: labels of letters, digits and hyphens, and a last label that is not a number, so that the forms a
     * resolver may read as an IPv4 address (2130706433, 0x7f000001, 0177.0.0.1, 127.1) are refused outright.
     */
    private static void name(String host) {
        String[] labels = host.endsWith(".") ? host.substring(0, host.length() - 1).split("\\.", -1) : host.split("\\.", -1);
        String last = labels[labels.length - 1];
        if (last.matches("[0-9]+") || last.startsWith("0x")) {
            throw refused("its host '" + host + "' is neither a name nor a canonical IP address");
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                throw refused("its host '" + host + "' is not a valid DNS name");
            }
        }
    }

    /** Whether the address is public unicast: none of the special-purpose ranges, in either family. */
    public static boolean isPublic(InetAddress address) {
        if (address instanceof Inet4Address v4) {
            return isPublic4(v4.getAddress());
        }
        byte[] b = ((Inet6Address) address).getAddress();
        if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        int first = b[0] & 0xff;
        if ((first & 0xfe) == 0xfc) {
            return false; // fc00::/7 unique local (AWS's IPv6 metadata endpoint fd00:ec2::254 among them)
        }
        if (prefix(b, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return isPublic4(new byte[]{b[12], b[13], b[14], b[15]}); // ::ffff:a.b.c.d, IPv4-mapped
        }
        if (prefix(b, 12)) {
            return false; // ::a.b.c.d, IPv4-compatible (deprecated), and ::/128, ::1
        }
        if (first == 0x00 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
            return isPublic4(new byte[]{b[12], b[13], b[14], b[15]}); // 64:ff9b::/96, NAT64
        }
        if (first == 0x20 && b[1] == 0x02) {
            return isPublic4(new byte[]{b[2], b[3], b[4], b[5]}); // 2002::/16, 6to4
        }
        if (first == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00) {
            return false; // 2001::/32, Teredo (it tunnels to an address it hides)
        }
        if (first == 0x20 && b[1] == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
            return false; // 2001:db8::/32, documentation
        }
        return !(first == 0x01 && b[1] == 0x00 && prefixZero(b, 2, 8)); // 100::/64, discard
    }

    private static boolean isPublic4(byte[] a) {
        int b0 = a[0] & 0xff;
        int b1 = a[1] & 0xff;
        int b2 = a[2] & 0xff;
        return !(b0 == 0 // 0.0.0.0/8, "this network"
                || b0 == 10 // 10/8 private
                || (b0 == 100 && (b1 & 0xc0) == 64) // 100.64/10 carrier-grade NAT
                || b0 == 127 // loopback
                || (b0 == 169 && b1 == 254) // link-local, and the cloud metadata endpoint 169.254.169.254
                || (b0 == 172 && (b1 & 0xf0) == 16) // 172.16/12 private
                || (b0 == 192 && b1 == 0 && (b2 == 0 || b2 == 2)) // 192.0.0/24 protocol assignments, 192.0.2/24 TEST-NET-1
                || (b0 == 192 && b1 == 88 && b2 == 99) // 6to4 relay anycast
                || (b0 == 192 && b1 == 168) // 192.168/16 private
                || (b0 == 198 && (b1 & 0xfe) == 18) // 198.18/15 benchmarking
                || (b0 == 198 && b1 == 51 && b2 == 100) // TEST-NET-2
                || (b0 == 203 && b1 == 0 && b2 == 113) // TEST-NET-3
                || b0 >= 224); // multicast 224/4, reserved 240/4, broadcast
    }

    private static boolean prefix(byte[] b, int zeroBytes) {
        return prefixZero(b, 0, zeroBytes);
    }

    private static boolean prefixZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static String bare(String host) {
        return host != null && host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static ApiException refused(String why) {
        return ApiException.badRequest("INVALID_WEBHOOK_URL", "The webhook URL is refused: " + why + ".");
    }
}
