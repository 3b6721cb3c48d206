// orgshare console: a client of the public API like any other. No framework, no build step; the key stays in this
// tab's sessionStorage. Every element is built with the DOM (no innerHTML), so the API's data is never markup.
const KEY = "orgshare.key";
const SCOPES = ["NONE", "SUMMARY", "FIELDS", "FULL"];
const PLAIN = {
  MISSING_KEY: "Enter an API key to sign in.",
  INVALID_KEY: "This API key is not valid: check it, or ask your operator for a new one.",
  FORBIDDEN: "Your key may not do this.",
  VALIDATION_FAILED: "Something you entered is not in the expected form.",
  MALFORMED_JSON: "The request could not be read.",
  NOT_FOUND: "There is nothing here.",
  GROUP_NOT_FOUND: "There is no such group, or you are not in it.",
  GROUP_DISSOLVED: "This group has been dissolved.",
  MEMBER_NOT_FOUND: "There is no such member in this group.",
  MERCHANT_NOT_FOUND: "There is no merchant with this ID.",
  CLOUD_NOT_FOUND: "There is no such cloud.",
  ALREADY_MEMBER: "This merchant is already in the group.",
  NOT_ACTIVE_MEMBER: "You have to join the group first.",
  NOT_SHARED: "No rule opens these records to you.",
  VERSION_CONFLICT: "Someone changed the rules since you loaded them. The matrix has been reloaded: look again and repeat your change.",
  INVALID_CURSOR: "This list changed; start it again.",
  ACK_CONFLICT: "This document was already answered otherwise (perhaps in another window): an answer cannot be changed. The inbox shows it as it stands.",
  NOT_THE_OWNER: "This document is in another merchant's inbox.",
  MESSAGE_NOT_FOUND: "There is no such document in your inbox.",
  PUSH_NOT_FOUND: "There is no push of yours with this message ID.",
  PUSH_NOT_ALLOWED: "No rule lets you push this type to this owner.",
  PAYLOAD_TOO_LARGE: "The document is too large.",
  WEBHOOK_NOT_FOUND: "You have no webhook set.",
  INVALID_WEBHOOK_URL: "The webhook URL must be https with a public host (not a private or loopback address).",
  NOT_JSON: "The document is not valid JSON: correct it before sending; nothing was sent.",
  THROTTLED: "Too many requests: wait a moment and try again.",
  PEER_UNAVAILABLE: "The other cloud does not answer right now.",
  UNAVAILABLE: "The service is unavailable for a moment; try again.",
  INTERNAL: "Something went wrong on the server; try again.",
};

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// ---- small DOM helpers
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "text") el.textContent = value;
    else if (name === "class") el.className = value;
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) el.append(child);
  }
  return el;
}
let uid = 0;
function field(label, attrs = {}) {
  const id = attrs.id || "f" + (++uid);
  return h("div", { class: "field" }, h("label", { for: id, text: label }), h("input", { ...attrs, id }));
}
function table(headers, rows, attrs = {}) {
  return h("div", { class: "table-wrap" }, h("table", attrs,
    h("thead", {}, h("tr", {}, headers.map((t) => (typeof t === "string" ? h("th", { scope: "col", text: t }) : t)))),
    h("tbody", {}, rows)));
}
const $ = (id) => document.getElementById(id);
const main = () => $("main");

function say(text) {
  $("status").textContent = text || "";
}
function showError(e) {
  const box = $("error");
  box.replaceChildren();
  if (!e) {
    box.hidden = true;
    return;
  }
  const code = e instanceof ApiError ? e.code : "NETWORK";
  const plain = PLAIN[code] || (code === "NETWORK" ? "The API could not be reached." : "The request was refused.");
  box.append(h("strong", { class: "error-code", text: code }), " ", h("span", { class: "error-plain", text: plain }));
  if (e.message) box.append(" ", h("span", { class: "error-message", text: "(" + e.message + ")" }));
  box.hidden = false;
  box.focus?.();
}

// ---- the API
async function api(method, path, body) {
  const headers = { authorization: "Bearer " + (sessionStorage.getItem(KEY) || "") };
  if (body !== undefined) headers["content-type"] = "application/json";
  say("Working…");
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } finally {
    say("");
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const error = json && json.error ? json.error : { code: "HTTP_" + response.status, message: text.slice(0, 200) };
    throw new ApiError(response.status, error.code, error.message);
  }
  return json;
}
const enc = encodeURIComponent;
const withQuery = (path, params) => {
  const q = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== "")
    .map(([k, v]) => enc(k) + "=" + enc(v)).join("&");
  return q ? path + "?" + q : path;
};

