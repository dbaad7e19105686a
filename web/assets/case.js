// caseflow pages: the case page's panels, each drawn from the case as the API shows it to the
// signed-in person (the API has applied the visibility policy: a panel whose records are not
// there is not drawn). The page's own words name the child by the term they chose.
"use strict";

// termOf is how the page names the child: "the young person", "the survivor".
const termOf = (v) => {
  const t = (v.child?.preferred_term || "").trim();
  return t && t.toLowerCase() !== "child" ? t : "child";
};
const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);

// facts is a list of terms and what they are; an empty value is left out.
function facts(pairs) {
  const dl = el("dl");
  for (const [k, v] of pairs) {
    if (v === undefined || v === null || v === "" || v === false) continue;
    dl.append(el("dt", { text: k }), el("dd", {}, ...(Array.isArray(v) ? v : [v])));
  }
  return dl;
}

// panel is a section of the page with its heading.
function panel(id, title, ...content) {
  const h = `${id}-h`;
  return el("section", { class: "card panel", id, "aria-labelledby": h }, el("h2", { id: h, text: title }), ...content);
}

const byText = (a) => (a ? `${a.user_id || "caseflow"}${a.role && a.role !== "system" ? ` (${ROLE_NAMES[a.role] || a.role})` : ""}` : "–");
const none = (text) => el("p", { class: "hint", text });
const list = (items, render, empty) => (items?.length ? el("ul", { class: "entries" }, ...items.map((x) => el("li", {}, ...[render(x)].flat()))) : none(empty));

// caseLabels reads the words for codes: the policy's wording from GET /v1/reference, the API's
// own code lists from the OpenAPI document.
function caseLabels(doc, ref) {
  const fromRef = (list) => Object.fromEntries(list.map((c) => [c.code, c.label]));
  const policy = {
    exploitation: fromRef(ref.exploitation_types), purposes: fromRef(ref.trafficking_purposes),
    indicators: fromRef(ref.indicators), vulnerability: fromRef(ref.vulnerability_factors),
  };
  return {
    ...policy,
    code: (schema, field, value) => codeLabel(doc, schema, field, value),
  };
}

// concernsAnswered says what a record answers: concerns, or a missing episode.
const answers = (r) => (r.episode_id ? ` (missing episode ${r.episode_id})` : r.concern_ids?.length ? ` (concerns ${r.concern_ids.join(", ")})` : "");

function childPanel(v, L) {
  const c = v.child;
  const term = termOf(v);
  const age = ageOn(c.date_of_birth);
  const ageText = c.date_of_birth ? `${age} (born ${ukDate(c.date_of_birth)})` : "Date of birth not recorded";
  const language = [c.first_language, c.dialect && `dialect: ${c.dialect}`].filter(Boolean).join(", ");
  return panel("child-panel", `About the ${term}`,
    facts([
      ["Name", c.name],
      ["Age", ageText],
      ["Age disputed", c.age_disputed ? `Disputed: the ${term} is treated as a child until it is established` : ""],
      ["Assessed age", c.assessed_age ? String(c.assessed_age) : ""],
      ["Age assessments", v.age?.assessments?.length ? el("ul", {}, ...v.age.assessments.map((a) => el("li", {}, timeEl(a.assessed_at), `: ${a.assessed_by} found the ${term} ${a.outcome === "adult" ? "an adult" : "a child"} of ${a.age} (born ${ukDate(a.date_of_birth)})`))) : ""],
      ["Move to adulthood", adulthoodText(v, term)],
      ["How they want to be described", c.preferred_term ? `“${c.preferred_term}”, in their own words` : ""],
      ["Language", language || "Not recorded"],
      ["Interpreter", c.interpreter_needed ? `The ${term} needs an interpreter: book one trained, DBS-checked, not from their area of origin` : `The ${term} does not need an interpreter`],
      ["Arrival", c.unaccompanied ? `The ${term} arrived in the UK unaccompanied` : ""],
      ["Parental responsibility", c.parental_responsibility === "unknown" ? "Not known yet" : c.parental_responsibility ? parentalLabel(L, c.parental_responsibility) : ""],
      ["Local authority", v.la + (v.ictg_site ? " (an ICTG site)" : "")],
      ["Team", v.team], ["Social worker", v.social_worker], ["Fostering social worker", v.fostering_social_worker],
      ["Carers", (v.carers || []).join(", ")],
      ["Other cases of this child", v.links?.length ? el("ul", {}, ...v.links.map((l) => el("li", {}, el("a", { href: "/cases/" + l.case_id, text: "Linked case" }), `: ${l.reason} (`, timeEl(l.at), ")"))) : ""],
      ["Looked after", v.looked_after ? [`Since `, timeEl(v.looked_after.since), `, placement from `, timeEl(v.looked_after.placement_start), v.looked_after.long_term_placement ? " (intended to last until 18)" : ""] : ""],
    ]));
}

