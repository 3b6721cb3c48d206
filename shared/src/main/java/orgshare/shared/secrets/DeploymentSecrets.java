package orgshare.shared.secrets;

import orgshare.shared.db.Clients;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The deployment's secrets. Deployed, a function names a Secrets Manager secret by its ARN and is granted read on that
 * secret only; the local runner and the tests give the value itself. Read when first asked for, once per container.
 */
public final class DeploymentSecrets {
    private DeploymentSecrets() {
    }

    /**
     * The secret that {@code valueVariable} holds (local runs), else the one the ARN in {@code arnVariable} names
     * (deployed); asking a function that has neither is a mistake in the template, said as such.
     */
    public static Supplier<String> fromEnvironment(Map<String, String> env, String valueVariable, String arnVariable) {
        String value = env.get(valueVariable);
        if (value != null && !value.isBlank()) {
            return () -> value;
        }
        String arn = env.get(arnVariable);
        if (arn != null && !arn.isBlank()) {
            return () -> fromSecretsManager(env, arn);
        }
        return () -> {
            throw new IllegalStateException("Neither " + valueVariable + " nor " + arnVariable
                    + " is set: template.yaml must give this function the secret it uses");
        };
    }

    private static String fromSecretsManager(Map<String, String> env, String arn) {
        try (SecretsManagerClient client = Clients.secretsManager(env)) {
            String secret = client.getSecretValue(b -> b.secretId(arn)).secretString();
            if (secret == null || secret.isEmpty()) {
                throw new IllegalStateException("The secret " + arn + " has no string value");
            }
            return secret;
        }
    }
}