// run a user's action: errors in words, never a blank screen
function act(fn) {
  return async (event) => {
    event?.preventDefault?.();
    showError(null);
    try {
      await fn(event);
    } catch (e) {
      showError(e);
    }
  };
}

// a paged list: "More" fetches the next page with the API's cursor
function pagedList(fetchPage, renderRows, headers, attrs = {}) {
  const body = h("tbody");
  const more = h("button", { type: "button", class: "secondary", hidden: true, text: "More" });
  let cursor;
  const load = async () => {
    const page = await fetchPage(cursor);
    body.append(...renderRows(page));
    cursor = page.cursor;
    more.hidden = !cursor;
  };
  more.addEventListener("click", act(load));
  const wrap = h("div", { class: "table-wrap" }, h("table", attrs,
    h("thead", {}, h("tr", {}, headers.map((t) => h("th", { scope: "col", text: t })))), body), more);
  return { element: wrap, load };
}

// ---- the dialog: keyboard-usable (Esc cancels, focus moves in and back)
function openDialog(title, bodyNodes, buttons) {
  const dialog = $("dialog");
  const opener = document.activeElement;
  $("dialog-title").textContent = title;
  $("dialog-body").replaceChildren(...bodyNodes);
  $("dialog-actions").replaceChildren(...buttons.map(([label, cls, onClick]) => h("button", {
    type: "button", class: cls, text: label,
    onclick: act(async () => {
      dialog.close(); // an error then shows on the page, not behind the modal
      if (onClick) await onClick();
    }),
  })));
  dialog.addEventListener("close", () => opener?.focus?.(), { once: true });
  dialog.showModal();
  (dialog.querySelector("input, select") || dialog.querySelector("button"))?.focus();
}
function confirmDialog(title, text, label, onConfirm) {
  openDialog(title, [h("p", { text })], [[label, "danger", onConfirm], ["Cancel", "secondary", null]]);
}

// ---- sign in and out
function signInView() {
  $("who").textContent = "";
  $("sign-out").hidden = true;
  const key = field("API key", { id: "key", type: "password", autocomplete: "off", required: true, spellcheck: "false" });
  main().replaceChildren(h("section", {}, h("h2", { text: "Sign in" }),
    h("p", { text: "Your key stays in this browser tab only, and is forgotten when you sign out or close the tab." }),
    h("form", { id: "sign-in", onsubmit: act(async () => {
      sessionStorage.setItem(KEY, $("key").value.trim());
      try {
        await start();
      } catch (e) {
        sessionStorage.removeItem(KEY);
        throw e;
      }
    }) }, key, h("button", { type: "submit", text: "Sign in" }))));
  $("key").focus();
}
function signOut() {
  sessionStorage.removeItem(KEY);
  showError(null);
  signInView();
}

async function start() {
  let me;
  try {
    me = await api("GET", "/merchants/me");
  } catch (e) {
    if (e.code !== "FORBIDDEN") throw e;
    await api("GET", "/peers"); // the operator's key: /merchants/me refuses it, /peers does not
    me = null;
  }
  $("sign-out").hidden = false;
  if (me) {
    $("who").textContent = "Signed in as " + me.name + " (" + me.merchantId + ", cloud " + me.cloudId + ")";
    merchant.me = me;
    await groupsView();
  } else {
    $("who").textContent = "Signed in as the operator";
    await operatorView();
  }
}

