package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.local.Deployment.Merchant;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Owner caps across clouds, over real HTTP between three deployments: the group's home and creator on A, a partner
 * on B, an owner on C. The owner caps its data through its own deployment (forwarded to the home, which keeps the
 * caps); the partner's next pull through B, A and C is narrowed, its push refused; the creator reads the caps at
 * home; the change is in the owner's own log on C; the owner's leave kills its caps.
 */
class ConsentAcrossCloudsTest extends OnThreeClouds {
    private static List<String> ids(JsonNode records) {
        List<String> ids = new ArrayList<>();
        records.forEach(r -> ids.add(r.get("recordId").asText()));
        return ids;
    }

    private static Set<String> fieldNames(JsonNode body) {
        Set<String> names = new TreeSet<>();
        body.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void anOwnerOnAThirdCloudNarrowsWhatThePartnerSeesThroughItsOwnDeployment() throws Exception {
        Merchant creator = clouds.a().merchant("Head office");
        Merchant bob = clouds.b().merchant("Globex branch");
        Merchant carol = clouds.c().merchant("Initech supplier");
        String g = creator.call(201, "POST", "/groups", "{\"name\":\"Supply chain\"}").json().get("groupId").asText();
        creator.call(201, "POST", "/groups/" + g + "/members", bob.invitation());
        creator.call(201, "POST", "/groups/" + g + "/members", carol.invitation());
        bob.call(200, "PUT", "/groups/" + g + "/members/me", null);
        carol.call(200, "PUT", "/groups/" + g + "/members/me", null);

        carol.call(200, "PUT", "/records/order/o1", "{\"buyerId\":\"" + bob.id() + "\",\"region\":\"north\",\"total\":10.50,\"note\":\"x\"}");
        carol.call(200, "PUT", "/records/order/o2", "{\"buyerId\":\"" + bob.id() + "\",\"region\":\"south\",\"total\":7,\"note\":\"y\"}");
        String pulls = "/groups/" + g + "/exchange/" + carol.id() + "/order";
        creator.call(200, "PATCH", "/groups/" + g + "/rules", "{\"expectedVersion\":0,\"set\":["
                + "{\"ownerId\":\"" + carol.id() + "\",\"partnerId\":\"" + bob.id() + "\",\"type\":\"order\",\"scope\":\"FULL\","
                + "\"filter\":{\"buyerId\":\"${partner}\"},\"push\":true}]}");
        assertEquals(List.of("o1", "o2"), ids(bob.call(200, "GET", pulls, null).json().get("records")));
        bob.call(202, "POST", pulls, "{\"po\":\"before the cap\"}");

        // carol, on C, caps what bob sees of her orders: only the north ones, only the total, no pushes
        String consent = "/groups/" + g + "/consent";
        assertEquals(0, carol.call(200, "GET", consent, null).json().get("version").asLong());
        JsonNode version = carol.call(200, "PATCH", consent, "{\"expectedVersion\":0,\"set\":[{\"partnerId\":\"" + bob.id()
                + "\",\"type\":\"order\",\"maxScope\":\"FIELDS\",\"fields\":[\"total\",\"cost\"],\"filter\":{\"region\":\"north\"},"
                + "\"push\":false}]}").json();
        assertEquals(1, version.get("version").asLong());
        assertEquals("VERSION_CONFLICT", carol.call(409, "PATCH", consent, "{\"expectedVersion\":0,\"set\":[{\"partnerId\":\"*\","
                + "\"type\":\"*\",\"maxScope\":\"NONE\"}]}").errorCode(), "the home's refusal reaches C's merchant in its words");

        // the very next pull through B, A and C is narrowed; the push is refused
        JsonNode narrowed = bob.call(200, "GET", pulls, null).json();
        assertEquals(List.of("o1"), ids(narrowed.get("records")));
        assertEquals(Set.of("total"), fieldNames(narrowed.get("records").get(0).get("body")));
        assertEquals("PUSH_NOT_ALLOWED", bob.call(403, "POST", pulls, "{\"po\":\"after the cap\"}").errorCode());
        JsonNode provider = bob.call(200, "GET", "/groups/" + g + "/providers", null).json().get("providers").get(0);
        assertEquals("FIELDS", provider.get("scope").asText());
        assertEquals(false, provider.get("push").asBoolean());

        // the caps: carol reads hers through C, the creator reads them at home; bob may not
        assertEquals("FIELDS", carol.call(200, "GET", consent, null).json().get("caps").get(0).get("maxScope").asText());
        assertEquals(1, creator.call(200, "GET", consent + "?ownerId=" + carol.id(), null).json().get("caps").size());
        assertEquals("FORBIDDEN", bob.call(403, "GET", consent + "?ownerId=" + carol.id(), null).errorCode());

        // the change is logged at home for the creator, and on C for carol once the outbox delivered it
        assertTrue(hasConsentChange(creator, null), "the creator's log at home");
        clouds.a().runSchedule();
        assertTrue(hasConsentChange(carol, "acme"), "carol's log on her own cloud, naming the home");

        // carol leaves and comes back: her caps died with her membership
        carol.call(204, "DELETE", "/groups/" + g + "/members/me", null);
        creator.call(201, "POST", "/groups/" + g + "/members", carol.invitation());
        carol.call(200, "PUT", "/groups/" + g + "/members/me", null);
        JsonNode fresh = carol.call(200, "GET", consent, null).json();
        assertEquals(0, fresh.get("version").asLong());
        assertEquals(0, fresh.get("caps").size());
    }

    private static boolean hasConsentChange(Merchant m, String peerCloud) throws Exception {
        for (JsonNode event : m.call(200, "GET", "/audit", null).json().get("events")) {
            if ("CONSENT_CHANGED".equals(event.get("action").asText())
                    && (peerCloud == null ? !event.hasNonNull("peerCloudId") : peerCloud.equals(event.path("peerCloudId").asText()))) {
                return true;
            }
        }
        return false;
    }
}
