// caseflow pages: forms for the steps of a case, built from the OpenAPI document, the same
// schemas the API validates against. Each field's label is its title, its hint its description;
// required fields, codes (enum, worded by x-enum-descriptions) and the step that closes each kind
// of action (x-closes) come from the document too, so the pages and the API cannot disagree.
"use strict";

let docPromise;

// apiDocument is the OpenAPI document, fetched once.
function apiDocument() {
  docPromise ??= fetch("/v1/openapi.json", { credentials: "same-origin" }).then((r) => r.json());
  return docPromise;
}

// resolver follows a schema's $ref within the document.
const resolver = (doc) => (s) => (s?.$ref ? doc.components.schemas[s.$ref.split("/").pop()] : s);

// codeLabel is the words people read for a code of a field of one of the document's schemas.
function codeLabel(doc, schemaName, field, value) {
  let s = doc.components.schemas[schemaName]?.properties?.[field];
  if (s?.items) s = s.items;
  const i = (s?.enum || []).indexOf(value);
  return i >= 0 && s["x-enum-descriptions"] ? s["x-enum-descriptions"][i] : value;
}

let stepsCache;

// allSteps lists every step of the document, with who may take it and what it closes.
async function allSteps() {
  if (!stepsCache) {
    const doc = await apiDocument();
    const resolve = resolver(doc);
    stepsCache = Object.entries(doc.paths)
      .filter(([p, item]) => p.startsWith("/v1/cases/{id}/") && item.post)
      .map(([p, item]) => ({
        name: p.split("/").pop(),
        title: item.post.summary.split(". Idempotent")[0],
        roles: item.post.description.replace(/^Roles: |\.$/g, "").split(", "),
        schema: resolve(item.post.requestBody.content["application/json"].schema),
        closes: item.post["x-closes"] || [],
        resolve,
      }));
  }
  return stepsCache;
}

// stepsFor lists the steps the signed-in role may take.
async function stepsFor(role) {
  return (await allSteps()).filter((s) => s.roles.includes(role));
}

// closerOf finds the step that closes an action, and fills in what the action is about: the
// record it names (hidden: the form asks no more about it) and the answers it implies.
function closerOf(action, steps) {
  for (const step of steps) {
    const c = step.closes.find((c) => c.kind === action.kind);
    if (!c) continue;
    const prefill = { ...(c.fill || {}) };
    let hidden = [];
    const value = c.from === "id" ? action.id : action.ref;
    if (c.field && value) {
      prefill[c.field] = step.schema.properties[c.field]?.type === "array" ? [value] : value;
      // Every field by which this step names what it answers is settled.
      hidden = [...new Set(step.closes.map((x) => x.field).filter(Boolean))];
    }
    return { step, prefill, hidden };
  }
  // A manager or the Safeguarding Lead can end any obligation for a reason when they cannot
  // record its event themselves.
  const resolve = steps.find((s) => s.name === "action-resolve");
  return resolve ? { step: resolve, prefill: { action_id: action.id }, hidden: ["action_id"] } : null;
}

// Fields people write at length.
const LONG_TEXT = new Set(["account", "summary", "outcome", "note", "reason", "text", "views", "late_reason", "no_contribution_reason", "offence"]);

const humanName = (name) => name.charAt(0).toUpperCase() + name.slice(1).replace(/_at$/, "").replace(/_/g, " ");

// orderOf lists an object's fields as the domain declares them, when it happened first.
function orderOf(schema) {
  const names = schema["x-field-order"] || Object.keys(schema.properties || {});
  const when = (n) => schema.properties[n]?.format === "date-time";
  return names.filter((n) => schema.properties[n]).sort((a, b) => when(b) - when(a));
}

// labelled is a label and its hint, the label marked when the field is required.
function labelled(tag, attrs, prop, name, required) {
  return el(tag, attrs, prop.title || humanName(name), required ? el("span", { class: "req", text: " (required)" }) : undefined);
}

