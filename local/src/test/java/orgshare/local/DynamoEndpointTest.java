package orgshare.local;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** --dynamodb-port: the runner's one database over DynamoDB's HTTP API, on loopback only, for any credentials. */
class DynamoEndpointTest {

    private static DynamoDbClient cli(URI endpoint, String accessKey, Region region) {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(region)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @Test
    void theCliSeesWhatTheFunctionsWroteWhateverItsCredentials() {
        try (LocalDynamo dynamo = LocalDynamo.inMemory()) {
            dynamo.client().putItem(b -> b.tableName(LocalDynamo.TABLE_NAME).item(Map.of(
                    "pk", AttributeValue.fromS("CLOUD#acme"), "sk", AttributeValue.fromS("CLOUD"))));
            URI endpoint = dynamo.expose(0);
            assertEquals("127.0.0.1", endpoint.getHost());
            for (DynamoDbClient client : List.of(cli(endpoint, "local", Region.US_EAST_1), cli(endpoint, "other", Region.EU_WEST_1))) {
                try (client) {
                    assertEquals(List.of(LocalDynamo.TABLE_NAME), client.listTables().tableNames());
                    assertEquals(1, client.scan(b -> b.tableName(LocalDynamo.TABLE_NAME)).count());
                    assertThrows(ResourceNotFoundException.class, () -> client.scan(b -> b.tableName("missing")));
                }
            }
        }
    }

    @Test
    void itListensOnLoopbackOnly() throws IOException {
        Optional<InetAddress> outside = nonLoopbackAddress();
        assumeTrue(outside.isPresent(), "this machine has no non-loopback IPv4 address to try");
        try (LocalDynamo dynamo = LocalDynamo.inMemory()) {
            int port = dynamo.expose(0).getPort();
            try (Socket inside = new Socket(InetAddress.getLoopbackAddress(), port)) {
                assertEquals(port, inside.getPort());
            }
            assertThrows(ConnectException.class, () -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(outside.get(), port), 2000);
                }
            });
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (network.isUp() && !network.isLoopback()) {
                for (InetAddress address : Collections.list(network.getInetAddresses())) {
                    if (address instanceof Inet4Address) {
                        return Optional.of(address);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
