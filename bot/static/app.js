// dosay playground: plain JavaScript, no build step. Every string from the server or the user is put
// into the page with textContent (never innerHTML), so nothing typed can inject markup.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const COLOURS = ["#0b5cad", "#c2410c", "#17602f", "#7c3aed", "#9f1239", "#0e7490", "#854d0e", "#334155"];

// ---- errors: logged to the console AND shown in the alert region, never swallowed --------------------

function showError(message) {
  const box = document.getElementById("errors");
  const line = document.createElement("p");
  line.textContent = message;
  box.replaceChildren(line);
  box.hidden = false;
}

function clearError() {
  const box = document.getElementById("errors");
  box.replaceChildren();
  box.hidden = true;
}

function setStatus(message) {
  document.getElementById("status").textContent = message;
}

window.addEventListener("error", (event) => {
  console.error("dosay playground error:", event.error || event.message);
  showError(`Something went wrong in the page: ${event.message}. Reload the page; if it persists, see the browser console.`);
});
window.addEventListener("unhandledrejection", (event) => {
  console.error("dosay playground error:", event.reason);
  const reason = event.reason && event.reason.message ? event.reason.message : String(event.reason);
  showError(`Request failed: ${reason}`);
});

// ---- small DOM helpers ------------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  return node;
}

function labelled(label, value) {
  return el("li", {}, el("b", { text: `${label}: ` }), value);
}

function staleBadge(stale, why) {
  return stale ? el("span", { class: "badge stale", title: why || "", text: "stale figures" }) : null;
}

// ---- API ------------------------------------------------------------------------------------------

async function api(path, options = {}) {
  const init = { headers: { Accept: "application/json" }, ...options };
  if (options.body !== undefined) {
    init.method = options.method || "POST";
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  const response = await fetch(path, init);
  let data = null;
  try {
    data = await response.json();
  } catch (err) {
    throw new Error(`${path} answered ${response.status} without JSON`);
  }
  if (!response.ok) {
    throw new Error(data && data.error ? data.error : `${path} answered ${response.status}`);
  }
  return data;
}

// Run an async UI action: errors are logged and shown, and the action's button is re-enabled.
async function run(label, action, button) {
  if (button) button.disabled = true;
  try {
    clearError();
    return await action();
  } catch (err) {
    console.error(`dosay playground: ${label} failed:`, err);
    showError(`${label} failed: ${err.message}`);
    setStatus("");
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

// ---- tabs (WAI-ARIA tabs pattern: arrow keys, Home/End) -----------------------------------------------

const loaders = {};

function selectTab(tab, focus) {
  const tabs = Array.from(document.querySelectorAll('[role="tab"]'));
  for (const other of tabs) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
  }
  if (focus) tab.focus();
  setStatus("");  // the last view's "Estimate: ..." or "3 result(s) ..." does not belong to this one
  const name = tab.id.replace("tab-", "");
  if (history.replaceState) history.replaceState(null, "", `#${name}`);
  if (loaders[name]) loaders[name]();
}

function setupTabs() {
  const tabs = Array.from(document.querySelectorAll('[role="tab"]'));
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => selectTab(tab, false));
    tab.addEventListener("keydown", (event) => {
      let next = null;
      if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
      else if (event.key === "ArrowLeft") next = tabs[(index - 1 + tabs.length) % tabs.length];
      else if (event.key === "Home") next = tabs[0];
      else if (event.key === "End") next = tabs[tabs.length - 1];
      if (next) {
        event.preventDefault();
        selectTab(next, true);
      }
    });
  });
  const wanted = document.getElementById(`tab-${location.hash.slice(1)}`);
  selectTab(wanted || tabs[0], false);
}

// ---- channel ---------------------------------------------------------------------------------------

function currentUser() {
  return document.getElementById("user").value.trim() || "guest";
}

