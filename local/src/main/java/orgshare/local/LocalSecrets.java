package orgshare.local;

import orgshare.shared.Orgshare;
import orgshare.shared.db.Cursors;
import orgshare.shared.federation.FederationKey;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The secrets a deployment keeps in Secrets Manager, for a local run: made once and kept in the data folder
 * (owner-only), so cursors and the federation identity survive a restart; without a data folder, fresh for each run.
 * {@value #FEDERATION_KEY_VARIABLE} chooses the federation secret instead.
 */
public record LocalSecrets(String cursorSecret, String federationSecret) {
    static final String CURSOR_SECRET_FILE = "cursor-secret";
    static final String FEDERATION_SECRET_FILE = "federation-key";
    public static final String FEDERATION_KEY_VARIABLE = "ORGSHARE_FEDERATION_KEY";

    /** Fresh secrets, for as long as the process lives. */
    public static LocalSecrets fresh() {
        return new LocalSecrets(Cursors.newSecret(), FederationKey.newSecret());
    }

    /** The run's secrets: kept in {@code dataDir} (or fresh without one); the environment may name the federation key. */
    public static LocalSecrets forRun(Path dataDir, Map<String, String> env) {
        String federation = env.get(FEDERATION_KEY_VARIABLE);
        if (federation != null && !federation.isBlank()) {
            if (federation.strip().length() < 32) {
                throw new LocalRunnerException(FEDERATION_KEY_VARIABLE + " must be at least 32 characters (make one with federation-key)");
            }
            federation = federation.strip();
        } else {
            federation = kept(dataDir, FEDERATION_SECRET_FILE, FederationKey::newSecret);
        }
        return new LocalSecrets(kept(dataDir, CURSOR_SECRET_FILE, Cursors::newSecret), federation);
    }

    /**
     * A function whose template environment names a secret's ARN gets the secret's value under the variable the
     * application reads locally, as a deployed function may read that secret and no other.
     */
    public void giveTo(Map<String, String> environment) {
        if (environment.containsKey(Orgshare.ENV_CURSOR_SECRET_ARN)) {
            environment.put(Orgshare.ENV_CURSOR_SECRET, cursorSecret);
        }
        if (environment.containsKey(Orgshare.ENV_FEDERATION_KEY_SECRET_ARN)) {
            environment.put(Orgshare.ENV_FEDERATION_KEY_SECRET, federationSecret);
        }
    }

    private static String kept(Path dataDir, String name, Supplier<String> fresh) {
        if (dataDir == null) {
            return fresh.get();
        }
        Path file = dataDir.resolve(name);
        String secret;
        try {
            secret = KeptFile.read(dataDir, name, fresh);
        } catch (IOException e) {
            throw new LocalRunnerException("Cannot keep a secret in " + file + ": " + e.getMessage(), e);
        }
        if (secret.length() < 32) {
            throw new LocalRunnerException(file + " does not hold a secret of at least 32 characters; delete it to make a new one");
        }
        return secret;
    }

    @Override
    public String toString() {
        return "LocalSecrets[hidden]"; // a record prints its components; secrets must not reach a log by accident
    }
}
