package orgshare.shared.error;

import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

/** Maps any failure to the one error type, so that no internal name or stack trace reaches a client. */
public final class Errors {
    private Errors() {
    }

    public static ApiException toApiException(Throwable t) {
        if (t instanceof ApiException e) {
            return e;
        }
        if (isThrottling(t)) {
            return new ApiException(429, "THROTTLED", "Too many requests right now; retry with backoff.", t);
        }
        if (t instanceof TransactionConflictException || isTransactionConflict(t)) {
            return new ApiException(409, "CONCURRENT_CHANGE", "A concurrent change touched the same items; retry.", t);
        }
        if (t instanceof ApiCallTimeoutException || t instanceof SdkClientException) {
            return new ApiException(503, "UNAVAILABLE", "The data store did not answer in time; retry.", t);
        }
        return new ApiException(500, "INTERNAL", "Internal error.", t);
    }

    public static boolean isThrottling(Throwable t) {
        if (t instanceof ProvisionedThroughputExceededException || t instanceof RequestLimitExceededException) {
            return true;
        }
        if (t instanceof DynamoDbException e && e.awsErrorDetails() != null) {
            String code = e.awsErrorDetails().errorCode();
            return "ThrottlingException".equals(code) || "ProvisionedThroughputExceededException".equals(code);
        }
        if (t instanceof TransactionCanceledException e && e.hasCancellationReasons()) {
            return e.cancellationReasons().stream().map(CancellationReason::code)
                    .anyMatch(c -> "ThrottlingError".equals(c) || "ProvisionedThroughputExceeded".equals(c));
        }
        return false;
    }

    private static boolean isTransactionConflict(Throwable t) {
        return t instanceof TransactionCanceledException e && e.hasCancellationReasons()
                && e.cancellationReasons().stream().anyMatch(r -> "TransactionConflict".equals(r.code()));
    }
}
