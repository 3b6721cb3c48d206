package orgshare.shared.httpsig;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The signer and verifier against the test vectors of RFC 9421 (HTTP Message Signatures), Appendix B, and the
 * Content-Digest examples of RFC 9530. The texts below are the RFCs' own, byte for byte.
 */
class Rfc9421VectorsTest {
    /** RFC 9421 B.1.4 test-key-ed25519 (the JWK's d and x). */
    private static final byte[] ED25519_PRIVATE = Base64.getUrlDecoder().decode("n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU");
    private static final byte[] ED25519_PUBLIC = Base64.getUrlDecoder().decode("JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs");
    /** RFC 9421 B.1.5 test-shared-secret. */
    private static final byte[] SHARED_SECRET = Base64.getDecoder().decode(
            "uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ==");
    private static final String BODY = "{\"hello\": \"world\"}";

    /** RFC 9421 B.2's test-request. */
    private static HttpMessage testRequest(Map<String, String> extra) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Host", List.of("example.com"));
        headers.put("Date", List.of("Tue, 20 Apr 2021 02:07:55 GMT"));
        headers.put("Content-Type", List.of("application/json"));
        headers.put("Content-Digest", List.of("sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"));
        headers.put("Content-Length", List.of("18"));
        extra.forEach((k, v) -> headers.put(k, List.of(v)));
        return HttpMessage.request("POST", URI.create("https://example.com/foo?param=Value&Pet=dog"), headers);
    }

    private static Map<String, Object> params(String keyid) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("created", 1618884473L);
        params.put("keyid", keyid);
        return params;
    }

    private static final List<MessageSignatures.Component> B26 = List.of(MessageSignatures.Component.of("date"),
            MessageSignatures.Component.of("@method"), MessageSignatures.Component.of("@path"),
            MessageSignatures.Component.of("@authority"), MessageSignatures.Component.of("content-type"),
            MessageSignatures.Component.of("content-length"));

    @Test
    void b26SigningARequestWithEd25519() throws Exception {
        KeyPair keys = Ed25519.fromPrivate(ED25519_PRIVATE);
        assertArrayEquals(ED25519_PUBLIC, Ed25519.raw(keys.getPublic()), "the public key derived from the private one");
        String base = MessageSignatures.base(testRequest(Map.of()), B26, params("test-key-ed25519"));
        assertEquals("""
                "date": Tue, 20 Apr 2021 02:07:55 GMT
                "@method": POST
                "@path": /foo
                "@authority": example.com
                "content-type": application/json
                "content-length": 18
                "@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length")\
                ;created=1618884473;keyid="test-key-ed25519\"""", base);
        MessageSignatures.Signed signed = MessageSignatures.sign(testRequest(Map.of()), "sig-b26", B26,
                params("test-key-ed25519"), Ed25519.algorithm(keys.getPrivate(), keys.getPublic()));
        assertEquals("sig-b26=(\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\")"
                + ";created=1618884473;keyid=\"test-key-ed25519\"", signed.signatureInput());
        // Ed25519 is deterministic: the RFC's own signature value
        assertEquals("sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:",
                signed.signature());

        // and the RFC's signed request verifies with the public key alone
        HttpMessage received = testRequest(Map.of("Signature-Input", signed.signatureInput(), "Signature", signed.signature()));
        MessageSignatures.Algorithm verifier = Ed25519.algorithm(null, Ed25519.publicKey(ED25519_PUBLIC));
        MessageSignatures.Verified verified = MessageSignatures.verify(received, "sig-b26",
                p -> "test-key-ed25519".equals(p.get("keyid")) ? verifier : null);
        assertEquals(B26, verified.components());
        assertEquals(1618884473L, verified.parameters().get("created"));
    }

    @Test
    void b25SigningARequestWithHmacSha256() throws Exception {
        List<MessageSignatures.Component> covered = List.of(MessageSignatures.Component.of("date"),
                MessageSignatures.Component.of("@authority"), MessageSignatures.Component.of("content-type"));
        MessageSignatures.Signed signed = MessageSignatures.sign(testRequest(Map.of()), "sig-b25", covered,
                params("test-shared-secret"), hmac());
        assertEquals("sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:", signed.signature());
        assertEquals("sig-b25=(\"date\" \"@authority\" \"content-type\");created=1618884473;keyid=\"test-shared-secret\"",
                signed.signatureInput());
    }

    @Test
    void rfc9530ContentDigestExamples() {
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        assertEquals("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", ContentDigest.of(body));
        assertTrue(ContentDigest.matches("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", body));
        assertTrue(ContentDigest.matches("sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:", body));
        assertTrue(ContentDigest.matches("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, md5=:anything:", body),
                "an algorithm it does not know is ignored");
        assertFalse(ContentDigest.matches("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", "{\"hello\": \"world!\"}".getBytes(StandardCharsets.UTF_8)));
        assertFalse(ContentDigest.matches("md5=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", body), "none it knows");
        assertFalse(ContentDigest.matches("sha-256=X48E9q", body), "not a byte sequence");
        assertFalse(ContentDigest.matches(null, body));
        assertFalse(ContentDigest.matches("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:AAAA:", body),
                "every known algorithm present must match");
    }

    @Test
    void aChangedComponentOrAForeignKeyIsRefused() throws Exception {
        KeyPair keys = Ed25519.fromPrivate(ED25519_PRIVATE);
        MessageSignatures.Signed signed = MessageSignatures.sign(testRequest(Map.of()), "sig1", B26,
                params("test-key-ed25519"), Ed25519.algorithm(keys.getPrivate(), keys.getPublic()));
        MessageSignatures.Algorithm verifier = Ed25519.algorithm(null, keys.getPublic());
        Map<String, String> fields = Map.of("Signature-Input", signed.signatureInput(), "Signature", signed.signature());
        Map<String, String> tampered = new LinkedHashMap<>(fields);
        tampered.put("Content-Type", "text/plain");
        assertRefused("BAD_SIGNATURE", testRequest(tampered), verifier);
        tampered = new LinkedHashMap<>(fields);
        tampered.put("Date", "Tue, 20 Apr 2021 02:07:56 GMT");
        assertRefused("BAD_SIGNATURE", testRequest(tampered), verifier);
        HttpMessage otherPath = HttpMessage.request("POST", URI.create("https://example.com/bar"), testRequest(fields).headers());
        assertRefused("BAD_SIGNATURE", otherPath, verifier);
        HttpMessage otherMethod = HttpMessage.request("PUT", URI.create("https://example.com/foo"), testRequest(fields).headers());
        assertRefused("BAD_SIGNATURE", otherMethod, verifier);
        KeyPair stranger = Ed25519.fromPrivate(new byte[32]);
        assertRefused("BAD_SIGNATURE", testRequest(fields), Ed25519.algorithm(null, stranger.getPublic()));
        MessageSignatures.Refused unknown = assertThrows(MessageSignatures.Refused.class,
                () -> MessageSignatures.verify(testRequest(fields), "sig1", p -> null));
        assertEquals("UNKNOWN_PEER", unknown.code());
        assertRefused("BAD_SIGNATURE", testRequest(Map.of("Signature-Input", "sig1=(", "Signature", signed.signature())), verifier);
        assertRefused("BAD_SIGNATURE", testRequest(Map.of()), verifier);
    }

    @Test
    void aResponseIsBoundToItsRequestsSignature() throws Exception {
        KeyPair keys = Ed25519.fromPrivate(ED25519_PRIVATE);
        MessageSignatures.Algorithm key = Ed25519.algorithm(keys.getPrivate(), keys.getPublic());
        MessageSignatures.Signed request = MessageSignatures.sign(testRequest(Map.of()), "sig1", B26, params("k"), key);
        HttpMessage signedRequest = testRequest(Map.of("Signature-Input", request.signatureInput(), "Signature", request.signature()));
        List<MessageSignatures.Component> covered = List.of(MessageSignatures.Component.of("@status"),
                MessageSignatures.Component.of("content-digest"), MessageSignatures.Component.ofRequest("signature"),
                MessageSignatures.Component.ofRequest("@method"));
        Map<String, List<String>> headers = new LinkedHashMap<>(Map.of("Content-Digest", List.of(ContentDigest.of("{}".getBytes()))));
        MessageSignatures.Signed response = MessageSignatures.sign(HttpMessage.response(200, headers, signedRequest),
                "sig1", covered, params("k"), key);
        headers.put("Signature-Input", List.of(response.signatureInput()));
        headers.put("Signature", List.of(response.signature()));
        assertEquals(covered, MessageSignatures.verify(HttpMessage.response(200, headers, signedRequest), "sig1", p -> key).components());
        // the same response to another request, or with another status, does not verify
        MessageSignatures.Signed otherRequest = MessageSignatures.sign(testRequest(Map.of("Date", "Wed, 21 Apr 2021 02:07:55 GMT")),
                "sig1", B26, params("k"), key);
        HttpMessage other = testRequest(Map.of("Date", "Wed, 21 Apr 2021 02:07:55 GMT", "Signature-Input",
                otherRequest.signatureInput(), "Signature", otherRequest.signature()));
        assertRefused("BAD_SIGNATURE", HttpMessage.response(200, headers, other), key);
        assertRefused("BAD_SIGNATURE", HttpMessage.response(201, headers, signedRequest), key);
    }

    private static void assertRefused(String code, HttpMessage message, MessageSignatures.Algorithm key) {
        MessageSignatures.Refused refused = assertThrows(MessageSignatures.Refused.class,
                () -> MessageSignatures.verify(message, message.isRequest() ? "sig1" : "sig1", p -> key));
        assertEquals(code, refused.code(), refused.getMessage());
    }

    private static MessageSignatures.Algorithm hmac() {
        return new MessageSignatures.Algorithm() {
            @Override
            public String name() {
                return "hmac-sha256";
            }

            @Override
            public byte[] sign(byte[] base) {
                try {
                    Mac mac = Mac.getInstance("HmacSHA256");
                    mac.init(new SecretKeySpec(SHARED_SECRET, "HmacSHA256"));
                    return mac.doFinal(base);
                } catch (java.security.GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public boolean verify(byte[] base, byte[] signature) {
                return MessageDigest.isEqual(sign(base), signature);
            }
        };
    }
}
