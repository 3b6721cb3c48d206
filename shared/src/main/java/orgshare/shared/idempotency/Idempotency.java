package orgshare.shared.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import orgshare.shared.db.Backoff;
import orgshare.shared.db.OrgTable;
import orgshare.shared.db.TableDefinition;
import orgshare.shared.error.ApiException;
import orgshare.shared.ids.Digests;
import orgshare.shared.json.Json;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code Idempotency-Key} for creating merchants, groups, records and pushes. The key's record is written in the
 * same transaction as the effect it guards (condition: no live record for that key), so a retry, concurrent or
 * later, can never write twice and there is no "in progress" window: either the first attempt committed, and its
 * answer is replayed, or nothing happened. The stored answer is encrypted under a key derived from the
 * Idempotency-Key itself (the table holds only its hash), so a replayed secret such as a new merchant's API key
 * is readable only by whoever holds the Idempotency-Key. Records expire after 24 hours (TTL).
 */
public final class Idempotency {
    public static final String HEADER = "idempotency-key";
    public static final Duration RETENTION = Duration.ofHours(24);
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    private static final String SK = "IDEMPOTENCY";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int REPLAY_READS = 6;

    /** What one request claims: its key's item, the request's fingerprint and the cipher key of its answer. */
    public record Claim(String pk, String fingerprint, byte[] secret) {
    }

    private final OrgTable table;
    private final Clock clock;

    public Idempotency(OrgTable table, Clock clock) {
        this.table = table;
        this.clock = clock;
    }

    /**
     * The claim of a request carrying {@code rawKey} (null when it carries none), scoped to the caller, and
     * fingerprinted by the operation and its input, so the same key cannot be reused for another request.
     */
    public static Claim claim(String scope, String rawKey, String operation, String... input) {
        if (rawKey == null) {
            return null;
        }
        if (!KEY.matcher(rawKey).matches()) {
            throw ApiException.validation("The 'Idempotency-Key' header must be 1 to 128 letters, digits, '.', '_', ':' or '-' (a UUID is ideal).");
        }
        String fingerprint = hex(sha256(String.join("\n", operation, String.join("\n", input))));
        return new Claim("IDEMPOTENCY#" + scope + "#" + hex(sha256("id:" + rawKey)), fingerprint, sha256("secret:" + rawKey));
    }

    /** The put that records {@code answer} for the claim, to add to the effect's transaction. */
    public TransactWriteItem record(Claim claim, Object answer) {
        long now = clock.instant().getEpochSecond();
        Map<String, AttributeValue> item = new HashMap<>(OrgTable.keyMap(claim.pk(), SK));
        item.put("fingerprint", AttributeValue.fromS(claim.fingerprint()));
        item.put("answer", AttributeValue.fromS(encrypt(claim.secret(), Json.encode(answer))));
        item.put("expiresAt", AttributeValue.fromN(Long.toString(now + RETENTION.toSeconds())));
        return TransactWriteItem.builder().put(Put.builder().tableName(table.name()).item(item)
                // an expired record (TTL deletes lazily) no longer guards its key
                .conditionExpression("attribute_not_exists(pk) OR expiresAt < :now")
                .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(now)))).build()).build();
    }

    /**
     * Runs {@code effect} (which writes {@link #record} in its transaction) once per claim. When the effect fails
     * because the key is already recorded, by an earlier or a concurrent attempt, the recorded answer is returned
     * instead; the effect's own failure is rethrown when the key is not recorded.
     */
    public <T> T once(Claim claim, Class<T> type, java.util.function.Supplier<T> effect) {
        if (claim == null) {
            return effect.get();
        }
        try {
            return effect.get();
        } catch (RuntimeException failure) {
            // a refusal on the request's own merits needs one look (an earlier attempt may have succeeded before
            // things changed); a conflict may be a concurrent attempt still committing, so it gets a few
            int reads = failure instanceof ApiException api && api.status() != 409 ? 1 : REPLAY_READS;
            for (int attempt = 0; attempt < reads; attempt++) {
                if (attempt > 0) {
                    Backoff.sleep(attempt); // a concurrent attempt may still be committing
                }
                Optional<T> recorded = recorded(claim, type);
                if (recorded.isPresent()) {
                    return recorded.get();
                }
            }
            throw failure;
        }
    }

    private <T> Optional<T> recorded(Claim claim, Class<T> type) {
        Map<String, AttributeValue> item = table.client().getItem(b -> b.tableName(table.name())
                .key(OrgTable.keyMap(claim.pk(), SK)).consistentRead(true)).item();
        if (item == null || item.isEmpty()
                || Long.parseLong(item.get("expiresAt").n()) < clock.instant().getEpochSecond()) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(claim.fingerprint().getBytes(StandardCharsets.UTF_8),
                item.get("fingerprint").s().getBytes(StandardCharsets.UTF_8))) {
            throw ApiException.conflict("IDEMPOTENCY_KEY_REUSED",
                    "This Idempotency-Key was used for a different request in the last 24 hours; use a new key for a new request.");
        }
        try {
            return Optional.of(Json.mapper().readValue(decrypt(claim.secret(), item.get("answer").s()), type));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a recorded answer does not decode", e);
        }
    }

    private static String encrypt(byte[] secret, String text) {
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(secret, "AES"), new GCMParameterSpec(128, iv));
            byte[] sealed = cipher.doFinal(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JVM", e);
        }
    }

    private static String decrypt(byte[] secret, String sealed) {
        try {
            byte[] bytes = Base64.getDecoder().decode(sealed);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(secret, "AES"), new GCMParameterSpec(128, bytes, 0, 12));
            return new String(cipher.doFinal(bytes, 12, bytes.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a recorded answer does not decrypt", e);
        }
    }

    private static byte[] sha256(String text) {
        return Digests.sha256(text);
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** Whether a raw item is an idempotency record (tests look at the table). */
    public static boolean isIdempotencyItem(Map<String, AttributeValue> item) {
        return SK.equals(item.get(TableDefinition.SK).s());
    }
}
