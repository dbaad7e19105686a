// caseflow pages: forms for the steps of a case, built from the OpenAPI document, the same
// schemas the API validates against, with labels and choices in words people use.
"use strict";

// Labels and hints by step and field; "*" applies to every step. A field without one is named
// from its JSON name.
const FIELD_TEXT = {
  "*": {
    note: ["Note"], reason: ["Reason"], reference: ["Reference"], outcome: ["Outcome"], summary: ["Summary"],
    method: ["How did you tell them?", "For example by phone, email or in person."],
    informed_at: ["When did you tell them?"], action_id: ["Which action"], episode_id: ["Which missing episode"],
    allegation_id: ["Which allegation"], held_at: ["When was it held?"], decided_at: ["When was the decision made?"],
    completed_at: ["When was it done?"], referred_at: ["When was the referral made?"], requested_at: ["When did you ask?"],
    submitted_at: ["When was it submitted?"], recorded_at: ["When was it recorded?"], assigned_at: ["When was the guardian assigned?"],
    next_review_by: ["Next review by", "Only if the team agreed an earlier date than the policy's."],
    concern_ids: ["Which concerns does it answer?", "Leave all unticked for every concern seen before it."],
    episode_id: ["Which missing episode"],
    attendees: ["Who attended", "Roles and organisations, separated by commas."],
    format: ["Meeting or phone discussion"], team: ["Team"], social_worker: ["The child's social worker (user id)"],
    fostering_social_worker: ["Fostering social worker (user id)"],
  },
  "police-report": {
    reported_at: ["When did you report it?"], channel: ["How did you report it?"],
    reference: ["Police reference number", "The incident, crime or CAD number the police gave you."],
  },
  "care-plan-contribution": { topic: ["Topic", "For example school, health, friends."], text: ["What you want the team to know"] },
  "missing-episode": {
    went_missing_at: ["When did the child go missing?"],
    returned_at: ["When did the child come back?", "Only if the child is already back."],
    reported_to_police: ["I reported it to the police"], police_reference: ["Police reference number"],
  },
  "missing-return": { returned_at: ["When did the child come back?"] },
  "return-interview": { held_at: ["When was the return home interview held?"] },
  "nrm-referral": { reference: ["NRM reference"], first_responder: ["Which First Responder made the referral?"] },
  "nrm-request": { requested_of: ["Who did you ask to refer the child?"] },
  "csc-referral": { significant_harm: ["There is reasonable cause to suspect significant harm"] },
  "csc-decision": { decision: ["The local authority's decision"] },
  "strategy-meeting-held": { s47_enquiry: ["The meeting started a section 47 enquiry"], minutes_ref: ["Minutes reference"], meeting_id: ["Which scheduled meeting"] },
  "strategy-meeting-scheduled": { scheduled_for: ["When is it?"] },
  conference: { kind: ["Initial or review conference"], child_protection_plan: ["The child has a child protection plan"] },
  "ictg-assignment": { guardian_type: ["Kind of guardian"], reference: ["ICTG reference"] },
  "lado-informed": { reference: ["LADO reference"] },
  "allegation-police-report": { reference: ["Police reference"], informed_at: ["When were the police told?"] },
  "dbs-referral": { reference: ["DBS reference"], informed_at: ["When was the referral made?"] },
  "action-resolve": { reason: ["Why it ends without its event"] },
  "care-plan-agreed": { agreed_at: ["When was the plan agreed?"], summary: ["What the plan says"] },
  "parental-responsibility": { holder: ["Who holds parental responsibility?"] },
  "adult-consent": { consent: ["Consent to remain in the NRM"] },
  "due-date": { due: ["New due date"] },
  "sw-visit": { visited_at: ["When did you visit?"] },
  "suspected-offence": { suspected_at: ["When was the offence suspected?"], linked_to_exploitation: ["The offence may be linked to the child's exploitation"] },
  "disclosure-withdrawn": { withdrawn_at: ["When did the child withdraw it?"] },
  "looked-after": { since: ["Looked after since"], placement_start: ["Placement started"] },
  allegation: { received_at: ["When was the allegation received?"], against_role: ["Against someone in which role"], against_user: ["Against whom (user id)"] },
  contact: { restricted: ["Restricted: never contact or tell this person"] },
};

