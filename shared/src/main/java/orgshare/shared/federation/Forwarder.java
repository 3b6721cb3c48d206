package orgshare.shared.federation;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.shared.auth.Caller;
import orgshare.shared.error.ApiException;
import orgshare.shared.json.Json;
import orgshare.shared.model.AuditItem;
import orgshare.shared.model.MemberItem;
import orgshare.shared.service.AuditService;
import orgshare.shared.service.PushStatusService;
import orgshare.shared.time.Timestamps;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Location transparency on a member's own deployment: a request about a group this deployment does not hold, for a
 * merchant that has a pointer to it, goes to the group's home as one signed call, and the home's verified answer is
 * the answer, status and body as they are. The pointer follows the home's word (ACTIVE after a join, dropped after a
 * leave or when the home no longer knows the membership), and a pull or push is written into the merchant's own
 * audit log here, where it lives.
 */
public final class Forwarder {
    private static final Pattern GROUP = Pattern.compile("/groups/[^/]+");
    private static final Pattern JOIN = Pattern.compile("/groups/[^/]+/members/me");
    private static final Pattern MEMBER = Pattern.compile("/groups/[^/]+/members/([^/]+)");
    private static final Pattern EXCHANGE = Pattern.compile("/groups/[^/]+/exchange/([^/]+)/([^/]+)");

    private final Pointers pointers;
    private final FederationClient client;
    private final AuditService audit;
    private final Clock clock;
    private final Supplier<String> ids;
    private final PushStatusService statuses;

    public Forwarder(Pointers pointers, FederationClient client, AuditService audit, PushStatusService statuses, Clock clock,
                     Supplier<String> ids) {
        this.statuses = statuses;
        this.pointers = pointers;
        this.client = client;
        this.audit = audit;
        this.clock = clock;
        this.ids = ids;
    }

    /**
     * Forwards the request when the caller has a pointer to {@code groupId} ({@code known}: the one the local attempt
     * read, or null); empty when it has none (the group is simply not one of the caller's: the local answer stands).
     */
    public Optional<FederationClient.Reply> forward(Caller caller, String groupId, String method, String rawPath,
                                                    String rawQuery, String body, String idempotencyKey, MemberItem known) {
        if (caller.principal() != Caller.Principal.MERCHANT || groupId == null || caller.cloudId() == null) {
            return Optional.empty();
        }
        String me = caller.merchantId();
        // the local attempt may have read the pointer already (it rides with its 404); else one read here
        MemberItem pointer = known != null && groupId.equals(known.getGroupId()) && me.equals(known.getMerchantId())
                ? known : pointers.pointer(groupId, me);
        if (pointer == null) {
            return Optional.empty();
        }
        String home = pointer.getHomeCloudId();
        Map<String, String> headers = new HashMap<>();
        headers.put("idempotency-key", idempotencyKey);
        String target = rawPath + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery);
        FederationClient.Reply reply = client.call(home, method, target,
                FederationEndpoint.merchant(me, caller.cloudId()), body, headers, client.answerTimeout());
        JsonNode answer = tree(reply.body());
        boolean json = reply.body().isEmpty() ? reply.status() == 204 : answer != null;
        if (!json || reply.status() < 200 || (reply.status() >= 500 && reply.status() != 503 && reply.status() != 504)) {
            throw new ApiException(503, "PEER_UNAVAILABLE", "Cloud '" + home + "', the group's home, answered "
                    + reply.status() + (json ? "" : " without a JSON body") + ". Retry later.");
        }
        follow(me, groupId, home, method, rawPath, reply, answer);
        return Optional.of(reply);
    }

    /** What the home's answer ({@code answer}: its body, read once) means here: the pointer's state, the merchant's audit event. */
    private void follow(String me, String groupId, String home, String method, String path, FederationClient.Reply reply,
                        JsonNode answer) {
        if (!reply.ok()) {
            JsonNode error = answer == null ? null : answer.path("error").get("code");
            String code = error == null ? null : error.asText();
            if ("GET".equals(method) && GROUP.matcher(path).matches()
                    && ((reply.status() == 404 && "GROUP_NOT_FOUND".equals(code)) || reply.status() == 410)) {
                // reading the group is how a member learns it is gone: the home no longer knows this membership
                pointers.drop(groupId, me, home);
            }
            return;
        }
        Matcher member = MEMBER.matcher(path);
        Matcher exchange = EXCHANGE.matcher(path);
        if ("PUT".equals(method) && JOIN.matcher(path).matches()) {
            pointers.activate(groupId, me);
        } else if ("DELETE".equals(method) && member.matches() && (member.group(1).equals("me") || member.group(1).equals(me))) {
            pointers.drop(groupId, me, home);
        } else if (exchange.matches() && ("GET".equals(method) || "POST".equals(method))) {
            AuditItem event = AuditItem.create(ids.get(), Timestamps.now(clock),
                    "GET".equals(method) ? AuditItem.PULL : AuditItem.PUSH, groupId, me);
            event.setOwnerId(exchange.group(1));
            event.setType(exchange.group(2));
            event.setPeerCloudId(home);
            if ("GET".equals(method)) {
                JsonNode records = answer == null ? null : answer.get("records");
                event.setCount(records != null && records.isArray() ? records.size() : 0);
            } else if (answer != null && answer.get("messageId") != null) {
                String messageId = answer.get("messageId").asText();
                event.setMessageId(messageId);
                // the sender's record of its push: the owner's acknowledgement comes back to it through the home
                statuses.recordSent(new PushStatusService.Parties(messageId, groupId, exchange.group(2), me, null,
                        exchange.group(1), null, home), event.getAt());
            }
            audit.write(event, me);
        }
    }

    private static JsonNode tree(String body) {
        if (body == null || body.isEmpty()) {
            return null;
        }
        try {
            return Json.decodeTree(body);
        } catch (ApiException notJson) {
            return null;
        }
    }
}
