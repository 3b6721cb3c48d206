package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Clouds and merchants are the operator's: the services refuse a merchant themselves, whatever the handler in front
 * checked. A merchant reads its own profile.
 */
class OperatorOnlyServicesTest {
    @Test
    void aMerchantRegistersNoCloudAndCreatesNoMerchant() {
        ExchangeFixture f = new ExchangeFixture();
        f.refused("FORBIDDEN", () -> f.app.clouds().register(f.creator, new CloudService.CreateCloud("other", "Other")));
        f.refused("FORBIDDEN", () -> f.app.merchants().create(f.creator, new MerchantService.CreateMerchant("acme", "Sneaky")));
        assertEquals(new CloudService.CloudView("beta", "Beta Group"),
                f.app.clouds().register(Caller.operator(), new CloudService.CreateCloud("beta", "Beta Group")));
    }

    @Test
    void aMerchantsProfileIsItsOwnWithoutAKey() {
        ExchangeFixture f = new ExchangeFixture();
        MerchantService.MerchantView created = f.app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("acme", "Branch North"));
        assertEquals(new MerchantService.MerchantView(created.merchantId(), "acme", "Branch North", null),
                f.app.merchants().me(Caller.merchant(created.merchantId(), "acme")));
    }
}