// ---- the operator
async function operatorView() {
  const created = h("div", { id: "new-merchant", "aria-live": "polite" });
  const peers = pagedList((cursor) => api("GET", withQuery("/peers", { cursor })),
    (page) => page.peers.map((p) => h("tr", {}, h("td", { text: p.cloudId }), h("td", { text: p.endpoint }),
      h("td", { class: "id", text: p.fingerprint }))), ["Cloud", "Endpoint", "Fingerprint"]);
  main().replaceChildren(
    h("section", {}, h("h2", { text: "Clouds" }),
      h("form", { id: "create-cloud", class: "inline", onsubmit: act(async (ev) => {
        const c = await api("POST", "/clouds", { cloudId: $("cloud-id").value.trim(), name: $("cloud-name").value.trim() });
        ev.target.reset();
        say("Cloud " + c.cloudId + " registered.");
      }) }, field("Cloud ID", { id: "cloud-id", required: true, placeholder: "acme" }),
      field("Name", { id: "cloud-name", required: true }), h("button", { type: "submit", text: "Register cloud" }))),
    h("section", {}, h("h2", { text: "Merchants" }),
      h("form", { id: "create-merchant", class: "inline", onsubmit: act(async () => {
        const m = await api("POST", "/merchants", { cloudId: $("merchant-cloud").value.trim(), name: $("merchant-name").value.trim() });
        $("merchant-name").value = "";
        const keyBox = h("input", { id: "new-key", class: "key-once", readonly: true, value: m.apiKey, "aria-label": "The new API key" });
        created.replaceChildren(h("p", {}, "Merchant ", h("strong", { text: m.name }), " created with ID ",
          h("code", { id: "new-merchant-id", text: m.merchantId }), ". Its API key is shown this once: give it to the merchant now."),
          keyBox, h("button", { type: "button", class: "secondary", text: "Copy key", onclick: act(async () => {
            keyBox.select();
            await navigator.clipboard.writeText(m.apiKey);
            say("Key copied.");
          }) }));
      }) }, field("Cloud ID", { id: "merchant-cloud", required: true }), field("Name", { id: "merchant-name", required: true }),
      h("button", { type: "submit", text: "Create merchant" })), created),
    h("section", {}, h("h2", { text: "Peers" }), peers.element));
  await peers.load();
}

// ---- a merchant
const merchant = { me: null };

// the merchant's views, on top of each of them
function nav() {
  const item = (id, label, view) => h("button", { type: "button", id, class: "secondary", text: label, onclick: act(view) });
  return h("nav", { class: "views", "aria-label": "Views" }, item("nav-groups", "My groups", groupsView),
    item("nav-inbox", "Inbox", inboxView), item("nav-pushes", "My pushes", () => pushesView()),
    item("nav-audit", "Audit log", auditView), item("nav-receipts", "Receipts", receiptsView),
    item("nav-webhook", "Webhook", webhookView));
}
const when = (iso) => (iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : "—");

// ---- documents pushed to me: accept or reject each, once
async function inboxView() {
  const row = (m) => {
    const status = h("td", { class: "status-cell", text: "RECEIVED" });
    const buttons = h("td", {});
    const answer = async (ack) => {
      let s;
      try {
        s = await api("POST", "/inbox/" + enc(m.messageId) + "/ack", ack);
      } catch (e) {
        if (e.code === "ACK_CONFLICT") {
          status.textContent = "answered before";
          buttons.replaceChildren();
        }
        throw e;
      }
      status.textContent = s.status + (s.reason ? ": " + s.reason : "") + " (" + when(s.acknowledgedAt) + ")";
      buttons.replaceChildren();
      say("Document " + s.status.toLowerCase() + ".");
    };
    buttons.append(h("button", { type: "button", class: "accept", text: "Accept", onclick: act(() => answer({ status: "ACCEPTED" })) }),
      h("button", { type: "button", class: "reject danger", text: "Reject", onclick: act(() => {
        openDialog("Reject this document?", [field("Reason (optional)", { id: "reject-reason" })], [
          ["Reject", "danger", () => {
            const reason = $("reject-reason").value.trim();
            return answer(reason ? { status: "REJECTED", reason } : { status: "REJECTED" });
          }], ["Cancel", "secondary", null]]);
      }) }));
    return h("tr", { "data-message": m.messageId },
      h("td", { class: "id", text: m.from + (m.fromCloudId ? " (cloud " + m.fromCloudId + ")" : "") }), h("td", { text: m.type }),
      h("td", { class: "id", text: m.groupId }), h("td", { text: when(m.receivedAt) }), status,
      h("td", {}, h("code", { class: "doc", text: JSON.stringify(m.body) })), buttons);
  };
  const list = pagedList((cursor) => api("GET", withQuery("/inbox", { cursor })), (page) => page.items.map(row),
    ["From", "Type", "Group", "Received", "Status", "Document", ""], { id: "inbox" });
  main().replaceChildren(nav(), h("section", {}, h("h2", { text: "Inbox" }),
    h("p", { text: "Documents other members pushed to you. Accept or reject each one, once: the sender sees your answer." }),
    list.element));
  await list.load();
}

