package orgshare.shared.federation;

import orgshare.shared.auth.Caller;
import orgshare.shared.db.Cursors;
import orgshare.shared.db.Keys;
import orgshare.shared.db.OrgTable;
import orgshare.shared.db.TableDefinition;
import orgshare.shared.error.ApiException;
import orgshare.shared.httpsig.Ed25519;
import orgshare.shared.time.Timestamps;
import orgshare.shared.validation.Validate;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The operator's peers: other clouds this deployment trusts, each registered by the fingerprint its operator was given
 * out of band, checked against the identity the peer publishes. Items {@code PEER#<cloudId>} / {@code PEER}, listed
 * through the gsi1 partition {@value Keys#PEERS}.
 */
public final class PeerService implements FederationWire.Peers {
    public record RegisterPeer(String cloudId, String endpoint, String fingerprint) {
    }

    public record PeerView(String cloudId, String endpoint, String fingerprint) {
    }

    public record PeerPage(List<PeerView> peers, String cursor) {
    }

    private static final Pattern FINGERPRINT = Pattern.compile("sha256:[A-Za-z0-9_-]{43}");
    private final OrgTable table;
    private final Cursors cursors;
    private final PeerDirectory directory;
    private final boolean allowLoopback;
    private final Clock clock;

    public PeerService(OrgTable table, Cursors cursors, PeerDirectory directory, boolean allowLoopback, Clock clock) {
        this.table = table;
        this.cursors = cursors;
        this.directory = directory;
        this.allowLoopback = allowLoopback;
        this.clock = clock;
    }

    /**
     * Registers a peer: one consistent read (is the cloud local? is it a peer already?), the peer's published identity,
     * then one conditional put. Nothing is written unless the fingerprint matches and the peer hosts the cloud.
     */
    public PeerView register(Caller caller, RegisterPeer request) {
        caller.requireOperator();
        String cloudId = Validate.cloudId(request.cloudId());
        URI endpoint = endpoint(request.endpoint());
        String fingerprint = Validate.required("fingerprint", request.fingerprint());
        if (!FINGERPRINT.matcher(fingerprint).matches()) {
            throw ApiException.validation("'fingerprint' is sha256: and 43 characters of base64url (what GET /federation/identity shows).");
        }
        for (Map<String, AttributeValue> found : table.batchGetConsistent(List.of(
                OrgTable.keyMap(Keys.cloud(cloudId), Keys.CLOUD_SK), OrgTable.keyMap(Keys.peer(cloudId), Keys.PEER_SK)))) {
            throw found.get(TableDefinition.PK).s().startsWith("CLOUD#")
                    ? ApiException.conflict("CLOUD_IS_LOCAL", "Cloud '" + cloudId + "' is hosted here; a peer hosts other clouds.")
                    : ApiException.conflict("PEER_EXISTS", "Cloud '" + cloudId + "' is a peer already; delete it first to change it.");
        }
        FederationService.Identity identity = directory.identityOf(endpoint);
        byte[] publicKey = publicKey(identity.publicKey());
        String published = publicKey == null ? null : Ed25519.fingerprint(publicKey);
        if (published == null || !published.equals(identity.fingerprint())) {
            throw new ApiException(503, "PEER_UNAVAILABLE", "The peer at " + endpoint + " publishes a key and a fingerprint that do not match.");
        }
        if (!published.equals(fingerprint)) {
            throw ApiException.badRequest("FINGERPRINT_MISMATCH", "The peer at " + endpoint + " has the fingerprint " + published
                    + ", not the one given: check with its operator before trusting it.");
        }
        if (!identity.cloudIds().contains(cloudId)) {
            throw ApiException.badRequest("PEER_DOES_NOT_HOST_CLOUD", "The peer at " + endpoint + " does not host cloud '" + cloudId + "'.");
        }
        Map<String, AttributeValue> item = new HashMap<>(OrgTable.keyMap(Keys.peer(cloudId), Keys.PEER_SK));
        item.put(TableDefinition.GSI1_PK, AttributeValue.fromS(Keys.PEERS));
        item.put(TableDefinition.GSI1_SK, AttributeValue.fromS(cloudId));
        item.put("cloudId", AttributeValue.fromS(cloudId));
        item.put("endpoint", AttributeValue.fromS(endpoint.toString()));
        item.put("fingerprint", AttributeValue.fromS(fingerprint));
        item.put("publicKey", AttributeValue.fromS(identity.publicKey()));
        item.put("registeredAt", AttributeValue.fromS(Timestamps.now(clock)));
        // the peer, and the clouds its key speaks for (found by fingerprint in one read when a call comes in)
        table.transact(List.of(
                OrgTable.putNew(table.name(), item),
                TransactWriteItem.builder().update(Update.builder().tableName(table.name()).key(keyOfFingerprint(fingerprint))
                        .updateExpression("SET publicKey = :key ADD cloudIds :cloud")
                        .expressionAttributeValues(Map.of(":key", AttributeValue.fromS(identity.publicKey()),
                                ":cloud", AttributeValue.fromSs(List.of(cloudId)))).build()).build()),
                failed -> ApiException.conflict("PEER_EXISTS", "Cloud '" + cloudId
                        + "' became a peer at the same time; delete it first to change it."));
        return new PeerView(cloudId, endpoint.toString(), fingerprint);
    }

    /** One page of the peers, in cloudId order. One Query on gsi1. */
    public PeerPage list(Caller caller, String rawLimit, String rawCursor) {
        caller.requireOperator();
        int limit = Validate.pageSize(rawLimit);
        Cursors.Scope scope = Cursors.scope("peers");
        String after = cursors.open(scope, rawCursor, position -> Validate.cloudId(position));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":peers", AttributeValue.fromS(Keys.PEERS)));
        QueryResponse page = table.client().query(b -> {
            b.tableName(table.name()).indexName(TableDefinition.GSI1).limit(limit)
                    .keyConditionExpression(TableDefinition.GSI1_PK + " = :peers").expressionAttributeValues(values);
            if (after != null) {
                b.exclusiveStartKey(Map.of(TableDefinition.PK, AttributeValue.fromS(Keys.peer(after)),
                        TableDefinition.SK, AttributeValue.fromS(Keys.PEER_SK),
                        TableDefinition.GSI1_PK, AttributeValue.fromS(Keys.PEERS),
                        TableDefinition.GSI1_SK, AttributeValue.fromS(after)));
            }
        });
        List<PeerView> peers = new ArrayList<>();
        for (Map<String, AttributeValue> item : page.items()) {
            peers.add(new PeerView(item.get("cloudId").s(), item.get("endpoint").s(), item.get("fingerprint").s()));
        }
        String last = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                ? page.lastEvaluatedKey().get(TableDefinition.GSI1_SK).s() : null;
        return new PeerPage(peers, cursors.seal(scope, last));
    }

    /** Ends the federation with a cloud: from the next request on, nothing it signs is accepted. One conditional delete. */
    public void delete(Caller caller, String rawCloudId) {
        caller.requireOperator();
        String cloudId = Validate.cloudId(rawCloudId);
        Peer peer = peer(cloudId);
        if (peer == null) {
            throw ApiException.notFound("PEER_NOT_FOUND", "Cloud '" + cloudId + "' is not a peer.");
        }
        table.transact(List.of(
                TransactWriteItem.builder().delete(Delete.builder().tableName(table.name())
                        .key(OrgTable.keyMap(Keys.peer(cloudId), Keys.PEER_SK))
                        .conditionExpression("fingerprint = :f")
                        .expressionAttributeValues(Map.of(":f", AttributeValue.fromS(peer.fingerprint()))).build()).build(),
                TransactWriteItem.builder().update(Update.builder().tableName(table.name())
                        .key(keyOfFingerprint(peer.fingerprint())).updateExpression("DELETE cloudIds :cloud")
                        .expressionAttributeValues(Map.of(":cloud", AttributeValue.fromSs(List.of(cloudId)))).build()).build()),
                failed -> ApiException.notFound("PEER_NOT_FOUND", "Cloud '" + cloudId + "' is not a peer (any more)."));
    }

    private static Map<String, AttributeValue> keyOfFingerprint(String fingerprint) {
        return OrgTable.keyMap("PEERKEY#" + fingerprint, "PEERKEY");
    }

    /** A registered peer deployment: its key and the clouds it was registered for (one deployment may host several). */
    public record Trusted(PublicKey key, String fingerprint, Set<String> cloudIds) {
    }

    /** A peer cloud as the operator registered it: where to call it and whose key must sign its answers. */
    public record Peer(String cloudId, URI endpoint, String fingerprint, PublicKey key) {
    }

    /** The key of the peer with this fingerprint, read consistently (a deleted peer is refused at once), or null. */
    @Override
    public PublicKey keyOf(String fingerprint) {
        Trusted trusted = trusted(fingerprint);
        return trusted == null ? null : trusted.key();
    }

    /**
     * The peer deployment with this fingerprint and every cloud it was registered for, read consistently (one GetItem
     * of the item registration keeps by fingerprint), or null: a deleted peer is refused at the next call.
     */
    public Trusted trusted(String fingerprint) {
        Map<String, AttributeValue> byKey = table.client().getItem(b -> b.tableName(table.name()).consistentRead(true)
                .key(keyOfFingerprint(fingerprint))).item();
        if (byKey != null && !byKey.isEmpty()) {
            AttributeValue clouds = byKey.get("cloudIds");
            if (clouds == null || !clouds.hasSs() || clouds.ss().isEmpty()) {
                return null; // every cloud of that key was deleted
            }
            return new Trusted(Ed25519.publicKey(publicKey(byKey.get("publicKey").s())), fingerprint, Set.copyOf(clouds.ss()));
        }
        return trustedFromPeerItems(fingerprint);
    }

    /** Peers registered before the fingerprint item existed: the gsi1 partition, then the items themselves. */
    private Trusted trustedFromPeerItems(String fingerprint) {
        Map<String, AttributeValue> values = Map.of(":peers", AttributeValue.fromS(Keys.PEERS), ":f", AttributeValue.fromS(fingerprint));
        QueryResponse found = table.client().query(b -> b.tableName(table.name()).indexName(TableDefinition.GSI1)
                .keyConditionExpression(TableDefinition.GSI1_PK + " = :peers").filterExpression("fingerprint = :f")
                .expressionAttributeValues(values));
        if (found.items().isEmpty()) {
            return null;
        }
        List<Map<String, AttributeValue>> keys = found.items().stream()
                .map(item -> OrgTable.keyMap(item.get(TableDefinition.PK).s(), Keys.PEER_SK)).toList();
        PublicKey key = null;
        Set<String> clouds = new TreeSet<>();
        for (Map<String, AttributeValue> current : table.batchGetConsistent(keys)) {
            if (fingerprint.equals(current.get("fingerprint").s())) {
                key = Ed25519.publicKey(publicKey(current.get("publicKey").s()));
                clouds.add(current.get("cloudId").s());
            }
        }
        return key == null ? null : new Trusted(key, fingerprint, Set.copyOf(clouds));
    }

    /** The registered peer for {@code cloudId}, read consistently, or null when that cloud is no peer (any more). */
    public Peer peer(String cloudId) {
        Map<String, AttributeValue> item = table.client().getItem(b -> b.tableName(table.name()).consistentRead(true)
                .key(OrgTable.keyMap(Keys.peer(cloudId), Keys.PEER_SK))).item();
        if (item == null || item.isEmpty()) {
            return null;
        }
        return new Peer(cloudId, URI.create(item.get("endpoint").s()), item.get("fingerprint").s(),
                Ed25519.publicKey(publicKey(item.get("publicKey").s())));
    }

    private URI endpoint(String raw) {
        String text = Validate.required("endpoint", raw);
        URI uri;
        try {
            uri = new URI(text.length() > 2048 ? "" : text);
        } catch (URISyntaxException e) {
            throw ApiException.validation("'endpoint' is not a URL.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))) {
            throw ApiException.validation("'endpoint' is the peer's base URL: https://host[:port], no path, query or user.");
        }
        boolean loopback = isLoopback(uri.getHost());
        if (!scheme.equals("https") && !(allowLoopback && loopback && scheme.equals("http"))) {
            throw ApiException.validation(allowLoopback
                    ? "'endpoint' is https (or http on loopback, for local runs)."
                    : "'endpoint' is https.");
        }
        String base = scheme + "://" + uri.getRawAuthority();
        return URI.create(base);
    }

    private static boolean isLoopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!bare.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name is not resolved here: only literal loopback addresses count
        }
        try {
            return InetAddress.getByName(bare).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static byte[] publicKey(String text) {
        if (text == null || !text.matches("[A-Za-z0-9_-]{43}")) {
            return null;
        }
        return Base64.getUrlDecoder().decode(text);
    }
}
