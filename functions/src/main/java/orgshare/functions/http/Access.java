package orgshare.functions.http;

/** Who may call a route at all; finer checks (creator, member) live in the services. */
public enum Access {
    OPERATOR,
    MERCHANT,
    /** No key needed (a route without the authorizer): what a deployment publishes about itself. */
    ANYONE
}