// stepForm builds the form of one step. view is the case (for its records to choose from);
// prefill sets values; hidden fields are sent without being shown.
function stepForm(step, { view, prefill = {}, hidden = [], submitText, onDone } = {}) {
  const form = el("form", { class: "step", novalidate: true, "data-step": step.name });
  for (const name of orderOf(step.schema)) {
    const prop = step.resolve(step.schema.properties[name]);
    const required = (step.schema.required || []).includes(name);
    if (hidden.includes(name)) {
      const v = prefill[name];
      form.append(el("input", { type: "hidden", name, value: Array.isArray(v) ? v.join(",") : v ?? "", "data-type": prop.type === "array" ? "list" : undefined }));
      continue;
    }
    if (name === "resolutions") {
      form.append(resolutionsField(prop, view));
      continue;
    }
    form.append(field(step, name, prop, { required, view, value: prefill[name] }));
  }
  form.append(el("button", { type: "submit", text: submitText || step.title }));
  keepDrafts(form, `${step.name}:${view.case_id || view.id}:${JSON.stringify(prefill)}`);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    await submitForm(form, (body, headers) => api("POST", `/v1/cases/${view.case_id || view.id}/${step.name}`, body, { headers }),
      () => readStepBody(form), async (res) => { clearProblems(form); await onDone?.(res, form); });
  });
  return form;
}

// field builds the input of one field, named by its path in the body.
function field(step, name, prop, { required, view, value }) {
  const id = `f-${name.replace(/\W/g, "-")}-${++uniqueSeq}`;
  const hint = prop.description;
  const hintId = hint ? id + "-hint" : undefined;
  const hintEl = () => (hint ? el("p", { class: "hint", id: hintId, text: hint }) : undefined);
  const req = required ? "true" : undefined;
  const items = prop.type === "array" ? step.resolve(prop.items) || {} : null;
  const records = recordChoices(name.split(".").pop(), view);

  if (prop.format === "date-time") {
    return dateTimeField(name, prop.title || humanName(name), { hint, value, required });
  }
  if (prop.type === "object") {
    const box = el("fieldset", { class: "group", "data-field": name }, labelled("legend", {}, prop, name, required), hintEl());
    const sub = step.resolve(prop);
    for (const n of orderOf(sub)) {
      box.append(field(step, `${name}.${n}`, step.resolve(sub.properties[n]), { required: (sub.required || []).includes(n), view, value: value?.[n] }));
    }
    return box;
  }
  const codes = prop.enum || items?.enum;
  const words = prop["x-enum-descriptions"] || items?.["x-enum-descriptions"] || [];
  const options = codes ? codes.map((c, i) => [c, words[i] || c]).filter(([c]) => c !== "") : records;
  if (items && (items.enum || (records && items.type === "string"))) {
    // Several codes or records: tick any.
    const ticked = new Set(value || []);
    return el("fieldset", { class: "codes", "data-field": name, "data-many": name, "aria-describedby": hintId },
      labelled("legend", {}, prop, name, required), hintEl(),
      ...options.map(([v, t], i) => {
        const cid = `${id}-${i}`;
        return el("div", { class: "check" }, el("input", { type: "checkbox", id: cid, value: v, checked: ticked.has(v) }), el("label", { for: cid, text: t }));
      }));
  }
  if (items?.type === "object") return listField(step, name, prop, items, { required, view, hintEl });
  if (prop.type === "boolean") {
    const input = el("input", { id, name, type: "checkbox", "data-type": "bool", "aria-describedby": hintId, checked: !!value });
    return el("div", { "data-field": name }, el("label", { class: "inline", for: id }, input, " ", labelled("span", {}, prop, name, required)), hintEl());
  }
  if (options && options.length <= 4 && codes) {
    // A few codes: radio buttons, each answer visible at once.
    return el("fieldset", { "data-field": name, "aria-describedby": hintId }, labelled("legend", {}, prop, name, required), hintEl(),
      ...options.map(([v, t], i) => {
        const cid = `${id}-${i}`;
        return el("div", { class: "check" }, el("input", { type: "radio", id: cid, name, value: v, checked: value === v, "aria-required": req }), el("label", { for: cid, text: t }));
      }));
  }
  let input;
  if (options) {
    input = el("select", { id, name, "aria-describedby": hintId, "aria-required": req },
      el("option", { value: "", text: "Choose…" }), ...options.map(([v, t]) => el("option", { value: v, text: t })));
  } else if (prop.format === "date") {
    input = el("input", { id, name, class: "short", inputmode: "numeric", autocomplete: "off", "data-type": "date", "aria-describedby": hintId, "aria-required": req });
  } else if (items) {
    input = el("input", { id, name, "data-type": "list", spellcheck: "false", "aria-describedby": hintId, "aria-required": req });
  } else if (LONG_TEXT.has(name.split(".").pop())) {
    input = el("textarea", { id, name, rows: "3", "aria-describedby": hintId, "aria-required": req });
  } else {
    input = el("input", { id, name, inputmode: prop.type === "integer" ? "numeric" : undefined, "data-type": prop.type === "integer" ? "int" : undefined, "aria-describedby": hintId, "aria-required": req });
  }
  if (value !== undefined) input.value = Array.isArray(value) ? value.join(", ") : value;
  const box = el("div", { "data-field": name }, labelled("label", { for: id }, prop, name, required), hintEl(), input);
  if (prop.format === "date") box.querySelector(".hint")?.append(" Write it as 23/04/2010.");
  if (items && !options) box.querySelector("label").append(el("span", { class: "hint", text: " (separate them with commas)" }));
  return box;
}

