package orgshare.local;

import com.fasterxml.jackson.databind.JsonNode;
import orgshare.shared.auth.ApiKeys;
import orgshare.shared.receipts.Receipts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The console in a real browser: Debian's headless Chromium, driven by its chromedriver through Selenium, against
 * the local API on a free port. The operator, a group's creator and a partner (a second browser context, its own
 * profile) run the story of issue 16 by clicking; each step leaves a screenshot under target/console-screenshots/.
 * Then the page-level promises: no request leaves for another origin, and the Content-Security-Policy holds.
 */
class ConsoleBrowserTest {
    private static final String OPERATOR_KEY = ApiKeys.generate();
    private static final Path SHOTS = Path.of("target", "console-screenshots");
    /** The FIELDS colour of app.css (#9ecae1), which the matrix screenshot must show. */
    private static final int FIELDS_RGB = 0x9ecae1;

    private static LocalApi api;
    /** The deployment's functions, to run its scheduled cleanup as EventBridge would. */
    private static FunctionInvoker invoker;
    private static String origin;
    private static final List<ChromeDriver> drivers = new ArrayList<>();
    private static final List<Path> profiles = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        software.amazon.awssdk.services.dynamodb.DynamoDbClient client = orgshare.shared.testing.DynamoDbLocal.client();
        String table = orgshare.shared.testing.DynamoDbLocal.newTable(client);
        invoker = new FunctionInvoker(TemplateModel.load(ProjectFiles.TEMPLATE, OperatorKey.of(OPERATOR_KEY).parameterOverrides(), table), client);
        api = LocalApi.start(invoker, new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
        origin = api.baseUri().toString();
        Files.createDirectories(SHOTS);
        try (Stream<Path> old = Files.list(SHOTS)) {
            for (Path png : old.toList()) {
                Files.delete(png);
            }
        }
    }

    @AfterAll
    static void stop() throws IOException {
        for (ChromeDriver driver : drivers) {
            driver.quit();
        }
        for (Path profile : profiles) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        if (api != null) {
            api.close();
        }
    }

