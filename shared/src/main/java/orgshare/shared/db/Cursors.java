package orgshare.shared.db;

import orgshare.shared.error.ApiException;
import orgshare.shared.secrets.DerivedKey;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Sealed page cursors: AES-256-GCM under a key derived from the deployment's secret, with what the cursor pages (the
 * list, the caller, the group, the owner, the type, the mode) as associated data. A cursor therefore reveals nothing
 * (the position is encrypted and padded to one length, the nonce is random) and works only for the list it came from:
 * a tampered, foreign or replayed-elsewhere cursor is a 400 {@code INVALID_CURSOR}. Nothing else knows this format.
 */
public final class Cursors {
    /** The largest position any list pages by ({@code <timestamp>#<128-character record ID>} is 153). */
    static final int MAX_POSITION_BYTES = 158;
    private static final int PLAINTEXT_BYTES = 2 + MAX_POSITION_BYTES;
    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int SEALED_BYTES = 1 + NONCE_BYTES + PLAINTEXT_BYTES + TAG_BITS / 8;
    private static final int CURSOR_CHARS = (SEALED_BYTES * 8 + 5) / 6;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final DerivedKey<SecretKeySpec> key;

    private Cursors(Supplier<String> secret) {
        this.key = new DerivedKey<>(secret, "orgshare cursor key v1", bytes -> new SecretKeySpec(bytes, "AES"));
    }

    /**
     * Cursors sealed under a key derived from the secret {@code secret} supplies, asked for once, at the first cursor
     * (a function that pages nothing never reads it).
     */
    public static Cursors fromSecret(Supplier<String> secret) {
        return new Cursors(secret);
    }

    /** Derives the key now, so that a SnapStart snapshot holds it; false when there is no secret to derive it from. */
    public boolean prime() {
        return key.prime();
    }

    /** What a cursor is bound to: the list's name and the values that select the rows it pages. */
    public record Scope(String list, String... parts) {
        byte[] bytes() {
            // length-prefixed, so no two different scopes have the same bytes
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            write(out, list);
            for (String part : parts) {
                write(out, part == null ? "" : part);
            }
            return out.toByteArray();
        }

        private static void write(ByteArrayOutputStream out, String value) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
            out.writeBytes(bytes);
        }
    }

    /** A fresh secret to seal cursors with, for a local run or a test (256 random bits, base64url). */
    public static String newSecret() {
        return DerivedKey.newSecret();
    }

    public static Scope scope(String list, String... parts) {
        return new Scope(list, parts);
    }

    /** The cursor for {@code position} in {@code scope}; null (the last page) for a null position. */
    public String seal(Scope scope, String position) {
        if (position == null) {
            return null;
        }
        byte[] text = position.getBytes(StandardCharsets.UTF_8);
        if (text.length > MAX_POSITION_BYTES) {
            throw new IllegalStateException("A page position of " + text.length + " bytes does not fit a cursor");
        }
        byte[] plain = ByteBuffer.allocate(PLAINTEXT_BYTES).putShort((short) text.length).put(text).array();
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, scope);
            ByteBuffer sealed = ByteBuffer.allocate(SEALED_BYTES).put(VERSION).put(nonce);
            cipher.doFinal(ByteBuffer.wrap(plain), sealed);
            return ENCODER.encodeToString(sealed.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JVM", e);
        }
    }

    /**
     * Opens {@code ?cursor=} for {@code scope}; {@code validate} checks the position and returns it, or throws.
     * Absent means the first page; anything that is not a cursor this list sealed is a 400.
     */
    public String open(Scope scope, String cursor, UnaryOperator<String> validate) {
        if (cursor == null) {
            return null;
        }
        if (cursor.length() != CURSOR_CHARS) {
            throw invalid();
        }
        byte[] sealed;
        try {
            sealed = DECODER.decode(cursor);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        // base64 has several spellings of the same last bytes; only the one this class writes is a cursor
        if (sealed.length != SEALED_BYTES || sealed[0] != VERSION || !ENCODER.encodeToString(sealed).equals(cursor)) {
            throw invalid();
        }
        byte[] plain;
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES), scope);
            plain = cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException tamperedOrForeign) {
            throw invalid();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JVM", e);
        }
        int length = ByteBuffer.wrap(plain).getShort();
        if (length < 0 || length > MAX_POSITION_BYTES) {
            throw invalid();
        }
        String position = new String(plain, 2, length, StandardCharsets.UTF_8);
        try {
            return validate.apply(position);
        } catch (ApiException e) {
            throw invalid();
        }
    }

    private Cipher cipher(int mode, byte[] nonce, Scope scope) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key.get(), new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(new byte[]{VERSION});
        cipher.updateAAD(scope.bytes());
        return cipher;
    }

    public static ApiException invalid() {
        return ApiException.badRequest("INVALID_CURSOR", "The 'cursor' is not one this list returned; start again without it.");
    }
}