function timeOf(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function messageItem(message) {
  const thread = el("div", { class: "thread", "aria-label": `Thread of ${message.user}'s message` });
  const text = el("p", { class: "text", text: message.text });
  const edit = el("button", { type: "button", class: "link", text: "Edit", "aria-label": `Edit ${message.user}'s message` });
  const item = el(
    "li",
    { class: "message", "data-message-id": message.id },
    el("div", { class: "meta" }, el("span", { class: "who", text: message.user }), el("span", { class: "muted", text: timeOf(message.at) }), " ", edit),
    text,
    thread,
  );
  edit.addEventListener("click", () => openEdit(message, item, text, edit));
  return { item, thread };
}

// Editing a message the way Slack allows: when the edit drops the misconception, dosay's reply says so
// and the correction counts as accepted (see Stats).
function openEdit(message, item, text, edit) {
  if (item.querySelector("form.edit-form")) return;
  const id = `edit-${message.id}`;
  const input = el("input", { id, value: text.textContent, maxlength: 4000, required: true });
  const save = el("button", { type: "submit", class: "primary", text: "Save" });
  const form = el("form", { class: "thread-form edit-form" },
    el("label", { for: id, class: "visually-hidden", text: "Edit the message" }), input, save,
    el("button", { type: "button", text: "Cancel", onclick: () => { form.remove(); text.hidden = false; edit.focus(); } }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run("Saving the edit", async () => {
      const data = await api(`/api/playground/messages/${encodeURIComponent(message.id)}`, {
        method: "PATCH",
        body: { user: message.user, text: input.value.trim() },
      });
      text.textContent = input.value.trim();
      text.append(el("span", { class: "muted", text: " (edited)" }));
      text.hidden = false;
      form.remove();
      const card = data.entry_id ? item.querySelector(`.card.reply[data-entry="${CSS.escape(data.entry_id)}"]`) : null;
      if (card && data.outcome === "retracted") {
        card.classList.add("retracted");
        card.prepend(el("p", { class: "feedback-note retracted-note", text: `✅ Edited: the message no longer says this. ${data.note}` }));
      }
      setStatus(data.note);
      edit.focus();
    }, save);
  });
  text.hidden = true;
  text.after(form);
  input.focus();
}

function silentLine(decision) {
  return el("p", { class: "silent", "data-reason": decision.reason, text: decision.note });
}

async function sendMessage(text, threadId) {
  const data = await api("/api/playground/messages", {
    body: { user: currentUser(), text, thread_id: threadId || null, client_id: crypto.randomUUID ? crypto.randomUUID() : String(Math.random()) },
  });
  return data;
}

function threadComposer(rootId, thread) {
  const id = `reply-${rootId}`;
  const input = el("input", { id, name: "text", maxlength: 4000, autocomplete: "off", required: true, placeholder: "Reply in thread…" });
  const button = el("button", { type: "submit", text: "Reply" });
  const form = el(
    "form",
    { class: "thread-form" },
    el("label", { for: id, class: "visually-hidden", text: "Reply in this thread" }),
    input,
    button,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    run("Sending the reply", async () => {
      const data = await sendMessage(text, rootId);
      input.value = "";
      const { item } = messageItem(data.message);
      item.classList.add("in-thread");
      item.querySelector(".thread").remove();
      form.before(item);
      showDecision(data.decision, form, thread, true);
      setStatus(data.decision.note);
    }, button);
  });
  return form;
}

function showDecision(decision, before, thread, inThread) {
  const node = decision.reply ? replyCard(decision.reply) : silentLine(decision);
  if (before) before.before(node);
  else thread.append(node);
  return node;
}

async function postMessage(event) {
  event.preventDefault();
  const textarea = document.getElementById("text");
  const text = textarea.value.trim();
  if (!text) {
    textarea.focus();
    return;
  }
  const button = event.target.querySelector('button[type="submit"]');
  await run("Sending the message", async () => {
    const data = await sendMessage(text, null);
    textarea.value = "";
    const { item, thread } = messageItem(data.message);
    document.getElementById("messages").append(item);
    showDecision(data.decision, null, thread, false);
    thread.append(threadComposer(data.message.id, thread));
    setStatus(data.decision.note);
    item.scrollIntoView({ block: "nearest" });
  }, button);
  textarea.focus();
}

// ---- the reply card (as in Slack: reframe, why, regime, cost band, NIST, buttons) ----------------------

