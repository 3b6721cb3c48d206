package orgshare.shared.rules;

/** How much of a record type an owner opens to a partner, from nothing to everything. */
public enum Scope {
    /** Nothing; a NONE rule hides what a broader rule would grant. */
    NONE,
    /** Record IDs, type and timestamps only. */
    SUMMARY,
    /** The listed top-level fields only. */
    FIELDS,
    /** The whole body. */
    FULL
}
