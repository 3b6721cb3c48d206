package orgshare.shared.federation;

import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.db.TableDefinition;
import orgshare.shared.model.CloudItem;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.Page;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryEnhancedRequest;

import java.util.ArrayList;
import java.util.List;

/** What this deployment tells other clouds about itself: the clouds it hosts and its public key. */
public final class FederationService {
    /** {@code GET /federation/identity}, as the contract shapes it. */
    public record Identity(List<String> cloudIds, String publicKey, String fingerprint) {
    }

    /** A deployment hosts a handful of clouds; a bound keeps the answer small whatever happens. */
    static final int MAX_CLOUDS = 1000;

    private final OrgTable table;
    private final FederationKey key;

    public FederationService(OrgTable table, FederationKey key) {
        this.table = table;
        this.key = key;
    }

    public FederationKey key() {
        return key;
    }

    /** Anyone may ask: the clouds hosted here (from gsi1, in cloudId order) and the public key with its fingerprint. */
    public Identity identity() {
        List<String> clouds = new ArrayList<>();
        QueryEnhancedRequest query = QueryEnhancedRequest.builder()
                .queryConditional(QueryConditional.keyEqualTo(Key.builder().partitionValue(Keys.CLOUDS).build()))
                .limit(MAX_CLOUDS).build();
        for (Page<CloudItem> page : table.clouds().index(TableDefinition.GSI1).query(query)) {
            for (CloudItem cloud : page.items()) {
                if (clouds.size() < MAX_CLOUDS) {
                    clouds.add(cloud.getCloudId());
                }
            }
            if (clouds.size() >= MAX_CLOUDS) {
                break;
            }
        }
        return new Identity(clouds, key.publicKeyText(), key.fingerprint());
    }
}
