package orgshare.local;

import orgshare.shared.auth.ApiKeys;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The operator's API key for a local run: {@value #ENVIRONMENT_VARIABLE} when set, else a fresh one. Only its hash
 * reaches the functions, as the template's {@value #TEMPLATE_PARAMETER} parameter does in a deployment.
 */
public record OperatorKey(String key, boolean generated) {
    public static final String ENVIRONMENT_VARIABLE = "ORGSHARE_OPERATOR_KEY";
    public static final String TEMPLATE_PARAMETER = "OperatorKeyHash";
    private static final String KEPT_FILE = "operator-key";

    public OperatorKey {
        if (!ApiKeys.wellFormed(key)) {
            throw new LocalRunnerException("The operator key is not well formed: it is '" + ApiKeys.PREFIX
                    + "' and 43 characters of base64url (make one with the operator-key command)");
        }
    }

    public static OperatorKey of(String key) {
        return new OperatorKey(key, false);
    }

    public static OperatorKey generate() {
        return new OperatorKey(ApiKeys.generate(), true);
    }

    /** From {@value #ENVIRONMENT_VARIABLE} when set (it must be well formed), else a fresh key. */
    public static OperatorKey fromEnvironment(Map<String, String> env) {
        String configured = env.get(ENVIRONMENT_VARIABLE);
        if (configured == null || configured.isEmpty()) {
            return generate();
        }
        try {
            return of(configured.strip());
        } catch (LocalRunnerException e) {
            throw new LocalRunnerException(ENVIRONMENT_VARIABLE + ": " + e.getMessage());
        }
    }

    /**
     * The key for a run: {@value #ENVIRONMENT_VARIABLE} when set; else, with a data folder, the one kept there (made
     * on the first run, so a user's scripts keep working after a restart); else a fresh one.
     */
    public static OperatorKey forRun(Map<String, String> env, Path dataDir) {
        String configured = env.get(ENVIRONMENT_VARIABLE);
        if ((configured == null || configured.isEmpty()) && dataDir != null) {
            return keptIn(dataDir);
        }
        return fromEnvironment(env);
    }

    /** Where a data folder keeps its generated key. */
    public static Path keptFile(Path dataDir) {
        return dataDir.resolve(KEPT_FILE);
    }

    /** The key kept in {@code dataDir}, made and written there (readable by its owner only) when there is none. */
    static OperatorKey keptIn(Path dataDir) {
        Path file = keptFile(dataDir);
        try {
            return new OperatorKey(KeptFile.read(dataDir, KEPT_FILE, () -> generate().key()), true);
        } catch (IOException e) {
            throw new LocalRunnerException("Cannot keep the operator key in " + file + ": " + e.getMessage(), e);
        } catch (LocalRunnerException e) {
            throw new LocalRunnerException(file + ": " + e.getMessage() + "; delete the file to make a new key", e);
        }
    }

    public String hash() {
        return ApiKeys.hash(key);
    }

    /** The template parameter values this key stands for. */
    public Map<String, String> parameterOverrides() {
        return Map.of(TEMPLATE_PARAMETER, hash());
    }

    @Override
    public String toString() {
        // a record prints its components; a key must not reach a log by accident
        return "OperatorKey[hash=" + hash() + ", generated=" + generated + "]";
    }
}
