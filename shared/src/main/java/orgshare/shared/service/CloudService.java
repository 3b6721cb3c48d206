package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import orgshare.shared.db.OrgTable;
import orgshare.shared.error.ApiException;
import orgshare.shared.model.CloudItem;
import orgshare.shared.time.Timestamps;
import orgshare.shared.validation.Validate;
import software.amazon.awssdk.enhanced.dynamodb.model.PutItemEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Clock;

/** Registers merchant clouds (operator only). */
public final class CloudService {
    public record CreateCloud(String cloudId, String name) {
    }

    public record CloudView(String cloudId, String name) {
    }

    private final OrgTable table;
    private final Clock clock;

    public CloudService(OrgTable table, Clock clock) {
        this.table = table;
        this.clock = clock;
    }

    public CloudView register(Caller caller, CreateCloud request) {
        caller.requireOperator();
        String cloudId = Validate.cloudId(request.cloudId());
        String name = Validate.name("name", request.name());
        CloudItem item = CloudItem.create(cloudId, name, Timestamps.now(clock));
        try {
            // uniqueness is the conditional write itself, never a read before it
            table.clouds().putItem(PutItemEnhancedRequest.builder(CloudItem.class)
                    .item(item).conditionExpression(OrgTable.ITEM_ABSENT).build());
        } catch (ConditionalCheckFailedException e) {
            throw ApiException.conflict("CLOUD_EXISTS", "A cloud with cloudId '" + cloudId + "' already exists.");
        }
        return new CloudView(cloudId, name);
    }
}
