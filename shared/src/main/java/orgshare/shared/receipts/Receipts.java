package orgshare.shared.receipts;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.shared.federation.FederationKey;
import orgshare.shared.httpsig.Ed25519;
import orgshare.shared.ids.Digests;
import orgshare.shared.json.CanonicalJson;
import orgshare.shared.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Deletion receipts (DESIGN §7): what a cleanup deleted for a leave, a removal or a dissolve, signed with the
 * deployment's federation key over the receipt's canonical JSON (RFC 8785), so that anyone holding the published
 * public key can check it offline, and a changed byte shows.
 */
public final class Receipts {
    /** What was deleted: counts per kind of item, and a digest over the sorted deleted keys. */
    public record Receipt(String receiptId, String kind, String groupId, String merchantId, String requestedAt,
                          String completedAt, Map<String, Long> deleted, String keysDigest) {
        public Receipt {
            deleted = deleted == null ? Map.of() : new TreeMap<>(deleted);
        }
    }

    /** A receipt as served: the receipt, the signature over its canonical JSON, and the signing key's fingerprint. */
    public record SignedReceipt(Receipt receipt, String signature, String fingerprint) {
    }

    /** The kinds of deletion a receipt tells of. */
    public static final String LEAVE = "LEAVE";
    public static final String REMOVE = "REMOVE";
    public static final String DISSOLVE = "DISSOLVE";

    private Receipts() {
    }

    /**
     * {@code sha256:} and the hex SHA-256 over the deleted items' keys ({@code pk} and {@code sk} joined by a tab), sorted,
     * one a line: anyone with a dump of the keys taken before the cleanup can recompute it.
     */
    public static String keysDigest(Collection<String> keys) {
        List<String> sorted = new ArrayList<>(keys);
        sorted.sort(String::compareTo);
        StringBuilder lines = new StringBuilder();
        sorted.forEach(key -> lines.append(key).append('\n'));
        return "sha256:" + Digests.sha256Hex(lines.toString(), 32);
    }

    /** The bytes a receipt's signature covers: its RFC 8785 canonical JSON. */
    public static byte[] signedBytes(Receipt receipt) {
        JsonNode tree = Json.mapper().valueToTree(receipt);
        return CanonicalJson.of(tree).getBytes(StandardCharsets.UTF_8);
    }

    public static SignedReceipt sign(Receipt receipt, FederationKey key) {
        byte[] signature = key.signer().sign(signedBytes(receipt));
        return new SignedReceipt(receipt, Base64.getUrlEncoder().withoutPadding().encodeToString(signature), key.fingerprint());
    }

    /**
     * Whether {@code signed} was signed by the key whose 32 public bytes are {@code publicKey} (as
     * {@code GET /federation/identity} publishes them), and its fingerprint names that key.
     */
    public static boolean verify(SignedReceipt signed, byte[] publicKey) {
        if (signed == null || signed.receipt() == null || signed.signature() == null
                || !Ed25519.fingerprint(publicKey).equals(signed.fingerprint())) {
            return false;
        }
        byte[] signature;
        try {
            signature = Base64.getUrlDecoder().decode(signed.signature());
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        if (!Base64.getUrlEncoder().withoutPadding().encodeToString(signature).equals(signed.signature())) {
            return false; // one signature, one spelling: unused trailing bits or padding are a change too
        }
        return Ed25519.algorithm(null, Ed25519.publicKey(publicKey)).verify(signedBytes(signed.receipt()), signature);
    }
}
