package orgshare.shared.webhooks;

import orgshare.shared.error.ApiException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Webhook URLs that would make orgshare call into its own network are refused, in every spelling we know of. */
class WebhookUrlsTest {
    private static final List<String> REFUSED = List.of(
            // not https, or not a plain URL
            "http://93.184.216.34/hook", "ftp://93.184.216.34/hook", "https://user:pw@93.184.216.34/hook",
            "https://93.184.216.34/hook#frag", "mailto:ops@example.com", "https:///nohost", "not a url", "",
            // IPv4 literals in every special range
            "https://127.0.0.1/", "https://127.255.255.254/", "https://0.0.0.0/", "https://10.0.0.1/", "https://10.255.255.255/",
            "https://100.64.0.1/", "https://100.127.255.254/", "https://169.254.169.254/latest/meta-data/",
            "https://169.254.0.1/", "https://172.16.0.1/", "https://172.31.255.255/", "https://192.168.1.1/",
            "https://192.0.0.8/", "https://192.0.2.1/", "https://198.18.0.1/", "https://198.51.100.7/", "https://203.0.113.9/",
            "https://224.0.0.1/", "https://239.255.255.250/", "https://240.0.0.1/", "https://255.255.255.255/",
            // IPv4 in forms a resolver may accept
            "https://2130706433/", "https://0x7f000001/", "https://0x7f.0.0.1/", "https://0177.0.0.1/", "https://127.1/",
            "https://017700000001/", "https://127.000.000.001/",
            // IPv6 special ranges and IPv4 embedded in IPv6
            "https://[::1]/", "https://[::]/", "https://[0:0:0:0:0:0:0:1]/", "https://[::ffff:127.0.0.1]/",
            "https://[::ffff:7f00:1]/", "https://[::ffff:169.254.169.254]/", "https://[::127.0.0.1]/",
            "https://[64:ff9b::a9fe:a9fe]/", "https://[2002:7f00:1::]/", "https://[2002:c0a8:101::1]/",
            "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "https://[fc00::1]/", "https://[fd00:ec2::254]/",
            "https://[fe80::1]/", "https://[fec0::1]/", "https://[ff02::1]/", "https://[2001:db8::1]/", "https://[100::1]/",
            // names that are or resolve to loopback
            "https://localhost/", "https://LOCALHOST:8443/hook", "https://localhost./hook",
            // not valid names
            "https://exa_mple.com/", "https://-bad.example/", "https://example..com/");

    private static final List<String> PUBLIC_LITERALS = List.of(
            "https://93.184.216.34/hook", "https://8.8.8.8:8443/x?y=1", "https://[2606:4700:4700::1111]/hook",
            "https://[::ffff:8.8.8.8]/hook", "https://[2002:808:808::1]/", "https://100.128.0.1/", "https://172.32.0.1/",
            "https://192.169.0.1/", "https://1.1.1.1/");

    @Test
    void everySpecialAddressInEverySpellingIsRefusedWithTheOneCode() {
        List<String> accepted = new ArrayList<>();
        for (String url : REFUSED) {
            try {
                WebhookUrls.validate(url, false);
                accepted.add(url);
            } catch (ApiException e) {
                assertEquals(400, e.status(), url);
                assertEquals("INVALID_WEBHOOK_URL", e.code(), url);
            }
        }
        assertEquals(List.of(), accepted, "accepted though they must not be");
    }

    @Test
    void publicAddressesAreAccepted() {
        for (String url : PUBLIC_LITERALS) {
            assertEquals(url, WebhookUrls.validate(url, false).url().toString());
        }
    }

    @Test
    void loopbackHttpOnlyWhereTheLocalRunAllowsIt() {
        assertEquals("INVALID_WEBHOOK_URL", code(() -> WebhookUrls.validate("http://127.0.0.1:9000/hook", false)));
        WebhookUrls.validate("http://127.0.0.1:9000/hook", true);
        WebhookUrls.validate("http://localhost:9000/hook", true);
        WebhookUrls.validate("https://[::1]:9000/hook", true);
        // the allowance is for loopback only: never a private network, never http to a public address
        assertEquals("INVALID_WEBHOOK_URL", code(() -> WebhookUrls.validate("http://10.0.0.1/hook", true)));
        assertEquals("INVALID_WEBHOOK_URL", code(() -> WebhookUrls.validate("http://93.184.216.34/hook", true)));
        assertEquals("INVALID_WEBHOOK_URL", code(() -> WebhookUrls.validate("https://169.254.169.254/", true)));
    }

    @Test
    void theRangeChecksTellPublicFromSpecialAtTheirEdges() throws Exception {
        assertFalse(WebhookUrls.isPublic(InetAddress.getByName("100.64.0.0")));
        assertTrue(WebhookUrls.isPublic(InetAddress.getByName("100.63.255.255")));
        assertFalse(WebhookUrls.isPublic(InetAddress.getByName("172.16.0.0")));
        assertTrue(WebhookUrls.isPublic(InetAddress.getByName("172.15.255.255")));
        assertFalse(WebhookUrls.isPublic(InetAddress.getByName("198.19.255.255")));
        assertTrue(WebhookUrls.isPublic(InetAddress.getByName("198.20.0.0")));
        assertTrue(WebhookUrls.isPublic(InetAddress.getByName("223.255.255.255")));
        assertTrue(WebhookUrls.isPublic(InetAddress.getByName("fbff::1")));
        assertFalse(WebhookUrls.isPublic(InetAddress.getByName("fe80::1")));
    }

    private static String code(Runnable call) {
        try {
            call.run();
            return "accepted";
        } catch (ApiException e) {
            return e.code();
        }
    }
}