    @Test
    void theOperatorACreatorAndAPartnerRunAGroupByClicking() throws Exception {
        ChromeDriver desk = browser(1280, 900);

        // a wrong key is refused in words, and nothing is kept
        desk.get(origin + "/console");
        signIn(desk, "osk_" + "x".repeat(43));
        WebElement error = waitFor(desk, By.cssSelector("#error:not([hidden]) .error-code"));
        assertEquals("INVALID_KEY", error.getText());
        assertTrue(desk.findElement(By.id("error")).getText().contains("not valid"), "the code is said in words");
        assertNull(storedKey(desk), "a refused key is not kept");
        shot(desk, "01-wrong-key");

        // the operator: a cloud and two merchants, whose keys are shown once
        signIn(desk, OPERATOR_KEY);
        type(desk, "cloud-id", "acme");
        type(desk, "cloud-name", "Acme Group");
        desk.findElement(By.cssSelector("#create-cloud button[type=submit]")).click();
        waitText(desk, By.id("status"), "Cloud acme registered.");
        String[] supplier = createMerchant(desk, "Acme Supplies", null);
        String[] branch = createMerchant(desk, "Branch North", supplier[0]);
        shot(desk, "02-operator-merchants");
        desk.findElement(By.id("sign-out")).click();
        waitFor(desk, By.id("key"));
        assertNull(storedKey(desk), "signing out forgets the key");

        // the creator's stock, put beforehand through the API
        put(supplier[1], "/records/stock/W-1", "{\"sku\":\"W-1\",\"level\":40,\"unitCost\":2.10}");
        put(supplier[1], "/records/stock/W-2", "{\"sku\":\"W-2\",\"level\":7,\"unitCost\":3.75}");

        // the creator creates a group and invites the branch
        signIn(desk, supplier[1]);
        type(desk, "group-name", "Purchasing");
        desk.findElement(By.cssSelector("#create-group button[type=submit]")).click();
        waitText(desk, By.id("group-title"), "Purchasing");
        type(desk, "invite-id", branch[0]);
        desk.findElement(By.cssSelector("#invite button[type=submit]")).click();
        waitFor(desk, By.cssSelector("#members tr[data-member='" + branch[0] + "']"));
        assertTrue(desk.findElement(By.cssSelector("#members tr[data-member='" + branch[0] + "']")).getText().contains("INVITED"));
        String groupId = desk.findElement(By.cssSelector("#group-title + p code")).getText();
        shot(desk, "03-creator-invites");

        // the branch, in a second browser context at a phone's width, joins
        ChromeDriver phone = browser(390, 844);
        phone.get(origin + "/console");
        signIn(phone, branch[1]);
        waitFor(phone, By.cssSelector("#groups tr[data-group='" + groupId + "'] button.join")).click();
        waitText(phone, By.id("group-title"), "Purchasing");
        shot(phone, "04-partner-joins");

        // the creator opens the stock matrix and sets FIELDS (sku, level) on the supplier x branch cell by clicking
        desk.navigate().refresh();
        waitFor(desk, By.cssSelector("#groups tr[data-group='" + groupId + "'] button.open")).click();
        type(desk, "matrix-type", "stock");
        desk.findElement(By.cssSelector("#matrix-form button[type=submit]")).click();
        // first a rule the other way: the branch opens its stock FULL to the supplier, which may push
        By reverse = By.cssSelector("button.cell[data-owner='" + branch[0] + "'][data-partner='" + supplier[0] + "']");
        waitFor(desk, reverse).click();
        new org.openqa.selenium.support.ui.Select(waitFor(desk, By.id("rule-scope"))).selectByValue("FULL");
        desk.findElement(By.id("rule-push")).click();
        desk.findElement(By.xpath("//dialog//button[normalize-space()='Save rule']")).click();
        waitText(desk, By.id("status"), "Rules saved.");
        assertEquals("FULL ⇄", desk.findElement(reverse).getText(), "the scope and the push mark");
        By cell = By.cssSelector("button.cell[data-owner='" + supplier[0] + "'][data-partner='" + branch[0] + "']");
        WebElement before = waitFor(desk, cell);
        assertEquals("NONE", before.getText());
        String noneColour = before.getCssValue("background-color");
        // someone else changes the rules meanwhile: the click meets a VERSION_CONFLICT, said in words, and a reload
        JsonNode rules = ApiReply.call(api.baseUri(), "GET", "/groups/" + groupId + "/rules", supplier[1], null).json();
        ApiReply meanwhile = ApiReply.call(api.baseUri(), "PATCH", "/groups/" + groupId + "/rules", supplier[1],
                "{\"expectedVersion\":" + rules.get("version") + ",\"set\":[{\"ownerId\":\"" + supplier[0]
                        + "\",\"partnerId\":\"*\",\"type\":\"order\",\"scope\":\"SUMMARY\",\"push\":false}]}");
        assertEquals(200, meanwhile.status(), meanwhile.text());
        before.click();
        new org.openqa.selenium.support.ui.Select(waitFor(desk, By.id("rule-scope"))).selectByValue("FULL");
        desk.findElement(By.xpath("//dialog//button[normalize-space()='Save rule']")).click();
        assertEquals("VERSION_CONFLICT", waitFor(desk, By.cssSelector("#error:not([hidden]) .error-code")).getText());
        assertTrue(desk.findElement(By.id("error")).getText().contains("Someone changed the rules"));
        shot(desk, "05-version-conflict");
        before = waitFor(desk, cell);
        assertEquals("NONE", before.getText(), "the reloaded matrix: the conflicting change was not made");
        before.click();
        new org.openqa.selenium.support.ui.Select(waitFor(desk, By.id("rule-scope"))).selectByValue("FIELDS");
        type(desk, "rule-fields", "sku, level");
        desk.findElement(By.xpath("//dialog//button[normalize-space()='Save rule']")).click();
        waiting(desk).until(d -> "FIELDS".equals(d.findElement(cell).getAttribute("data-scope")));
        WebElement after = desk.findElement(cell);
        assertEquals("FIELDS", after.getText(), "the scope is written in the cell");
        assertNotEquals(noneColour, after.getCssValue("background-color"), "and its colour changed");
        assertEquals("rgba(158, 202, 225, 1)", after.getCssValue("background-color"));
        desk.executeScript("document.getElementById('matrix').scrollIntoView({block: 'center'})");
        byte[] matrix = shot(desk, "06-matrix");
        assertNonBlank(matrix);

        // the partner's pull preview shows exactly the allowed fields as columns
        phone.navigate().refresh();
        waitFor(phone, By.cssSelector("#groups tr[data-group='" + groupId + "'] button.open")).click();
        waitFor(phone, By.cssSelector("button.preview[data-owner='" + supplier[0] + "'][data-type='stock']")).click();
        waitFor(phone, By.cssSelector("#preview-table tbody tr"));
        Set<String> columns = new HashSet<>();
        phone.findElements(By.cssSelector("#preview-table th.field-col")).forEach(th -> columns.add(th.getText()));
        assertEquals(Set.of("sku", "level"), columns, "no unitCost: the rule opens sku and level only");
        assertEquals(2, phone.findElements(By.cssSelector("#preview-table tbody tr")).size(), "both stock records");
        assertFalse(phone.findElement(By.id("preview-table")).getText().contains("2.1"), "no cost reaches the page");
        shot(phone, "07-partner-preview");

        // the creator pushes a document to the branch through the form: JSON is checked before anything is sent
        desk.executeScript("document.getElementById('providers').scrollIntoView({block: 'center'})");
        waitFor(desk, By.cssSelector("button.push[data-owner='" + branch[0] + "'][data-type='stock']")).click();
        type(desk, "push-body", "{\"sku\": \"W-9\", level: 3}");
        desk.findElement(By.cssSelector("#push-form button[type=submit]")).click();
        assertEquals("NOT_JSON", waitFor(desk, By.cssSelector("#error:not([hidden]) .error-code")).getText());
        assertTrue(desk.findElement(By.id("error")).getText().contains("nothing was sent"));
        assertEquals(0, ApiReply.call(api.baseUri(), "GET", "/inbox", branch[1], null).json().path("items").size(),
                "the malformed document never reached the inbox");
        type(desk, "push-body", "{\"sku\": \"W-9\", \"level\": 3}");
        desk.findElement(By.cssSelector("#push-form button[type=submit]")).click();
        WebElement pushed = waitFor(desk, By.cssSelector("#push-result #push-status[data-status='RECEIVED']"));
        String messageId = pushed.findElement(By.cssSelector(".message-id")).getText();
        assertEquals("RECEIVED", ApiReply.call(api.baseUri(), "GET", "/pushes/" + messageId, supplier[1], null)
                .json().path("status").asText());
        shot(desk, "08-push-received");

        // a second push, answered by the branch elsewhere (through the API) while its inbox is open on the phone
        ApiReply second = ApiReply.call(api.baseUri(), "POST", "/groups/" + groupId + "/exchange/" + branch[0] + "/stock",
                supplier[1], "{\"sku\":\"W-10\",\"level\":1}");
        assertTrue(second.status() / 100 == 2, second.text());
        String secondId = second.json().path("messageId").asText();
        phone.navigate().refresh();
        waitFor(phone, By.id("nav-inbox")).click();
        WebElement row = waitFor(phone, By.cssSelector("#inbox tr[data-message='" + messageId + "']"));
        JsonNode inbox = ApiReply.call(api.baseUri(), "GET", "/inbox", branch[1], null).json().path("items");
        assertEquals(inbox.size(), phone.findElements(By.cssSelector("#inbox tbody tr")).size(), "the inbox's messages");
        assertTrue(row.getText().contains(supplier[0]) && row.getText().contains("stock") && row.getText().contains(groupId)
                && row.getText().contains("RECEIVED"), row.getText());
        ApiReply elsewhere = ApiReply.call(api.baseUri(), "POST", "/inbox/" + secondId + "/ack", branch[1], "{\"status\":\"REJECTED\"}");
        assertEquals(200, elsewhere.status(), elsewhere.text());
        phone.findElement(By.cssSelector("#inbox tr[data-message='" + secondId + "'] button.accept")).click();
        assertEquals("ACK_CONFLICT", waitFor(phone, By.cssSelector("#error:not([hidden]) .error-code")).getText());
        assertTrue(phone.findElement(By.id("error")).getText().contains("already answered"));
        shot(phone, "09-inbox-ack-conflict");
        row.findElement(By.cssSelector("button.accept")).click();
        waitText(phone, By.cssSelector("#inbox tr[data-message='" + messageId + "'] .status-cell"), "ACCEPTED");
        assertTrue(row.findElements(By.cssSelector("button.accept")).isEmpty(), "answered once");
        shot(phone, "10-inbox-accepted");

        // the creator's push status: the chain now ends ACCEPTED, as GET /pushes says
        desk.findElement(By.cssSelector("#push-status .refresh-push")).click();
        waitFor(desk, By.cssSelector("#push-status[data-status='ACCEPTED'] li[data-status='ACCEPTED']"));
        JsonNode status = ApiReply.call(api.baseUri(), "GET", "/pushes/" + messageId, supplier[1], null).json();
        assertEquals("ACCEPTED", status.path("status").asText());
        assertTrue(desk.findElement(By.id("push-status")).getText().contains(status.path("acknowledgedAt").asText().substring(0, 10)));
        shot(desk, "11-push-accepted");
        // and by message ID, in the pushes view
        desk.findElement(By.id("nav-pushes")).click();
        type(desk, "push-id", secondId);
        desk.findElement(By.cssSelector("#push-lookup button[type=submit]")).click();
        waitFor(desk, By.cssSelector("#push-status[data-status='REJECTED'] li[data-status='REJECTED']"));
        shot(desk, "12-push-by-id");

        // the branch's audit log: the table shows what GET /audit answers, the pull and the pushes among them
        phone.findElement(By.id("nav-audit")).click();
        waitFor(phone, By.cssSelector("#audit tbody tr"));
        JsonNode audit = ApiReply.call(api.baseUri(), "GET", "/audit", branch[1], null).json().path("events");
        List<String> expected = new ArrayList<>();
        audit.forEach(e -> expected.add(e.path("action").asText()));
        List<String> shown = new ArrayList<>();
        phone.findElements(By.cssSelector("#audit tbody tr td.action")).forEach(td -> shown.add(td.getText()));
        assertEquals(expected, shown, "the audit table is GET /audit's first page, in its order");
        assertTrue(shown.contains("PULL") && shown.contains("PUSH"), shown.toString());
        shot(phone, "13-audit");

        // the branch, not the creator, asks why the supplier's stock cell is FIELDS: the reasons GET /explain gives
        phone.findElement(By.id("nav-groups")).click();
        waitFor(phone, By.cssSelector("#groups tr[data-group='" + groupId + "'] button.open")).click();
        type(phone, "matrix-type", "stock");
        phone.findElement(By.cssSelector("#matrix-form button[type=submit]")).click();
        waitFor(phone, By.cssSelector("button.why[data-owner='" + supplier[0] + "'][data-partner='" + branch[0] + "']")).click();
        waitFor(phone, By.cssSelector("#explain li.reason"));
        JsonNode why = ApiReply.call(api.baseUri(), "GET", "/groups/" + groupId + "/explain?ownerId=" + supplier[0]
                + "&partnerId=" + branch[0] + "&type=stock", branch[1], null).json();
        List<String> reasons = new ArrayList<>();
        why.path("reasons").forEach(r -> reasons.add(r.asText()));
        List<String> shownReasons = new ArrayList<>();
        phone.findElements(By.cssSelector("#explain li.reason")).forEach(li -> shownReasons.add(li.getText()));
        assertFalse(reasons.isEmpty());
        assertEquals(reasons, shownReasons, "the reasons, in words, as GET /explain answers them");
        WebElement effective = phone.findElement(By.cssSelector("#explain .effective"));
        assertEquals(why.path("effective").path("scope").asText(), effective.getAttribute("data-scope"));
        assertEquals("FIELDS", effective.getAttribute("data-scope"));
        assertTrue(effective.getText().contains("sku, level"), effective.getText());
        shot(phone, "14-why");

        // the branch leaves; once the cleanup ran, its receipts show the LEAVE, and the copied JSON verifies
        phone.findElement(By.id("leave")).click();
        waitFor(phone, By.cssSelector("dialog[open]")).findElement(By.xpath(".//button[normalize-space()='Leave']")).click();
        waitFor(phone, By.id("groups"));
        JsonNode run = invoker.invoke("CleanupFunction", EventJson.mapper().createObjectNode());
        assertTrue(run.path("complete").asBoolean(), run.toString());
        phone.findElement(By.id("nav-receipts")).click();
        WebElement receipt = waitFor(phone, By.cssSelector("#receipts tr[data-kind='LEAVE']"));
        JsonNode listed = ApiReply.call(api.baseUri(), "GET", "/receipts", branch[1], null).json().path("receipts");
        assertEquals(listed.size(), phone.findElements(By.cssSelector("#receipts tbody tr")).size());
        JsonNode served = listed.get(0);
        assertEquals(served.path("receipt").path("receiptId").asText(), receipt.getAttribute("data-receipt"));
        assertTrue(receipt.getText().contains(groupId) && receipt.getText().contains(branch[0])
                && receipt.getText().contains(served.path("receipt").path("keysDigest").asText())
                && receipt.getText().contains(served.path("fingerprint").asText()), receipt.getText());
        receipt.findElement(By.cssSelector("button.copy-receipt")).click();
        String copied = receipt.findElement(By.cssSelector("textarea.receipt-json")).getAttribute("value");
        Receipts.SignedReceipt signed = EventJson.mapper().readValue(copied, Receipts.SignedReceipt.class);
        JsonNode identity = ApiReply.call(api.baseUri(), "GET", "/federation/identity", null, null).json();
        byte[] publicKey = java.util.Base64.getUrlDecoder().decode(identity.get("publicKey").asText());
        assertTrue(Receipts.verify(signed, publicKey), "the copied JSON verifies with the deployment's key: " + copied);
        assertEquals(served, EventJson.mapper().readTree(copied), "exactly the receipt GET /receipts served");
        assertTrue(phone.findElement(By.id("verify-how")).getText().contains("verify-receipt receipt.json --identity " + origin.replaceAll("/$", "")));
        shot(phone, "15-receipts");

        // the creator's webhook: a private address refused in words, a public one set (its secret shown once), the
        // deliveries as GET /merchants/me/webhook/deliveries lists them, then deleted behind a confirmation
        String hooks = "/merchants/me/webhook";
        desk.findElement(By.id("nav-webhook")).click();
        waitText(desk, By.id("webhook-state"), "No webhook is set.");
        type(desk, "webhook-url", "https://10.0.0.1/hooks");
        desk.findElement(By.cssSelector("#webhook-form button[type=submit]")).click();
        assertEquals("INVALID_WEBHOOK_URL", waitFor(desk, By.cssSelector("#error:not([hidden]) .error-code")).getText());
        assertTrue(desk.findElement(By.id("error")).getText().contains("public host"));
        type(desk, "webhook-url", "https://1.1.1.1/hooks");
        desk.findElement(By.id("event-rules.changed")).click();
        desk.findElement(By.cssSelector("#webhook-form button[type=submit]")).click();
        String secret = waitFor(desk, By.id("new-secret")).getAttribute("value");
        assertTrue(secret.startsWith("whsec_"), secret);
        assertTrue(desk.findElement(By.id("webhook-state")).getText().contains("https://1.1.1.1/hooks"));
        JsonNode hook = ApiReply.call(api.baseUri(), "GET", hooks, supplier[1], null).json();
        Set<String> events = new HashSet<>();
        hook.path("events").forEach(e -> events.add(e.asText()));
        assertEquals(Set.of("inbox.received", "push.status", "rules.changed"), events, hook.toString());
        assertFalse(hook.has("secret"), "the secret is not shown again");
        JsonNode sent = ApiReply.call(api.baseUri(), "GET", hooks + "/deliveries", supplier[1], null).json().path("deliveries");
        assertEquals(sent.size(), desk.findElements(By.cssSelector("#deliveries tbody tr")).size());
        shot(desk, "16-webhook");
        desk.findElement(By.id("delete-webhook")).click();
        waitFor(desk, By.cssSelector("dialog[open]")).findElement(By.xpath(".//button[normalize-space()='Delete']")).click();
        waitText(desk, By.id("status"), "Webhook deleted.");
        assertEquals("WEBHOOK_NOT_FOUND", ApiReply.call(api.baseUri(), "GET", hooks, supplier[1], null).errorCode());

        // the creator dissolves, behind a confirmation
        desk.findElement(By.id("nav-groups")).click();
        waitFor(desk, By.cssSelector("#groups tr[data-group='" + groupId + "'] button.open")).click();
        waitText(desk, By.id("group-title"), "Purchasing");
        desk.findElement(By.id("dissolve")).click();
        WebElement dialog = waitFor(desk, By.cssSelector("dialog[open]"));
        assertTrue(dialog.getText().contains("cannot be undone"));
        shot(desk, "17-dissolve-confirmation");
        dialog.findElement(By.xpath(".//button[normalize-space()='Dissolve']")).click();
        waitText(desk, By.id("status"), "Group dissolved.");
        shot(desk, "18-dissolved");
        ApiReply gone = ApiReply.call(api.baseUri(), "GET", "/groups/" + groupId, branch[1], null);
        assertTrue(Set.of("GROUP_DISSOLVED", "GROUP_NOT_FOUND").contains(gone.errorCode()), gone.text());

        // the page itself: only its own origin, and no inline script runs
        for (ChromeDriver driver : drivers) {
            assertOnlyOwnOrigin(driver);
            assertInlineScriptIsBlocked(driver);
        }
        assertSecurityHeaders();
    }