function replyCard(reply) {
  const card = el("article", { class: "card reply", "data-entry": reply.entry_id, "aria-label": `dosay: ${reply.title}` });
  card.append(
    el("h3", {}, "dosay ", el("span", { class: "muted", text: `· ${reply.title}` })),
    el("p", {}, el("b", { text: "Instead of " }), `“${reply.dont_say}”`),
    el("p", { class: "do-say" }, el("b", { text: "Try saying: " }), reply.do_say),
    el("p", { class: "why" }, el("b", { text: "Why it matters: " }), reply.why),
  );
  if (reply.triage_question) {
    card.append(
      el("p", {}, el("b", { text: "Ask first: " }), reply.triage_question),
      el("ul", {}, ...reply.triage_branches.map((b) => el("li", { text: b }))),
    );
  }
  const facts = el(
    "ul",
    { class: "facts" },
    labelled("Regime", reply.regime_name),
    labelled("Cost band", reply.cost_band),
    reply.timeline ? labelled("Timeline", reply.timeline) : null,
    labelled("Reference", reply.nist),
  );
  card.append(facts, el("p", { class: "why-matched", text: `Matched because: ${reply.explanation}` }));
  const note = el("p", { class: "feedback-note", role: "status" });
  const actions = el("div", { class: "actions", role: "group", "aria-label": "Respond to dosay" });
  for (const button of reply.buttons) {
    actions.append(el("button", {
      type: "button",
      "data-action": button.action_id,
      text: button.label,
      onclick: (event) => onButton(button, reply, card, note, event.currentTarget),
    }));
  }
  card.append(actions, note);
  return card;
}

async function feedback(kind, reply, extra) {
  return api("/api/playground/feedback", { body: { user: currentUser(), entry_id: reply.entry_id, kind, ...extra } });
}

function onButton(button, reply, card, note, target) {
  if (button.action_id === "dosay_helpful") {
    run("Saving feedback", async () => {
      note.textContent = (await feedback("helpful", reply)).note;
    }, target);
  } else if (button.action_id === "dosay_snooze") {
    run("Snoozing", async () => {
      note.textContent = (await feedback("snooze", reply)).note;
    }, target);
  } else if (button.action_id === "dosay_not_misconception") {
    openNotMisconception(reply, card, note, target);
  } else if (button.action_id === "dosay_more_regime") {
    run("Loading the regime card", async () => {
      const existing = card.querySelector(".regime-more");
      if (existing) {
        existing.querySelector("summary").focus();
        return;
      }
      const regime = await api(`/api/regimes/${encodeURIComponent(button.value)}`);
      const more = regimeCard(regime, true);
      card.append(more);
      more.querySelector("summary").focus();
    }, target);
  }
}

function openNotMisconception(reply, card, note, target) {
  if (card.querySelector("form.not-misconception")) return;
  const suffix = `${reply.entry_id}-${Math.random().toString(36).slice(2, 8)}`;
  const textarea = el("textarea", { id: `nm-text-${suffix}`, rows: 2, maxlength: 2000 });
  const consent = el("input", { id: `nm-consent-${suffix}`, type: "checkbox" });
  const submit = el("button", { type: "submit", class: "primary", text: "Send feedback" });
  const form = el(
    "form",
    { class: "not-misconception" },
    el("label", { for: textarea.id, text: "Why is it not a misconception here? (optional)" }),
    textarea,
    el("div", {}, consent, el("label", { for: consent.id, text: " Store my text with the feedback (otherwise only the click is stored)" })),
    el("div", { class: "actions" }, submit, el("button", { type: "button", text: "Cancel", onclick: () => { form.remove(); target.focus(); } })),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run("Saving feedback", async () => {
      const text = textarea.value.trim();
      const data = await feedback("not_misconception", reply, { text: text || null, consent: consent.checked });
      note.textContent = data.text_stored ? `${data.note} Your text was stored.` : data.note;
      form.remove();
      target.focus();
    }, submit);
  });
  note.before(form);
  textarea.focus();
}

// ---- regimes, phrasebook, cost, stats ------------------------------------------------------------------

function regimeCard(regime, collapsible) {
  const body = [
    el("p", {}, el("b", { text: "What it is: " }), regime.what_it_is),
    el("ul", { class: "facts" },
      labelled("Cost structure", regime.cost_structure),
      labelled("Typical magnitude", regime.typical_magnitude),
      labelled("Time to production", regime.time_to_production),
      labelled("Data handling", regime.data_handling)),
    regime.cost_band_display ? el("p", {}, el("b", { text: "Cost band: " }), regime.cost_band_display) : null,
    regime.analogies && regime.analogies.length
      ? el("ul", {}, ...regime.analogies.map((a) => el("li", { text: `${a.text} Holds: ${a.holds} Breaks: ${a.breaks}` })))
      : null,
    sourcesList(regime.sources, `Verified ${regime.verified_on}`),
  ];
  if (collapsible) {
    return el("details", { class: "card regime-more", open: true }, el("summary", { text: `More on ${regime.name}` }), ...body);
  }
  return el("article", { class: "card regime", "data-regime": regime.id },
    el("h3", {}, regime.name, staleBadge(regime.stale, "review due")), ...body);
}

