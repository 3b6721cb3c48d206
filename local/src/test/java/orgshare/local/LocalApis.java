package orgshare.local;

import orgshare.shared.testing.DynamoDbLocal;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** The local API on a fresh DynamoDB Local table and a free loopback port, for tests that call it over HTTP. */
final class LocalApis {
    private LocalApis() {
    }

    static LocalApi onNewTable(String operatorKey) {
        DynamoDbClient client = DynamoDbLocal.client();
        String table = DynamoDbLocal.newTable(client);
        TemplateModel template = TemplateModel.load(ProjectFiles.TEMPLATE, OperatorKey.of(operatorKey).parameterOverrides(), table);
        return LocalApi.start(new FunctionInvoker(template, client), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }
}
