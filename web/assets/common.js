// caseflow pages, shared parts: calling the API as the signed-in person, UK dates and times,
// and showing the API's problems beside the fields they name.
//
// The browser holds no token: the session cookie (HttpOnly) authenticates every request, and
// the session's CSRF token goes in a header with every request that changes something.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) if (c !== undefined && c !== null && c !== "") e.append(c);
  return e;
};

const ME = { role: document.body.dataset.role, user: document.body.dataset.user };
const CSRF = document.querySelector('meta[name="csrf-token"]').content;
const ACTION_TITLES = JSON.parse($("#action-titles").textContent || "{}") || {};
const actionTitle = (kind) => ACTION_TITLES[kind] || kind;

function say(message, isError = false) {
  const s = $("#status");
  s.textContent = message;
  s.classList.toggle("error", isError);
}

// confirmDone shows that something was recorded where the eye is, as the GOV.UK notification
// banner does: a success banner at the top of the part of the page that recorded it, which
// takes focus, so that a phone scrolls to it and a screen reader reads it once. The page's
// status line is cleared, so that it never shows an older message above.
function confirmDone(message, container) {
  say("");
  $$(".success-banner").forEach((b) => b.remove());
  const banner = el("div", { class: "success-banner", role: "region", "aria-labelledby": "success-title", tabindex: "-1" },
    el("h2", { id: "success-title", text: "Done" }), el("p", { text: message }));
  container.prepend(banner);
  banner.focus();
}

// ApiError is a problem+json answer: its detail, and the fields it names.
class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `The request failed (${status}).`);
    this.status = status;
    this.fields = problem?.errors || {};
  }
}

// KEEP_WORDING, set to "true", keeps wording the language check flagged: the person recording
// says they are quoting someone.
const KEEP_WORDING = "Caseflow-Keep-Wording";