// adulthoodText says where the move to adulthood stands: the child clocks end only when the
// Safeguarding Lead or a manager confirms it.
function adulthoodText(v, term) {
  const confirmed = v.age?.confirmations?.at(-1);
  if (v.turned_18_at && confirmed) {
    return [`Confirmed `, timeEl(confirmed.at), `: ${confirmed.reason}`];
  }
  if (v.age?.confirming_ends?.length) {
    return `Awaiting the Safeguarding Lead's or a manager's decision; until then every child clock runs. Confirming it would end ${v.age.confirming_ends.length} child clock${v.age.confirming_ends.length === 1 ? "" : "s"} (${v.age.confirming_ends.join(", ")})`;
  }
  return v.child.age_disputed ? `The ${term} is a child until an age assessment is recorded` : "";
}

function parentalLabel(L, code) {
  return L.code("ParentalResponsibilityBody", "holder", code);
}

function concernsPanel(v, L) {
  return panel("concerns-panel", "Concerns", list(v.concerns, (k) => [
    el("h3", {}, `Concern ${k.id}, seen or heard `, timeEl(k.observed_at)),
    k.immediate_danger ? el("p", { class: "late", text: `The ${termOf(v)} was in immediate danger.` }) : "",
    facts([
      ["Raised by", byText(k.raised_by)],
      ["What was seen or heard", el("blockquote", { text: k.account })],
      ["Exploitation suspected", (k.exploitation_types || []).map((c) => L.exploitation[c] || c).join("; ") || "Not yet recorded"],
      ["Trafficked for", (k.trafficking_purposes || []).map((c) => L.purposes[c] || c).join("; ")],
      ["Signs", k.indicators?.length ? el("ul", {}, ...k.indicators.map((i) => el("li", {}, L.indicators[i.code] || i.code, i.note ? `: ${i.note}` : ""))) : "Not yet recorded"],
      ["Vulnerability", (k.vulnerability_factors || []).map((c) => L.vulnerability[c] || c).join("; ")],
    ]),
  ], "No concern is recorded."));
}

function reportingPanel(v, L) {
  const r = v.reporting || {};
  const told = (who, t) => (t ? [`${who}: told `, timeEl(t.at), t.method ? ` by ${t.method}` : "", `, recorded by ${byText(t.by)}${answers(t)}`] : [`${who}: not yet recorded as told`]);
  const referrals = r.csc_referrals?.length ? r.csc_referrals : r.csc_referral ? [{ ...r.csc_referral, decision: r.csc_referral.decision || r.csc_decision }] : [];
  return panel("reporting-panel", "Reporting",
    el("h3", { text: "Police" }),
    list(r.police_reports, (p) => [timeEl(p.reported_at), `: ${L.code("PoliceReportBody", "channel", p.channel)}, reference ${p.reference}, recorded by ${byText(p.by)}${answers(p)}`], "No police report is recorded."),
    el("h3", { text: "Who was told" }),
    el("ul", { class: "entries" }, el("li", {}, ...told(`The ${termOf(v)}'s social worker`, r.social_worker_informed)), el("li", {}, ...told("The Safeguarding Lead", r.lead_informed))),
    el("h3", { text: "Children's Social Care" }),
    list(referrals, (ref) => [
      `Referral${ref.id ? " " + ref.id : ""} made `, timeEl(ref.referred_at), ref.significant_harm ? " (reasonable cause to suspect significant harm)" : "", ". ",
      ref.decision ? [`Decision `, timeEl(ref.decision.decided_at), `: ${L.code("CscDecisionBody", "decision", ref.decision.decision)}${ref.decision.note ? ` (${ref.decision.note})` : ""}. `] : "Awaiting the local authority's decision. ",
      ref.review ? [`Reviewed `, timeEl(ref.review.held_at), `: ${ref.review.outcome}`] : "",
    ], "No referral to Children's Social Care is recorded."),
    r.assessment ? el("p", {}, "Assessment completed ", timeEl(r.assessment.completed_at), r.assessment.late_reason ? ` (late: ${r.assessment.late_reason})` : "") : "");
}