    // ---- the story's steps

    private static void signIn(WebDriver driver, String key) {
        type(driver, "key", key);
        driver.findElement(By.cssSelector("#sign-in button[type=submit]")).click();
        if (!key.startsWith("osk_x")) {
            waitFor(driver, By.cssSelector("#sign-out:not([hidden])"));
        }
    }

    /** Creates a merchant in the operator's view; answers its ID and the key shown once. */
    private static String[] createMerchant(WebDriver driver, String name, String previousId) {
        type(driver, "merchant-cloud", "acme");
        type(driver, "merchant-name", name);
        driver.findElement(By.cssSelector("#create-merchant button[type=submit]")).click();
        waiting(driver).until(d -> {
            List<WebElement> id = d.findElements(By.id("new-merchant-id"));
            return !id.isEmpty() && !id.get(0).getText().equals(previousId);
        });
        String id = driver.findElement(By.id("new-merchant-id")).getText();
        String key = driver.findElement(By.id("new-key")).getAttribute("value");
        assertTrue(key.startsWith("osk_"), key);
        return new String[] {id, key};
    }

    private static void put(String key, String path, String body) throws IOException, InterruptedException {
        ApiReply reply = ApiReply.call(api.baseUri(), "PUT", path, key, body);
        assertEquals(200, reply.status(), reply.text());
    }

