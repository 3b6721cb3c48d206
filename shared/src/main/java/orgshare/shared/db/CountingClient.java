package orgshare.shared.db;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

import java.util.function.Supplier;

/**
 * The DynamoDB client every service uses, counting the calls made on the current thread, so each request's log
 * line says how many DynamoDB calls it cost (whatever client is underneath: AWS, DynamoDB Local, or a test's).
 * Only the operations orgshare uses are passed on; the others keep the interface's "unsupported" default.
 */
public final class CountingClient implements DynamoDbClient {
    private static final ThreadLocal<int[]> CALLS = ThreadLocal.withInitial(() -> new int[1]);
    private final DynamoDbClient delegate;

    private CountingClient(DynamoDbClient delegate) {
        this.delegate = delegate;
    }

    public static DynamoDbClient wrap(DynamoDbClient client) {
        return client instanceof CountingClient ? client : new CountingClient(client);
    }

    /** The calls counted on this thread since the last {@code take}, and a fresh count from here. */
    public static int take() {
        int[] count = CALLS.get();
        int calls = count[0];
        count[0] = 0;
        return calls;
    }

    private static <T> T counted(Supplier<T> call) {
        CALLS.get()[0]++;
        return call.get();
    }

    @Override
    public String serviceName() {
        return delegate.serviceName();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
        return counted(() -> delegate.getItem(request));
    }

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
        return counted(() -> delegate.putItem(request));
    }

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
        return counted(() -> delegate.updateItem(request));
    }

    @Override
    public DeleteItemResponse deleteItem(DeleteItemRequest request) {
        return counted(() -> delegate.deleteItem(request));
    }

    @Override
    public QueryResponse query(QueryRequest request) {
        return counted(() -> delegate.query(request));
    }

    @Override
    public ScanResponse scan(ScanRequest request) {
        return counted(() -> delegate.scan(request));
    }

    @Override
    public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
        return counted(() -> delegate.batchGetItem(request));
    }

    @Override
    public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
        return counted(() -> delegate.batchWriteItem(request));
    }

    @Override
    public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
        return counted(() -> delegate.transactWriteItems(request));
    }

    @Override
    public TransactGetItemsResponse transactGetItems(TransactGetItemsRequest request) {
        return counted(() -> delegate.transactGetItems(request));
    }

    @Override
    public DescribeTableResponse describeTable(DescribeTableRequest request) {
        return counted(() -> delegate.describeTable(request));
    }

    @Override
    public CreateTableResponse createTable(CreateTableRequest request) {
        return counted(() -> delegate.createTable(request));
    }
}
