package orgshare.shared.service;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import orgshare.shared.idempotency.Idempotency;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import orgshare.shared.auth.ApiKeys;
import orgshare.shared.auth.Caller;
import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.error.ApiException;
import orgshare.shared.model.ApiKeyItem;
import orgshare.shared.model.MerchantItem;
import orgshare.shared.time.Timestamps;
import orgshare.shared.validation.Validate;
import software.amazon.awssdk.enhanced.dynamodb.model.GetItemEnhancedRequest;

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
    private final Idempotency idempotency;

    public MerchantService(OrgTable table, Clock clock, Supplier<String> ids, Idempotency idempotency) {
        this.table = table;
        this.clock = clock;
        this.ids = ids;
        this.idempotency = idempotency;
    }

    /** Creates the merchant and its first key in one transaction; the key is returned here and never again. */
    public MerchantView create(Caller caller, CreateMerchant request) {
        return create(caller, request, null);
    }

    /** As {@link #create(Caller, CreateMerchant)}, at most once per {@code Idempotency-Key}: a retry gets the first answer. */
    public MerchantView create(Caller caller, CreateMerchant request, String idempotencyKey) {
        caller.requireOperator();
        Idempotency.Claim claim = Idempotency.claim("OPERATOR", idempotencyKey, "POST /merchants",
                String.valueOf(request.cloudId()), String.valueOf(request.name()));
        return idempotency.once(claim, MerchantView.class, () -> create(request, claim));
    }

    private MerchantView create(CreateMerchant request, Idempotency.Claim claim) {
        String cloudId = Validate.cloudId(request.cloudId());
        String name = Validate.name("name", request.name());
        String merchantId = ids.get();
        String apiKey = ApiKeys.generate();
        String keyHash = ApiKeys.hash(apiKey);
        String now = Timestamps.now(clock);
        MerchantView created = new MerchantView(merchantId, cloudId, name, apiKey);
        List<TransactWriteItem> writes = new ArrayList<>(List.of(
                TransactWriteItem.builder().conditionCheck(ConditionCheck.builder()
                        .tableName(table.name()).key(OrgTable.keyMap(Keys.cloud(cloudId), Keys.CLOUD_SK))
                        .conditionExpression("attribute_exists(pk)").build()).build(),
                OrgTable.putNew(table.name(), MerchantItem.SCHEMA.itemToMap(MerchantItem.create(merchantId, cloudId, name, keyHash, now), true)),
                OrgTable.putNew(table.name(), ApiKeyItem.SCHEMA.itemToMap(ApiKeyItem.create(keyHash, merchantId, cloudId, now), true))));
        if (claim != null) {
            writes.add(idempotency.record(claim, created));
        }
        table.transact(writes, failed -> failed == 0
                ? ApiException.notFound("CLOUD_NOT_FOUND", "No cloud with cloudId '" + cloudId + "'; register it first (POST /clouds).")
                : ApiException.conflict("CONCURRENT_CHANGE", "A generated ID collided, or this request was already made; retry."));
        return created;
    }

    /** A merchant's new key. */
    public record RotatedKey(String merchantId, String apiKey) {
    }

    /**
     * Replaces the API key the caller presented: the new key is returned here and never again, and the old one stops
     * working with the very next request (the authorizer reads keys consistently and does not cache). One transaction,
     * conditioned on the presented key still being the merchant's key, so of racing rotations with one key exactly one
     * succeeds, and nobody is handed a key that a concurrent rotation already replaced. No read at all.
     */
    public RotatedKey rotateKey(Caller caller, String authorization) {
        String merchantId = caller.requireMerchant();
        String presented = ApiKeys.fromAuthorization(authorization);
        if (presented == null) {
            throw ApiException.unauthorized("INVALID_KEY", "Present the key to replace as 'Authorization: Bearer <key>'.");
        }
        String oldHash = ApiKeys.hash(presented);
        String apiKey = ApiKeys.generate();
        String newHash = ApiKeys.hash(apiKey);
        table.transact(List.of(
                TransactWriteItem.builder().update(Update.builder().tableName(table.name())
                        .key(OrgTable.keyMap(Keys.merchant(merchantId), Keys.MERCHANT_SK))
                        .updateExpression("SET keyHash = :new")
                        .conditionExpression("keyHash = :old")
                        .expressionAttributeValues(Map.of(":new", AttributeValue.fromS(newHash), ":old", AttributeValue.fromS(oldHash)))
                        .build()).build(),
                TransactWriteItem.builder().delete(Delete.builder().tableName(table.name())
                        .key(OrgTable.keyMap(Keys.apiKey(oldHash), Keys.KEY_SK))
                        .conditionExpression("merchantId = :merchant")
                        .expressionAttributeValues(Map.of(":merchant", AttributeValue.fromS(merchantId)))
                        .build()).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(table.name())
                        .item(ApiKeyItem.SCHEMA.itemToMap(ApiKeyItem.create(newHash, merchantId, caller.cloudId(),
                                Timestamps.now(clock)), true))
                        .conditionExpression("attribute_not_exists(pk)").build()).build()),
                failed -> failed == 2
                        ? ApiException.conflict("CONCURRENT_CHANGE", "A generated key collided; retry.")
                        : ApiException.unauthorized("INVALID_KEY", "The key presented is no longer this merchant's key: "
                                + "another rotation replaced it first; use the key that rotation returned."));
        return new RotatedKey(merchantId, apiKey);
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
