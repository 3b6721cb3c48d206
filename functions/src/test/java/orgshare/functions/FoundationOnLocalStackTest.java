package orgshare.functions;

import orgshare.shared.Orgshare;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.db.TableDefinition;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.util.Map;

/** The same scenario on LocalStack, for machines with a Docker engine; skipped cleanly where there is none. */
@Testcontainers(disabledWithoutDocker = true)
class FoundationOnLocalStackTest {
    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer("localstack/localstack:4.4").withServices("dynamodb");

    @Test
    void foundationScenario() {
        DynamoDbClient client = DynamoDbClient.builder()
                .endpointOverride(LOCALSTACK.getEndpoint())
                .region(Region.of(LOCALSTACK.getRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
                .httpClient(UrlConnectionHttpClient.builder().build())
                .build();
        TableDefinition.createIfMissing(client, "orgshare");
        FoundationScenario.run(Orgshare.create(client, DynamoDbLocal.environment(Map.of(), "orgshare")));
    }
}
