package orgshare.shared.service;

import orgshare.shared.auth.ApiKeys;
import orgshare.shared.auth.Caller;
import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.model.ApiKeyItem;
import software.amazon.awssdk.enhanced.dynamodb.model.GetItemEnhancedRequest;

/** Maps an Authorization header to a caller: the operator (hash from the deployment) or a merchant (hash in the table). */
public final class AuthService {
    private final OrgTable table;
    private final String operatorKeyHash;

    public AuthService(OrgTable table, String operatorKeyHash) {
        this.table = table;
        this.operatorKeyHash = operatorKeyHash;
    }

    public Caller authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Caller.anonymous("MISSING_KEY");
        }
        String key = ApiKeys.fromAuthorization(authorization);
        if (key == null) {
            return Caller.anonymous("INVALID_KEY");
        }
        if (ApiKeys.matches(key, operatorKeyHash)) {
            return Caller.operator();
        }
        // consistent, so a rotated or revoked key stops working with the very next request
        ApiKeyItem item = table.keys().getItem(GetItemEnhancedRequest.builder()
                .key(OrgTable.key(Keys.apiKey(ApiKeys.hash(key)), Keys.KEY_SK)).consistentRead(true).build());
        if (item == null) {
            return Caller.anonymous("INVALID_KEY");
        }
        return Caller.merchant(item.getMerchantId(), item.getCloudId());
    }
}