function nrmPanel(v, L) {
  const n = v.nrm || {};
  const decision = (d) => (d ? [L.code("NrmRgDecisionBody", "outcome", d.outcome), ", ", timeEl(d.decided_at)] : "Not yet decided");
  return panel("nrm-panel", "National Referral Mechanism",
    facts([
      ["Requests to refer", n.requests?.length ? el("ul", {}, ...n.requests.map((q) => el("li", {}, timeEl(q.requested_at), `: asked ${L.code("NrmRequestBody", "requested_of", q.requested_of).toLowerCase()}, by ${byText(q.by)}`))) : "None recorded"],
      ["Referral", n.referral ? [`Reference ${n.referral.reference}, submitted `, timeEl(n.referral.submitted_at), ` by ${L.code("NrmReferralBody", "first_responder", n.referral.first_responder).replace(/^The /, "the ")}${n.referral.referred_by ? ` (${n.referral.referred_by})` : ""}`] : "Not yet referred"],
      ["Decisions not to refer", n.not_referred?.length ? el("ul", {}, ...n.not_referred.map((d) => el("li", {}, timeEl(d.decided_at), `: by ${d.decided_by}: ${d.reason}`))) : ""],
      ["Reasonable Grounds", decision(n.reasonable_grounds)],
      ["Recovery period", n.recovery_until && !n.recovery_until.startsWith("0001-") ? ["Until ", timeEl(n.recovery_until)] : ""],
      ["Conclusive Grounds", decision(n.conclusive_grounds)],
      ["Reconsiderations", n.reconsiderations?.length ? el("ul", {}, ...n.reconsiderations.map((r) => el("li", {}, `${L.code("NrmReconsiderationBody", "decision", r.decision)} requested `, timeEl(r.requested_at), `: ${r.reason}${r.pending ? " (pending)" : ""}`))) : ""],
      ["Earlier decisions", n.superseded_decisions?.length ? n.superseded_decisions.map((d) => `${L.code("NrmReconsiderationBody", "decision", d.kind)}: ${d.outcome}. `).join("") : ""],
      ["Consent at 18", n.adult_consent ? [L.code("AdultConsentBody", "consent", n.adult_consent.consent), ", ", timeEl(n.adult_consent.recorded_at)] : ""],
    ]));
}

function ictgPanel(v, L) {
  const g = v.ictg || {};
  return panel("ictg-panel", "Independent Child Trafficking Guardian",
    facts([
      ["ICTG site", v.ictg_site ? "Yes" : "No: the local authority is not an ICTG site"],
      ["Referral", g.referral ? ["Made ", timeEl(g.referral.at), ` by ${byText(g.referral.by)}`] : "Not yet referred"],
      ["Guardian", g.guardian ? [`${L.code("IctgAssignmentBody", "guardian_type", g.guardian.type)}, assigned `, timeEl(g.guardian.assigned_at), g.guardian.reference ? `, reference ${g.guardian.reference}` : ""] : "Not yet assigned"],
    ]));
}

function meetingsPanel(v, L, actionsByID) {
  const meeting = (m) => [
    el("h3", {}, `${L.code("StrategyMeetingHeldBody", "format", m.format)} ${m.id}: `, m.held_at ? ["held ", timeEl(m.held_at)] : ["scheduled for ", timeEl(m.scheduled_for)]),
    facts([
      ["Attendees", (m.attendees || []).map((a) => a.role + (a.organisation ? ` (${a.organisation})` : "")).join(", ")],
      ["Interpreter", m.interpreter ? `${m.interpreter.language}${m.interpreter.dialect ? ` (${m.interpreter.dialect})` : ""}, DBS-checked, not from the child's area` : ""],
      ["Outcome", m.outcome], ["Section 47 enquiry", m.s47_enquiry ? "Started" : ""], ["Minutes", m.minutes_ref],
      ["Actions agreed", m.actions?.length ? el("ul", {}, ...m.actions.map((id) => {
        const a = actionsByID[id];
        return el("li", {}, a ? [`${a.title}: ${ownerText(a.owner)}, due `, timeEl(a.due), ` (${a.status === "open" ? (a.overdue ? "overdue" : "open") : a.status})`] : id);
      })) : ""],
    ]),
  ];
  const conferences = (v.conferences || []).map((k) => el("li", {}, `${L.code("ConferenceBody", "kind", k.kind)} `, timeEl(k.held_at), k.child_protection_plan ? ": child protection plan" : "", k.outcome ? `. ${k.outcome}` : ""));
  return panel("meetings-panel", "Strategy meetings and conferences",
    list(v.meetings, meeting, "No strategy discussion or meeting is recorded."),
    conferences.length ? [el("h3", { text: "Child protection conferences" }), el("ul", { class: "entries" }, ...conferences)] : "");
}

