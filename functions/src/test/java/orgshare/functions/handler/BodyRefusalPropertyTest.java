package orgshare.functions.handler;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import orgshare.functions.Lambdas;
import orgshare.functions.HttpContract;
import orgshare.functions.CapturingContext;
import orgshare.shared.Orgshare;
import orgshare.shared.auth.Caller;
import orgshare.shared.service.CloudService;
import orgshare.shared.service.GroupService;
import orgshare.shared.service.MembershipService;
import orgshare.shared.service.MerchantService;
import orgshare.shared.service.RuleService;
import orgshare.shared.testing.DynamoDbLocal;
import orgshare.shared.testing.SeededRun;
import orgshare.shared.testing.RandomJson;
import orgshare.shared.testing.TableSnapshot;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static orgshare.functions.TestEvents.http;
import static orgshare.functions.TestEvents.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded property test through the handlers, against DynamoDB Local: random valid documents (see {@link RandomJson})
 * bent into bodies that are not valid Unicode JSON (invalid UTF-8 bytes, unpaired surrogates raw or escaped,
 * truncation), sent as text or base64-encoded to every route that reads a body. Each must get 400 MALFORMED_JSON
 * and leave the table as it was; the unbent document is accepted. (A truncated body sent to a route that binds named
 * fields may instead get VALIDATION_FAILED: the binding refuses a wrong field before it reaches the cut.) A fixed number
 * of cases from a seed: reproduce a run with {@code -Dorgshare.refusals.seed=<seed>}, {@code -Dorgshare.refusals.cases=<n>}.
 */
class BodyRefusalPropertyTest {
    private static final SeededRun RUN = SeededRun.of("orgshare.refusals", 20261210L, 600, 120_000L);
    private static final long SEED = RUN.seed();

    /** Byte sequences no UTF-8 decoder may accept: stray continuations, overlongs, encoded surrogates, beyond U+10FFFF. */
    private static final List<byte[]> INVALID_UTF8 = List.of(
            bytes(0x80), bytes(0xBF), bytes(0xC0, 0xAF), bytes(0xC1, 0x81), bytes(0xC3), bytes(0xC3, 0x28),
            bytes(0xE2, 0x82), bytes(0xE2, 0x28, 0xA1), bytes(0xE0, 0x80, 0xAF), bytes(0xED, 0xA0, 0x80),
            bytes(0xED, 0xBF, 0xBF), bytes(0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80), bytes(0xF0, 0x80, 0x80, 0xAF),
            bytes(0xF0, 0x9F, 0x98), bytes(0xF4, 0x90, 0x80, 0x80), bytes(0xF5, 0x80, 0x80, 0x80), bytes(0xF8),
            bytes(0xFE), bytes(0xFF), bytes(0xFF, 0xFE));
    /** Unpaired surrogates in a string: alone, at either end, a high one before a non-low one, reversed, doubled. */
    private static final List<String> LONE_SURROGATES = List.of(
            "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "x\uD83D", "\uDE00x", "\uD83Dx", "\uD83D\uD83D", "\uDE00\uD83D",
            "\uD800A\uDC00");

    private record Route(String name, RequestStreamHandler handler,
                         String method, String template, Caller caller, Map<String, String> path, boolean bindsFields) {
        APIGatewayV2HTTPEvent event(String body, boolean base64) {
            APIGatewayV2HTTPEvent event = http(method, template, caller, body, path, null);
            event.setIsBase64Encoded(base64);
            return event;
        }
    }

    private record Bent(String how, String body, boolean base64) {
    }