let uniqueSeq = 0;
const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${++uniqueSeq}-${Math.random()}`);

// api calls the API as the signed-in person. A background call (a refresh the page makes by
// itself) does not count as activity, so an unattended page still signs out when idle.
async function api(method, path, body, { background = false, headers: extra = {} } = {}) {
  const headers = { Accept: "application/json", ...extra };
  if (background) headers["X-Caseflow-Background"] = "1";
  if (method !== "GET") {
    headers["X-CSRF-Token"] = CSRF;
    headers["Idempotency-Key"] = newKey();
  }
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const resp = await fetch(path, { method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body) });
  const data = resp.headers.get("Content-Type")?.includes("json") ? await resp.json() : null;
  if (resp.status === 401) {
    // The sign-in ended: sign in again and come back here, where the draft is waiting.
    location.href = "/?" + new URLSearchParams({ next: location.pathname, ended: "1" });
    throw new ApiError(401, data);
  }
  if (!resp.ok) throw new ApiError(resp.status, data);
  return data;
}

// ---- Drafts: nothing typed is lost. ----
// A form given to keepDrafts keeps what is typed in it in this tab's sessionStorage, under the
// person, the page and the form's key, until it is recorded; it is put back when the form is
// built again, after a sign-in that ended, say. Signing out clears every draft of the tab, so
// that the next person at a shared computer finds none.

const DRAFTS = "caseflow-draft:";
const draftKey = (form) => `${DRAFTS}${ME.user}:${location.pathname}:${form.dataset.draft}`;
const draftFields = (form) => [...form.elements].filter((e) => e.name && !["hidden", "submit", "button", "file"].includes(e.type));
const ticked = (e) => e.type === "checkbox" || e.type === "radio";

function saveDraft(form) {
  const values = draftFields(form).map((e) => [e.name, ticked(e) ? e.checked : e.value]);
  try {
    sessionStorage.setItem(draftKey(form), JSON.stringify(values));
  } catch { /* storage full or turned off: the form works without it */ }
}

function restoreDraft(form) {
  let values = null;
  try {
    values = JSON.parse(sessionStorage.getItem(draftKey(form)) || "null");
  } catch { /* a draft that cannot be read is no draft */ }
  const fields = draftFields(form);
  if (!Array.isArray(values) || values.length !== fields.length || values.some(([name], i) => name !== fields[i].name)) return;
  fields.forEach((e, i) => {
    if (ticked(e)) e.checked = !!values[i][1]; else e.value = values[i][1] ?? "";
  });
  // Then each answer reveals what it reveals, as if chosen again.
  fields.filter((e) => !ticked(e) || e.checked).forEach((e) => e.dispatchEvent(new Event("change", { bubbles: true })));
}

const clearDraft = (form) => form.dataset.draft !== undefined && sessionStorage.removeItem(draftKey(form));

// keepDrafts makes a form keep its draft under key, and puts back the one it had.
function keepDrafts(form, key) {
  form.dataset.draft = key;
  restoreDraft(form);
  form.addEventListener("input", () => saveDraft(form));
  form.addEventListener("change", () => saveDraft(form));
}

document.addEventListener("submit", (ev) => {
  if (!ev.target.matches("form.signout")) return;
  for (const k of Object.keys(sessionStorage)) if (k.startsWith(DRAFTS)) sessionStorage.removeItem(k);
});

// ---- Times: entered and shown in UK time, whatever the browser's locale or time zone. ----

const UK = "Europe/London";
const ukFormat = new Intl.DateTimeFormat("en-GB", { timeZone: UK, day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const when = (iso) => (iso && !iso.startsWith("0001-") ? ukFormat.format(new Date(iso)) : "–");
// timeEl shows a moment in UK time, machine-readable in its datetime attribute.
const timeEl = (iso) => (iso && !iso.startsWith("0001-") ? el("time", { datetime: iso, text: when(iso) }) : "–");

const ukDateFormat = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" });
// ukDate shows a calendar date (2010-04-23) as 23 April 2010.
const ukDate = (d) => (d ? ukDateFormat.format(new Date(d + "T00:00:00Z")) : "–");

// ageOn is the age in whole years, on the UK's today, of someone born on the date (2010-04-23).
function ageOn(dob, now = new Date()) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dob || "");
  if (!m) return null;
  const t = ukParts(now);
  const [y, mo, d] = [+m[1], +m[2], +m[3]];
  return t.y - y - (t.m < mo || (t.m === mo && t.d < d) ? 1 : 0);
}

// ukParts is a moment's wall-clock reading in the UK.
function ukParts(date) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", {
    timeZone: UK, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(date).map((p) => [p.type, p.value]));
  return { y: +parts.year, m: +parts.month, d: +parts.day, h: +parts.hour, min: +parts.minute };
}

// ukToDate turns a UK wall-clock time into a moment, through the UK's offset at that time
// (GMT or BST).
function ukToDate(y, m, d, h, min) {
  const wanted = Date.UTC(y, m - 1, d, h, min);
  let t = wanted;
  for (let i = 0; i < 2; i++) {
    const p = ukParts(new Date(t));
    t += wanted - Date.UTC(p.y, p.m - 1, p.d, p.h, p.min);
  }
  return new Date(t);
}

const pad = (n) => String(n).padStart(2, "0");

// parseUKDate reads 27/03/2026 (or 27-3-2026, 27.3.26) into its parts, null when it is not a date.
function parseUKDate(text) {
  const m = /^\s*(\d{1,2})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d{2}|\d{4})\s*$/.exec(text);
  if (!m) return null;
  const [d, mo] = [+m[1], +m[2]];
  const y = m[3].length === 2 ? 2000 + +m[3] : +m[3];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return null;
  return { y, m: mo, d };
}

// parseUKTime reads 14:30 (or 14.30, 1430) as 24-hour time.
function parseUKTime(text) {
  const m = /^\s*(\d{1,2})\s*[:.]?\s*(\d{2})\s*$/.exec(text);
  if (!m || +m[1] > 23 || +m[2] > 59) return null;
  return { h: +m[1], min: +m[2] };
}

// dateTimeField is a UK date and a 24-hour time, with a button that fills in now.
function dateTimeField(name, legend, { hint, value, required } = {}) {
  const id = `dt-${name.replace(/\W/g, "-")}-${++uniqueSeq}`;
  const req = required ? "true" : undefined;
  const date = el("input", { id: id + "-date", name: name + ".date", inputmode: "numeric", autocomplete: "off", class: "short", "aria-describedby": id + "-dhint", "aria-required": req });
  const time = el("input", { id: id + "-time", name: name + ".time", inputmode: "numeric", autocomplete: "off", class: "short", "aria-describedby": id + "-thint", "aria-required": req });
  const now = el("button", { type: "button", class: "secondary", text: "Now" });
  now.setAttribute("aria-label", `${legend}: now`);
  const fill = (d) => {
    const p = ukParts(d);
    date.value = `${pad(p.d)}/${pad(p.m)}/${p.y}`;
    time.value = `${pad(p.h)}:${pad(p.min)}`;
  };
  now.addEventListener("click", () => fill(new Date()));
  if (value) fill(new Date(value));
  return el("fieldset", { class: "datetime", "data-field": name, "data-datetime": name },
    el("legend", {}, legend, required ? el("span", { class: "req", text: " (required)" }) : undefined),
    hint ? el("p", { class: "hint", text: hint }) : undefined,
    el("div", { class: "row" },
      el("div", {}, el("label", { for: date.id, text: "Date" }), el("span", { class: "hint", id: id + "-dhint", text: "for example 27/03/2026" }), date),
      el("div", {}, el("label", { for: time.id, text: "Time (UK)" }), el("span", { class: "hint", id: id + "-thint", text: "24-hour, for example 14:30" }), time),
      now));
}

// readDateTime returns the ISO time of a date-time field, undefined when empty, or throws a
// field error.
function readDateTime(fieldset) {
  const [date, time] = $$("input", fieldset).map((i) => i.value.trim());
  if (!date && !time) return undefined;
  const d = parseUKDate(date);
  const t = parseUKTime(time || "");
  if (!d) throw new FieldError(fieldset.dataset.datetime, "Enter a date like 27/03/2026");
  if (!t) throw new FieldError(fieldset.dataset.datetime, "Enter a time like 14:30");
  return ukToDate(d.y, d.m, d.d, t.h, t.min).toISOString().replace(/\.\d+Z$/, "Z");
}

function readDate(input) {
  if (!input.value.trim()) return undefined;
  const d = parseUKDate(input.value);
  if (!d) throw new FieldError(input.name, "Enter a date like 23/04/2010");
  return `${d.y}-${pad(d.m)}-${pad(d.d)}`;
}

class FieldError extends Error {
  constructor(field, message) {
    super(message);
    this.fields = { [field]: message };
  }
}

// ---- Problems beside their fields ----

// fieldBox finds the part of a form that shows a field: its data-field wrapper, or its input.
function fieldBox(form, name) {
  const exact = $$("[data-field]", form).find((e) => e.dataset.field === name);
  if (exact) return exact;
  const input = $$("[name]", form).find((e) => e.name === name);
  if (input) return input.closest("[data-field]") || input;
  // "indicators[0].code" and the like belong to their list.
  const base = name.split(/[.[]/)[0];
  return base !== name ? fieldBox(form, base) : null;
}

const humanField = (name) => {
  const s = name.replace(/^child\./, "child's ").replace(/[_.]/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
};

// labelText is what a label or legend says, without its hints.
const labelText = (node) => [...node.childNodes]
  .filter((n) => n.nodeType === Node.TEXT_NODE || !(n.classList.contains("hint") || n.classList.contains("req")))
  .map((n) => n.textContent).join("").trim();

function clearProblems(form) {
  $$(".field-error", form).forEach((e) => e.remove());
  $$("[aria-invalid]", form).forEach((e) => e.removeAttribute("aria-invalid"));
  $$(".has-error", form).forEach((e) => e.classList.remove("has-error"));
  $(".error-summary", form)?.remove();
}

// showProblems puts each field's message beside it (opening a hidden section when the field
// is in it), and a summary at the top of the form that links to each.
function showProblems(form, err) {
  clearProblems(form);
  const items = [];
  for (let [field, message] of Object.entries(err.fields || {})) {
    const box = fieldBox(form, field);
    if (box?.dataset.datetime) message = message.replace(/\s*\([^)]*\d{4}-\d\d-\d\dT[^)]*\)/, "");
    const named = box && (box.matches("fieldset") ? $("legend", box) : $("label", box));
    const text = `${named ? labelText(named) : humanField(field)}: ${message}`;
    if (box) {
      for (let p = box.parentElement; p && p !== form; p = p.parentElement) if (p.hidden) p.hidden = false;
      const id = `err-${field.replace(/\W/g, "-")}-${++uniqueSeq}`;
      const msg = el("p", { class: "field-error", id }, el("span", { class: "visually-hidden", text: "Error: " }), message);
      box.classList.add("has-error");
      (named || box).after(msg);
      const inputs = box.matches("input, select, textarea") ? [box] : $$("input, select, textarea", box);
      inputs.forEach((i) => {
        i.setAttribute("aria-invalid", "true");
        i.setAttribute("aria-describedby", [i.getAttribute("aria-describedby"), id].filter(Boolean).join(" "));
      });
      const target = inputs.find((i) => i.type !== "hidden");
      items.push(el("li", {}, target ? el("a", { href: "#" + target.id, text }) : text));
    } else {
      items.push(el("li", { text }));
    }
  }
  const summary = el("div", { class: "error-summary", role: "alert", tabindex: "-1" },
    el("h2", { text: "There is a problem" }), el("p", { text: err.message }), items.length ? el("ul", {}, ...items) : undefined);
  form.prepend(summary);
  summary.querySelectorAll("a").forEach((a) => a.addEventListener("click", (ev) => {
    ev.preventDefault();
    document.getElementById(a.getAttribute("href").slice(1))?.focus();
  }));
  summary.focus();
}

// ---- Lists ----

const LEVELS = ["not chased yet", "reminded", "overdue", "manager told", "Safeguarding Lead told"];
const lateBy = (seconds) => {
  const h = Math.floor(seconds / 3600), d = Math.floor(h / 24);
  return d >= 1 ? `${d} day${d > 1 ? "s" : ""}` : h >= 1 ? `${h} hour${h > 1 ? "s" : ""}` : `${Math.max(1, Math.floor(seconds / 60))} min`;
};
const ROLE_NAMES = {
  carer: "foster carer", social_worker: "social worker", fostering_social_worker: "fostering social worker",
  safeguarding_lead: "Safeguarding Lead", manager: "manager", data_protection_officer: "data protection officer",
};
// The roles that see every case, and read who accessed each.
const OVERSEERS = ["manager", "safeguarding_lead"];
// What the access log's records name, as people say it.
const ACCESS_ACTIONS = {
  getCase: "Read the case", getTimeline: "Read the timeline", caseAccess: "Read who accessed the case",
  listCases: "Listed in their cases", myActions: "Listed in their actions", listOverdue: "Listed on the overdue board",
  overdueSummary: "Counted on the overdue board", myNotifications: "Listed in their notifications", events: "Told of a change (live update)",
  raiseConcern: "Raised a concern", "codec-decode": "Decoded its records in Temporal", "codec-encode": "Encoded for Temporal",
  "codec-refused": "Asked to decode its records",
};
const capitalise = (s) => (s ? s[0].toUpperCase() + s.slice(1) : s);
const ownerText = (owner) => {
  if (owner.role === "system") return "caseflow";
  if (owner.user_id === ME.user) return "You";
  return owner.user_id ? `${owner.user_id} (${ROLE_NAMES[owner.role] || owner.role})` : `The ${ROLE_NAMES[owner.role] || owner.role}`;
};
const stageText = (s) => ({
  "concern-raised": "Concern raised", reported: "Reported", "nrm-referred": "Referred to the NRM",
  "rg-decided": "Reasonable Grounds decided", "cg-decided": "Conclusive Grounds decided",
  "closure-requested": "Closure requested", closed: "Closed",
}[s] || s);

function notificationsInto(list, background = false) {
  return api("GET", "/v1/me/notifications?limit=20", undefined, { background }).then((r) => {
    list.replaceChildren(...r.notifications.map((n) => el("li", {},
      el("a", { href: "/cases/" + n.case_id, text: `${n.reference}: ${n.title || actionTitle(n.kind)}` }),
      ` (${n.level_name}, due ${when(n.due)}, sent ${when(n.sent_at)})`)));
    if (!r.notifications.length) list.append(el("li", { text: "No notifications." }));
  });
}

// Live updates: an EventSource on the API's event stream, authenticated by the session cookie.
function live(onChange) {
  const source = new EventSource("/v1/events");
  source.addEventListener("case", onChange);
  return source;
}

function debounce(f, ms) {
  let t;
  return () => { clearTimeout(t); t = setTimeout(f, ms); };
}
