// caseflow pages: every piece of data comes from the API with the signed-in person's token,
// kept in this tab's sessionStorage only.
"use strict";

const TOKEN = "caseflow.token";
const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
};

function claims() {
  const t = sessionStorage.getItem(TOKEN);
  if (!t) return null;
  try {
    return JSON.parse(atob(t.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
  } catch { return null; }
}

function say(message, isError = false) {
  const s = $("#status");
  s.textContent = message;
  s.classList.toggle("error", isError);
}

async function api(method, path, body) {
  const headers = { Authorization: "Bearer " + sessionStorage.getItem(TOKEN) };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    headers["Idempotency-Key"] = crypto.randomUUID();
  }
  const resp = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = resp.headers.get("Content-Type")?.includes("json") ? await resp.json() : null;
  if (resp.status === 401) { sessionStorage.removeItem(TOKEN); location.href = "/"; }
  if (!resp.ok) {
    const fields = data?.errors ? " " + Object.entries(data.errors).map(([f, r]) => `${f}: ${r}`).join("; ") : "";
    throw new Error((data?.detail || resp.statusText) + fields);
  }
  return data;
}

const when = (iso) => iso ? new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" }) : "–";
const lateBy = (seconds) => {
  const h = Math.floor(seconds / 3600), d = Math.floor(h / 24);
  return d >= 1 ? `${d} day${d > 1 ? "s" : ""}` : h >= 1 ? `${h} hour${h > 1 ? "s" : ""}` : `${Math.max(1, Math.floor(seconds / 60))} min`;
};
const LEVELS = ["not chased", "reminded", "overdue", "manager told", "Safeguarding Lead told"];

function homeFor(role) {
  return { manager: "/board", safeguarding_lead: "/board", carer: "/my" }[role] || "/cases";
}

// Live updates: the event stream is read with fetch, so the token goes in a header, not the URL.
async function live(onChange) {
  try {
    const resp = await fetch("/v1/events", { headers: { Authorization: "Bearer " + sessionStorage.getItem(TOKEN) } });
    const reader = resp.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let i;
      while ((i = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (event.includes("event:case")) onChange();
      }
    }
  } catch { /* the periodic refresh still runs */ }
  setTimeout(() => live(onChange), 3000);
}

function debounce(f, ms) {
  let t;
  return () => { clearTimeout(t); t = setTimeout(f, ms); };
}

const pages = {
  signin() {
    const go = (token) => {
      sessionStorage.setItem(TOKEN, token);
      location.href = homeFor(claims()?.role);
    };
    $("#dev-signin")?.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const f = new FormData(ev.target);
      const resp = await fetch("/dev/token", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ role: f.get("role"), user: f.get("user"), team: f.get("team") }) });
      const data = await resp.json();
      if (!resp.ok) return say(data.detail, true);
      go(data.token);
    });
    $("#token-signin").addEventListener("submit", (ev) => {
      ev.preventDefault();
      go(new FormData(ev.target).get("token").trim());
    });
  },

  async board() {
    let cursor = "";
    const filters = () => new URLSearchParams([...new FormData($("#filters"))].filter(([, v]) => v));
    const row = (a) => el("tr", {},
      el("td", {}, el("a", { href: "/cases/" + a.case_id, text: a.reference })),
      el("td", { text: a.kind }), el("td", { text: a.team }),
      el("td", { text: a.owner_user || a.owner_role }),
      el("td", { class: "late", text: lateBy(a.late_seconds) }),
      el("td", { class: "level-" + a.escalation, text: LEVELS[a.escalation] }));
    const loadList = async (more) => {
      const q = filters();
      q.set("limit", "50");
      if (more) q.set("cursor", cursor);
      const page = await api("GET", "/v1/overdue?" + q);
      const body = $("#overdue tbody");
      if (!more) body.replaceChildren();
      page.actions.forEach((a) => body.append(row(a)));
      cursor = page.next_cursor || "";
      $("#more").hidden = !cursor;
    };
    const loadSummary = async () => {
      const s = await api("GET", "/v1/overdue/summary");
      $("#total").textContent = s.counts.total;
      for (const [id, map] of [["#by-team", s.counts.by_team], ["#by-kind", s.counts.by_kind]]) {
        $(id + " tbody").replaceChildren(...Object.entries(map || {}).sort((a, b) => b[1] - a[1])
          .map(([k, n]) => el("tr", {}, el("td", { text: k }), el("td", { text: String(n) }))));
      }
      chart(s.series || []);
    };
    const refresh = async () => {
      try { await Promise.all([loadSummary(), loadList(false)]); say(""); } catch (e) { say(e.message, true); }
    };
    $("#filters").addEventListener("submit", (ev) => { ev.preventDefault(); loadList(false).catch((e) => say(e.message, true)); });
    $("#more").addEventListener("click", () => loadList(true).catch((e) => say(e.message, true)));
    await refresh();
    live(debounce(refresh, 300));
    setInterval(refresh, 30000);
  },

  async cases() {
    try {
      const page = await api("GET", "/v1/cases?limit=200");
      const now = Date.now();
      $("#case-list tbody").replaceChildren(...page.cases.map((c) => el("tr", {},
        el("td", {}, el("a", { href: "/cases/" + c.case_id, text: c.reference })),
        el("td", { text: c.stage }), el("td", { text: c.team }),
        el("td", { text: String(c.actions.length) }),
        el("td", { class: "late", text: String(c.actions.filter((a) => Date.parse(a.due) <= now).length) }))));
      if (!page.cases.length) say("No cases are assigned to you.");
    } catch (e) { say(e.message, true); }
  },

  async case() {
    const id = document.body.dataset.case;
    const render = async () => {
      const v = await api("GET", "/v1/cases/" + id);
      document.title = v.reference + " · caseflow";
      $("h1").textContent = "Case " + v.reference;
      const facts = [["Child", v.child.name], ["Preferred term", v.child.preferred_term], ["Stage", v.stage],
        ["Local authority", v.la], ["Team", v.team], ["Social worker", v.social_worker]];
      $("#summary").replaceChildren(...facts.flatMap(([k, val]) => [el("dt", { text: k }), el("dd", { text: val || "–" })]));
      $("#actions tbody").replaceChildren(...v.open_actions.map((a) => el("tr", {},
        el("td", { text: a.title + " (" + a.id + ")" }), el("td", { text: a.owner.user_id || a.owner.role }),
        el("td", { text: when(a.due) }),
        el("td", { class: a.overdue ? "late" : "", text: a.overdue ? "Overdue: " + LEVELS[a.level] : "Due" }))));
      $("#contributions").replaceChildren(...(v.care_plan.contributions || []).map((k) =>
        el("li", {}, el("strong", { text: `${k.by.role} ${k.by.user_id}, ${when(k.at)}: ` }), k.text)));
      const tl = await api("GET", `/v1/cases/${id}/timeline`);
      $("#timeline").replaceChildren(...tl.entries.slice().reverse().map((e) =>
        el("li", {}, el("strong", { text: when(e.at) + " " }), `${e.summary} (${e.by.role}${e.by.user_id ? " " + e.by.user_id : ""})`)));
    };
    try { await render(); await stepForms(id, render); } catch (e) { say(e.message, true); }
    live(debounce(() => render().catch(() => {}), 300));
  },

  async my() {
    try {
      const page = await api("GET", "/v1/cases?limit=50");
      const tpl = $("#child-card");
      const holder = $("#children");
      holder.replaceChildren();
      if (!page.cases.length) say("No children are placed with you in caseflow.");
      for (const c of page.cases) {
        const v = await api("GET", "/v1/cases/" + c.case_id);
        const card = tpl.content.firstElementChild.cloneNode(true);
        $(".child-title", card).textContent = `${v.child.name} (${v.reference})`;
        $(".open-actions", card).replaceChildren(...v.open_actions.map((a) =>
          el("li", { class: a.overdue ? "late" : "" }, `${a.title}: due ${when(a.due)}${a.overdue ? " (overdue)" : ""}`)));
        if (!v.open_actions.length) $(".open-actions", card).append(el("li", { text: "Nothing open." }));
        // Each form gets its own ids so labels stay unique on the page.
        card.querySelectorAll("input, textarea").forEach((input, i) => { input.id = `${c.case_id}-${input.name}-${i}`; });
        $(".contribution", card).addEventListener("submit", async (ev) => {
          ev.preventDefault();
          const f = new FormData(ev.target);
          try {
            await api("POST", `/v1/cases/${c.case_id}/care-plan-contribution`, { topic: f.get("topic") || undefined, text: f.get("text") });
            ev.target.reset();
            say("Your contribution was added to the care plan.");
          } catch (e) { say(e.message, true); }
        });
        $(".missing", card).addEventListener("submit", async (ev) => {
          ev.preventDefault();
          const f = new FormData(ev.target);
          const iso = (v) => v ? new Date(v).toISOString().replace(/\.\d+Z$/, "Z") : undefined;
          try {
            await api("POST", `/v1/cases/${c.case_id}/missing-episode`, {
              went_missing_at: iso(f.get("went_missing_at")), returned_at: iso(f.get("returned_at")),
              reported_to_police: f.get("reported_to_police") === "on", police_reference: f.get("police_reference") || undefined,
            });
            ev.target.reset();
            say("The missing episode was recorded.");
          } catch (e) { say(e.message, true); }
        });
        holder.append(card);
      }
    } catch (e) { say(e.message, true); }
  },
};

