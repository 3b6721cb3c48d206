package orgshare.shared.receipts;

import orgshare.shared.federation.FederationKey;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A signed deletion receipt verifies with the signer's published key, and with no other, and not after any change. */
class ReceiptsTest {
    private static final String SECRET = FederationKey.newSecret();
    private final FederationKey key = FederationKey.fromSecret(() -> SECRET);
    private final Receipts.Receipt receipt = new Receipts.Receipt("01JDRECE1PT000000000000001", "DISSOLVE",
            "01JDGR0VP00000000000000001", null, "2026-11-30T05:00:00.000Z", "2026-11-30T05:05:00.000Z",
            Map.of("member", 3L, "rule", 12L, "group", 1L), Receipts.keysDigest(List.of("GROUP#g\tMEMBER#b", "GROUP#g\tGROUP")));

    @Test
    void verifiesWithThePublishedKeyOnly() {
        Receipts.SignedReceipt signed = Receipts.sign(receipt, key);
        assertTrue(Receipts.verify(signed, key.publicKey()));
        String other = FederationKey.newSecret();
        assertFalse(Receipts.verify(signed, FederationKey.fromSecret(() -> other).publicKey()), "another key");
        assertEquals(key.fingerprint(), signed.fingerprint());
    }

    @Test
    void anyChangeToTheReceiptOrItsSignatureFailsVerification() {
        Receipts.SignedReceipt signed = Receipts.sign(receipt, key);
        List<Receipts.Receipt> changed = List.of(
                new Receipts.Receipt("01JDRECE1PT000000000000002", receipt.kind(), receipt.groupId(), null, receipt.requestedAt(), receipt.completedAt(), receipt.deleted(), receipt.keysDigest()),
                new Receipts.Receipt(receipt.receiptId(), "LEAVE", receipt.groupId(), null, receipt.requestedAt(), receipt.completedAt(), receipt.deleted(), receipt.keysDigest()),
                new Receipts.Receipt(receipt.receiptId(), receipt.kind(), receipt.groupId(), "01JDMERCHANT00000000000001", receipt.requestedAt(), receipt.completedAt(), receipt.deleted(), receipt.keysDigest()),
                new Receipts.Receipt(receipt.receiptId(), receipt.kind(), receipt.groupId(), null, receipt.requestedAt(), "2026-11-30T05:05:00.001Z", receipt.deleted(), receipt.keysDigest()),
                new Receipts.Receipt(receipt.receiptId(), receipt.kind(), receipt.groupId(), null, receipt.requestedAt(), receipt.completedAt(), Map.of("member", 3L, "rule", 11L, "group", 1L), receipt.keysDigest()),
                new Receipts.Receipt(receipt.receiptId(), receipt.kind(), receipt.groupId(), null, receipt.requestedAt(), receipt.completedAt(), receipt.deleted(), Receipts.keysDigest(List.of("GROUP#g\tGROUP"))));
        for (Receipts.Receipt other : changed) {
            assertFalse(Receipts.verify(new Receipts.SignedReceipt(other, signed.signature(), signed.fingerprint()), key.publicKey()), other.toString());
        }
        char[] signature = signed.signature().toCharArray();
        for (int i = 0; i < signature.length; i++) {
            char[] flipped = signature.clone();
            flipped[i] = flipped[i] == 'A' ? 'B' : 'A';
            assertFalse(Receipts.verify(new Receipts.SignedReceipt(receipt, new String(flipped), signed.fingerprint()), key.publicKey()), "signature char " + i);
        }
        assertFalse(Receipts.verify(new Receipts.SignedReceipt(receipt, "not base64!", signed.fingerprint()), key.publicKey()));
    }

    @Test
    void theDigestIsTheSha256OfTheSortedKeysOneALine() throws Exception {
        List<String> dump = List.of("GROUP#g\tRULE#o#p#order", "GROUP#g\tGROUP", "GROUP#g\tMEMBER#b", "GROUP#g\tMEMBER#a");
        StringBuilder lines = new StringBuilder();
        dump.stream().sorted().forEach(k -> lines.append(k).append('\n'));
        String independent = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(lines.toString().getBytes(StandardCharsets.UTF_8)));
        assertEquals(independent, Receipts.keysDigest(dump));
        assertEquals(independent, Receipts.keysDigest(List.of(dump.get(3), dump.get(1), dump.get(0), dump.get(2))), "in any order");
    }

    @Test
    void theSignedBytesAreTheCanonicalJson() {
        String canonical = new String(Receipts.signedBytes(receipt), StandardCharsets.UTF_8);
        assertTrue(canonical.startsWith("{\"completedAt\":\"2026-11-30T05:05:00.000Z\",\"deleted\":{\"group\":1,\"member\":3,\"rule\":12},"), canonical);
        assertFalse(canonical.contains("merchantId"), "an absent field is not signed as null: " + canonical);
    }
}
