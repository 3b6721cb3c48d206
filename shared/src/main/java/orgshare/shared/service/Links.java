package orgshare.shared.service;

import orgshare.shared.ids.Digests;
import orgshare.shared.ids.Ids;
import orgshare.shared.model.MemberItem;


/**
 * Link IDs: derived, not stored, so a group of N members needs no N² items. The same for both sides (the pair is
 * sorted), and new when either membership is new (each membership has its own membershipId).
 */
public final class Links {
    private Links() {
    }

    public static String linkId(String groupId, MemberItem a, MemberItem b) {
        MemberItem first = a.getMerchantId().compareTo(b.getMerchantId()) <= 0 ? a : b;
        MemberItem second = first == a ? b : a;
        String material = "link\n" + groupId
                + "\n" + first.getMerchantId() + ":" + first.getMembershipId()
                + "\n" + second.getMerchantId() + ":" + second.getMembershipId();
        return Ids.base32(Digests.sha256(material));
    }
}
