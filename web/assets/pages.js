// caseflow pages: what each page does once loaded. Every piece of data comes from the API as
// the signed-in person, so a page shows no more than the API allows them.
"use strict";

const caseLink = (id, text) => el("a", { href: "/cases/" + id, text });
const overdueCell = (n) => el("td", { class: n ? "late" : "", text: String(n) });

// A button that shows and hides the part of the page it controls.
function disclosure(text, panel) {
  const id = `panel-${++uniqueSeq}`;
  panel.id = id;
  panel.hidden = true;
  const button = el("button", { type: "button", class: "secondary", "aria-expanded": "false", "aria-controls": id, text });
  button.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    button.setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden) $("input:not([type=hidden]), select, textarea", panel)?.focus();
  });
  return button;
}

// auditLog shows an audit log a page at a time, the latest first, in the table #name with its
// "show earlier" button #name-more.
const auditLog = async (path, name, empty) => {
  let cursor = "";
  const what = (r) => {
    if (r.action.startsWith("step-")) return "Recorded a step: " + r.action.slice(5).replaceAll("-", " ");
    return ACCESS_ACTIONS[r.action] || r.action;
  };
  const outcome = (r) => {
    const text = { allowed: "Shown", refused: "Refused", failed: "Failed" }[r.outcome] || r.outcome;
    return r.count > 1 ? `${text} (${r.count} times this hour)` : text;
  };
  const load = async (more) => {
    const q = new URLSearchParams({ limit: "50" });
    if (more) q.set("cursor", cursor);
    const page = await api("GET", `${path}?${q}`);
    const body = $(`#${name} tbody`);
    if (!more) body.replaceChildren();
    page.records.forEach((r) => body.append(el("tr", {},
      el("td", {}, timeEl(r.at)),
      el("td", { text: ownerText({ user_id: r.user_id, role: r.role }) + (r.team ? `, team ${r.team}` : "") }),
      el("td", { text: what(r) + (r.detail ? ` (${r.detail})` : "") }),
      el("td", { class: r.outcome === "allowed" ? "" : "late", text: outcome(r) }))));
    if (!more && !page.records.length) body.append(el("tr", {}, el("td", { colspan: "4", text: empty })));
    cursor = page.next_cursor || "";
    $(`#${name}-more`).hidden = !cursor;
  };
  $(`#${name}-more`).addEventListener("click", () => load(true).catch((e) => say(e.message, true)));
  await load(false);
};