function carePlanPanel(v) {
  const p = v.care_plan || {};
  const term = termOf(v);
  const contributions = el("ul", { id: "contributions", class: "entries" },
    ...(p.contributions || []).map((k) => el("li", {}, el("strong", {}, `${ownerText(k.by)}, `, timeEl(k.at), k.topic ? ` (${k.topic})` : "", ": "), k.text)));
  if (!p.contributions?.length) contributions.append(el("li", { text: "None yet." }));
  return panel("care-plan", "Care plan",
    el("h3", { text: "Agreement" }),
    p.agreed ? facts([
      ["Agreed", [timeEl(p.agreed.agreed_at), ` by ${byText(p.agreed.by)}`]], ["The plan", p.agreed.summary],
      ["Agreed without a contribution because", p.agreed.no_contribution_reason],
    ]) : none("Not yet agreed."),
    el("h3", { text: "Contributions" }), contributions,
    el("h3", { text: `The ${term}'s views and wishes` }),
    list(p.views, (w) => [timeEl(w.recorded_at), w.how ? ` (${w.how})` : "", ": ", el("q", { text: w.views })], "Not yet recorded."),
    el("h3", { text: "Reviews" }),
    list(p.reviews, (r) => [timeEl(r.held_at), `: ${r.outcome}`, r.next_review_by && !r.next_review_by.startsWith("0001-") ? [". Next review by ", timeEl(r.next_review_by)] : ""], "No review yet."));
}

function missingPanel(v, L, openByRef) {
  const term = termOf(v);
  return panel("missing-panel", "Missing from home", list(v.missing, (e) => {
    const back = e.returned_at && !e.returned_at.startsWith("0001-");
    const clocks = openByRef[e.id] || [];
    return [
      el("h3", {}, `Episode ${e.id}: missing from `, timeEl(e.went_missing_at)),
      facts([
        ["Returned", back ? timeEl(e.returned_at) : `Not yet: the ${term} is still missing`],
        ["Police", e.reported_to_police ? `Reported${e.police_reference ? `, reference ${e.police_reference}` : ""}` : "Not yet reported"],
        ["Return home interview", e.return_interview ? [L.code("ReturnInterviewBody", "outcome", e.return_interview), ", ", timeEl(e.return_interview_at), e.return_interview_offered_by ? ` (offered by ${e.return_interview_offered_by})` : ""] : back ? "Not yet held" : ""],
        ["Clocks running", clocks.length ? el("ul", {}, ...clocks.map((a) => el("li", { class: a.overdue ? "late-item" : "" }, el("strong", { text: a.title }), ": due ", timeEl(a.due), a.overdue ? " (overdue)" : ""))) : ""],
        ["Recorded by", byText(e.recorded_by)],
      ]),
    ];
  }, `No missing episode is recorded for the ${term}.`));
}

