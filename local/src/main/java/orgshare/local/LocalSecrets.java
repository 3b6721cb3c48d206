package orgshare.local;

import orgshare.shared.db.Cursors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The secrets a deployment keeps in Secrets Manager, for a local run: made once and kept in the data folder (owner-only),
 * so cursors handed out before a restart keep working; without a data folder, fresh for each run.
 */
public final class LocalSecrets {
    static final String CURSOR_SECRET_FILE = "cursor-secret";

    private LocalSecrets() {
    }

    /** The secret that seals page cursors: kept in {@code dataDir}, or a fresh one where there is none. */
    public static String cursorSecret(Path dataDir) {
        if (dataDir == null) {
            return Cursors.newSecret();
        }
        Path file = dataDir.resolve(CURSOR_SECRET_FILE);
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(file)) {
                writeOwnerOnly(file, Cursors.newSecret());
            }
            String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (secret.length() < 32) {
                throw new LocalRunnerException(file + " does not hold a secret of at least 32 characters; delete it to make a new one");
            }
            return secret;
        } catch (IOException e) {
            throw new LocalRunnerException("Cannot keep the cursor secret in " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeOwnerOnly(Path file, String secret) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException madeByAnotherProcess) {
            return;
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, secret, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
