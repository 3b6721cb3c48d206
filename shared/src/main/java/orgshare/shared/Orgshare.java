package orgshare.shared;

import orgshare.shared.db.Clients;
import orgshare.shared.db.CountingClient;
import orgshare.shared.db.Cursors;
import orgshare.shared.federation.FederationClient;
import orgshare.shared.federation.FederationEndpoint;
import orgshare.shared.federation.FederationKey;
import orgshare.shared.federation.Forwarder;
import orgshare.shared.federation.NonceStore;
import orgshare.shared.federation.Outbox;
import orgshare.shared.federation.Pointers;
import orgshare.shared.federation.FederationService;
import orgshare.shared.federation.HttpPeerDirectory;
import orgshare.shared.federation.PeerService;
import orgshare.shared.db.OrgTable;
import orgshare.shared.idempotency.Idempotency;
import orgshare.shared.ids.Ids;
import orgshare.shared.json.Json;
import orgshare.shared.secrets.DeploymentSecrets;
import orgshare.shared.service.AuditService;
import orgshare.shared.service.AuthService;
import orgshare.shared.service.CleanupService;
import orgshare.shared.service.CloudService;
import orgshare.shared.service.ExchangeService;
import orgshare.shared.service.GroupPurger;
import orgshare.shared.service.GroupService;
import orgshare.shared.service.InboxService;
import orgshare.shared.service.MembershipService;
import orgshare.shared.service.MerchantService;
import orgshare.shared.service.PeerExchange;
import orgshare.shared.service.PushStatusService;
import orgshare.shared.service.ReceiptService;
import orgshare.shared.service.RecordService;
import orgshare.shared.service.ConsentService;
import orgshare.shared.service.GrantService;
import orgshare.shared.service.RuleService;
import orgshare.shared.webhooks.WebhookDeliverer;
import orgshare.shared.webhooks.WebhookService;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The application: configuration, the table and the services, built once per container.
 * Lambda handlers use {@link #fromEnvironment()}; tests and the local runner build one on their own client.
 */
public final class Orgshare {
    public static final String ENV_TABLE_NAME = "TABLE_NAME";
    public static final String ENV_OPERATOR_KEY_HASH = "OPERATOR_KEY_HASH";
    /** Deployed: the Secrets Manager secret that seals page cursors (given only to functions that page a list). */
    public static final String ENV_CURSOR_SECRET_ARN = "CURSOR_SECRET_ARN";
    /** Local runs and tests: that secret's value itself. */
    public static final String ENV_CURSOR_SECRET = "CURSOR_SECRET";
    /** Deployed: the Secrets Manager secret the federation key is derived from (given to the functions that sign). */
    public static final String ENV_FEDERATION_KEY_SECRET_ARN = "FEDERATION_KEY_SECRET_ARN";
    /** Local runs and tests: that secret's value itself. */
    public static final String ENV_FEDERATION_KEY_SECRET = "FEDERATION_KEY_SECRET";
    /** Local runs only: peers may be registered at http:// loopback endpoints (deployed, endpoints are https). */
    public static final String ENV_ALLOW_LOOPBACK_PEERS = "ALLOW_LOOPBACK_PEERS";
    /** Optional: how long a call to a peer may take to answer, in ms (default 10 000; a home's inner hop gets half). */
    public static final String ENV_FEDERATION_TIMEOUT_MS = "FEDERATION_TIMEOUT_MS";
    /** Local runs only (--allow-loopback-webhooks): webhooks may be http:// loopback URLs (deployed: https, public). */
    public static final String ENV_ALLOW_LOOPBACK_WEBHOOKS = "ALLOW_LOOPBACK_WEBHOOKS";

    private final OrgTable table;
    private final Clock clock;
    private final Cursors cursors;
    private final CloudService clouds;
    private final MerchantService merchants;
    private final GroupService groups;
    private final AuthService auth;
    private final MembershipService memberships;
    private final CleanupService cleanup;
    private final ReceiptService receipts;
    private final RecordService records;
    private final RuleService rules;
    private final ConsentService consent;
    private final GrantService grants;
    private final AuditService audit;
    private final ExchangeService exchange;
    private final InboxService inbox;
    private final FederationService federation;
    private final PeerService peers;
    private final Pointers pointers;
    private final FederationClient federationClient;
    private final FederationEndpoint federationEndpoint;
    private final Forwarder forwarder;
    private final PeerExchange peerExchange;
    private final Outbox outbox;
    private final PushStatusService pushStatuses;
    private final WebhookService webhooks;
    private final WebhookDeliverer webhookDeliverer;

    private Orgshare(DynamoDbClient client, Map<String, String> env, Clock clock, Supplier<String> ids) {
        String tableName = env.get(ENV_TABLE_NAME);
        if (tableName == null || tableName.isBlank()) {
            throw new IllegalStateException(ENV_TABLE_NAME + " is not set");
        }
        this.table = new OrgTable(CountingClient.wrap(client), tableName);
        this.clock = clock;
        this.cursors = Cursors.fromSecret(DeploymentSecrets.fromEnvironment(env, ENV_CURSOR_SECRET, ENV_CURSOR_SECRET_ARN));
        Idempotency idempotency = new Idempotency(table, clock);
        this.clouds = new CloudService(table, clock);
        this.merchants = new MerchantService(table, clock, ids, idempotency);
        this.groups = new GroupService(table, clock, ids, idempotency, cursors);
        this.auth = new AuthService(table, env.get(ENV_OPERATOR_KEY_HASH));
        GroupPurger purger = new GroupPurger(table);
        FederationKey federationKey = FederationKey.fromSecret(
                DeploymentSecrets.fromEnvironment(env, ENV_FEDERATION_KEY_SECRET, ENV_FEDERATION_KEY_SECRET_ARN));
        this.peers = new PeerService(table, cursors, new HttpPeerDirectory(),
                "true".equals(env.get(ENV_ALLOW_LOOPBACK_PEERS)), clock);
        NonceStore nonces = new NonceStore(table);
        this.federationClient = new FederationClient(peers, federationKey, nonces, clock, federationTimeout(env));
        this.federationEndpoint = new FederationEndpoint(federationKey, peers, nonces, clock);
        this.audit = new AuditService(table, cursors);
        this.pointers = new Pointers(table, audit, clock);
        this.outbox = new Outbox(table, federationClient, clock);
        this.memberships = new MembershipService(table, groups, clock, ids, federationClient);
        this.receipts = new ReceiptService(table, federationKey, outbox, cursors, clock);
        this.cleanup = new CleanupService(table, purger, outbox, receipts);
        this.records = new RecordService(table, clock, idempotency, cursors);
        this.rules = new RuleService(table, groups, audit, outbox, clock, ids, cursors);
        this.consent = new ConsentService(table, groups, rules, audit, outbox, clock, ids, cursors);
        this.grants = new GrantService(table, cursors);
        this.pushStatuses = new PushStatusService(table, outbox, clock);
        this.peerExchange = new PeerExchange(table, records, audit, pointers, federationClient, pushStatuses, clock, ids);
        this.exchange = new ExchangeService(table, records, audit, clock, ids, idempotency, peerExchange, pushStatuses);
        this.inbox = new InboxService(table, cursors);
        this.federation = new FederationService(table, federationKey);
        boolean loopbackWebhooks = "true".equals(env.get(ENV_ALLOW_LOOPBACK_WEBHOOKS));
        this.webhooks = new WebhookService(table, clock, loopbackWebhooks, cursors);
        this.webhookDeliverer = new WebhookDeliverer(table, webhooks, clock, loopbackWebhooks);
        this.forwarder = new Forwarder(pointers, federationClient, audit, pushStatuses, clock, ids);
    }

    private static Duration federationTimeout(Map<String, String> env) {
        String millis = env.get(ENV_FEDERATION_TIMEOUT_MS);
        return Duration.ofMillis(millis == null || millis.isBlank() ? 10_000 : Long.parseLong(millis.strip()));
    }

    private static final class FromEnvironment {
        static final Orgshare INSTANCE = create(Clients.dynamo(System.getenv()), System.getenv());
    }

    /** The container's one instance: built on first use (the function's static init), from the Lambda environment. */
    public static Orgshare fromEnvironment() {
        return FromEnvironment.INSTANCE;
    }

    public static Orgshare create(DynamoDbClient client, Map<String, String> env) {
        Clock clock = Clock.systemUTC();
        return new Orgshare(client, env, clock, new Ids(clock));
    }

    /** For tests: a fixed clock or a scripted ID sequence. */
    public static Orgshare create(DynamoDbClient client, Map<String, String> env, Clock clock, Supplier<String> ids) {
        return new Orgshare(client, env, clock, ids);
    }

    /**
     * Exercises what a first request needs (the SDK's marshalling, signing, HTTP connection and error handling, and
     * the JSON mapper) so that a SnapStart snapshot taken afterwards restores warm. The read may be refused (a
     * function's policy need not allow it): that exercises the same code, and nothing is written.
     */
    public void prime() {
        try {
            table.client().getItem(b -> b.tableName(table.name()).key(OrgTable.keyMap("PRIME", "PRIME")));
        } catch (RuntimeException refusedOrUnreachable) {
            // priming is best effort: a snapshot without it is only slower to its first request
        }
        Json.decodeTree(Json.encode(Map.of("primed", List.of(1, "two", true))));
        cursors.prime(); // a function that pages a list reads its secret before the snapshot, once
        federation.key().prime(); // and one that signs, its federation key
    }

    public OrgTable table() {
        return table;
    }

    public Clock clock() {
        return clock;
    }

    public CloudService clouds() {
        return clouds;
    }

    public MerchantService merchants() {
        return merchants;
    }

    public GroupService groups() {
        return groups;
    }

    public AuthService auth() {
        return auth;
    }

    public MembershipService memberships() {
        return memberships;
    }

    public CleanupService cleanup() {
        return cleanup;
    }

    /** Signed deletion receipts: written by the cleanup, listed by their recipients, taken from homes on peers. */
    public ReceiptService receipts() {
        return receipts;
    }

    public RecordService records() {
        return records;
    }

    public RuleService rules() {
        return rules;
    }

    public ConsentService consent() {
        return consent;
    }

    public GrantService grants() {
        return grants;
    }

    public AuditService audit() {
        return audit;
    }

    public ExchangeService exchange() {
        return exchange;
    }

    public InboxService inbox() {
        return inbox;
    }

    public FederationService federation() {
        return federation;
    }

    public PeerService peers() {
        return peers;
    }

    /** A member's deployment: its pointers to groups whose home is a peer. */
    public Pointers pointers() {
        return pointers;
    }

    /** The receiving end of the signed wire. */
    public FederationEndpoint federationEndpoint() {
        return federationEndpoint;
    }

    /** Sends a member's request about a group whose home is a peer to that home. */
    public Forwarder forwarder() {
        return forwarder;
    }

    /** An owner's deployment: serves the pulls and takes the pushes a group's home authorized. */
    public PeerExchange peerExchange() {
        return peerExchange;
    }

    public Outbox outbox() {
        return outbox;
    }

    public WebhookService webhooks() {
        return webhooks;
    }

    /** Delivers the webhook events the table's stream carries, and retries what failed. */
    public WebhookDeliverer webhookDeliverer() {
        return webhookDeliverer;
    }

    /** The push status chain: acknowledgements by owners, statuses read by senders. */
    public PushStatusService pushStatuses() {
        return pushStatuses;
    }
}