// ---- what became of a document I pushed
function pushStatus(s, refresh) {
  const steps = [h("li", { class: "step", "data-status": "RECEIVED" }, h("strong", { text: "RECEIVED" }), " " + when(s.receivedAt))];
  if (s.status !== "RECEIVED") {
    steps.push(h("li", { class: "step", "data-status": s.status }, h("strong", { text: s.status }), " " + when(s.acknowledgedAt),
      s.reason ? h("span", { class: "reason", text: " — " + s.reason }) : ""));
  } else {
    steps.push(h("li", { class: "step pending", text: "waiting for the owner to accept or reject it" }));
  }
  return h("div", { id: "push-status", "data-status": s.status },
    h("p", {}, "Message ", h("code", { class: "message-id", text: s.messageId }), " · " + s.type + " to ",
      h("code", { text: s.ownerId }), " in group ", h("code", { text: s.groupId })),
    h("ol", { class: "chain" }, steps),
    h("button", { type: "button", class: "secondary refresh-push", text: "Refresh", onclick: act(refresh) }));
}
async function pushesView(messageId) {
  const box = h("div", { id: "push-box" });
  const show = async (id) => {
    const s = await api("GET", "/pushes/" + enc(id));
    box.replaceChildren(pushStatus(s, () => show(id)));
  };
  main().replaceChildren(nav(), h("section", {}, h("h2", { text: "My pushes" }),
    h("form", { id: "push-lookup", class: "inline", onsubmit: act(() => show($("push-id").value.trim())) },
      field("Message ID", { id: "push-id", required: true, value: messageId || "", spellcheck: "false" }),
      h("button", { type: "submit", text: "Show status" })), box));
  if (messageId) await show(messageId);
}

// ---- my deletion receipts, each signed: its exact JSON to copy or download, and verify offline
async function receiptsView() {
  const item = (signed) => {
    const r = signed.receipt;
    const json = JSON.stringify({ receipt: r, signature: signed.signature, fingerprint: signed.fingerprint });
    const text = h("textarea", { class: "receipt-json", rows: 4, readonly: true, spellcheck: "false", "aria-label": "The signed receipt as JSON", text: json });
    const url = URL.createObjectURL(new Blob([json], { type: "application/json" }));
    const counts = Object.entries(r.deleted || {}).map(([k, n]) => k + " " + n).join(", ") || "—";
    return h("tr", { "data-receipt": r.receiptId, "data-kind": r.kind },
      h("td", { class: "kind", text: r.kind }), h("td", { class: "id", text: r.groupId }), h("td", { class: "id", text: r.merchantId || "—" }),
      h("td", { text: when(r.requestedAt) }), h("td", { text: when(r.completedAt) }), h("td", { class: "counts", text: counts }),
      h("td", { class: "id", text: r.keysDigest }), h("td", { class: "id fingerprint", text: signed.fingerprint }),
      h("td", {}, text, h("button", { type: "button", class: "secondary copy-receipt", text: "Copy signed JSON", onclick: act(async () => {
        text.select();
        try {
          await navigator.clipboard.writeText(json);
          say("Receipt copied.");
        } catch {
          say("Copy it from the selected text (Ctrl+C).");
        }
      }) }), h("a", { class: "download", href: url, download: "receipt-" + r.receiptId + ".json", text: "Download" })));
  };
  const list = pagedList((cursor) => api("GET", withQuery("/receipts", { cursor })), (page) => page.receipts.map(item),
    ["Kind", "Group", "Merchant", "Requested", "Completed", "Deleted", "Keys digest", "Fingerprint", "Signed JSON"], { id: "receipts" });
  main().replaceChildren(nav(), h("section", {}, h("h2", { text: "Receipts" }),
    h("p", { text: "A signed receipt for each leave, removal or dissolve whose data was deleted. Verify one offline, with the"
      + " deployment that signed it:" }),
    h("pre", { id: "verify-how" }, h("code", { text: "java -jar local/target/orgshare-local.jar verify-receipt receipt.json --identity "
      + location.origin })),
    list.element));
  await list.load();
}

