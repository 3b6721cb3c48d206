package orgshare.shared.service;

import orgshare.shared.Orgshare;
import orgshare.shared.auth.ApiKeys;
import orgshare.shared.auth.Caller;
import orgshare.shared.testing.DynamoDbLocal;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Who an Authorization header makes the caller: the operator, a merchant, or nobody, with the reason. */
class AuthServiceTest {
    private final String operatorKey = ApiKeys.generate();
    private final Orgshare app = DynamoDbLocal.newApp(DynamoDbLocal.client(),
            Map.of(Orgshare.ENV_OPERATOR_KEY_HASH, ApiKeys.hash(operatorKey)));

    @Test
    void eachHeaderMakesOneKindOfCaller() {
        app.clouds().register(Caller.operator(), new CloudService.CreateCloud("acme", "Acme"));
        MerchantService.MerchantView merchant = app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("acme", "M"));

        assertEquals(Caller.operator(), app.auth().authenticate("Bearer " + operatorKey));
        assertEquals(Caller.merchant(merchant.merchantId(), "acme"), app.auth().authenticate("bearer " + merchant.apiKey()));
        assertEquals(Caller.anonymous("MISSING_KEY"), app.auth().authenticate(null));
        assertEquals(Caller.anonymous("MISSING_KEY"), app.auth().authenticate("  "));
        assertEquals(Caller.anonymous("INVALID_KEY"), app.auth().authenticate("Bearer not-a-key"));
        assertEquals(Caller.anonymous("INVALID_KEY"), app.auth().authenticate("Bearer " + ApiKeys.generate()), "well formed, unknown");
    }
}