function allegationsPanel(v, L) {
  const to = (what, at, ref) => (at && !at.startsWith("0001-") ? [`${what} told `, timeEl(at), ref ? `, reference ${ref}` : ""] : `${what}: not yet told`);
  // A referral is shown when the allegation called for it: an offence alleged, or a clock opened
  // for it (every allegation, under the current rules; a substantiated one, where none was
  // made), or a record of it either way. A clock still open is shown as such, even after a
  // manager's decision not to refer: a substantiated finding asks again.
  const referral = (a, what, referral, kind, at, ref) => {
    const clocks = (v.actions || []).filter((x) => x.ref === a.id && x.kind === kind);
    const declined = (a.not_referred || []).find((d) => d.referral === referral);
    if (declined && !clocks.some((x) => x.status === "open")) return [`${what}: not told, by a manager's decision `, timeEl(declined.decided_at), `: ${declined.reason}`];
    const called = a.possible_offence || (at && !at.startsWith("0001-")) || clocks.length > 0;
    return called ? to(what, at, ref) : "";
  };
  const excluded = (v.exclusions || []).map((e) => el("li", {}, `${e.user_id} (${ROLE_NAMES[e.role] || e.role}), `, timeEl(e.at), `: ${e.reason}`));
  return panel("allegations-panel", "Allegations (restricted)",
    el("p", { class: "hint", text: "Only social workers, managers and the Safeguarding Lead see this. The person an allegation is about has lost access to the case and to every other case of the child." }),
    excluded.length ? [el("h3", { text: "Excluded because of an allegation elsewhere" }), el("ul", {}, ...excluded)] : "",
    list(v.allegations, (a) => [
      el("h3", {}, `Allegation ${a.id}, received `, timeEl(a.received_at)),
      facts([
        ["About", a.external ? `${a.external.name}, ${a.external.role} at ${a.external.organisation}${a.external.supplier ? " (a supplier of the agency)" : ""}`
          : `${a.against_user} (${ROLE_NAMES[a.against_role] || a.against_role})`],
        ["What is alleged", a.summary], ["Urgent", a.urgent ? "Yes: the LADO within the hour" : ""],
        ["Possible offence", a.possible_offence ? "Yes" : ""],
        ["LADO", to("The LADO", a.lado_informed_at, a.lado_reference)],
        ["Police", referral(a, "The police", "police", "allegation-police-report", a.police_informed_at, a.police_reference)],
        ["DBS", referral(a, "The DBS", "dbs", "dbs-referral", a.dbs_referred_at, a.dbs_reference)],
        ["Outcome", a.outcome ? [`${L.code("AllegationOutcomeBody", "outcome", a.outcome.outcome)}, by ${a.outcome.decided_by}, `, timeEl(a.outcome.decided_at)] : ""],
        ["The agency's relationship", a.relationship ? [`${L.code("RelationshipEndedBody", "decision", a.relationship.decision)}, decided by ${a.relationship.decided_by} `,
          timeEl(a.relationship.decided_at), `: ${a.relationship.reason}`] : ""],
        ["Recorded by", byText(a.by)],
      ]),
    ], "None."));
}

// dutiesPanel shows the records of the agency policy's duties: the young person told of each
// outcome, disclosure scheme checks, conversations without the accompanying adult, decisions on
// negative NRM decisions, the parental responsibility holder's view and, for managers and the
// Safeguarding Lead, conduct decisions. The API sends only what the person may see.
function dutiesPanel(v, L) {
  const d = v.duties || {};
  const term = termOf(v);
  const told = (o) => [o.summary, ", ", timeEl(o.at), ": ", o.told ? [`told by ${o.told.told_by} `, timeEl(o.told.told_at), ` (${o.told.how})`,
    o.told.response ? [". They said: ", el("q", { text: o.told.response })] : ""] : el("strong", { text: "not yet told" })];
  const sections = [
    [`The ${term} told of each outcome`, d.outcomes, told],
    ["Child Sex Offender Disclosure Scheme checks", d.disclosure_checks, (q) => [`About ${q.adult}, requested `, timeEl(q.requested_at),
      q.reference ? `, reference ${q.reference}` : "", ": ", q.answer ? [L.code("CsodsAnswerBody", "outcome", q.answer.outcome), ", ", timeEl(q.answer.answered_at)] : "no answer yet"]],
    ["Checks not requested", d.not_checked, (n) => [timeEl(n.decided_at), `: ${n.reason} (${byText(n.by)})`]],
    [`Spoken with without the accompanying adult`, d.spoken_alone, (s) => [timeEl(s.at), `: ${L.code("SpokeAloneBody", "outcome", s.outcome)}`, s.reason ? `: ${s.reason}` : ""]],
    ["Negative NRM decisions: challenge or not", d.nrm_challenges, (c) => [`${L.code("NrmChallengeBody", "decision", c.decision)}: ${L.code("NrmChallengeBody", "outcome", c.outcome)}, `,
      timeEl(c.decided_at), `: ${c.reason}`]],
    ["Parental responsibility holder's view of the NRM referral", d.parental_views, (p) => [`${p.holder}: ${L.code("NrmParentalViewBody", "view", p.view)}, `,
      timeEl(p.recorded_at), p.reason ? `: ${p.reason}` : ""]],
    ["Conduct decisions (managers and the Safeguarding Lead only)", d.conduct, (c) => [`${c.title} (${ownerText(c.subject)}), escalated `, timeEl(c.escalated_at), ": ",
      c.decision ? `${L.code("ConductDecisionBody", "outcome", c.decision.outcome)}: ${c.decision.reason}` : el("strong", { text: "not yet decided" })]],
  ].filter(([, items]) => items?.length);
  if (!sections.length) return "";
  return panel("duties-panel", `Telling the ${term}, checks and decisions`,
    ...sections.flatMap(([title, items, render]) => [el("h3", { text: title }), list(items, render, "")]));
}

