package orgshare.functions.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import orgshare.functions.Lambdas;
import orgshare.shared.Orgshare;
import orgshare.shared.auth.ApiKeys;
import orgshare.shared.auth.Caller;
import orgshare.shared.service.CloudService;
import orgshare.shared.service.MerchantService;
import orgshare.shared.testing.DynamoDbLocal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthorizerHandlerTest {
    private static final String OPERATOR_KEY = ApiKeys.generate();
    private static Orgshare app;
    private static MerchantService.MerchantView merchant;

    @BeforeAll
    static void setUp() {
        app = DynamoDbLocal.newApp(DynamoDbLocal.client(), Map.of(Orgshare.ENV_OPERATOR_KEY_HASH, ApiKeys.hash(OPERATOR_KEY)));
        app.clouds().register(Caller.operator(), new CloudService.CreateCloud("acme", "Acme"));
        merchant = app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("acme", "Supplier"));
    }

    private static Map<String, String> authorize(Map<String, String> headers) {
        APIGatewayV2CustomAuthorizerEvent event = new APIGatewayV2CustomAuthorizerEvent();
        event.setVersion("2.0");
        event.setType("REQUEST");
        event.setHeaders(headers);
        SimpleIAMPolicyResponse response = Lambdas.authorize(new AuthorizerHandler(app), event, null);
        assertTrue(response.getIsAuthorized(), "the handler, not API Gateway, answers 401 in the one error shape");
        return response.getContext();
    }

    private static Map<String, String> bearer(String value) {
        Map<String, String> headers = new HashMap<>();
        headers.put("authorization", value);
        return headers;
    }

    @Test
    void merchantKeyMapsToTheMerchant() {
        Map<String, String> context = authorize(bearer("Bearer " + merchant.apiKey()));
        assertEquals("MERCHANT", context.get("principal"));
        assertEquals(merchant.merchantId(), context.get("merchantId"));
        assertEquals("acme", context.get("cloudId"));
        assertEquals(Caller.merchant(merchant.merchantId(), "acme"), Caller.fromContext(context));
    }

    @Test
    void operatorKeyMapsToTheOperator() {
        assertEquals(Map.of("principal", "OPERATOR"), authorize(bearer("Bearer " + OPERATOR_KEY)));
        assertEquals(Map.of("principal", "OPERATOR"), authorize(bearer("bearer " + OPERATOR_KEY)));
    }

    @Test
    void everythingElseIsUnauthenticated() {
        assertEquals("MISSING_KEY", authorize(Map.of()).get("authError"));
        assertEquals("MISSING_KEY", authorize(null).get("authError"));
        assertEquals("MISSING_KEY", authorize(bearer("")).get("authError"));
        for (String bad : new String[]{"Bearer " + ApiKeys.generate(), "Basic " + merchant.apiKey(), merchant.apiKey(),
                "Bearer", "Bearer osk_short", "Bearer " + merchant.apiKey() + "x", "Bearer " + merchant.apiKey().toUpperCase()}) {
            Map<String, String> context = authorize(bearer(bad));
            assertEquals("NONE", context.get("principal"), bad);
            assertEquals("INVALID_KEY", context.get("authError"), bad);
        }
    }

    @Test
    void storesOnlyTheKeyHash() {
        var item = app.table().merchants().getItem(r -> r.key(k -> k.partitionValue("MERCHANT#" + merchant.merchantId()).sortValue("MERCHANT")));
        assertEquals(ApiKeys.hash(merchant.apiKey()), item.getKeyHash());
        assertTrue(orgshare.shared.testing.TableSnapshot.of(app.table().client(), app.table().name()).stream()
                .noneMatch(row -> row.contains(merchant.apiKey())), "the plain key is nowhere in the table");
    }
}