const CHOICES = {
  "police-report": { channel: [["101", "101: police non-emergency"], ["999", "999: emergency"]] },
  "csc-decision": { decision: [["s47-enquiry", "Section 47 enquiry"], ["child-in-need", "Child in need"], ["assessment", "Assessment"], ["no-further-action", "No further action"]] },
  "nrm-request": { requested_of: [["local-authority", "The local authority"], ["police", "The police"]] },
  "nrm-rg-decision": { outcome: [["positive", "Positive"], ["negative", "Negative"]] },
  "nrm-cg-decision": { outcome: [["positive", "Positive"], ["negative", "Negative"]] },
  "nrm-reconsideration": { decision: [["reasonable-grounds", "Reasonable Grounds"], ["conclusive-grounds", "Conclusive Grounds"]] },
  "adult-consent": { consent: [["given", "Given"], ["withdrawn", "Withdrawn"]] },
  conference: { kind: [["initial", "Initial"], ["review", "Review"]] },
  "strategy-meeting-held": { format: [["meeting", "Meeting"], ["phone", "Phone discussion"]] },
  "strategy-meeting-scheduled": { format: [["meeting", "Meeting"], ["phone", "Phone discussion"]] },
  "ictg-assignment": { guardian_type: [["direct-worker", "Direct Worker"], ["regional-practice-coordinator", "Regional Practice Coordinator"]] },
  "parental-responsibility": { holder: [["in-uk", "Someone in the UK"], ["none-in-uk", "Nobody in the UK"]] },
  allegation: { against_role: Object.entries(ROLE_NAMES) },
};

// The step that closes each kind of action, and what to fill in from the action.
const CLOSES = {
  "police-report": "police-report", "immediate-danger": "police-report", "notify-social-worker": "social-worker-informed",
  "notify-safeguarding-lead": "safeguarding-lead-informed", "missing-child": "missing-return",
  "missing-police-report": "police-report", "missing-notify-social-worker": "social-worker-informed",
  "missing-notify-safeguarding-lead": "safeguarding-lead-informed", "csc-decision": "csc-decision",
  "strategy-discussion": "strategy-meeting-held", "strategy-meeting": "strategy-meeting-held",
  icpc: "conference", "rcpc-first": "conference", "rcpc-next": "conference", assessment: "assessment",
  "nrm-request": "nrm-referral", "nrm-rg-decision": "nrm-rg-decision", "nrm-cg-decision": "nrm-cg-decision",
  "ictg-referral": "ictg-referral", "ictg-assignment": "ictg-assignment", "care-plan": "care-plan-agreed",
  "care-plan-review": "care-plan-review", "lac-review": "lac-review", "sw-visit": "sw-visit",
  "return-interview": "return-interview", lado: "lado-informed", "lado-urgent": "lado-informed",
  "allegation-police-report": "allegation-police-report", "dbs-referral": "dbs-referral",
  "age-18-consent": "adult-consent", "meeting-action": "action-done",
};

// What an action is about, by the record its ref names: the step that closes it answers the
// same record, so the form asks no more about it.
const ABOUT = {
  concern_ids: ["police-report", "immediate-danger", "notify-social-worker", "notify-safeguarding-lead"],
  episode_id: ["missing-child", "missing-police-report", "missing-notify-social-worker", "missing-notify-safeguarding-lead", "return-interview"],
  allegation_id: ["lado", "lado-urgent", "allegation-police-report", "dbs-referral"],
};