// listField is a list of objects (attendees, agreed actions, signs): one group per item, and a
// button that adds another.
function listField(step, name, prop, items, { required, view, hintEl }) {
  const list = el("div", { class: "items" });
  const box = el("fieldset", { class: "group", "data-field": name }, labelled("legend", {}, prop, name, required), hintEl(), list);
  const add = () => {
    const i = list.children.length;
    const item = el("fieldset", { class: "item", "data-field": `${name}[${i}]` }, el("legend", { text: `${prop.title || humanName(name)}: ${i + 1}` }));
    for (const n of orderOf(items)) {
      item.append(field(step, `${name}[${i}].${n}`, step.resolve(items.properties[n]), { required: (items.required || []).includes(n), view }));
    }
    list.append(item);
    return item;
  };
  const button = el("button", { type: "button", class: "secondary", text: `Add: ${prop.title || humanName(name)}` });
  button.addEventListener("click", () => $("input, select, textarea", add())?.focus());
  box.append(button);
  return box;
}

// resolutionsField lists every open action of the case with a box for the reason it ends, as a
// manager approving closure must give one for each.
function resolutionsField(prop, view) {
  const box = el("fieldset", { class: "group", "data-field": "resolutions", "data-resolutions": "1" },
    el("legend", { text: prop.title }), el("p", { class: "hint", text: prop.description }));
  for (const a of view?.open_actions || []) box.append(resolutionBox(a.id, `${a.title} (${ownerText(a.owner)}, due ${when(a.due)})`));
  if (!view?.open_actions?.length) box.append(el("p", { text: "No action is open." }));
  return box;
}

function resolutionBox(actionID, text) {
  const id = `res-${actionID}-${++uniqueSeq}`;
  return el("div", { "data-field": `resolutions[${actionID}]` },
    el("label", { for: id }, text, el("span", { class: "hint", text: ": why it ends without its event" })),
    el("textarea", { id, rows: "2", "data-resolution": actionID }));
}

// recordChoices offers the case's own records for the fields that name one.
function recordChoices(name, view) {
  if (!view) return null;
  switch (name) {
    case "concern_ids":
    case "concern_id":
      return (view.concerns || []).map((k) => [k.id, `Concern seen ${when(k.observed_at)}${k.immediate_danger ? " (immediate danger)" : ""}`]);
    case "action_id":
    case "action_ids":
      return (view.open_actions || []).map((a) => [a.id, `${a.title} (due ${when(a.due)})`]);
    case "episode_id":
      return (view.missing || []).map((e) => [e.id, `Missing from ${when(e.went_missing_at)}${e.returned_at ? `, back ${when(e.returned_at)}` : ""}`]);
    case "allegation_id":
      return (view.allegations || []).map((a) => [a.id, `Allegation received ${when(a.received_at)}`]);
    case "meeting_id":
      return (view.meetings || []).filter((m) => !m.held_at).map((m) => [m.id, `Scheduled for ${when(m.scheduled_for)}`]);
    case "outcome_id":
      return (view.duties?.outcomes || []).filter((o) => !o.told).map((o) => [o.id, `${o.summary} (${when(o.at)})`]);
    case "request_id":
      return (view.duties?.disclosure_checks || []).filter((q) => !q.answer).map((q) => [q.id, `Check about ${q.adult}, requested ${when(q.requested_at)}`]);
    case "contact_id":
      return (view.contacts || []).map((k) => [k.id, `${k.name}, ${k.relationship}${k.accompanying ? " (accompanies the child)" : ""}`]);
    default:
      return null;
  }
}

// setPath puts a value at a path such as "child.name" or "actions[0].title".
function setPath(body, path, value) {
  const keys = path.replace(/\[(\d+)\]/g, ".$1").split(".");
  let o = body;
  keys.forEach((k, i) => {
    if (i === keys.length - 1) { o[k] = value; return; }
    o[k] ??= /^\d+$/.test(keys[i + 1]) ? [] : {};
    o = o[k];
  });
}