// stepForms builds a form for each step the signed-in role may take, from the OpenAPI document:
// the same schema the API validates against.
async function stepForms(id, after) {
  const doc = await (await fetch("/v1/openapi.json")).json();
  const role = claims()?.role;
  const steps = Object.entries(doc.paths)
    .filter(([p, item]) => p.startsWith("/v1/cases/{id}/") && item.post && item.post.description.replace(/^Roles: |\.$/g, "").split(", ").includes(role))
    .map(([p, item]) => ({ name: p.split("/").pop(), title: item.post.summary.split(". Idempotent")[0], schema: item.post.requestBody.content["application/json"].schema }));
  const select = $("#step");
  select.replaceChildren(...steps.map((s) => el("option", { value: s.name, text: s.title })));
  const form = $("#step-form");
  const build = () => {
    const step = steps.find((s) => s.name === select.value);
    form.replaceChildren();
    for (const [name, prop] of Object.entries(step.schema.properties || {})) {
      const fid = "f-" + name;
      const label = el("label", { for: fid, text: name.replace(/_/g, " ") });
      let input;
      if (prop.type === "boolean") {
        input = el("input", { id: fid, name, type: "checkbox" });
      } else if (prop.format === "date-time") {
        input = el("input", { id: fid, name, type: "datetime-local" });
      } else if (prop.type === "array" && prop.items?.type === "string") {
        input = el("input", { id: fid, name, "data-list": "1" });
        label.append(el("span", { class: "hint", text: " (comma-separated)" }));
      } else if (prop.type === "array" || prop.type === "object") {
        input = el("textarea", { id: fid, name, rows: "3", "data-json": "1" });
        label.append(el("span", { class: "hint", text: " (JSON)" }));
      } else {
        input = el("input", { id: fid, name, type: prop.type === "integer" ? "number" : "text" });
      }
      form.append(label, input);
    }
    form.append(el("button", { type: "submit", text: step.title }));
  };
  select.addEventListener("change", build);
  build();
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = {};
    for (const input of form.querySelectorAll("input, textarea")) {
      if (input.type === "checkbox") { if (input.checked) body[input.name] = true; continue; }
      if (!input.value) continue;
      if (input.type === "datetime-local") body[input.name] = new Date(input.value).toISOString().replace(/\.\d+Z$/, "Z");
      else if (input.type === "number") body[input.name] = Number(input.value);
      else if (input.dataset.list) body[input.name] = input.value.split(",").map((s) => s.trim()).filter(Boolean);
      else if (input.dataset.json) {
        try { body[input.name] = JSON.parse(input.value); } catch { return say(`${input.name} is not valid JSON`, true); }
      } else body[input.name] = input.value;
    }
    try {
      await api("POST", `/v1/cases/${id}/${select.value}`, body);
      say("Recorded.");
      build();
      await after();
    } catch (e) { say(e.message, true); }
  });
}

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
  const axis = document.createElementNS(ns, "line");
  Object.entries({ x1: 0, y1: h - 1, x2: w, y2: h - 1, class: "axis" }).forEach(([k, v]) => axis.setAttribute(k, v));
  const line = document.createElementNS(ns, "polyline");
  line.setAttribute("points", pts);
  line.setAttribute("class", "line");
  svg.append(axis, line);
  box.replaceChildren(svg);
  box.setAttribute("aria-label", `Overdue actions over time: now ${series[series.length - 1].overdue}, at most ${max}`);
}

document.addEventListener("DOMContentLoaded", () => {
  const c = claims();
  const page = document.body.dataset.page;
  if (!c && page !== "signin") { location.href = "/"; return; }
  if (c) {
    $("#who").textContent = `${c.sub} (${c.role.replace(/_/g, " ")})`;
    $("#signout").hidden = false;
    document.querySelectorAll("nav a[data-roles]").forEach((a) => { a.hidden = !a.dataset.roles.split(" ").includes(c.role); });
  } else {
    document.querySelectorAll("nav a[data-roles]").forEach((a) => { a.hidden = true; });
  }
  $("#signout").addEventListener("click", () => { sessionStorage.removeItem(TOKEN); location.href = "/"; });
  pages[page]?.();
});