    // ---- the page-level checks

    private static void assertOnlyOwnOrigin(ChromeDriver driver) {
        int requests = 0;
        for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            JsonNode message = read(entry.getMessage()).path("message");
            if (message.path("method").asText().equals("Network.requestWillBeSent")) {
                String url = message.path("params").path("request").path("url").asText();
                boolean fromThePage = message.path("params").path("documentURL").asText().startsWith(origin + "/");
                // the browser's own pages (chrome://new-tab-page...) are not the console's; no http(s) call may leave
                if (fromThePage || url.startsWith("http:") || url.startsWith("https:")) {
                    assertTrue(url.startsWith(origin + "/"), "a request left for another origin: " + url);
                    requests++;
                }
            }
        }
        assertTrue(requests >= 5, "the performance log saw the page's requests: " + requests);
    }

    private static void assertInlineScriptIsBlocked(ChromeDriver driver) {
        JavascriptExecutor js = driver;
        assertEquals(0L, js.executeScript("return document.querySelectorAll('script:not([src])').length"), "no inline script");
        assertEquals(0L, js.executeScript("return document.querySelectorAll('[style]').length"), "no style attribute");
        Object ran = js.executeScript("const s = document.createElement('script');"
                + "s.textContent = 'window.__inlineRan = true;'; document.body.append(s); s.remove();"
                + "return typeof window.__inlineRan;");
        assertEquals("undefined", ran, "the CSP stops an inline script");
    }

    private static void assertSecurityHeaders() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(origin + "/console")).build(),
                HttpResponse.BodyHandlers.ofString());
        List<String> urls = new ArrayList<>(List.of("/console"));
        urls.addAll(ConsolePage.assets(page.body()));
        assertEquals(3, urls.size(), "the page names its stylesheet and its script");
        urls.add("/console/assets/app.00000000.js");
        for (String url : urls) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(origin + url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Map<String, List<String>> h = r.headers().map();
            assertEquals(List.of("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
                    h.get("content-security-policy"), url);
            assertEquals(List.of("nosniff"), h.get("x-content-type-options"), url);
            assertEquals(List.of("no-referrer"), h.get("referrer-policy"), url);
            String type = r.headers().firstValue("content-type").orElse("");
            assertTrue(type.endsWith("; charset=utf-8") || r.statusCode() == 404 && type.equals("application/json"), url + ": " + type);
            if (url.equals("/console")) {
                assertEquals("no-cache", r.headers().firstValue("cache-control").orElse(""));
            } else if (r.statusCode() == 200) {
                assertEquals("public, max-age=31536000, immutable", r.headers().firstValue("cache-control").orElse(""));
            } else {
                assertEquals(404, r.statusCode(), url);
                assertTrue(r.body().contains("\"NOT_FOUND\""), r.body());
            }
        }
    }

    /** Several distinct colours, the FIELDS one among them: the screenshot shows a rendered matrix. */
    private static void assertNonBlank(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        Set<Integer> colours = new HashSet<>();
        int fieldsPixels = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                if (rgb == FIELDS_RGB) {
                    fieldsPixels++;
                }
            }
        }
        assertTrue(colours.size() >= 8, "the matrix screenshot has " + colours.size() + " colours");
        assertTrue(fieldsPixels >= 100, "the FIELDS cell is on the screenshot: " + fieldsPixels + " pixels");
    }

    // ---- the browser

    /** A fresh headless Chromium with its own profile: one browser context. */
    private static ChromeDriver browser(int width, int height) throws IOException {
        Path profile = Files.createTempDirectory("orgshare-chromium-");
        profiles.add(profile);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(executable("chromium", "/usr/bin/chromium", "chromium-browser"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
        options.setCapability("goog:loggingPrefs", Map.of(LogType.PERFORMANCE, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(executable("chromedriver", "/usr/bin/chromedriver")))
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        drivers.add(driver);
        return driver;
    }

    /** The binary on PATH or at its Debian path; a clear failure (never a skip) when it is not installed. */
    private static String executable(String name, String debianPath, String... otherNames) {
        List<String> names = new ArrayList<>(List.of(name));
        names.addAll(List.of(otherNames));
        for (String candidate : names) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                Path path = Path.of(dir, candidate);
                if (Files.isExecutable(path)) {
                    return path.toString();
                }
            }
        }
        if (Files.isExecutable(Path.of(debianPath))) {
            return debianPath;
        }
        return fail(name + " is not installed: the console's browser test needs it. "
                + "Install it with: apt-get install chromium chromium-driver");
    }

    private static WebElement waitFor(WebDriver driver, By by) {
        return waiting(driver).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private static void waitText(WebDriver driver, By by, String text) {
        waiting(driver).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    /** Waits up to 20 s; an element the page replaced meanwhile is looked up again, not an error. */
    private static WebDriverWait waiting(WebDriver driver) {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private static void type(WebDriver driver, String id, String text) {
        WebElement input = waitFor(driver, By.id(id));
        input.clear();
        input.sendKeys(text);
    }

    private static Object storedKey(ChromeDriver driver) {
        return driver.executeScript("return sessionStorage.getItem('orgshare.key') || localStorage.getItem('orgshare.key')");
    }

    private static byte[] shot(ChromeDriver driver, String name) throws IOException {
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        Files.write(SHOTS.resolve(name + ".png"), png);
        return png;
    }

    private static JsonNode read(String json) {
        try {
            return EventJson.mapper().readTree(json);
        } catch (IOException e) {
            throw new AssertionError("Chrome's performance log is not JSON: " + json, e);
        }
    }
}
