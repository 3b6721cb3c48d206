package orgshare.functions.http;

/** Who may call a route at all; finer checks (creator, member) live in the services. */
public enum Access {
    OPERATOR,
    MERCHANT
}