// prefillFor is what the step closing an action is given: the record the action is about
// (hidden) and the answers the action implies.
function prefillFor(action) {
  const fill = {};
  let hidden = [];
  for (const [field, kinds] of Object.entries(ABOUT)) {
    if (kinds.includes(action.kind) && action.ref) {
      fill[field] = action.ref;
      hidden = Object.keys(ABOUT); // the record is named: the form asks for no other
    }
  }
  if (action.kind === "meeting-action") fill.action_id = action.id;
  if (action.kind === "immediate-danger" || (action.kind === "police-report" && action.title.startsWith("Call 999"))) fill.channel = "999";
  if (action.kind === "icpc") fill.kind = "initial";
  if (["rcpc-first", "rcpc-next"].includes(action.kind)) fill.kind = "review";
  return { prefill: fill, hidden };
}

let stepsCache;

// stepsFor lists the steps the signed-in role may take, from the OpenAPI document.
async function stepsFor(role) {
  if (!stepsCache) {
    const doc = await (await fetch("/v1/openapi.json", { credentials: "same-origin" })).json();
    const resolve = (s) => (s?.$ref ? doc.components.schemas[s.$ref.split("/").pop()] : s);
    stepsCache = Object.entries(doc.paths)
      .filter(([p, item]) => p.startsWith("/v1/cases/{id}/") && item.post)
      .map(([p, item]) => ({
        name: p.split("/").pop(),
        title: item.post.summary.split(". Idempotent")[0],
        roles: item.post.description.replace(/^Roles: |\.$/g, "").split(", "),
        schema: resolve(item.post.requestBody.content["application/json"].schema),
        resolve,
      }));
  }
  return stepsCache.filter((s) => s.roles.includes(role));
}

const textFor = (step, field) => FIELD_TEXT[step]?.[field] || FIELD_TEXT["*"][field] ||
  [field.charAt(0).toUpperCase() + field.slice(1).replace(/_at$/, "").replace(/_/g, " ")];

