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
    private final Supplier<String> ids;
    private final Map<String, String> env;
    private final boolean loopbackWebhooks;

    // Each part is built on its first use, with what it needs, and then kept for the container's life: a function
    // builds only the services its handler calls (a cold start pays for no other). The accessors below are the one
    // place that knows how to build each; they are synchronized, so a part is built once however many threads ask.
    private Cursors cursors;
    private Idempotency idempotency;
    private FederationKey federationKey;
    private NonceStore nonces;
    private GroupPurger purger;
    private CloudService clouds;
    private MerchantService merchants;
    private GroupService groups;
    private AuthService auth;
    private MembershipService memberships;
    private CleanupService cleanup;
    private ReceiptService receipts;
    private RecordService records;
    private RuleService rules;
    private ConsentService consent;
    private GrantService grants;
    private AuditService audit;
    private ExchangeService exchange;
    private InboxService inbox;
    private FederationService federation;
    private PeerService peers;
    private Pointers pointers;
    private FederationClient federationClient;
    private FederationEndpoint federationEndpoint;
    private Forwarder forwarder;
    private PeerExchange peerExchange;
    private Outbox outbox;
    private PushStatusService pushStatuses;
    private WebhookService webhooks;
    private WebhookDeliverer webhookDeliverer;

    private Orgshare(DynamoDbClient client, Map<String, String> env, Clock clock, Supplier<String> ids) {
        String tableName = env.get(ENV_TABLE_NAME);
        if (tableName == null || tableName.isBlank()) {
            throw new IllegalStateException(ENV_TABLE_NAME + " is not set");
        }
        this.table = new OrgTable(CountingClient.wrap(client), tableName);
        this.clock = clock;
        this.ids = ids;
        this.env = new java.util.HashMap<>(env); // the environment as given (a test's may hold nulls)
        this.loopbackWebhooks = "true".equals(env.get(ENV_ALLOW_LOOPBACK_WEBHOOKS));
    }

    private synchronized Cursors cursors() {
        return cursors != null ? cursors
                : (cursors = Cursors.fromSecret(DeploymentSecrets.fromEnvironment(env, ENV_CURSOR_SECRET, ENV_CURSOR_SECRET_ARN)));
    }

    private synchronized Idempotency idempotency() {
        return idempotency != null ? idempotency : (idempotency = new Idempotency(table, clock));
    }

    private synchronized FederationKey federationKey() {
        return federationKey != null ? federationKey : (federationKey = FederationKey.fromSecret(
                DeploymentSecrets.fromEnvironment(env, ENV_FEDERATION_KEY_SECRET, ENV_FEDERATION_KEY_SECRET_ARN)));
    }

    private synchronized NonceStore nonces() {
        return nonces != null ? nonces : (nonces = new NonceStore(table));
    }

    private synchronized GroupPurger purger() {
        return purger != null ? purger : (purger = new GroupPurger(table));
    }

    private synchronized FederationClient federationClient() {
        return federationClient != null ? federationClient
                : (federationClient = new FederationClient(peers(), federationKey(), nonces(), clock, federationTimeout(env)));
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
        cursors().prime(); // a function that pages a list reads its secret before the snapshot, once
        federationKey().prime(); // and one that signs, its federation key
    }

    public OrgTable table() {
        return table;
    }

    public Clock clock() {
        return clock;
    }

    public synchronized CloudService clouds() {
        return clouds != null ? clouds : (clouds = new CloudService(table, clock));
    }

    public synchronized MerchantService merchants() {
        return merchants != null ? merchants : (merchants = new MerchantService(table, clock, ids, idempotency()));
    }

    public synchronized GroupService groups() {
        return groups != null ? groups : (groups = new GroupService(table, clock, ids, idempotency(), cursors()));
    }

    public synchronized AuthService auth() {
        return auth != null ? auth : (auth = new AuthService(table, env.get(ENV_OPERATOR_KEY_HASH)));
    }

    public synchronized MembershipService memberships() {
        return memberships != null ? memberships : (memberships = new MembershipService(table, groups(), clock, ids, federationClient()));
    }

    public synchronized CleanupService cleanup() {
        return cleanup != null ? cleanup : (cleanup = new CleanupService(table, purger(), outbox(), receipts()));
    }

    /** Signed deletion receipts: written by the cleanup, listed by their recipients, taken from homes on peers. */
    public synchronized ReceiptService receipts() {
        return receipts != null ? receipts : (receipts = new ReceiptService(table, federationKey(), outbox(), cursors(), clock));
    }

    public synchronized RecordService records() {
        return records != null ? records : (records = new RecordService(table, clock, idempotency(), cursors()));
    }

    public synchronized RuleService rules() {
        return rules != null ? rules : (rules = new RuleService(table, groups(), audit(), outbox(), clock, ids, cursors()));
    }

    public synchronized ConsentService consent() {
        return consent != null ? consent : (consent = new ConsentService(table, groups(), rules(), audit(), outbox(), clock, ids, cursors()));
    }

    public synchronized GrantService grants() {
        return grants != null ? grants : (grants = new GrantService(table, cursors()));
    }

    public synchronized AuditService audit() {
        return audit != null ? audit : (audit = new AuditService(table, cursors()));
    }

    public synchronized ExchangeService exchange() {
        return exchange != null ? exchange : (exchange = new ExchangeService(table, records(), audit(), clock, ids, idempotency(), peerExchange(),
                pushStatuses()));
    }

    public synchronized InboxService inbox() {
        return inbox != null ? inbox : (inbox = new InboxService(table, cursors()));
    }

    public synchronized FederationService federation() {
        return federation != null ? federation : (federation = new FederationService(table, federationKey()));
    }

    public synchronized PeerService peers() {
        return peers != null ? peers : (peers = new PeerService(table, cursors(), new HttpPeerDirectory(),
                "true".equals(env.get(ENV_ALLOW_LOOPBACK_PEERS)), clock));
    }

    /** A member's deployment: its pointers to groups whose home is a peer. */
    public synchronized Pointers pointers() {
        return pointers != null ? pointers : (pointers = new Pointers(table, audit(), clock));
    }

    /** The receiving end of the signed wire. */
    public synchronized FederationEndpoint federationEndpoint() {
        return federationEndpoint != null ? federationEndpoint : (federationEndpoint = new FederationEndpoint(federationKey(), peers(), nonces(), clock));
    }

    /** Sends a member's request about a group whose home is a peer to that home. */
    public synchronized Forwarder forwarder() {
        return forwarder != null ? forwarder : (forwarder = new Forwarder(pointers(), federationClient(), audit(), pushStatuses(), clock, ids));
    }

    /** An owner's deployment: serves the pulls and takes the pushes a group's home authorized. */
    public synchronized PeerExchange peerExchange() {
        return peerExchange != null ? peerExchange : (peerExchange = new PeerExchange(table, records(), audit(), pointers(), federationClient(),
                pushStatuses(), clock, ids));
    }

    public synchronized Outbox outbox() {
        return outbox != null ? outbox : (outbox = new Outbox(table, federationClient(), clock));
    }

    public synchronized WebhookService webhooks() {
        return webhooks != null ? webhooks : (webhooks = new WebhookService(table, clock, loopbackWebhooks, cursors()));
    }

    /** Delivers the webhook events the table's stream carries, and retries what failed. */
    public synchronized WebhookDeliverer webhookDeliverer() {
        return webhookDeliverer != null ? webhookDeliverer : (webhookDeliverer = new WebhookDeliverer(table, webhooks(), clock, loopbackWebhooks));
    }

    /** The push status chain: acknowledgements by owners, statuses read by senders. */
    public synchronized PushStatusService pushStatuses() {
        return pushStatuses != null ? pushStatuses : (pushStatuses = new PushStatusService(table, outbox(), clock));
    }
}