const pages = {
  async board() {
    let cursor = "";
    const kinds = $("#f-kind");
    Object.entries(ACTION_TITLES).sort((a, b) => a[1].localeCompare(b[1]))
      .forEach(([k, t]) => kinds.append(el("option", { value: k, text: t })));
    const filters = () => new URLSearchParams([...new FormData($("#filters"))].filter(([, v]) => v));
    // The filters are in the address, so a filtered board can be bookmarked, shared and reloaded.
    const fromAddress = new URLSearchParams(location.search);
    const teams = $("#f-team");
    const teamChoice = (t) => teams.querySelector(`option[value="${CSS.escape(t)}"]`) || teams.append(el("option", { value: t, text: t }));
    for (const [name, value] of fromAddress) {
      if (name === "team" && value) teamChoice(value);
      const input = $("#filters").elements[name];
      if (input) input.value = value;
    }
    // Each row leads to its action on the case, where the step that closes it opens.
    const actionHref = (a) => `/cases/${a.case_id}#action-${a.id}`;
    const row = (a) => el("tr", {},
      el("td", {}, caseLink(a.case_id, a.reference)),
      el("td", { "data-kind": a.kind }, el("a", { href: actionHref(a), text: actionTitle(a.kind) })), el("td", { text: a.team }),
      // The read model names other people by pseudonyms, which are for Redis, not for people:
      // the board says whose role owns the action, and "You" for the caller's own.
      el("td", { text: a.owner_user === ME.user ? "You" : capitalise(ROLE_NAMES[a.owner_role] || a.owner_role) }),
      el("td", { class: "late", text: lateBy(a.late_seconds) }),
      el("td", { class: "level-" + a.escalation, text: LEVELS[a.escalation] }));
    const loadList = async (more, background = false) => {
      const q = filters();
      q.set("limit", "50");
      if (more) q.set("cursor", cursor);
      const page = await api("GET", "/v1/overdue?" + q, undefined, { background });
      const body = $("#overdue tbody");
      if (!more) body.replaceChildren();
      page.actions.forEach((a) => body.append(row(a)));
      if (!more && !page.actions.length) body.append(el("tr", {}, el("td", { colspan: "6", text: "Nothing is overdue." })));
      cursor = page.next_cursor || "";
      $("#more").hidden = !cursor;
    };
    const loadSummary = async (background) => {
      const s = await api("GET", "/v1/overdue/summary", undefined, { background });
      $("#total").textContent = s.counts.total;
      const missing = $("#missing-cases");
      missing.hidden = !(s.missing_cases > 0);
      missing.textContent = s.missing_cases === 1 ? "1 case cannot be shown on this board: tell your administrator."
        : `${s.missing_cases} cases cannot be shown on this board: tell your administrator.`;
      Object.keys(s.counts.by_team || {}).sort().forEach(teamChoice);
      for (const [id, map, label] of [["#by-team", s.counts.by_team, (k) => k], ["#by-kind", s.counts.by_kind, actionTitle]]) {
        $(id + " tbody").replaceChildren(...Object.entries(map || {}).sort((a, b) => b[1] - a[1])
          .map(([k, n]) => el("tr", {}, el("td", { text: label(k) }), el("td", { text: String(n) }))));
      }
      chart(s.series || []);
    };
    const refresh = async (background = true) => {
      try { await Promise.all([loadSummary(background), loadList(false, background)]); } catch (e) { say(e.message, true); }
    };
    $("#filters").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const q = filters().toString();
      history.replaceState(null, "", location.pathname + (q ? "?" + q : ""));
      loadList(false).catch((e) => say(e.message, true));
    });
    $("#more").addEventListener("click", () => loadList(true).catch((e) => say(e.message, true)));
    await refresh(false);
    live(debounce(refresh, 300));
    setInterval(refresh, 30000);
  },

  // Who accessed a case, for the Safeguarding Lead and managers: the access log a page at a
  // time, the latest first.
  async access() {
    const id = document.body.dataset.case;
    $("#back-to-case").href = "/cases/" + id;
    await auditLog(`/v1/cases/${id}/access`, "access", "No access is recorded yet.");
  },

  // The data protection officer's record of every decoding of a case's records.
  async decryptions() {
    await auditLog("/v1/decryptions", "decryptions", "Nobody has decoded a case's records yet.");
  },

  // The Safeguarding Lead's destruction register: each record destroyed, with who approved it,
  // under which rule and why.
  async register() {
    const r = await api("GET", "/v1/destruction-register");
    const confirmed = (n) => (n ? ` (confirming ${n} assumed date${n > 1 ? "s" : ""})` : "");
    $("#register").replaceChildren(...r.entries.map((e) => el("li", {},
      el("h3", {}, `${e.reference}, destroyed `, timeEl(e.destroyed_at)),
      facts([
        ["Approved by", [`${ownerText(e.approved_by)}, `, timeEl(e.approved_at), confirmed(e.assumptions_confirmed)]],
        ["Rule", e.rule_title || e.rule],
        ["Reason", e.reason],
        ["What was destroyed", el("ul", {}, ...(e.destroyed || []).map((d) => el("li", { text: d })))],
      ]))));
    if (!r.entries.length) $("#register").append(el("li", { text: "No record has been destroyed." }));
  },

  // The social worker's work: their actions soon due or overdue, their notifications, their cases.
  async cases() {
    const now = Date.now();
    const loadActions = async (background) => {
      const r = await api("GET", "/v1/me/actions?within=168h&limit=100", undefined, { background });
      $("#my-actions tbody").replaceChildren(...r.actions.map((a) => {
        const late = Date.parse(a.due) <= now;
        return el("tr", {},
          el("td", {}, caseLink(a.case_id, a.reference)),
          el("td", {}, el("a", { href: `/cases/${a.case_id}#action-${a.id}`, "data-kind": a.kind, text: actionTitle(a.kind) })),
          el("td", { text: when(a.due) }),
          el("td", { class: late ? "late" : "", text: late ? `Overdue by ${lateBy((now - Date.parse(a.due)) / 1000)}` : "Due" }));
      }));
      if (!r.actions.length) $("#my-actions tbody").append(el("tr", {}, el("td", { colspan: "4", text: "Nothing of yours is due this week." })));
    };
    let all = [];
    const show = () => {
      const q = $("#q").value.trim().toUpperCase();
      const shown = all.filter((c) => c.reference.toUpperCase().includes(q));
      $("#case-list tbody").replaceChildren(...shown.map((c) => el("tr", {},
        el("td", {}, caseLink(c.case_id, c.reference)),
        el("td", { text: stageText(c.stage) }), el("td", { text: c.team }),
        el("td", { text: String(c.actions.length) }),
        overdueCell(c.actions.filter((a) => Date.parse(a.due) <= now).length))));
      const cases = (n) => `${n} case${n === 1 ? "" : "s"}`;
      $("#case-count").textContent = q ? `${cases(shown.length)} of ${all.length} match ${q}.` : `${cases(all.length)}.`;
    };
    const loadCases = async (background) => {
      all = [];
      let cursor = "";
      do {
        const page = await api("GET", "/v1/cases?limit=200" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""), undefined, { background });
        all.push(...page.cases);
        cursor = page.next_cursor || "";
      } while (cursor && all.length < 2000);
      show();
    };
    $("#q").addEventListener("input", show);
    $("#case-search").addEventListener("submit", (ev) => ev.preventDefault());
    const refresh = (background = true) => Promise.all([loadActions(background), loadCases(background), notificationsInto($("#notifications"), background)])
      .catch((e) => say(e.message, true));
    await refresh(false);
    live(debounce(refresh, 500));
  },

  async case() {
    const id = document.body.dataset.case;
    const [steps, doc, reference] = await Promise.all([stepsFor(ME.role), apiDocument(), api("GET", "/v1/reference")]);
    const labels = caseLabels(doc, reference);
    const select = $("#step");
    let view;
    // Once its destruction is approved the case is about to be gone: the page says so, keeps
    // nothing of it on screen and stops asking for it.
    let destroyed = false;
    const destructionApproved = () => {
      destroyed = true;
      $$("#main > :not(h1):not(#status)").forEach((n) => n.remove());
      $("#main").append(el("p", { text: "The record is being destroyed: every part of it, its timeline and its access log. The destruction register keeps what was destroyed, when, who approved it and why." }),
        ME.role === "safeguarding_lead" ? el("p", {}, el("a", { href: "/register", text: "Open the destruction register" })) : "");
      say("Destruction approved.");
      $("#main").focus();
    };
    const build = ({ prefill = {}, hidden = [] } = {}) => {
      const step = steps.find((s) => s.name === select.value);
      const holder = $("#step-form");
      if (!step) return holder.replaceChildren();
      holder.replaceChildren(stepForm(step, {
        view, prefill, hidden,
        onDone: async () => {
          if (step.name === "destruction-approval") return destructionApproved();
          select.value = "";
          holder.replaceChildren();
          await render();
          confirmDone(`Recorded: ${step.title}.`, $("#record"));
        },
      }));
    };
    const open = (stepName, filled) => {
      select.value = stepName;
      build(filled);
      $("#record").scrollIntoView();
      $("#step-form input:not([type=hidden]), #step-form select, #step-form textarea")?.focus();
    };
    const button = (stepName, text, filled, attrs = {}) => {
      const b = el("button", { type: "button", class: "secondary", text, ...attrs });
      b.addEventListener("click", () => open(stepName, filled));
      return b;
    };

    // The timeline: the latest entries, and earlier ones on request while the API offers them.
    let older = [];
    let before = "";
    const showTimeline = (latest) => {
      const seen = new Set();
      const entries = [...latest, ...older].filter((e) => !seen.has(e.seq) && seen.add(e.seq)).sort((a, b) => b.seq - a.seq);
      $("#timeline").replaceChildren(...entries.map(timelineEntry));
      $("#timeline-more").hidden = !before;
    };
    let latest = [];
    const loadTimeline = async (background) => {
      const tl = await api("GET", `/v1/cases/${id}/timeline`, undefined, { background });
      latest = tl.entries;
      if (!older.length) before = tl.next_before ? String(tl.next_before) : "";
      showTimeline(latest);
    };
    $("#timeline-more").addEventListener("click", async () => {
      try {
        const tl = await api("GET", `/v1/cases/${id}/timeline?before=${encodeURIComponent(before)}`);
        older.push(...tl.entries);
        before = tl.next_before ? String(tl.next_before) : "";
        showTimeline(latest);
      } catch (e) { say(e.message, true); }
    });

    const render = async (background = false) => {
      view = await api("GET", "/v1/cases/" + id, undefined, { background });
      document.title = view.reference + " · caseflow";
      $("h1").textContent = "Case " + view.reference;
      $("#case-facts").replaceChildren(`${stageText(view.stage)}. Opened `, timeEl(view.opened_at), ", last changed ", timeEl(view.updated_at), ".");
      $("#actions tbody").replaceChildren(...view.open_actions.map((a) => {
        const closer = closerOf(a, steps);
        return el("tr", { id: "action-" + a.id },
          el("td", { text: a.title }), el("td", { text: ownerText(a.owner) }),
          el("td", {}, timeEl(a.due)),
          el("td", { class: a.overdue ? "late" : "", text: a.overdue ? "Overdue: " + LEVELS[a.level] : "Due" }),
          el("td", {}, closer ? button(closer.step.name, closer.step.title, closer, { "data-action": a.id, "data-kind": a.kind }) : undefined));
      }));
      if (!view.open_actions.length) $("#actions tbody").append(el("tr", {}, el("td", { colspan: "5", text: "No open actions." })));
      closurePanel();
      const meetingActions = view.open_actions.some((a) => a.kind === "meeting-action");
      const chosen = select.value;
      select.replaceChildren(el("option", { value: "", text: "Choose what to record…" }),
        ...steps.filter((s) => s.name !== "action-done" || meetingActions).map((s) => el("option", { value: s.name, text: s.title })));
      select.value = chosen;
      const panels = casePanels(view, labels);
      $("#panels").replaceChildren(...panels);
      $("#case-contents").replaceChildren(...[$("#open-actions"), ...panels, $("#timeline-section")]
        .map((p) => el("li", {}, el("a", { href: "#" + p.id, text: $("h2", p).textContent }))),
        ...(OVERSEERS.includes(ME.role) ? [el("li", {}, el("a", { href: `/cases/${id}/access`, text: "Who accessed this case" }))] : []));
      await loadTimeline(background);
    };

    // closurePanel shows a closed case as closed, with when, why and who decided; a request to
    // close the case with the manager's two answers; and every earlier request and decision, so
    // that a social worker whose request was declined reads why.
    const closurePanel = () => {
      const holder = $("#closure-panel");
      const closure = view.closure || {};
      const req = closure.request;
      const reasonOf = (r) => labels.code("ClosureRequestBody", "reason", r.reason).toLowerCase();
      const history = [...(closure.requests || []).map((r) => ({ at: r.at, text: [`${byText(r.by)} asked to close the case: ${reasonOf(r)}`, r.note ? ` (“${r.note}”)` : ""] })),
        ...(closure.decisions || []).map((d) => ({ at: d.at, declined: d.decision === "declined",
          text: [`${byText(d.by)} ${{ approved: "approved closure", declined: "declined closure", reopened: "reopened the case" }[d.decision] || d.decision}`, d.note ? `: “${d.note}”` : ""] }))]
        .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
      const parts = [];
      if (view.stage === "closed") {
        const approved = [...(closure.decisions || [])].reverse().find((d) => d.decision === "approved");
        parts.push(el("div", { class: "closed-banner", id: "closed-banner" }, el("h2", { text: "This case is closed" }),
          el("p", {}, "Closed ", timeEl(closure.closed_at || approved?.at), approved ? ` by ${byText(approved.by)}` : "", "."),
          el("p", { text: "Its record is kept until its retention date. A further concern about the child reopens it: record it here, or raise a concern." })));
      }
      if (req) {
        const answers = [["closure-approval", "Approve closure"], ["closure-decline", "Decline closure"]]
          .filter(([name]) => steps.some((s) => s.name === name)).map(([name, text]) => button(name, text, {}, { "data-closure": name }));
        parts.push(panel("closure-request-panel", "Closure requested",
          el("p", {}, `${byText(req.by)} asked `, timeEl(req.at), ` to close the case: ${reasonOf(req)}.`),
          el("blockquote", { text: req.note }),
          answers.length ? el("p", { class: "hint", text: "Approving closure ends every open action: give the reason each one ends." }) : "",
          ...answers));
      }
      if (history.length) {
        parts.push(panel("closure-history", "Requests to close the case", el("ul", { class: "entries" },
          ...history.map((h) => el("li", { class: h.declined ? "declined" : "" }, timeEl(h.at), ": ", ...h.text, ".")))));
      }
      holder.replaceChildren(...parts);
    };

    select.addEventListener("change", () => build());
    try {
      await render();
      const target = /^#action-(.+)$/.exec(location.hash);
      const action = target && view.open_actions.find((a) => a.id === target[1]);
      const closer = action && closerOf(action, steps);
      if (closer) open(closer.step.name, closer);
    } catch (e) { say(e.message, true); }
    live(debounce(() => (destroyed ? undefined : render(true).catch(() => {})), 300));
  },

  // The carer's page: per child, what they must do with a button for each, the child's missing
  // episodes, and the care plan; then their notifications.
  async my() {
    const steps = Object.fromEntries((await stepsFor(ME.role)).map((s) => [s.name, s]));
    const holder = $("#children");
    const render = async () => {
      const page = await api("GET", "/v1/cases?limit=50");
      const cards = [];
      for (const c of page.cases) cards.push(childCard(await api("GET", "/v1/cases/" + c.case_id)));
      holder.replaceChildren(...cards);
      if (!page.cases.length) holder.append(el("p", { text: "No child placed with you has a case in caseflow." }));
    };
    // After a record the cards are drawn again; the banner goes at the top of the child's.
    const done = (message, id) => async () => {
      await render();
      confirmDone(message, $(`[data-case="${id}"]`, holder) || holder);
    };
    const childCard = (v) => {
      const card = $("#child-card").content.firstElementChild.cloneNode(true);
      card.dataset.case = v.id;
      const name = v.child.name;
      $(".child-title", card).textContent = `${name} (${v.reference})`;
      $(".links", card).append("See ", caseLink(v.id, `${name}'s case`), ": ",
        el("a", { href: `/cases/${v.id}#timeline-section`, text: "what has happened" }), ", ",
        el("a", { href: `/cases/${v.id}#care-plan`, text: "the care plan" }), ".");
      const mine = v.open_actions.filter((a) => a.owner.user_id === ME.user || (!a.owner.user_id && a.owner.role === ME.role));
      $(".open-actions", card).replaceChildren(...mine.map((a) => {
        const closer = closerOf(a, Object.values(steps));
        const step = closer?.step;
        const li = el("li", { class: a.overdue ? "late-item" : "" }, el("strong", { text: a.title }), `: due ${when(a.due)}${a.overdue ? " (overdue)" : ""} `);
        if (step?.name === "missing-return") {
          li.append("Record the return under “Missing from home”.");
        } else if (step) {
          const form = el("div", { class: "inline-form" }, stepForm(step, { view: v, prefill: closer.prefill, hidden: closer.hidden, submitText: step.title, onDone: done(`Recorded: ${step.title}.`, v.id) }));
          li.append(disclosure(step.title, form), form);
        }
        return li;
      }));
      if (!mine.length) $(".open-actions", card).append(el("li", { text: "Nothing for you to do now." }));
      const missing = $(".missing", card);
      for (const e of (v.missing || []).filter((e) => !e.returned_at || e.returned_at.startsWith("0001-"))) {
        const panel = el("div", { class: "inline-form" }, stepForm(steps["missing-return"], {
          view: v, prefill: { episode_id: e.id }, hidden: ["episode_id"], submitText: "Record the return", onDone: done(`${name}'s return was recorded.`, v.id),
        }));
        missing.append(el("p", {}, `${name} has been missing since ${when(e.went_missing_at)}. `, disclosure(`Record ${name}'s return`, panel)), panel);
      }
      const episode = el("div", { class: "inline-form" }, stepForm(steps["missing-episode"], { view: v, submitText: "Record the missing episode", onDone: done("The missing episode was recorded.", v.id) }));
      missing.append(el("p", {}, disclosure(`Record that ${name} is missing`, episode)), episode);
      $(".contribution", card).append(stepForm(steps["care-plan-contribution"], {
        view: v, submitText: "Add to the care plan",
        onDone: async (_, form) => { form.reset(); confirmDone("Your contribution was added to the care plan.", form.parentElement); },
      }));
      return card;
    };
    try {
      await Promise.all([render(), notificationsInto($("#notifications"))]);
    } catch (e) { say(e.message, true); }
  },

  async raise() {
    const form = $("#raise-form");
    const ref = await api("GET", "/v1/reference");
    const checkboxes = (holder, name, codes) => holder.replaceChildren(...codes.map((c) => {
      const id = `${name}-${c.code}`;
      return el("div", { class: c.parent ? "check child-code" : "check" },
        el("input", { type: "checkbox", id, name, value: c.code }), el("label", { for: id, text: c.label }));
    }));
    checkboxes($("#indicator-list"), "indicators", ref.indicators);
    checkboxes($("#exploitation-list"), "exploitation_types", ref.exploitation_types);
    $("#indicators-other").addEventListener("change", (ev) => { $("#indicator-other").hidden = !ev.target.checked; });
    const observed = dateTimeField("observed_at", "When did you see or hear it?", { hint: "Your best estimate is fine." });
    $(".ukdatetime", form).replaceWith(observed);

    form.addEventListener("change", (ev) => {
      if (ev.target.name === "immediate_danger") $("#call-999").hidden = ev.target.value !== "yes";
      if (ev.target.name === "case") $("#child-details").hidden = ev.target.value !== "new";
    });

    const cases = (await api("GET", "/v1/cases?limit=200")).cases;
    const choices = $("#child-choices");
    const radio = (value, label) => {
      const id = `case-${value}`;
      return el("div", { class: "check" }, el("input", { type: "radio", name: "case", id, value }), el("label", { for: id, text: label }));
    };
    if (ME.role === "carer") {
      // Only staff add carers to a child's case.
      $("#carers-field").remove();
      $("#carer-new-child").hidden = false;
      for (const c of cases.slice(0, 20)) {
        const v = await api("GET", "/v1/cases/" + c.case_id);
        choices.append(radio(c.case_id, `${v.child.name} (${c.reference})`));
      }
      choices.append(radio("new", "A child not listed here"));
    } else {
      choices.append(radio("new", "A child without a case in caseflow (enter their details)"));
      if (cases.length) {
        const select = el("select", { id: "existing-case", name: "existing" }, el("option", { value: "", text: "Choose a case…" }),
          ...cases.map((c) => el("option", { value: c.case_id, text: `${c.reference} (${c.team})` })));
        choices.append(radio("existing", "A child with a case in caseflow"),
          el("div", { class: "indent" }, el("label", { for: "existing-case", text: "Case reference" }), select));
      }
    }

    let caseID;
    // read turns the answers into the concern the API takes, or throws what to correct.
    const read = () => {
      const f = new FormData(form);
      const errors = {};
      const body = {};
      const danger = f.get("immediate_danger");
      if (!danger) errors.immediate_danger = "Answer whether the child is in immediate danger";
      else body.immediate_danger = danger === "yes";
      caseID = f.get("case");
      if (caseID === "existing") caseID = f.get("existing");
      if (!caseID) errors.child = "Choose the child";
      try { body.observed_at = readDateTime(observed); } catch (e) { Object.assign(errors, e.fields); }
      if (f.get("account")?.trim()) body.account = f.get("account").trim();
      const indicators = f.getAll("indicators");
      if (indicators.length) {
        body.indicators = indicators.map((code) => (code === "other" && f.get("indicator_note")?.trim() ? { code, note: f.get("indicator_note").trim() } : { code }));
      }
      const types = f.getAll("exploitation_types");
      if (types.length) body.exploitation_types = types;
      if (caseID === "new") {
        const text = (k) => f.get(k)?.trim() || undefined;
        let dob;
        try { dob = readDate($("#child-dob")); } catch (e) { Object.assign(errors, e.fields); }
        body.child = {
          name: text("child.name"), date_of_birth: dob, preferred_term: f.get("child.preferred_term") || undefined, reference: text("child.reference"),
          first_language: text("child.first_language"), interpreter_needed: f.get("child.interpreter_needed") === "on",
          unaccompanied: f.get("child.unaccompanied") === "on", parental_responsibility: f.get("child.parental_responsibility"),
        };
        Object.assign(body, { la: text("la"), team: text("team"), social_worker: text("social_worker"), fostering_social_worker: text("fostering_social_worker") });
        const carers = ME.role === "carer" ? [] : (text("carers") || "").split(",").map((s) => s.trim()).filter(Boolean);
        if (carers.length) body.carers = carers;
      }
      if (Object.keys(errors).length) {
        throw Object.assign(new Error("Some answers are missing or need correcting."), { fields: errors });
      }
      return body;
    };
    keepDrafts(form, "raise");
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      submitForm(form, (body, headers) => api("POST", caseID === "new" ? "/v1/cases" : `/v1/cases/${caseID}/concern`, body, { headers }), read, raised);
    });

    // raised says what happens next: the actions the concern opened, who owns each and when
    // each is due.
    const raised = async (res) => {
      const v = await api("GET", "/v1/cases/" + res.case_id);
      const opened = v.open_actions.filter((a) => (res.opened_actions || []).includes(a.id));
      form.hidden = true;
      $("#done-ref").textContent = res.existing_case
        ? `The child already has a case with the agency, ${res.reference}: the concern is on it. The child's social worker can see it now.`
        : `The concern is on case ${res.reference}. The child's social worker can see it now.`;
      $("#next-actions").replaceChildren(...opened.map((a) => el("li", {},
        el("strong", { text: a.title }), `: ${ownerText(a.owner)}, due ${when(a.due)}.`)));
      if (!opened.length) $("#next-actions").append(el("li", { text: "Nothing new to do: the case's open actions already cover this concern." }));
      $("#done-links").replaceChildren(...(ME.role === "carer" ? [el("a", { href: "/my", text: "Back to my children" }), " · "] : []),
        caseLink(res.case_id, "Open the case"));
      $("#raise-done").hidden = false;
      $("#raise-done").focus();
    };
  },
};

function chart(series) {
  const box = $("#chart");
  if (series.length < 2) { box.textContent = "Not enough history yet."; return; }
  const w = 600, h = 150, max = Math.max(1, ...series.map((s) => s.overdue));
  const t0 = Date.parse(series[0].at), t1 = Date.parse(series[series.length - 1].at) || t0 + 1;
  const pts = series.map((s) => `${((Date.parse(s.at) - t0) / Math.max(1, t1 - t0)) * w},${h - (s.overdue / max) * (h - 10)}`).join(" ");
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("aria-hidden", "true");
  const axis = document.createElementNS(ns, "line");
  Object.entries({ x1: 0, y1: h - 1, x2: w, y2: h - 1, class: "axis" }).forEach(([k, v]) => axis.setAttribute(k, v));
  const line = document.createElementNS(ns, "polyline");
  line.setAttribute("points", pts);
  line.setAttribute("class", "line");
  svg.append(axis, line);
  box.replaceChildren(svg);
  box.setAttribute("aria-label", `Overdue actions over the last week: now ${series[series.length - 1].overdue}, at most ${max}`);
}

document.addEventListener("DOMContentLoaded", () => {
  const run = pages[document.body.dataset.page];
  if (run) run().catch((e) => say(e.message, true));
});