// ---- my webhook: where events are sent, which ones, and what became of each delivery
const EVENTS = ["inbox.received", "push.status", "group.invited", "member.joined", "member.left", "group.dissolved", "rules.changed"];
async function webhookView() {
  let hook = null;
  try {
    hook = await api("GET", "/merchants/me/webhook");
  } catch (e) {
    if (e.code !== "WEBHOOK_NOT_FOUND") throw e;
  }
  const secretBox = h("div", { id: "webhook-secret", "aria-live": "polite" });
  const chosen = new Set(hook ? hook.events : ["inbox.received", "push.status"]);
  const boxes = EVENTS.map((ev) => h("div", { class: "check-row" },
    h("input", { type: "checkbox", id: "event-" + ev, value: ev, checked: chosen.has(ev) }),
    h("label", { for: "event-" + ev, class: "check", text: ev })));
  const deliveries = pagedList((cursor) => api("GET", withQuery("/merchants/me/webhook/deliveries", { cursor })),
    (page) => page.deliveries.map((d) => h("tr", { "data-delivery": d.webhookId, "data-status": d.status },
      h("td", { class: "id", text: d.webhookId }), h("td", { text: d.type }), h("td", { class: "delivery-status", text: d.status }),
      h("td", { text: String(d.attempts) }), h("td", { text: d.lastResult || "—" }), h("td", { text: when(d.lastAttemptAt) }),
      h("td", { text: when(d.nextAttemptAt) }), h("td", { text: when(d.createdAt) }))),
    ["Webhook ID", "Event", "Status", "Attempts", "Last result", "Last attempt", "Next attempt", "Created"], { id: "deliveries" });
  const save = (rotateSecret) => act(async () => {
    const events = EVENTS.filter((ev) => $("event-" + ev).checked);
    const body = { url: $("webhook-url").value.trim(), events };
    if (rotateSecret) body.rotateSecret = true;
    const saved = await api("PUT", "/merchants/me/webhook", body);
    await webhookView();
    if (saved.secret) {
      $("webhook-secret").replaceChildren(h("p", { text: "Deliveries are signed with this secret, shown this once: keep it now." }),
        h("input", { id: "new-secret", class: "key-once", readonly: true, value: saved.secret, "aria-label": "The webhook secret" }));
    }
    say("Webhook saved.");
  });
  main().replaceChildren(nav(), h("section", {}, h("h2", { text: "Webhook" }),
    h("p", { id: "webhook-state", text: hook ? "Events go to " + hook.url + " (set " + when(hook.createdAt) + ", changed "
      + when(hook.updatedAt) + ")." : "No webhook is set." }),
    h("form", { id: "webhook-form", onsubmit: save(false) },
      field("URL (https, a public host)", { id: "webhook-url", type: "url", required: true, value: hook ? hook.url : "" }),
      h("fieldset", {}, h("legend", { text: "Events" }), boxes),
      h("button", { type: "submit", text: "Save webhook" }),
      hook ? h("button", { type: "button", class: "secondary", id: "rotate-secret", text: "Save and rotate the secret", onclick: save(true) }) : "",
      hook ? h("button", { type: "button", class: "danger", id: "delete-webhook", text: "Delete webhook", onclick: act(() => confirmDialog(
        "Delete the webhook?", "No more events are sent to " + hook.url + ".", "Delete", async () => {
          await api("DELETE", "/merchants/me/webhook");
          await webhookView();
          say("Webhook deleted.");
        })) }) : ""),
    secretBox),
  hook ? h("section", {}, h("h2", { text: "Deliveries" }), deliveries.element) : "");
  if (hook) await deliveries.load();
}

// ---- my audit log, newest first
async function auditView() {
  const list = pagedList((cursor) => api("GET", withQuery("/audit", { cursor })),
    (page) => page.events.map((e) => h("tr", { "data-event": e.eventId, "data-action": e.action },
      h("td", { text: when(e.at) }), h("td", { class: "action", text: e.action }), h("td", { class: "id", text: e.groupId || "—" }),
      h("td", { class: "id", text: e.actorId || "—" }), h("td", { class: "id", text: e.ownerId || "—" }),
      h("td", { text: e.type || "—" }), h("td", { text: e.count === undefined ? "—" : String(e.count) }),
      h("td", { text: e.peerCloudId || "—" }))),
    ["Time", "Action", "Group", "Actor", "Owner", "Type", "Count", "Peer cloud"], { id: "audit" });
  main().replaceChildren(nav(), h("section", {}, h("h2", { text: "Audit log" }),
    h("p", { text: "Who read or pushed records you own or received, and rule changes, newest first." }), list.element));
  await list.load();
}

