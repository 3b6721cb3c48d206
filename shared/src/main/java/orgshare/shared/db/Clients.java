package orgshare.shared.db;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** Builds the AWS clients once per container: URL-connection HTTP, explicit region and credentials, no discovery. */
public final class Clients {
    private Clients() {
    }

    public static DynamoDbClient dynamo(Map<String, String> env) {
        return dynamo(env, EnvironmentVariableCredentialsProvider.create());
    }

    public static DynamoDbClient dynamo(Map<String, String> env, AwsCredentialsProvider credentials) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .httpClient(httpClient())
                .region(region(env))
                .credentialsProvider(credentials);
        String endpoint = env.get("DYNAMODB_ENDPOINT");
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    /** For reading the deployment's secrets once per container. */
    public static SecretsManagerClient secretsManager(Map<String, String> env) {
        return SecretsManagerClient.builder()
                .httpClient(httpClient())
                .region(region(env))
                .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
                .build();
    }

    private static SdkHttpClient httpClient() {
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static Region region(Map<String, String> env) {
        return Region.of(env.getOrDefault("AWS_REGION", "us-east-1"));
    }
}
