package orgshare.local;

import orgshare.shared.federation.FederationKey;
import orgshare.shared.receipts.Receipts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code verify-receipt} checks a receipt offline against the identity a deployment publishes. */
class VerifyReceiptCommandTest {
    private static final String SECRET = FederationKey.newSecret();
    private final FederationKey key = FederationKey.fromSecret(() -> SECRET);

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new Main(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aReceiptVerifiesWithItsSignersIdentityAndNotOnceChanged(@TempDir Path dir) throws Exception {
        Receipts.SignedReceipt signed = Receipts.sign(new Receipts.Receipt("01JDRECE1PT000000000000001", "LEAVE",
                "01JDGR0VP00000000000000001", "01JDMERCHANT00000000000001", "2026-11-30T05:00:00.000Z",
                "2026-11-30T05:05:00.000Z", Map.of("rule", 4L), Receipts.keysDigest(List.of("a", "b"))), key);
        Path receipt = dir.resolve("receipt.json");
        Files.writeString(receipt, EventJson.mapper().writeValueAsString(signed));
        Path identity = dir.resolve("identity.json");
        Files.writeString(identity, "{\"cloudIds\":[\"acme\"],\"publicKey\":\"" + key.publicKeyText() + "\",\"fingerprint\":\""
                + key.fingerprint() + "\"}");

        Run ok = run("verify-receipt", receipt.toString(), "--identity", identity.toString());
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("Verified: receipt 01JDRECE1PT000000000000001 (LEAVE"), ok.out());

        Files.writeString(receipt, Files.readString(receipt).replace("\"rule\":4", "\"rule\":5"));
        Run changed = run("verify-receipt", receipt.toString(), "--identity", identity.toString());
        assertEquals(1, changed.exit());
        assertTrue(changed.err().contains("NOT verified"), changed.err());

        String other = FederationKey.newSecret();
        FederationKey otherKey = FederationKey.fromSecret(() -> other);
        Files.writeString(identity, "{\"publicKey\":\"" + otherKey.publicKeyText() + "\",\"fingerprint\":\"" + key.fingerprint() + "\"}");
        Run forged = run("verify-receipt", receipt.toString(), "--identity", identity.toString());
        assertEquals(1, forged.exit(), "an identity whose key does not match its fingerprint");
        assertEquals(2, run("verify-receipt", receipt.toString()).exit(), "the identity is needed");
    }

    @Test
    void getReceiptsAnswerAsSavedVerifiesEveryReceiptInItAndFailsOnOneChanged(@TempDir Path dir) throws Exception {
        List<Receipts.SignedReceipt> signed = List.of(
                Receipts.sign(new Receipts.Receipt("01JDRECE1PT000000000000002", "DISSOLVE", "01JDGR0VP00000000000000002", null,
                        "2026-11-30T05:00:00.000Z", "2026-11-30T05:05:00.000Z", Map.of("MEMBER", 3L, "GROUP", 1L),
                        Receipts.keysDigest(List.of("x"))), key),
                Receipts.sign(new Receipts.Receipt("01JDRECE1PT000000000000003", "REMOVE", "01JDGR0VP00000000000000003",
                        "01JDMERCHANT00000000000002", "2026-11-30T05:00:00.000Z", "2026-11-30T05:06:00.000Z",
                        Map.of("RULE", 2L), Receipts.keysDigest(List.of("y"))), key));
        Path answer = dir.resolve("receipts.json");
        Files.writeString(answer, EventJson.mapper().writeValueAsString(Map.of("receipts", signed)));
        Path identity = dir.resolve("identity.json");
        Files.writeString(identity, "{\"publicKey\":\"" + key.publicKeyText() + "\",\"fingerprint\":\"" + key.fingerprint() + "\"}");

        Run ok = run("verify-receipt", answer.toString(), "--identity", identity.toString());
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("receipt 01JDRECE1PT000000000000002 (DISSOLVE") && ok.out().contains("receipt 01JDRECE1PT000000000000003 (REMOVE"), ok.out());

        Files.writeString(answer, Files.readString(answer).replace("\"REMOVE\"", "\"LEAVE\""));
        Run changed = run("verify-receipt", answer.toString(), "--identity", identity.toString());
        assertEquals(1, changed.exit(), "one changed receipt fails the file");
        assertTrue(changed.out().contains("receipt 01JDRECE1PT000000000000002") && changed.err().contains("01JDRECE1PT000000000000003"),
                changed.out() + changed.err());

        Files.writeString(answer, "{\"receipts\":[]}");
        assertEquals(1, run("verify-receipt", answer.toString(), "--identity", identity.toString()).exit(), "no receipt verifies nothing");
    }
}
