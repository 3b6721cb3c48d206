package orgshare.shared.error;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every failure the store can raise reaches a client as one status and code it can act on, never an internal name. */
class ErrorsMappingTest {
    private static void mapsTo(int status, String code, Throwable failure) {
        ApiException mapped = Errors.toApiException(failure);
        assertEquals(status, mapped.status(), failure.toString());
        assertEquals(code, mapped.code(), failure.toString());
        assertSame(failure, mapped.getCause(), "the cause is kept for the log");
    }

    private static DynamoDbException withCode(String code) {
        return (DynamoDbException) DynamoDbException.builder().message(code)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build()).build();
    }

    private static TransactionCanceledException cancelled(String... codes) {
        CancellationReason[] reasons = new CancellationReason[codes.length];
        for (int i = 0; i < codes.length; i++) {
            reasons[i] = CancellationReason.builder().code(codes[i]).build();
        }
        return TransactionCanceledException.builder().message("cancelled").cancellationReasons(reasons).build();
    }

    @Test
    void anApiExceptionPassesAsItIs() {
        ApiException refusal = ApiException.validation("no");
        assertSame(refusal, Errors.toApiException(refusal));
    }

    @Test
    void throttlingInEveryShapeIsA429() {
        mapsTo(429, "THROTTLED", ProvisionedThroughputExceededException.builder().message("t").build());
        mapsTo(429, "THROTTLED", RequestLimitExceededException.builder().message("t").build());
        mapsTo(429, "THROTTLED", withCode("ThrottlingException"));
        mapsTo(429, "THROTTLED", withCode("ProvisionedThroughputExceededException"));
        mapsTo(429, "THROTTLED", cancelled("None", "ThrottlingError"));
        mapsTo(429, "THROTTLED", cancelled("ProvisionedThroughputExceeded", "None"));
        assertFalse(Errors.isThrottling(withCode("ValidationException")));
        assertFalse(Errors.isThrottling(cancelled("None", "ConditionalCheckFailed")));
        assertFalse(Errors.isThrottling(TransactionCanceledException.builder().message("no reasons").build()));
        assertFalse(Errors.isThrottling(DynamoDbException.builder().message("no details").build()));
        assertTrue(Errors.isThrottling(cancelled("ThrottlingError")));
    }

    @Test
    void aTransactionConflictIsARetryable409() {
        mapsTo(409, "CONCURRENT_CHANGE", TransactionConflictException.builder().message("c").build());
        mapsTo(409, "CONCURRENT_CHANGE", cancelled("None", "TransactionConflict"));
    }

    @Test
    void aTimeoutOrAnUnreachableStoreIsA503() {
        mapsTo(503, "UNAVAILABLE", ApiCallTimeoutException.create("slow"));
        mapsTo(503, "UNAVAILABLE", SdkClientException.create("unreachable"));
    }

    @Test
    void anythingElseIsAnInternal500ThatNamesNothing() {
        for (Throwable other : new Throwable[]{new IllegalStateException("secret detail"), withCode("ValidationException"),
                cancelled("None", "ConditionalCheckFailed"), TransactionCanceledException.builder().message("bare").build()}) {
            mapsTo(500, "INTERNAL", other);
            assertEquals("Internal error.", Errors.toApiException(other).getMessage());
        }
    }
}