function sourcesList(sources, lead) {
  return el("div", { class: "sources" },
    el("b", { text: "Sources: " }),
    el("ul", {}, ...(sources || []).map((s) => {
      const title = s.url && /^https?:\/\//.test(s.url) ? el("a", { href: s.url, rel: "noopener noreferrer", text: s.title }) : el("span", { text: s.title });
      return el("li", {}, title, ` (verified ${s.verified_on})`, s.note ? ` ${s.note}` : "");
    })),
    lead ? el("small", { class: "muted", text: lead }) : null);
}

function entryCard(entry) {
  const card = el("article", { class: "card entry", "data-entry": entry.id },
    el("h4", {}, entry.title, el("span", { class: "badge regime", text: entry.regime }), staleBadge(entry.stale, "figures due for review")),
    el("p", {}, el("b", { text: "Don't say: " }), `“${entry.dont_say}”`),
    el("p", { class: "do-say" }, el("b", { text: "Do say: " }), entry.do_say));
  const details = el("details", {}, el("summary", { text: "Examples, sources and figures" }));
  details.addEventListener("toggle", () => {
    if (!details.open || details.dataset.loaded) return;
    run("Loading the entry", async () => {
      const full = await api(`/api/phrasebook/entries/${encodeURIComponent(entry.id)}`);
      details.dataset.loaded = "1";
      details.append(
        el("p", {}, el("b", { text: "Why it matters: " }), full.why),
        el("ul", { class: "facts" },
          labelled("Cost band", full.cost_band),
          labelled("Reference", full.nist),
          labelled("Verified", full.verified_on),
          labelled("Review due", full.review_due)),
        full.stale_reasons.length ? el("p", { class: "badge stale", text: `Stale: ${full.stale_reasons.join("; ")}` }) : null,
        el("p", {}, el("b", { text: "Examples it answers:" })),
        el("ul", {}, ...full.examples.must_match.map((t) => el("li", { text: t }))),
        el("p", {}, el("b", { text: "Examples it stays silent on:" })),
        el("ul", {}, ...full.examples.must_not_match.map((t) => el("li", { text: t }))),
        sourcesList(full.sources));
    });
  });
  card.append(details);
  return card;
}

let entriesCache = null;

async function loadEntries() {
  if (entriesCache) return entriesCache;
  const data = await api("/api/phrasebook/entries");
  entriesCache = data.entries;
  document.getElementById("entries").replaceChildren(...entriesCache.map(entryCard));
  return entriesCache;
}

loaders.phrasebook = () => run("Loading the phrasebook", loadEntries);

let regimesCache = null;
let bandsCache = null;

async function loadRegimes() {
  if (!regimesCache) regimesCache = (await api("/api/regimes")).regimes;
  return regimesCache;
}

async function loadBands() {
  if (!bandsCache) bandsCache = (await api("/api/cost-bands")).cost_bands;
  return bandsCache;
}

function bandCard(band) {
  return el("article", { class: "card", "data-band": band.id },
    el("h4", {}, `Cost: ${band.label}`, staleBadge(band.stale, "figures due for review")),
    el("p", { text: band.display }),
    band.hidden_cost ? el("p", {}, el("b", { text: "Hidden cost: " }), band.hidden_cost) : null);
}

async function hitCard(hit) {
  if (hit.kind === "entry") {
    const entry = (await loadEntries()).find((e) => e.id === hit.id);
    return entry ? entryCard(entry) : null;
  }
  if (hit.kind === "regime") {
    const regime = (await loadRegimes()).find((r) => r.id === hit.id);
    return regime ? regimeCard(regime, false) : null;
  }
  const band = (await loadBands()).find((b) => b.id === hit.id);
  return band ? bandCard(band) : null;
}

async function searchFor(q, button) {
  const box = document.getElementById("search-results");
  await run("Searching", async () => {
    const data = await api(`/api/phrasebook/search?q=${encodeURIComponent(q)}`);
    const list = el("ol", { class: "cards search-hits", "aria-label": `Results for ${data.query}` });
    for (const hit of data.results) {
      const card = await hitCard(hit);
      if (card) list.append(el("li", { "data-kind": hit.kind }, card));
    }
    const suggestions = data.did_you_mean.length
      ? el("p", { class: "did-you-mean" }, "Did you mean ", ...data.did_you_mean.map((text) =>
          el("button", { type: "button", class: "link", text, onclick: () => {
            document.getElementById("search").value = text;
            searchFor(text, null);
          } })), "?")
      : null;
    const empty = el("p", { class: "muted", text: `Nothing in the phrasebook matches “${data.query}”.` });
    box.replaceChildren(...[suggestions, data.results.length ? list : empty].filter(Boolean));
    setStatus(`${data.results.length} result(s) for “${data.query}”.`);
  }, button);
}