async function groupsView() {
  const list = pagedList((cursor) => api("GET", withQuery("/groups", { cursor })),
    (page) => page.groups.map((g) => h("tr", { "data-group": g.groupId },
      h("td", { text: g.name }), h("td", { class: "id", text: g.groupId }), h("td", { text: g.role }),
      h("td", { text: g.memberStatus }), h("td", { text: g.status }), h("td", { text: g.homeCloudId || merchant.me.cloudId }),
      h("td", {}, g.memberStatus === "INVITED"
        ? h("button", { type: "button", class: "join", text: "Join", onclick: act(async () => {
          await api("PUT", "/groups/" + enc(g.groupId) + "/members/me");
          await groupView(g.groupId);
        }) })
        : h("button", { type: "button", class: "open", text: "Open", onclick: act(() => groupView(g.groupId)) })))),
    ["Name", "Group ID", "Role", "My status", "Group status", "Home cloud", ""], { id: "groups" });
  main().replaceChildren(nav(),
    h("section", {}, h("h2", { text: "My groups" }), list.element),
    h("section", {}, h("h2", { text: "Create a group" }),
      h("form", { id: "create-group", class: "inline", onsubmit: act(async () => {
        const g = await api("POST", "/groups", { name: $("group-name").value.trim() });
        await groupView(g.groupId);
      }) }, field("Group name", { id: "group-name", required: true }), h("button", { type: "submit", text: "Create group" }))));
  await list.load();
}