// stepForm builds the form of one step. context.view is the case (for lists of its actions,
// episodes, allegations); prefill sets values; hidden fields are sent without being shown.
function stepForm(step, { view, prefill = {}, hidden = [], submitText, onDone } = {}) {
  const form = el("form", { class: "step", novalidate: true, "data-step": step.name });
  const props = step.schema.properties || {};
  const required = step.schema.required;
  // When it happened comes first, as people tell it.
  const fields = Object.entries(props).map(([name, raw]) => [name, step.resolve(raw) || {}])
    .sort(([, a], [, b]) => (b.format === "date-time") - (a.format === "date-time"));
  for (const [name, prop] of fields) {
    const [label, hint] = textFor(step.name, name);
    const optional = required && !required.includes(name) ? " (optional)" : "";
    if (hidden.includes(name)) {
      form.append(el("input", { type: "hidden", name, value: prefill[name] ?? "", "data-list": prop.type === "array" ? "strings" : undefined }));
      continue;
    }
    const id = `f-${name}-${++uniqueSeq}`;
    const hintId = hint ? id + "-hint" : undefined;
    const box = el("div", { "data-field": name });
    const choices = CHOICES[step.name]?.[name] || listChoices(name, view);
    if (prop.format === "date-time") {
      form.append(dateTimeField(name, label + optional, { hint, value: prefill[name] }));
      continue;
    }
    let input;
    const many = prop.type === "array" && listChoices(name, view);
    if (many) {
      form.append(el("fieldset", { "data-field": name, "data-many": name }, el("legend", { text: label + optional }),
        ...(hint ? [el("p", { class: "hint", text: hint })] : []),
        ...many.map(([v, t]) => {
          const cid = `${id}-${v}`;
          return el("div", { class: "check" }, el("input", { type: "checkbox", id: cid, name, value: v }), el("label", { for: cid, text: t }));
        })));
      continue;
    }
    if (prop.type === "boolean") {
      input = el("input", { id, name, type: "checkbox", "aria-describedby": hintId });
      input.checked = !!prefill[name];
      box.append(el("label", { class: "inline", for: id }, input, " " + label), ...(hint ? [el("p", { class: "hint", id: hintId, text: hint })] : []));
      form.append(box);
      continue;
    }
    if (choices) {
      input = el("select", { id, name, "aria-describedby": hintId },
        el("option", { value: "", text: "Choose…" }), ...choices.map(([v, t]) => el("option", { value: v, text: t })));
    } else if (prop.type === "array" && (step.resolve(prop.items)?.type === "string" || name === "attendees")) {
      input = el("input", { id, name, "data-list": name === "attendees" ? "attendees" : "strings", "aria-describedby": hintId });
    } else if (prop.type === "array" || prop.type === "object") {
      input = el("textarea", { id, name, rows: "3", "data-json": "1", "aria-describedby": hintId });
    } else if (["text", "account", "summary", "outcome", "note", "reason"].includes(name)) {
      input = el("textarea", { id, name, rows: "3", "aria-describedby": hintId });
    } else {
      input = el("input", { id, name, type: prop.type === "integer" ? "number" : "text", "aria-describedby": hintId });
    }
    if (prefill[name] !== undefined) input.value = prefill[name];
    box.append(el("label", { for: id, text: label + optional }), ...(hint ? [el("p", { class: "hint", id: hintId, text: hint })] : []), input);
    form.append(box);
  }
  form.append(el("button", { type: "submit", text: submitText || step.title }));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    let body;
    try {
      body = readStepBody(form);
    } catch (e) {
      return showProblems(form, e);
    }
    const button = $("button[type=submit]", form);
    button.disabled = true;
    try {
      const res = await api("POST", `/v1/cases/${view.case_id || view.id}/${step.name}`, body);
      clearProblems(form);
      await onDone?.(res, form);
    } catch (e) {
      if (e instanceof ApiError) showProblems(form, e); else say(e.message, true);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

// listChoices offers the case's own records for the fields that name one.
function listChoices(name, view) {
  if (!view) return null;
  if (name === "concern_ids") {
    return (view.concerns || []).map((k) => [k.id, `Concern seen ${when(k.observed_at)}${k.immediate_danger ? " (immediate danger)" : ""}`]);
  }
  if (name === "action_id") {
    return (view.open_actions || []).map((a) => [a.id, `${a.title} (due ${when(a.due)})`]);
  }
  if (name === "episode_id") {
    return (view.missing || []).map((e) => [e.id, `Missing from ${when(e.went_missing_at)}${e.returned_at ? `, back ${when(e.returned_at)}` : ""}`]);
  }
  if (name === "allegation_id") return (view.allegations || []).map((a) => [a.id, `Allegation received ${when(a.received_at)}`]);
  if (name === "meeting_id") return (view.meetings || []).filter((m) => !m.held_at).map((m) => [m.id, `Scheduled for ${when(m.scheduled_for)}`]);
  return null;
}

function readStepBody(form) {
  const body = {};
  const errors = {};
  for (const fs of $$("[data-datetime]", form)) {
    try {
      const v = readDateTime(fs);
      if (v) body[fs.dataset.datetime] = v;
    } catch (e) { Object.assign(errors, e.fields); }
  }
  for (const fs of $$("[data-many]", form)) {
    const ticked = $$("input:checked", fs).map((i) => i.value);
    if (ticked.length) body[fs.dataset.many] = ticked;
  }
  for (const input of $$("input[name], select[name], textarea[name]", form)) {
    if (input.closest("[data-datetime], [data-many]")) continue;
    const name = input.name;
    if (input.type === "checkbox") { if (input.checked) body[name] = true; continue; }
    const value = input.value.trim();
    if (!value) continue;
    if (input.type === "number") body[name] = Number(value);
    else if (input.dataset.list === "strings") body[name] = value.split(",").map((s) => s.trim()).filter(Boolean);
    else if (input.dataset.list === "attendees") body[name] = value.split(",").map((s) => s.trim()).filter(Boolean).map((role) => ({ role }));
    else if (input.dataset.json) {
      try { body[name] = JSON.parse(value); } catch { errors[name] = "is not in the expected form"; }
    } else body[name] = value;
  }
  if (Object.keys(errors).length) {
    const e = new Error("Some details need correcting.");
    e.fields = errors;
    throw e;
  }
  return body;
}
