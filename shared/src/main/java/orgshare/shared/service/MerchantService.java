package orgshare.shared.service;

import orgshare.shared.auth.ApiKeys;
import orgshare.shared.auth.Caller;
import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.error.ApiException;
import orgshare.shared.model.ApiKeyItem;
import orgshare.shared.model.MerchantItem;
import orgshare.shared.time.Timestamps;
import orgshare.shared.validation.Validate;
import software.amazon.awssdk.enhanced.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.enhanced.dynamodb.model.GetItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactPutItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactWriteItemsEnhancedRequest;

import java.time.Clock;
import java.util.function.Supplier;

/** Creates merchants with their API key, and answers "who am I". */
public final class MerchantService {
    public record CreateMerchant(String cloudId, String name) {
    }

    public record MerchantView(String merchantId, String cloudId, String name, String apiKey) {
    }

    private final OrgTable table;
    private final Clock clock;
    private final Supplier<String> ids;

    public MerchantService(OrgTable table, Clock clock, Supplier<String> ids) {
        this.table = table;
        this.clock = clock;
        this.ids = ids;
    }

    /** Creates the merchant and its first key in one transaction; the key is returned here and never again. */
    public MerchantView create(Caller caller, CreateMerchant request) {
        caller.requireOperator();
        String cloudId = Validate.cloudId(request.cloudId());
        String name = Validate.name("name", request.name());
        String merchantId = ids.get();
        String apiKey = ApiKeys.generate();
        String keyHash = ApiKeys.hash(apiKey);
        String now = Timestamps.now(clock);
        table.transact(TransactWriteItemsEnhancedRequest.builder()
                .addConditionCheck(table.clouds(), ConditionCheck.builder()
                        .key(OrgTable.key(Keys.cloud(cloudId), Keys.CLOUD_SK))
                        .conditionExpression(OrgTable.ITEM_PRESENT).build())
                .addPutItem(table.merchants(), TransactPutItemEnhancedRequest.builder(MerchantItem.class)
                        .item(MerchantItem.create(merchantId, cloudId, name, keyHash, now))
                        .conditionExpression(OrgTable.ITEM_ABSENT).build())
                .addPutItem(table.keys(), TransactPutItemEnhancedRequest.builder(ApiKeyItem.class)
                        .item(ApiKeyItem.create(keyHash, merchantId, cloudId, now))
                        .conditionExpression(OrgTable.ITEM_ABSENT).build())
                .build(), failed -> failed == 0
                ? ApiException.notFound("CLOUD_NOT_FOUND", "No cloud with cloudId '" + cloudId + "'; register it first (POST /clouds).")
                : ApiException.conflict("CONCURRENT_CHANGE", "A generated ID collided; retry."));
        return new MerchantView(merchantId, cloudId, name, apiKey);
    }

    public MerchantView me(Caller caller) {
        String merchantId = caller.requireMerchant();
        MerchantItem item = table.merchants().getItem(GetItemEnhancedRequest.builder()
                .key(OrgTable.key(Keys.merchant(merchantId), Keys.MERCHANT_SK)).consistentRead(true).build());
        if (item == null) {
            throw ApiException.notFound("MERCHANT_NOT_FOUND", "This merchant no longer exists.");
        }
        return new MerchantView(item.getMerchantId(), item.getCloudId(), item.getName(), null);
    }
}