// readStepBody reads a form into the body the API takes, or throws the fields to correct.
function readStepBody(form) {
  const body = {};
  const errors = {};
  for (const fs of $$("[data-datetime]", form)) {
    try {
      const v = readDateTime(fs);
      if (v) setPath(body, fs.dataset.datetime, v);
    } catch (e) { Object.assign(errors, e.fields); }
  }
  for (const fs of $$("[data-many]", form)) {
    const ticked = $$("input:checked", fs).map((i) => i.value);
    if (ticked.length) setPath(body, fs.dataset.many, ticked);
  }
  const resolutions = $$("[data-resolution]", form).filter((t) => t.value.trim())
    .map((t) => ({ action_id: t.dataset.resolution, reason: t.value.trim() }));
  if (resolutions.length) body.resolutions = resolutions;
  for (const input of $$("input[name], select[name], textarea[name]", form)) {
    if (input.closest("[data-datetime], [data-many]")) continue;
    const name = input.name;
    if (input.type === "radio") { if (input.checked) setPath(body, name, input.value); continue; }
    if (input.dataset.type === "bool") { if (input.checked) setPath(body, name, true); continue; }
    const value = input.value.trim();
    if (!value) continue;
    switch (input.dataset.type) {
      case "int":
        if (!/^\d+$/.test(value)) errors[name] = "Enter a whole number";
        else setPath(body, name, Number(value));
        break;
      case "list":
        setPath(body, name, value.split(",").map((s) => s.trim()).filter(Boolean));
        break;
      case "date":
        try { setPath(body, name, readDate(input)); } catch (e) { Object.assign(errors, e.fields); }
        break;
      default:
        setPath(body, name, value);
    }
  }
  // Items left empty are not sent: "Add" was pressed and nothing written.
  for (const [k, v] of Object.entries(body)) if (Array.isArray(v)) body[k] = v.filter((x) => x !== undefined);
  if (Object.keys(errors).length) {
    const e = new Error("Some details need correcting.");
    e.fields = errors;
    throw e;
  }
  return body;
}

// wordingFlags are the fields a 422 refused for their wording: the API names the phrase and the
// wording to use instead ("\"lifestyle choice\": say \"…\"").
const wordingFlags = (err) => Object.keys(err.fields || {}).filter((f) => /^"[^"]+": say "/.test(err.fields[f]));

// submitForm sends a form and shows what comes back: each refused field's reason beside it, the
// text kept as written. A refusal for wording offers to keep the words as a quotation, which
// sends the same record again saying so.
async function submitForm(form, send, read, done) {
  let body;
  try {
    body = read();
  } catch (e) {
    return showProblems(form, e);
  }
  const button = $("button[type=submit]", form);
  button.disabled = true;
  try {
    await done(await send(body, {}));
    clearDraft(form);
  } catch (e) {
    if (!(e instanceof ApiError)) return say(e.message, true);
    if (e.status === 409) $$("[data-resolutions]", form).forEach((box) => addResolutionsFrom(box, e));
    showProblems(form, e);
    if (e.status === 422 && wordingFlags(e).length) offerQuotation(form, send, body, done);
  } finally {
    button.disabled = false;
  }
}

// addResolutionsFrom adds a reason box for each open action a refused closure names that the
// form does not list yet (an action opened since the page loaded).
function addResolutionsFrom(box, err) {
  for (const [f, message] of Object.entries(err.fields)) {
    const m = /^resolutions\[([^\]]+)\]$/.exec(f);
    if (m && !$(`[data-resolution="${m[1]}"]`, box)) box.append(resolutionBox(m[1], message.replace(/: still open$/, "")));
  }
}

function offerQuotation(form, send, body, done) {
  const summary = $(".error-summary", form);
  const keep = el("button", { type: "button", class: "secondary", "data-keep-wording": "1", text: "I am quoting someone: keep these words" });
  summary.append(el("p", { text: "If these are someone's own words, keep them as written:" }), keep);
  keep.addEventListener("click", async () => {
    keep.disabled = true;
    try {
      await done(await send(body, { [KEEP_WORDING]: "true" }));
      clearDraft(form);
    } catch (e) {
      if (e instanceof ApiError) showProblems(form, e); else say(e.message, true);
    }
  });
}
