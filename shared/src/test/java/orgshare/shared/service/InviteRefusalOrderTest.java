package orgshare.shared.service;

import orgshare.shared.auth.Caller;
import org.junit.jupiter.api.Test;

/** Only the creator learns whether a merchant exists: anyone else inviting is refused for who it is first. */
class InviteRefusalOrderTest {
    @Test
    void aNonCreatorInvitingAnUnknownMerchantIsRefusedAsANonCreator() {
        ExchangeFixture f = new ExchangeFixture();
        Caller member = f.merchant("Member");
        Caller outsider = f.merchant("Outsider");
        String g = f.group(member);
        MembershipService.InviteMember unknown = new MembershipService.InviteMember("01JDMERCHANT00000000000ZZZ");
        f.refused("FORBIDDEN", () -> f.app.memberships().invite(member, g, unknown));
        f.refused("GROUP_NOT_FOUND", () -> f.app.memberships().invite(outsider, g, unknown));
        f.refused("MERCHANT_NOT_FOUND", () -> f.app.memberships().invite(f.creator, g, unknown));
    }
}
