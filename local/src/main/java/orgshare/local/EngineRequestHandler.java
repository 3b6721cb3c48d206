package orgshare.local;

import com.amazonaws.AmazonServiceException;
import com.amazonaws.services.dynamodbv2.AmazonDynamoDB;
import com.amazonaws.services.dynamodbv2.AmazonDynamoDBStreams;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.amazonaws.services.dynamodbv2.exceptions.DynamoDBLocalServiceException;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.model.BatchExecuteStatementRequest;
import com.amazonaws.services.dynamodbv2.model.BatchExecuteStatementResult;
import com.amazonaws.services.dynamodbv2.model.BatchGetItemRequest;
import com.amazonaws.services.dynamodbv2.model.BatchGetItemResult;
import com.amazonaws.services.dynamodbv2.model.BatchWriteItemRequest;
import com.amazonaws.services.dynamodbv2.model.BatchWriteItemResult;
import com.amazonaws.services.dynamodbv2.model.CreateTableRequest;
import com.amazonaws.services.dynamodbv2.model.CreateTableResult;
import com.amazonaws.services.dynamodbv2.model.DeleteItemRequest;
import com.amazonaws.services.dynamodbv2.model.DeleteItemResult;
import com.amazonaws.services.dynamodbv2.model.DeleteTableRequest;
import com.amazonaws.services.dynamodbv2.model.DeleteTableResult;
import com.amazonaws.services.dynamodbv2.model.DescribeLimitsRequest;
import com.amazonaws.services.dynamodbv2.model.DescribeLimitsResult;
import com.amazonaws.services.dynamodbv2.model.DescribeStreamRequest;
import com.amazonaws.services.dynamodbv2.model.DescribeStreamResult;
import com.amazonaws.services.dynamodbv2.model.DescribeTableRequest;
import com.amazonaws.services.dynamodbv2.model.DescribeTableResult;
import com.amazonaws.services.dynamodbv2.model.DescribeTimeToLiveRequest;
import com.amazonaws.services.dynamodbv2.model.DescribeTimeToLiveResult;
import com.amazonaws.services.dynamodbv2.model.ExecuteStatementRequest;
import com.amazonaws.services.dynamodbv2.model.ExecuteStatementResult;
import com.amazonaws.services.dynamodbv2.model.ExecuteTransactionRequest;
import com.amazonaws.services.dynamodbv2.model.ExecuteTransactionResult;
import com.amazonaws.services.dynamodbv2.model.GetItemRequest;
import com.amazonaws.services.dynamodbv2.model.GetItemResult;
import com.amazonaws.services.dynamodbv2.model.GetRecordsRequest;
import com.amazonaws.services.dynamodbv2.model.GetRecordsResult;
import com.amazonaws.services.dynamodbv2.model.GetShardIteratorRequest;
import com.amazonaws.services.dynamodbv2.model.GetShardIteratorResult;
import com.amazonaws.services.dynamodbv2.model.ListStreamsRequest;
import com.amazonaws.services.dynamodbv2.model.ListStreamsResult;
import com.amazonaws.services.dynamodbv2.model.ListTablesRequest;
import com.amazonaws.services.dynamodbv2.model.ListTablesResult;
import com.amazonaws.services.dynamodbv2.model.ListTagsOfResourceRequest;
import com.amazonaws.services.dynamodbv2.model.ListTagsOfResourceResult;
import com.amazonaws.services.dynamodbv2.model.PutItemRequest;
import com.amazonaws.services.dynamodbv2.model.PutItemResult;
import com.amazonaws.services.dynamodbv2.model.QueryRequest;
import com.amazonaws.services.dynamodbv2.model.QueryResult;
import com.amazonaws.services.dynamodbv2.model.ScanRequest;
import com.amazonaws.services.dynamodbv2.model.ScanResult;
import com.amazonaws.services.dynamodbv2.model.TagResourceRequest;
import com.amazonaws.services.dynamodbv2.model.TagResourceResult;
import com.amazonaws.services.dynamodbv2.model.TransactGetItemsRequest;
import com.amazonaws.services.dynamodbv2.model.TransactGetItemsResult;
import com.amazonaws.services.dynamodbv2.model.TransactWriteItemsRequest;
import com.amazonaws.services.dynamodbv2.model.TransactWriteItemsResult;
import com.amazonaws.services.dynamodbv2.model.UntagResourceRequest;
import com.amazonaws.services.dynamodbv2.model.UntagResourceResult;
import com.amazonaws.services.dynamodbv2.model.UpdateItemRequest;
import com.amazonaws.services.dynamodbv2.model.UpdateItemResult;
import com.amazonaws.services.dynamodbv2.model.UpdateTableRequest;
import com.amazonaws.services.dynamodbv2.model.UpdateTableResult;
import com.amazonaws.services.dynamodbv2.model.UpdateTimeToLiveRequest;
import com.amazonaws.services.dynamodbv2.model.UpdateTimeToLiveResult;

import java.util.function.Supplier;

/**
 * DynamoDB Local's server front end on the runner's own engine: every call, whatever its credentials and region,
 * reaches the one database the functions use (DynamoDB Local's own handler would open one per access key and region).
 */
final class EngineRequestHandler extends DynamoDBRequestHandler {
    private final AmazonDynamoDB db;
    private final AmazonDynamoDBStreams streams;

    EngineRequestHandler(AmazonDynamoDBLocal engine) {
        super(0);
        this.db = engine.amazonDynamoDB();
        this.streams = engine.amazonDynamoDBStreams();
    }