function otherPanel(v) {
  const offences = (v.offences || []).map((o) => el("li", {}, timeEl(o.suspected_at), `: ${o.offence} (NRM status: ${o.nrm_status})`,
    ...(o.prompts || []).map((p) => el("p", { class: "hint", text: p }))));
  const contacts = (v.contacts || []).map((k) => el("li", {}, `${k.name}, ${k.relationship}`, k.accompanying ? " (accompanies the child)" : "",
    k.restricted ? el("strong", { text: " (restricted: never contact or tell)" }) : "", k.note ? `. ${k.note}` : ""));
  const withdrawals = (v.withdrawals || []).map((w) => el("li", {}, "Disclosure withdrawn ", timeEl(w.at), w.note ? `: ${w.note}` : "", ". Support and enquiries continue."));
  if (!offences.length && !contacts.length && !withdrawals.length) return "";
  return panel("other-panel", "Other records",
    offences.length ? [el("h3", { text: "Suspected offences" }), el("ul", { class: "entries" }, ...offences)] : "",
    contacts.length ? [el("h3", { text: "Contacts" }), el("ul", { class: "entries" }, ...contacts)] : "",
    withdrawals.length ? [el("h3", { text: "Withdrawn disclosures" }), el("ul", { class: "entries" }, ...withdrawals)] : "");
}

// retentionPanel shows managers and the Safeguarding Lead how long the record is kept and why,
// what the date had to assume (to check before approving its destruction), and its legal holds.
function retentionPanel(v) {
  const r = v.retention;
  if (!r) return "";
  const hold = (h) => [`Placed by ${byText(h.placed_by)} `, timeEl(h.placed_at), `: ${h.reason}`,
    h.lifted_at && !h.lifted_at.startsWith("0001-") ? [`; lifted by ${byText(h.lifted_by)} `, timeEl(h.lifted_at), `: ${h.lift_reason}`] : ""];
  return panel("retention-panel", "Keeping the record",
    facts([
      ["Kept until", r.until && !r.until.startsWith("0001-") ? timeEl(r.until) : "Set when the case closes"],
      ["Why", r.basis?.length ? el("ul", {}, ...r.basis.map((b) => el("li", { text: b }))) : ""],
      ["Assumed dates to check", r.estimated?.length ? el("ul", {}, ...r.estimated.map((b) => el("li", { text: b }))) : ""],
      ["Legal hold", r.on_hold ? "A legal hold keeps this record: nothing is destroyed while it stands" : ""],
      ["Destruction", r.destruction ? [`Approved by ${byText(r.destruction.approved_by)} `, timeEl(r.destruction.approved_at), `: ${r.destruction.reason}`] : ""],
    ]),
    r.legal_holds?.length ? [el("h3", { text: "Legal holds" }), list(r.legal_holds, hold, "")] : "");
}

// casePanels draws every panel of the case.
function casePanels(v, L) {
  const actionsByID = Object.fromEntries((v.actions || []).map((a) => [a.id, a]));
  const openByRef = {};
  for (const a of v.open_actions || []) (openByRef[a.ref] ??= []).push(a);
  return [
    childPanel(v, L), concernsPanel(v, L), reportingPanel(v, L), nrmPanel(v, L), ictgPanel(v, L),
    meetingsPanel(v, L, actionsByID), carePlanPanel(v), missingPanel(v, L, openByRef),
    v.allegations?.length ? allegationsPanel(v, L) : "", dutiesPanel(v, L), otherPanel(v), retentionPanel(v),
  ].flat().filter(Boolean);
}

// timelineEntry shows when something happened and when it was recorded.
function timelineEntry(e) {
  return el("li", { "data-seq": String(e.seq) },
    el("strong", {}, timeEl(e.at)), " ", e.summary,
    el("span", { class: "hint" }, ` (${ownerText(e.by)}; recorded `, timeEl(e.recorded_at), ")"));
}