function searchPhrasebook(event) {
  event.preventDefault();
  const q = document.getElementById("search").value.trim();
  const button = event.target.querySelector('button[type="submit"]');
  return searchFor(q, button);
}

loaders.regimes = () => run("Loading the regime cards", async () => {
  document.getElementById("regimes").replaceChildren(...(await loadRegimes()).map((r) => regimeCard(r, false)));
});

loaders.cost = () => run("Loading the cost table", async () => {
  document.getElementById("cost-bands").replaceChildren(...(await loadBands()).map(bandCard));
});

function money(value) {
  if (value === null || value === undefined) return "not priced";
  if (value >= 100) return `$${Math.round(value).toLocaleString("en-US")}`;
  return `$${value.toFixed(value >= 0.01 || value === 0 ? 2 : 4)}`;
}

function moneyRange(low, high) {
  if (low === null || high === null) return "not priced";
  return Math.abs(high - low) < 0.005 ? money(low) : `${money(low)}–${money(high)}`;
}

function costCard(result) {
  const rows = result.lines.map((line) => el("tr", {},
    el("th", { scope: "row", text: line.label }),
    el("td", { text: moneyRange(line.low, line.high) }),
    el("td", {}, line.formula, line.note ? el("div", { class: "muted", text: line.note }) : null)));
  return el("article", { class: "card cost-answer", "aria-label": "Estimate" },
    el("h3", { text: `${result.band_label} estimate` }),
    el("p", { class: "total", text: moneyRange(result.total_low, result.total_high) + (result.complete ? "" : " (partial)") }),
    rows.length ? el("table", { class: "cost-lines" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Line" }), el("th", { scope: "col", text: "Amount" }), el("th", { scope: "col", text: "How" }))),
      el("tbody", {}, ...rows)) : null,
    result.assumptions.length ? el("ul", {}, ...result.assumptions.map((a) => el("li", { text: `Assumption: ${a}` }))) : null,
    result.typical_magnitude ? el("p", {}, el("b", { text: "Typical: " }), result.typical_magnitude) : null,
    result.hidden_cost ? el("p", {}, el("b", { text: "Hidden cost: " }), result.hidden_cost) : null,
    el("p", { class: "muted", text: `Figures verified ${result.verified_on}; ${result.verify_note}.` }));
}

function costFields() {
  const form = document.getElementById("cost-form");
  const choice = form.elements.regime.value;
  const body = { regime: choice === "rft" ? "fine-tuning" : choice, rft: choice === "rft" };
  const millions = new Set(["input_tokens", "output_tokens", "training_tokens"]);
  for (const group of form.querySelectorAll(".cost-group")) {
    if (group.hidden) continue;
    for (const input of group.querySelectorAll("input, select")) {
      const raw = input.value.trim();
      if (raw === "") continue;
      if (input.tagName === "SELECT") {
        body[input.name] = raw;
        continue;
      }
      const value = Number(raw);
      if (!Number.isFinite(value) || value < 0) {
        input.focus();
        throw new Error(`${input.labels[0].textContent}: enter a number of 0 or more`);
      }
      body[input.name] = millions.has(input.name) ? value * 1e6 : value;
    }
  }
  return body;
}

function showCostGroups() {
  const choice = document.getElementById("cost-regime").value;
  for (const group of document.querySelectorAll(".cost-group")) {
    group.hidden = !group.dataset.for.split(" ").includes(choice);
  }
}

async function computeCost(event, fromQuery) {
  event.preventDefault();
  const box = document.getElementById("cost-result");
  const button = event.target.querySelector('button[type="submit"]');
  await run("Computing the cost", async () => {
    box.replaceChildren();
    let body;
    if (fromQuery) {
      const query = document.getElementById("cost-query").value.trim();
      if (!query) throw new Error("type a cost query, e.g. inference 10M in 2M out");
      body = { query };
    } else {
      body = costFields();
    }
    const data = await api("/api/cost", { body });
    box.replaceChildren(costCard(data.result));
    setStatus(`Estimate: ${moneyRange(data.result.total_low, data.result.total_high)}.`);
  }, button);
}

function barChart(stats) {
  const entries = Object.keys(stats.corrections_per_entry);
  const weeks = stats.weeks;
  const totals = weeks.map((_, i) => entries.reduce((sum, e) => sum + stats.corrections_per_entry[e][i], 0));
  const max = Math.max(1, ...totals);
  const width = 640, height = 240, left = 36, bottom = 40, top = 10;
  const slot = (width - left) / weeks.length;
  const chart = svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": "chart-title chart-desc" });
  const title = svg("title", { id: "chart-title" });
  title.textContent = "Corrections per entry per week";
  const desc = svg("desc", { id: "chart-desc" });
  desc.textContent = weeks.map((w, i) => `week of ${w}: ${totals[i]}`).join("; ");
  chart.append(title, desc);
  const scale = (height - bottom - top) / max;
  chart.append(svg("line", { x1: left, y1: height - bottom, x2: width, y2: height - bottom, stroke: "#57606a" }));
  const maxLabel = svg("text", { x: 2, y: top + 10 });
  maxLabel.textContent = String(max);
  chart.append(maxLabel);
  weeks.forEach((week, i) => {
    let y = height - bottom;
    entries.forEach((entry, j) => {
      const count = stats.corrections_per_entry[entry][i];
      if (!count) return;
      const h = count * scale;
      y -= h;
      const rect = svg("rect", { x: left + i * slot + slot * 0.15, y, width: slot * 0.7, height: h, fill: COLOURS[j % COLOURS.length] });
      const tip = svg("title");
      tip.textContent = `${entry}, week of ${week}: ${count}`;
      rect.append(tip);
      chart.append(rect);
    });
    const label = svg("text", { x: left + i * slot + slot / 2, y: height - bottom + 16, "text-anchor": "middle" });
    label.textContent = week.slice(5);
    chart.append(label);
  });
  const legend = el("ul", { class: "legend", "aria-label": "Entries" }, ...entries.map((entry, j) => {
    const swatch = svg("svg", { width: 12, height: 12, "aria-hidden": "true", class: "swatch" });
    swatch.append(svg("rect", { width: 12, height: 12, fill: COLOURS[j % COLOURS.length] }));
    return el("li", {}, swatch, `${entry} (${stats.corrections_per_entry[entry].reduce((a, b) => a + b, 0)})`);
  }));
  return el("figure", {}, chart, el("figcaption", { class: "muted", text: "Corrections per entry per week (weeks start on Monday)." }), legend);
}

function stat(label, value) {
  return el("div", { class: "stat" }, el("div", { class: "muted", text: label }), el("div", { class: "value", text: value }));
}

loaders.stats = () => run("Loading stats", async () => {
  const s = await api("/api/stats");
  const ratio = s.feedback.helpful_ratio === null ? "no feedback yet" : `${Math.round(s.feedback.helpful_ratio * 100)}% helpful`;
  document.getElementById("stats").replaceChildren(
    el("div", { class: "stats-grid" },
      stat("Corrections", String(s.corrections.total)),
      stat("Accepted corrections (author edited)", s.corrections.accepted_ratio === null
        ? String(s.corrections.accepted)
        : `${s.corrections.accepted} (${Math.round(s.corrections.accepted_ratio * 100)}%)`),
      stat("Feedback: helpful / not a misconception", `${s.feedback.helpful} / ${s.feedback.not_misconception}`),
      stat("Feedback ratio", ratio)),
    Object.keys(s.corrections_per_entry).length ? barChart(s) : el("p", { class: "muted", text: "No corrections in these weeks yet." }));
});

// ---- start ---------------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  setupTabs();
  document.getElementById("composer").addEventListener("submit", postMessage);
  document.getElementById("text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      document.getElementById("composer").requestSubmit();
    }
  });
  document.getElementById("search-form").addEventListener("submit", searchPhrasebook);
  document.getElementById("cost-form").addEventListener("submit", (event) => computeCost(event, false));
  document.getElementById("cost-query-form").addEventListener("submit", (event) => computeCost(event, true));
  document.getElementById("cost-regime").addEventListener("change", showCostGroups);
  document.getElementById("stats-refresh").addEventListener("click", () => loaders.stats());
  document.body.dataset.ready = "1";
});