    /**
     * The engine's client reports errors as the AWS SDK's exceptions; DynamoDB Local's server writes an error response
     * (400 ResourceNotFoundException and the like) only for its own exception type, and a 500 for any other.
     */
    private static <T> T answer(Supplier<T> call) {
        try {
            return call.get();
        } catch (DynamoDBLocalServiceException e) {
            throw e;
        } catch (AmazonServiceException e) {
            if (e.getCause() instanceof DynamoDBLocalServiceException original) {
                throw original;
            }
            DynamoDBLocalServiceException served = new DynamoDBLocalServiceException(e.getErrorMessage());
            served.setErrorCode(e.getErrorCode());
            served.setErrorType(e.getErrorType());
            served.setStatusCode(e.getStatusCode());
            throw served;
        }
    }

    @Override
    public void shutdown() {
        // the engine belongs to LocalDynamo, which shuts it down
    }

    @Override
    public BatchGetItemResult batchGetItem(String accessKey, String region, BatchGetItemRequest request) {
        return answer(() -> db.batchGetItem(request));
    }

    @Override
    public BatchWriteItemResult batchWriteItem(String accessKey, String region, BatchWriteItemRequest request) {
        return answer(() -> db.batchWriteItem(request));
    }

    @Override
    public TransactWriteItemsResult transactWriteItems(String accessKey, String region, TransactWriteItemsRequest request) {
        return answer(() -> db.transactWriteItems(request));
    }

    @Override
    public TransactGetItemsResult transactGetItems(String accessKey, String region, TransactGetItemsRequest request) {
        return answer(() -> db.transactGetItems(request));
    }

    @Override
    public CreateTableResult createTable(String accessKey, String region, CreateTableRequest request) {
        return answer(() -> db.createTable(request));
    }

    @Override
    public DeleteItemResult deleteItem(String accessKey, String region, DeleteItemRequest request) {
        return answer(() -> db.deleteItem(request));
    }

    @Override
    public DeleteTableResult deleteTable(String accessKey, String region, DeleteTableRequest request) {
        return answer(() -> db.deleteTable(request));
    }

    @Override
    public DescribeStreamResult describeStream(String accessKey, String region, DescribeStreamRequest request) {
        return answer(() -> streams.describeStream(request));
    }

    @Override
    public DescribeTableResult describeTable(String accessKey, String region, DescribeTableRequest request) {
        return answer(() -> db.describeTable(request));
    }

    @Override
    public DescribeLimitsResult describeLimits(String accessKey, String region, DescribeLimitsRequest request) {
        return answer(() -> db.describeLimits(request));
    }

    @Override
    public DescribeTimeToLiveResult describeTimeToLive(String accessKey, String region, DescribeTimeToLiveRequest request) {
        return answer(() -> db.describeTimeToLive(request));
    }

    @Override
    public GetItemResult getItem(String accessKey, String region, GetItemRequest request) {
        return answer(() -> db.getItem(request));
    }

    @Override
    public GetShardIteratorResult getShardIterator(String accessKey, String region, GetShardIteratorRequest request) {
        return answer(() -> streams.getShardIterator(request));
    }

    @Override
    public GetRecordsResult getRecords(String accessKey, String region, GetRecordsRequest request) {
        return answer(() -> streams.getRecords(request));
    }

    @Override
    public ListStreamsResult listStreams(String accessKey, String region, ListStreamsRequest request) {
        return answer(() -> streams.listStreams(request));
    }

    @Override
    public ListTablesResult listTables(String accessKey, String region, ListTablesRequest request) {
        return answer(() -> db.listTables(request));
    }

    @Override
    public ListTagsOfResourceResult listTagsOfResource(String accessKey, String region, ListTagsOfResourceRequest request) {
        return answer(() -> db.listTagsOfResource(request));
    }

    @Override
    public PutItemResult putItem(String accessKey, String region, PutItemRequest request) {
        return answer(() -> db.putItem(request));
    }

    @Override
    public QueryResult query(String accessKey, String region, QueryRequest request) {
        return answer(() -> db.query(request));
    }

    @Override
    public ScanResult scan(String accessKey, String region, ScanRequest request) {
        return answer(() -> db.scan(request));
    }

    @Override
    public TagResourceResult tagResource(String accessKey, String region, TagResourceRequest request) {
        return answer(() -> db.tagResource(request));
    }

    @Override
    public UntagResourceResult untagResource(String accessKey, String region, UntagResourceRequest request) {
        return answer(() -> db.untagResource(request));
    }

    @Override
    public UpdateItemResult updateItem(String accessKey, String region, UpdateItemRequest request) {
        return answer(() -> db.updateItem(request));
    }

    @Override
    public UpdateTableResult updateTable(String accessKey, String region, UpdateTableRequest request) {
        return answer(() -> db.updateTable(request));
    }

    @Override
    public UpdateTimeToLiveResult updateTimeToLive(String accessKey, String region, UpdateTimeToLiveRequest request) {
        return answer(() -> db.updateTimeToLive(request));
    }

    @Override
    public ExecuteStatementResult executeStatement(String accessKey, String region, ExecuteStatementRequest request) {
        return answer(() -> db.executeStatement(request));
    }

    @Override
    public BatchExecuteStatementResult batchExecuteStatement(String accessKey, String region, BatchExecuteStatementRequest request) {
        return answer(() -> db.batchExecuteStatement(request));
    }

    @Override
    public ExecuteTransactionResult executeTransaction(String accessKey, String region, ExecuteTransactionRequest request) {
        return answer(() -> db.executeTransaction(request));
    }
}