    @Test
    void bodiesThatAreNotValidUnicodeJsonAreRefusedOnEveryRouteAndWriteNothing() {
        Orgshare app = DynamoDbLocal.newApp(DynamoDbLocal.client(), Map.of());
        app.clouds().register(Caller.operator(), new CloudService.CreateCloud("acme", "Acme"));
        Caller owner = merchant(app, "Owner");
        Caller partner = merchant(app, "Partner");
        String group = app.groups().create(owner, new GroupService.CreateGroup("G")).groupId();
        app.memberships().invite(owner, group, new MembershipService.InviteMember(partner.merchantId()));
        app.memberships().join(partner, group);
        app.rules().change(owner, group, new RuleService.RuleChanges(0L, List.of(
                new RuleService.RuleInput(owner.merchantId(), "*", "*", "FULL", null, null, true)), null));
        List<Route> routes = List.of(
                new Route("PUT /records", new PutRecordHandler(app), "PUT", "/records/{type}/{recordId}", owner,
                        Map.of("type", "doc", "recordId", "R-1"), false),
                new Route("push", new PushDocumentHandler(app), "POST", "/groups/{groupId}/exchange/{ownerId}/{type}", partner,
                        Map.of("groupId", group, "ownerId", owner.merchantId(), "type", "doc"), false),
                new Route("POST /groups", new CreateGroupHandler(app), "POST", "/groups", owner, null, true),
                new Route("PATCH rules", new ChangeRulesHandler(app), "PATCH", "/groups/{groupId}/rules", owner,
                        Map.of("groupId", group), true));
        CapturingContext context = new CapturingContext("bodies");

        Random random = RUN.random();
        RandomJson json = new RandomJson(random, List.of("name", "expectedVersion", "total"));
        Map<String, Integer> tried = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        List<String> before = TableSnapshot.of(app.table().client(), app.table().name());
        int cases = 0;
        for (; cases < RUN.cases(); cases++) {
            RUN.check(cases);
            String document = json.document().text();
            Bent bent = bend(random, document);
            Route route = routes.get(random.nextInt(routes.size()));
            APIGatewayV2HTTPEvent sent = route.event(bent.body(), bent.base64());
            APIGatewayV2HTTPResponse response = HttpContract.checked(sent, Lambdas.http(route.handler(), sent, context));
            String code = response.getStatusCode() >= 400 ? json(response).path("error").path("code").asText() : "";
            tried.merge(bent.how().replaceAll(" .*", ""), 1, Integer::sum);
            boolean fieldFirst = route.bindsFields() && bent.how().startsWith("truncated") && "VALIDATION_FAILED".equals(code);
            if (response.getStatusCode() != 400 || !("MALFORMED_JSON".equals(code) || fieldFirst)) {
                failures.add(route.name() + " with " + bent.how() + " (case " + cases + "): " + response.getStatusCode() + " "
                        + response.getBody() + "\n  document: " + document);
            }
            List<String> after = TableSnapshot.of(app.table().client(), app.table().name());
            if (!after.equals(before)) {
                failures.add(route.name() + " with " + bent.how() + " (case " + cases + ") changed the table; document: " + document);
                before = after;
            }
            if (cases % 25 == 0) {
                // the document as generated is accepted: the bend, not the document, is what each refusal answers
                Route put = routes.get(0);
                boolean base64 = random.nextBoolean();
                APIGatewayV2HTTPResponse stored = Lambdas.http(put.handler(), put.event(
                        base64 ? base64(document.getBytes(StandardCharsets.UTF_8)) : document, base64), context);
                assertEquals(200, stored.getStatusCode(), "seed " + SEED + ": the unbent document " + document + ": " + stored.getBody());
                before = TableSnapshot.of(app.table().client(), app.table().name());
            }
            if (failures.size() >= 20) {
                break;
            }
        }
        System.out.println("BODY REFUSALS seed=" + SEED + ": " + cases + " cases " + tried);
        assertTrue(failures.isEmpty(), "seed " + SEED + ": " + failures.size() + " bent bodies not refused cleanly:\n"
                + String.join("\n", failures));
        assertTrue(tried.size() == 3 && tried.values().stream().allMatch(n -> n >= 10),
                "every kind of bend was tried: " + tried);
    }

    /** One way to make {@code document} not valid Unicode JSON, and whether it travels base64-encoded. */
    private static Bent bend(Random random, String document) {
        byte[] utf8 = document.getBytes(StandardCharsets.UTF_8);
        return switch (random.nextInt(3)) {
            case 0 -> {
                byte[] bad = INVALID_UTF8.get(random.nextInt(INVALID_UTF8.size()));
                int at = random.nextInt(utf8.length + 1);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(utf8, 0, at);
                out.writeBytes(bad);
                out.write(utf8, at, utf8.length - at);
                yield new Bent("invalid-utf8 " + hex(bad) + " at byte " + at, base64(out.toByteArray()), true);
            }
            case 1 -> {
                // a field whose name or value holds the surrogate, first in the object, so the document stays JSON otherwise
                String lone = LONE_SURROGATES.get(random.nextInt(LONE_SURROGATES.size()));
                boolean escaped = random.nextBoolean();
                String literal = escaped ? escapeAll(lone) : "\"" + lone + "\"";
                String field = random.nextBoolean() ? literal + ":1" : "\"lone\":" + literal;
                int brace = document.indexOf('{') + 1;
                String empty = document.substring(brace).trim().startsWith("}") ? "" : ",";
                String body = document.substring(0, brace) + field + empty + document.substring(brace);
                // escaped surrogates are ASCII and can travel base64-encoded; raw ones exist only as text
                boolean base64 = escaped && random.nextBoolean();
                yield new Bent("lone-surrogate " + (escaped ? "escaped " : "raw ") + codeUnits(lone),
                        base64 ? base64(body.getBytes(StandardCharsets.UTF_8)) : body, base64);
            }
            default -> {
                String trimmed = document.strip();
                boolean base64 = random.nextBoolean();
                if (base64) {
                    byte[] bytes = trimmed.getBytes(StandardCharsets.UTF_8);
                    int cut = random.nextInt(bytes.length - 1);
                    byte[] part = new byte[cut];
                    System.arraycopy(bytes, 0, part, 0, cut);
                    yield new Bent("truncated at byte " + cut, base64(part), true);
                }
                int cut = random.nextInt(trimmed.length() - 1);
                yield new Bent("truncated at char " + cut, trimmed.substring(0, cut), false);
            }
        };
    }

    private static String escapeAll(String text) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            sb.append(String.format("\\u%04x", (int) c));
        }
        return sb.append('"').toString();
    }

    private static Caller merchant(Orgshare app, String name) {
        return Caller.merchant(app.merchants().create(Caller.operator(), new MerchantService.CreateMerchant("acme", name)).merchantId(), "acme");
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02X", b & 0xFF));
        }
        return sb.toString();
    }

    private static String codeUnits(String text) {
        StringBuilder sb = new StringBuilder();
        text.chars().forEach(c -> sb.append(c < 0x80 ? String.valueOf((char) c) : String.format("U+%04X", c)));
        return sb.toString();
    }
}