async function groupView(groupId) {
  const g = "/groups/" + enc(groupId);
  const first = await api("GET", withQuery(g, { limit: 50 }));
  const me = merchant.me.merchantId;
  const creator = first.creatorId === me;
  const members = pagedList(async (cursor) => (cursor ? api("GET", withQuery(g, { limit: 50, cursor })) : first),
    (page) => page.members.map((m) => h("tr", { "data-member": m.merchantId },
      h("td", { class: "id", text: m.merchantId + (m.merchantId === me ? " (me)" : "") }), h("td", { text: m.cloudId }),
      h("td", { text: m.role }), h("td", { text: m.status }), h("td", { class: "id", text: m.linkId || "—" }),
      h("td", {}, creator && m.merchantId !== me ? h("button", { type: "button", class: "danger", text: "Remove",
        onclick: act(() => confirmDialog("Remove this member?", "Remove " + m.merchantId + " from " + first.name
          + "? Its rules stop working at once.", "Remove", async () => {
          await api("DELETE", g + "/members/" + enc(m.merchantId));
          await groupView(groupId);
        })) }) : ""))),
    ["Merchant", "Cloud", "Role", "Status", "Link ID", ""], { id: "members" });
  const matrixBox = h("div", { id: "matrix" });
  const providersBox = h("div", { id: "providers" });
  const previewBox = h("div", { id: "preview" });
  const explainBox = h("div", { id: "explain", "aria-live": "polite" });
  const matrixType = field("Record type", { id: "matrix-type", required: true, value: "order" });
  main().replaceChildren(nav(),
    h("section", {}, h("h2", { id: "group-title", text: first.name + " (" + first.status + ")" }),
      h("p", {}, "Group ", h("code", { text: groupId }), " · " + first.memberCount + " members · created by ",
        h("code", { text: first.creatorId })),
      members.element,
      creator ? h("form", { id: "invite", class: "inline", onsubmit: act(async () => {
        const body = { merchantId: $("invite-id").value.trim() };
        const cloud = $("invite-cloud").value.trim();
        if (cloud && cloud !== merchant.me.cloudId) body.cloudId = cloud;
        await api("POST", g + "/members", body);
        await groupView(groupId);
        say("Invitation sent.");
      }) }, field("Merchant ID to invite", { id: "invite-id", required: true }),
      field("Its cloud", { id: "invite-cloud", value: merchant.me.cloudId }), h("button", { type: "submit", text: "Invite" })) : "",
      creator
        ? h("button", { type: "button", id: "dissolve", class: "danger", text: "Dissolve group", onclick: act(() => confirmDialog(
          "Dissolve " + first.name + "?", "Nothing works in the group from this instant, for every member, and it cannot be undone.",
          "Dissolve", async () => {
            await api("DELETE", g);
            await groupsView();
            say("Group dissolved.");
          })) })
        : h("button", { type: "button", id: "leave", class: "danger", text: "Leave group", onclick: act(() => confirmDialog(
          "Leave " + first.name + "?", "Your rules in this group stop at once.", "Leave", async () => {
            await api("DELETE", g + "/members/me");
            await groupsView();
          })) })),
    h("section", {}, h("h2", { text: "Rule matrix" }),
      h("form", { id: "matrix-form", class: "inline", onsubmit: act(() => showMatrix()) }, matrixType,
        h("button", { type: "submit", text: "Show matrix" })),
      h("ul", { class: "legend", "aria-label": "Legend" }, SCOPES.map((s) => h("li", { class: "scope-" + s, text: s })),
        h("li", { text: "⇄ push allowed" })),
      matrixBox, explainBox),
    h("section", {}, h("h2", { text: "What is open to me" }), providersBox, previewBox));
  await members.load();
  await showProviders();

  // the rules' version when the matrix was read: a change made by someone else since then is a VERSION_CONFLICT
  let rulesVersion;
  async function showMatrix(cursor) {
    const type = $("matrix-type").value.trim();
    const m = await api("GET", withQuery(g + "/matrix", { type, limit: 20, cursor }));
    rulesVersion = (await api("GET", withQuery(g + "/rules", { limit: 1 }))).version;
    const cells = new Map(m.cells.map((c) => [c.ownerId + "|" + c.partnerId, c]));
    const rows = m.owners.map((owner) => h("tr", {}, h("th", { scope: "row", class: "id", text: owner }),
      m.partners.map((partner) => {
        const c = cells.get(owner + "|" + partner);
        if (!c) return h("td", { class: "blank", text: "—", title: owner === partner ? "itself" : "not visible to you" });
        const label = c.scope + (c.push ? " ⇄" : "");
        return h("td", {}, h("button", { type: "button", class: "cell scope-" + c.scope, disabled: !creator,
          "data-owner": owner, "data-partner": partner, "data-scope": c.scope, "data-push": String(c.push),
          "aria-label": "Owner " + owner + ", partner " + partner + ": " + c.scope + (c.push ? ", push allowed" : ""),
          text: label, onclick: act(() => editRule(type, owner, partner, c)) }),
        h("button", { type: "button", class: "why secondary", "data-owner": owner, "data-partner": partner, text: "Why?",
          "aria-label": "Why " + c.scope + " for owner " + owner + " and partner " + partner + "?",
          onclick: act(() => explain(type, owner, partner)) }));
      })));
    const header = [h("th", { scope: "col", text: "owner ↓ / partner →" }), ...m.partners.map((p) => h("th", { scope: "col", class: "id", text: p }))];
    matrixBox.replaceChildren(table(header, rows, { class: "matrix", "data-type": type }),
      m.cursor ? h("button", { type: "button", class: "secondary", text: "More", onclick: act(() => showMatrix(m.cursor)) }) : "",
      creator ? h("p", { text: "Click a cell to set or remove the rule for that owner and partner." }) : "");
  }

  // why a cell is what it is: the deciding rule and cap, the effective grant, the reasons in words
  async function explain(type, ownerId, partnerId) {
    const x = await api("GET", withQuery(g + "/explain", { ownerId, partnerId, type }));
    const grant = (gr) => gr.scope + (gr.fields && gr.fields.length ? " [" + gr.fields.join(", ") + "]" : "")
      + (gr.push ? ", push allowed" : ", no push");
    explainBox.replaceChildren(h("h3", { text: "Why? " + type + " of " + ownerId + " for " + partnerId }),
      h("ul", { class: "reasons" }, x.reasons.map((r) => h("li", { class: "reason", text: r }))),
      h("p", {}, "Effective grant: ", h("strong", { class: "effective", "data-scope": x.effective.scope, text: grant(x.effective) })));
    explainBox.scrollIntoView?.({ block: "nearest" });
  }

  async function editRule(type, ownerId, partnerId, cell) {
    const scope = h("select", { id: "rule-scope" }, SCOPES.map((s) => h("option", { value: s, text: s, selected: s === cell.scope })));
    const fields = field("Fields (comma-separated, for FIELDS)", { id: "rule-fields" });
    const push = h("input", { type: "checkbox", id: "rule-push", checked: cell.push });
    const change = async (patch) => {
      try {
        await api("PATCH", g + "/rules", { expectedVersion: rulesVersion, set: [], remove: [], ...patch });
      } catch (e) {
        if (e.code === "VERSION_CONFLICT") await showMatrix();
        throw e;
      }
      await showMatrix();
      await showProviders();
      say("Rules saved.");
    };
    openDialog("Rule: " + type, [
      h("p", {}, "Owner ", h("code", { text: ownerId }), " opens to partner ", h("code", { text: partnerId })),
      h("div", {}, h("label", { for: "rule-scope", text: "Scope" }), scope), fields,
      h("div", {}, push, h("label", { for: "rule-push", class: "check", text: "The partner may push documents" }))], [
      ["Save rule", "", () => {
        const rule = { ownerId, partnerId, type, scope: scope.value, push: push.checked };
        if (scope.value === "FIELDS") rule.fields = $("rule-fields").value.split(",").map((f) => f.trim()).filter(Boolean);
        return change({ set: [rule] });
      }],
      ["Remove rule", "danger", () => change({ remove: [{ ownerId, partnerId, type }] })],
      ["Cancel", "secondary", null]]);
  }

  async function showProviders() {
    const { providers } = await api("GET", g + "/providers");
    providersBox.replaceChildren(providers.length === 0 ? h("p", { text: "Nothing is open to you in this group yet." })
      : table(["Owner", "Type", "Scope", "Fields", "Push", ""], providers.map((p) => h("tr", {},
        h("td", { class: "id", text: p.ownerId }), h("td", { text: p.type }), h("td", { text: p.scope }),
        h("td", { text: (p.fields || []).join(", ") || "—" }), h("td", { text: p.push ? "yes" : "no" }),
        h("td", {}, p.type === "*" || p.scope === "NONE" ? "" : h("button", { type: "button", class: "preview", text: "Preview",
          "data-owner": p.ownerId, "data-type": p.type, onclick: act(() => preview(p.ownerId, p.type)) }),
        p.type === "*" || !p.push ? "" : h("button", { type: "button", class: "push", text: "Push a document",
          "data-owner": p.ownerId, "data-type": p.type, onclick: act(() => pushForm(p.ownerId, p.type)) })))), { id: "providers-table" }));
  }

  // push a document typed as JSON, checked before it is sent, then its status
  function pushForm(ownerId, type) {
    const result = h("div", { id: "push-result" });
    const text = h("textarea", { id: "push-body", rows: 6, spellcheck: "false", required: true, text: "{\n}" });
    previewBox.replaceChildren(h("h3", { text: "Push a " + type + " document to " + ownerId }),
      h("form", { id: "push-form", onsubmit: act(async () => {
        let doc;
        try {
          doc = JSON.parse(text.value);
        } catch (e) {
          throw new ApiError(0, "NOT_JSON", e.message);
        }
        if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new ApiError(0, "NOT_JSON", "a document is a JSON object");
        const { messageId } = await api("POST", g + "/exchange/" + enc(ownerId) + "/" + enc(type), doc);
        const show = async () => result.replaceChildren(pushStatus(await api("GET", "/pushes/" + enc(messageId)), show));
        await show();
        say("Document pushed.");
      }) }, h("label", { for: "push-body", text: "Document (a JSON object)" }), text,
      h("button", { type: "submit", text: "Push" })), result);
    text.focus();
  }

  async function preview(ownerId, type) {
    const columns = [];
    const headRow = h("tr");
    const body = h("tbody");
    const more = h("button", { type: "button", class: "secondary", hidden: true, text: "More" });
    let cursor;
    const load = async () => {
      const page = await api("GET", withQuery(g + "/exchange/" + enc(ownerId) + "/" + enc(type), { limit: 20, cursor }));
      for (const r of page.records) for (const k of Object.keys(r.body || {})) if (!columns.includes(k)) columns.push(k);
      headRow.replaceChildren(h("th", { scope: "col", text: "Record" }), h("th", { scope: "col", text: "Updated" }),
        ...columns.map((c) => h("th", { scope: "col", class: "field-col", text: c })));
      for (const r of page.records) {
        body.append(h("tr", {}, h("td", { class: "id", text: r.recordId }), h("td", { text: r.updatedAt }),
          ...columns.map((c) => h("td", { text: r.body && c in r.body ? JSON.stringify(r.body[c]) : "" }))));
      }
      cursor = page.cursor;
      more.hidden = !cursor;
    };
    more.addEventListener("click", act(load));
    await load();
    previewBox.replaceChildren(h("h3", { text: "Pull preview: " + type + " of " + ownerId }),
      h("div", { class: "table-wrap" }, h("table", { id: "preview-table" }, h("thead", {}, headRow), body)), more);
  }
}

// ---- boot
$("sign-out").addEventListener("click", signOut);
$("error").tabIndex = -1;
if (sessionStorage.getItem(KEY)) {
  act(start)().then(() => {
    if (!$("sign-out").hidden) return;
    sessionStorage.removeItem(KEY);
    signInView();
  });
} else {
  signInView();
}
