package orgshare.shared.auth;

import orgshare.shared.error.ApiException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who is calling, as the authorizer established it. Handlers trust only this, never an ID in the body.
 * An unauthenticated caller carries the reason, so the handler answers 401 in the one error shape.
 */
public record Caller(Principal principal, String merchantId, String cloudId, String authError) {
    /**
     * {@code PEER_MERCHANT}: a merchant of a peer cloud, on whose behalf a registered peer made a signed call to this
     * deployment (the group's home); only the federation endpoint builds one, never the authorizer.
     */
    public enum Principal { MERCHANT, PEER_MERCHANT, OPERATOR, NONE }

    public static final String CONTEXT_PRINCIPAL = "principal";
    public static final String CONTEXT_MERCHANT_ID = "merchantId";
    public static final String CONTEXT_CLOUD_ID = "cloudId";
    public static final String CONTEXT_AUTH_ERROR = "authError";

    public static Caller merchant(String merchantId, String cloudId) {
        return new Caller(Principal.MERCHANT, merchantId, cloudId, null);
    }

    /** A merchant of {@code cloudId}, a peer's cloud, speaking through that peer's signed call. */
    public static Caller peerMerchant(String merchantId, String cloudId) {
        return new Caller(Principal.PEER_MERCHANT, merchantId, cloudId, null);
    }

    /** Whether the caller is a merchant of a peer cloud (its own deployment forwarded the call here). */
    public boolean isPeerMerchant() {
        return principal == Principal.PEER_MERCHANT;
    }

    public static Caller operator() {
        return new Caller(Principal.OPERATOR, null, null, null);
    }

    public static Caller anonymous(String authError) {
        return new Caller(Principal.NONE, null, null, authError);
    }

    /** The authorizer's context (API Gateway passes it as requestContext.authorizer.lambda). */
    public Map<String, String> toContext() {
        Map<String, String> context = new LinkedHashMap<>();
        context.put(CONTEXT_PRINCIPAL, principal.name());
        if (merchantId != null) {
            context.put(CONTEXT_MERCHANT_ID, merchantId);
        }
        if (cloudId != null) {
            context.put(CONTEXT_CLOUD_ID, cloudId);
        }
        if (authError != null) {
            context.put(CONTEXT_AUTH_ERROR, authError);
        }
        return context;
    }

    /** Reads the authorizer's context; anything missing or unknown is an unauthenticated caller. */
    public static Caller fromContext(Map<String, ?> context) {
        if (context == null) {
            return anonymous("MISSING_KEY");
        }
        Object principal = context.get(CONTEXT_PRINCIPAL);
        if (Principal.OPERATOR.name().equals(principal)) {
            return operator();
        }
        if (Principal.MERCHANT.name().equals(principal) && context.get(CONTEXT_MERCHANT_ID) instanceof String id) {
            Object cloud = context.get(CONTEXT_CLOUD_ID);
            return merchant(id, cloud instanceof String c ? c : null);
        }
        if (Principal.PEER_MERCHANT.name().equals(principal) && context.get(CONTEXT_MERCHANT_ID) instanceof String id
                && context.get(CONTEXT_CLOUD_ID) instanceof String cloud) {
            return peerMerchant(id, cloud);
        }
        Object error = context.get(CONTEXT_AUTH_ERROR);
        return anonymous(error instanceof String e ? e : "MISSING_KEY");
    }

    public Caller requireAuthenticated() {
        if (principal == Principal.NONE) {
            if ("INVALID_KEY".equals(authError)) {
                throw ApiException.unauthorized("INVALID_KEY", "The API key is not valid. Send 'Authorization: Bearer <key>' with a current key.");
            }
            throw ApiException.unauthorized("MISSING_KEY", "Send 'Authorization: Bearer <key>' with your API key.");
        }
        return this;
    }

    /** The calling merchant's ID; the operator and anonymous callers are refused. */
    public String requireMerchant() {
        requireAuthenticated();
        if (principal != Principal.MERCHANT && principal != Principal.PEER_MERCHANT) {
            throw ApiException.forbidden("Only a merchant can do this; the operator key manages clouds and merchants.");
        }
        return merchantId;
    }

    public void requireOperator() {
        requireAuthenticated();
        if (principal != Principal.OPERATOR) {
            throw ApiException.forbidden("Only the operator can do this.");
        }
    }
}
