// jobmock's dashboard: reads and changes the mock only through the control API, from this page's
// own origin (/_mock, or /_session/NAME/_mock for a session's view). No framework, no build.
"use strict";

const API = location.pathname.replace(/\/ui\/?$/, "");
const ROOT = API.replace(/\/_mock$/, "");
const TOKEN_KEY = "jobmock-control-token";
const PAGE = 25;
const main = document.getElementById("main");
let view = { name: "overview", args: [] };
let clock = null;
let version = "";
let vendorsCache = null;
let faultForm = null;
let jobsPaging = { vendor: null, state: "", offsets: [0] };
let requestFilters = { vendor: "", status: "", job: "", operation: "" };

// --- small helpers ----------------------------------------------------------------------------

function h(tag, attrs, ...children) {
  const svg = ["svg", "line", "rect", "text", "title", "g", "circle"].includes(tag);
  const el = svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function say(text, bad) {
  const status = document.getElementById("status");
  status.textContent = text;
  status.className = bad ? "bad" : "";
  clearTimeout(say.timer);
  say.timer = setTimeout(() => { status.textContent = ""; }, bad ? 8000 : 2500);
}

class Unauthorized extends Error {}

async function api(method, path, body) {
  const headers = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.authorization = "Bearer " + token;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(API + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "omit", cache: "no-store",
  });
  if (response.status === 401) { showLogin(); throw new Unauthorized("the control API wants the token"); }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error((data && data.error) || response.status + " " + response.statusText);
  return data;
}

async function act(method, path, body, done) {
  try {
    const result = await api(method, path, body);
    if (done) say(done);
    await render();
    return result;
  } catch (err) {
    if (!(err instanceof Unauthorized)) say(err.message, true);
    return null;
  }
}

const time = (iso) => (iso ? iso.replace("T", " ").replace(/(\.\d{3})\d*/, "$1").replace("+00:00", "Z") : "—");
const seconds = (s) => (s === null || s === undefined ? "—" : s < 120 ? s.toFixed(s < 10 ? 2 : 1) + " s" : (s / 60).toFixed(1) + " min");
const q = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v !== null && v !== undefined)).toString();

function stateColor(state) {
  let hash = 0;
  for (const ch of state || "") hash = (hash * 31 + ch.charCodeAt(0)) % 360;
  const s = (state || "").toLowerCase();
  if (/fail|error|reject|cancel|stop|terminat/.test(s)) return "hsl(2 70% 55%)";
  if (/complet|success|done|finish/.test(s)) return "hsl(140 50% 45%)";
  return `hsl(${hash} 55% 55%)`;
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = h("textarea", {}, text);
    document.body.append(area); area.select(); document.execCommand("copy"); area.remove();
  }
  button.textContent = "Copied";
  setTimeout(() => { button.textContent = "Copy"; }, 1200);
}

function copyRow(label, text) {
  const button = h("button", { type: "button", "aria-label": "Copy " + label }, "Copy");
  button.addEventListener("click", () => copy(text, button));
  return h("div", { class: "copy" }, h("code", {}, text), button);
}

// --- the timeline picture ---------------------------------------------------------------------

function timeline(job, now, polls, height, width) {
  width = width || 1000;
  const course = job.course || [];
  const times = course.filter((m) => m.at).map((m) => Date.parse(m.at));
  const nowMs = Date.parse(now);
  (polls || []).forEach((p) => times.push(Date.parse(p.at)));
  times.push(nowMs);
  let start = Math.min(...times);
  let end = Math.max(...times);
  const span = Math.max(end - start, 1000);
  start -= span * 0.02; end += span * 0.08;
  const x = (ms) => ((ms - start) / (end - start)) * width;
  const tall = height || 34;
  const bar = tall - 18;
  const svg = h("svg", { class: "timeline", viewBox: `0 0 ${width} ${tall}`, role: "img",
    "aria-label": `Timeline of ${job.id}: ` + course.map((m) => `${m.state} ${m.at ? "at " + time(m.at) : "after " + m.after_polls + " polls"}`).join(", ") + `; now ${time(now)} (mock clock)` });
  svg.append(h("line", { class: "axis", x1: 0, x2: width, y1: bar, y2: bar }));
  const timed = course.filter((m) => m.at);
  timed.forEach((m, i) => {
    const from = x(Date.parse(m.at));
    const to = i + 1 < timed.length ? x(Date.parse(timed[i + 1].at)) : width;
    svg.append(h("rect", { x: from, y: 4, width: Math.max(to - from, 1), height: bar - 4,
      fill: stateColor(m.state), class: m.reached ? "reached" : "planned" },
      h("title", {}, `${m.state} from ${time(m.at)} (mock clock)${m.reached ? "" : ", planned"}`)));
    if (to - from > 46) svg.append(h("text", { x: from + 4, y: bar - 5 }, m.state));
  });
  for (const p of polls || []) {
    const px = x(Date.parse(p.at));
    svg.append(h("line", { class: "poll" + (p.fault ? " fired" : ""), x1: px, x2: px, y1: bar, y2: tall },
      h("title", {}, `poll #${p.seq} at ${time(p.at)}: ${p.status} ${p.state || ""}${p.fault ? " (fault " + p.fault + ")" : ""}`)));
  }
  const nx = x(nowMs);
  svg.append(h("line", { class: "now", x1: nx, x2: nx, y1: 0, y2: tall }));
  svg.append(h("text", { class: "now-label", x: Math.min(nx + 3, width - 28), y: tall - 2 }, "now"));
  return svg;
}

function nextText(job) {
  const next = job.next;
  if (!next) return h("span", { class: "muted" }, "final");
  if (next.at) return `${next.state} at ${time(next.at)}`;
  return `${next.state} after ${next.after_polls} polls`;
}

async function buildFaultForm(list) {
  const vendorPick = vendorSelect("fault-vendor", list[0] && list[0].slug, () => loadOps());
  const opPick = h("select", { id: "fault-operation", name: "operation" });
  async function loadOps() {
    const ops = (await api("GET", `/operations/${vendorPick.value}`)).operations;
    opPick.replaceChildren(h("option", { value: "" }, "any operation"), ...ops.map((o) => h("option", { value: o.id }, `${o.id} (${o.method} ${o.path})`)));
  }
  await loadOps();
  const action = h("select", { id: "fault-action", name: "action" }, ["status", "drop", "delay"].map((a) => h("option", { value: a }, a)));
  const status = h("input", { id: "fault-status", name: "status", value: "503", size: 5, inputmode: "numeric" });
  const delay = h("input", { id: "fault-delay", name: "delay", value: "", size: 6, placeholder: "2s" });
  const times = h("input", { id: "fault-times", name: "times", value: "1", size: 5, placeholder: "every" });
  function submit(e) {
    e.preventDefault();
    const rule = { vendor: vendorPick.value };
    if (opPick.value) rule.operation = opPick.value;
    if (action.value === "status") rule.status = Number(status.value);
    if (action.value === "drop") rule.drop = true;
    if (delay.value.trim()) rule.delay = delay.value.trim();
    if (action.value === "delay" && !rule.delay) rule.delay = "1s";
    rule.times = times.value.trim() === "" || times.value.trim() === "every" ? null : Number(times.value);
    act("POST", "/faults", rule, "fault added");
  }
  return h("form", { class: "row", id: "fault-form", onsubmit: submit },
    h("label", { for: "fault-vendor" }, "Vendor", vendorPick), h("label", { for: "fault-operation" }, "Operation", opPick),
    h("label", { for: "fault-action" }, "Action", action), h("label", { for: "fault-status" }, "Status", status),
    h("label", { for: "fault-delay" }, "Delay", delay), h("label", { for: "fault-times" }, "Times (empty: every)", times),
    h("button", { type: "submit", class: "primary" }, "Add fault"));
}

// --- views ------------------------------------------------------------------------------------

async function vendors() {
  vendorsCache = (await api("GET", "/vendors")).vendors;
  return vendorsCache;
}

function vendorSelect(id, value, onchange, any) {
  const select = h("select", { id, name: id, onchange },
    any ? h("option", { value: "" }, "any") : null,
    (vendorsCache || []).map((v) => h("option", { value: v.slug, selected: v.slug === value }, v.slug)));
  return select;
}

const views = {
  async overview() {
    const [list, health] = [await vendors(), await api("GET", "/health")];
    const cards = list.map((v) => h("div", { class: "card", "data-vendor": v.slug },
      h("h3", {}, v.title, " ", h("span", { class: "muted" }, v.slug)),
      h("div", { class: "muted" }, `emulates ${v.real_base_url} (API ${v.api_version}); ${v.jobs} jobs`),
      h("div", {}, "Base URL"), copyRow(`${v.slug} base URL`, location.origin + v.base_path),
      h("div", {}, "Credentials"), copyRow(`${v.slug} credentials`, v.credentials),
      h("div", { class: "row" }, h("a", { href: `#/jobs/${v.slug}` }, "Jobs"), h("a", { href: v.docs }, "API docs"))));
    const amount = h("input", { id: "advance-by", name: "advance", value: "5m", size: 8, "aria-describedby": "advance-help" });
    const setTo = h("input", { id: "set-to", name: "set", value: clock ? clock.now : "", size: 34 });
    return [
      h("h2", {}, "Vendors"), h("div", { class: "cards" }, cards),
      h("h2", {}, "Mock clock"),
      h("p", {}, "Now ", h("strong", { id: "clock-now" }, time(clock && clock.now)), ` (mock clock), mode ${clock && clock.mode}, scale ×${clock && clock.scale}`,
        health.session ? ` — session ${health.session}` : ""),
      h("div", { class: "row" },
        h("button", { type: "button", onclick: () => act("POST", "/clock", { advance: "1m" }, "advanced 1 minute") }, "Advance 1 minute"),
        h("button", { type: "button", onclick: () => act("POST", "/clock", { advance: "1h" }, "advanced 1 hour") }, "Advance 1 hour")),
      h("form", { class: "row", onsubmit: (e) => { e.preventDefault(); act("POST", "/clock", { advance: amount.value }, `advanced ${amount.value}`); } },
        h("label", { for: "advance-by" }, "Advance by (90s, 5m, 1h30m)", amount), h("button", { type: "submit" }, "Advance")),
      h("form", { class: "row", onsubmit: (e) => { e.preventDefault(); act("POST", "/clock", { set: setTo.value }, "clock set"); } },
        h("label", { for: "set-to" }, "Set to (ISO 8601, mock clock)", setTo), h("button", { type: "submit" }, "Set")),
      h("div", { class: "row" },
        h("button", { type: "button", onclick: () => act("POST", "/clock", { freeze: true }, "clock frozen") }, "Freeze"),
        h("button", { type: "button", onclick: () => act("POST", "/clock", { freeze: false }, "clock running") }, "Resume"),
        h("button", { type: "button", onclick: () => confirm("Back to the loaded fixtures and the start time?") && act("POST", "/reset", undefined, "reset") }, "Reset")),
      h("p", { id: "advance-help", class: "muted" }, "Freeze stops the mock clock (manual mode); resume lets it run again. Reset returns to the fixtures, forgets the journal and client-made jobs."),
    ];
  },

  async jobs(vendor) {
    const list = vendorsCache || await vendors();
    vendor = vendor || (list[0] && list[0].slug);
    if (jobsPaging.vendor !== vendor) jobsPaging = { vendor, state: "", offsets: [0] };
    const offset = jobsPaging.offsets[jobsPaging.offsets.length - 1];
    const page = await api("GET", `/inspect/${vendor}/jobs?` + q({ offset, limit: PAGE, state: jobsPaging.state }));
    const stateInput = h("input", { id: "state-filter", name: "state", value: jobsPaging.state, size: 14, placeholder: "e.g. RUNNING" });
    const rows = page.jobs.map((job) => h("tr", { "data-job": job.id },
      h("td", { class: "mono" }, h("a", { href: `#/job/${vendor}/${encodeURIComponent(job.id)}` }, job.id)),
      h("td", { class: "state" }, job.state === null ? h("span", { class: "muted" }, "gone") : job.state),
      h("td", { class: "picture" }, job.course ? timeline(job, page.now, null, 30, 420) : null),
      h("td", {}, job.course ? nextText(job) : "")));
    const first = offset + 1;
    const range = page.jobs.length ? `jobs ${first} to ${offset + page.jobs.length}` : "none";
    return [
      h("div", { class: "row" },
        h("label", { for: "jobs-vendor" }, "Vendor", vendorSelect("jobs-vendor", vendor, (e) => { location.hash = `#/jobs/${e.target.value}`; })),
        h("form", { class: "row", onsubmit: (e) => { e.preventDefault(); jobsPaging.state = stateInput.value.trim(); jobsPaging.offsets = [0]; render(); } },
          h("label", { for: "state-filter" }, "State", stateInput), h("button", { type: "submit" }, "Filter"))),
      h("p", { class: "muted" }, `${page.total} jobs in all; showing ${jobsPaging.state ? `those in state ${jobsPaging.state}, reading from job ${first}` : range}. Times on the mock clock; now is ${time(page.now)}.`),
      h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "Job"), h("th", {}, "State now"), h("th", { class: "wide" }, "Timeline (mock clock)"), h("th", {}, "Next"))), h("tbody", {}, rows)),
      h("div", { class: "row" },
        h("button", { type: "button", disabled: jobsPaging.offsets.length < 2, onclick: () => { jobsPaging.offsets.pop(); render(); } }, "Previous page"),
        h("button", { type: "button", disabled: page.next_offset === null, onclick: () => { jobsPaging.offsets.push(page.next_offset); render(); } }, "Next page")),
    ];
  },

  async job(vendor, id) {
    id = decodeURIComponent(id);
    const job = await api("GET", `/inspect/${vendor}/jobs/${encodeURIComponent(id)}`);
    const polls = job.polls.slice().reverse().map((p) => h("tr", {},
      h("td", {}, p.seq), h("td", {}, time(p.at)), h("td", {}, p.operation || ""),
      h("td", { class: p.status >= 400 ? "bad" : "" }, p.status), h("td", { class: "state" }, p.state || "—"),
      h("td", { class: p.fault ? "bad" : "" }, p.fault ? `fault ${p.fault}` : "—"), h("td", {}, seconds(p.interval))));
    return [
      h("p", {}, h("a", { href: `#/jobs/${vendor}` }, `← ${vendor} jobs`)),
      h("h2", {}, `${vendor} job `, h("code", {}, job.id)),
      h("p", {}, "State now: ", h("strong", { class: "state", id: "job-state" }, job.state), " · next: ", nextText(job), ` · created ${time(job.created)} · now ${time(job.now)} (mock clock)`),
      timeline(job, job.now, job.polls, 60),
      h("p", { class: "legend muted" }, h("span", {}, "bars: states (faded: planned)"), h("span", {}, "ticks below: the client's polls (red: a fault answered)"), h("span", {}, "pink line: now")),
      h("h2", {}, `Polls (${job.polls.length})`),
      job.polls.length ? h("table", {}, h("thead", {}, h("tr", {}, ["#", "At (mock clock)", "Operation", "Status", "State seen", "Fault", "Since previous"].map((t) => h("th", {}, t)))), h("tbody", {}, polls))
        : h("p", { class: "muted" }, "No client has read this job yet."),
      h("h2", {}, "Document as a client receives it now"),
      h("pre", { id: "document" }, typeof job.document === "string" ? job.document : JSON.stringify(job.document, null, 2)),
    ];
  },

  async requests() {
    const list = vendorsCache || await vendors();
    const f = requestFilters;
    const data = await api("GET", "/journal?" + q({ ...f, limit: 200 }));
    const inputs = {
      status: h("input", { id: "rq-status", name: "status", value: f.status, size: 5, placeholder: "4xx" }),
      job: h("input", { id: "rq-job", name: "job", value: f.job, size: 20 }),
      operation: h("input", { id: "rq-operation", name: "operation", value: f.operation, size: 16 }),
    };
    const vendorPick = vendorSelect("rq-vendor", f.vendor, null, true);
    const rows = data.requests.map((r) => h("tr", { "data-seq": r.seq },
      h("td", {}, r.seq), h("td", {}, time(r.at)), h("td", {}, r.vendor || "—"),
      h("td", { class: "mono" }, `${r.method} ${r.raw_path}${r.query_string ? "?" + r.query_string : ""}`,
        r.suggestion ? h("div", { class: "muted" }, "did you mean ", h("code", {}, r.suggestion), "?") : null,
        r.error ? h("div", { class: "bad" }, r.error) : null),
      h("td", { class: r.status >= 400 ? "bad" : "ok" }, r.status), h("td", {}, r.operation || "—"),
      h("td", { class: "mono" }, r.job || ""), h("td", {}, r.state || ""),
      h("td", { class: r.fault ? "bad" : "" }, r.fault ? `fault ${r.fault}` : "")));
    void list;
    return [
      h("form", { class: "row", onsubmit: (e) => {
        e.preventDefault();
        requestFilters = { vendor: vendorPick.value, status: inputs.status.value.trim(), job: inputs.job.value.trim(), operation: inputs.operation.value.trim() };
        render();
      } },
        h("label", { for: "rq-vendor" }, "Vendor", vendorPick), h("label", { for: "rq-status" }, "Status", inputs.status),
        h("label", { for: "rq-job" }, "Job", inputs.job), h("label", { for: "rq-operation" }, "Operation", inputs.operation),
        h("button", { type: "submit" }, "Filter"),
        h("button", { type: "button", onclick: () => confirm("Forget every journaled request?") && act("DELETE", "/requests", undefined, "journal cleared") }, "Clear journal")),
      h("p", { class: "muted" }, `Newest first, live; ${data.requests.length} shown. Times on the mock clock.`),
      h("table", { id: "requests" }, h("thead", {}, h("tr", {}, ["#", "At (mock clock)", "Vendor", "Request", "Status", "Operation", "Job", "State", "Fault"].map((t) => h("th", {}, t)))), h("tbody", {}, rows)),
    ];
  },

  async faults() {
    const list = vendorsCache || await vendors();
    const rules = (await api("GET", "/faults")).faults;
    // Built once: a live redraw of the rules keeps what is being typed into the form.
    faultForm = faultForm || await buildFaultForm(list);
    const rows = rules.map((f) => h("tr", { "data-fault": f.id },
      h("td", {}, f.id), h("td", {}, f.vendor), h("td", { class: "mono" }, f.operation || f.path || f.method || "any"),
      h("td", {}, f.action + (f.status ? " " + f.status : "") + (f.delay !== undefined ? ` +${f.delay}s` : "")),
      h("td", {}, f.times === undefined ? "1" : f.times === null ? "every" : f.times),
      h("td", { class: "matched" }, f.matched), h("td", { class: "fired" }, f.fired), h("td", {}, f.origin + (f.exhausted ? ", used up" : "")),
      h("td", {}, h("button", { type: "button", "aria-label": `Remove fault ${f.id}`, onclick: () => act("DELETE", `/faults/${f.id}`, undefined, `fault ${f.id} removed`) }, "Remove"))));
    return [
      h("h2", {}, "Add a fault"),
      faultForm,
      h("h2", {}, `Rules (${rules.length})`),
      rules.length ? h("table", { id: "faults" }, h("thead", {}, h("tr", {}, ["#", "Vendor", "Matches", "Answer", "Times", "Matched", "Fired", "Origin", ""].map((t) => h("th", {}, t)))), h("tbody", {}, rows))
        : h("p", { class: "muted" }, "No fault rules."),
    ];
  },

  async sessions() {
    const data = await api("GET", "/sessions");
    const base = location.pathname.replace(/^\/_session\/[^/]+/, "");
    const link = (name) => (name ? `/_session/${encodeURIComponent(name)}${base}` : base);
    const items = [null, ...data.sessions].map((name) => h("tr", {},
      h("td", {}, name === null ? "(root)" : name),
      h("td", {}, (name || null) === (data.session || null) ? h("strong", {}, "viewing") : h("a", { href: link(name) + "#/overview" }, "View"))));
    return [
      h("p", { class: "muted" }, `Sessions are whole jobmocks under /_session/NAME/ (at most ${data.limit}).`),
      h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "Session"), h("th", {}, ""))), h("tbody", {}, items)),
    ];
  },
};

// --- routing, live updates, login -------------------------------------------------------------

function parseHash() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean);
  const name = views[parts[0]] ? parts[0] : "overview";
  return { name, args: parts.slice(1) };
}

async function loadClock() {
  clock = await api("GET", "/clock");
  document.getElementById("clock").textContent = `mock clock: ${time(clock.now)} · ${clock.mode}${clock.scale !== 1 ? " ×" + clock.scale : ""}`;
}

let rendering = null;
async function render() {
  view = parseHash();
  for (const a of document.querySelectorAll("nav a")) {
    if (a.dataset.view === view.name || (view.name === "job" && a.dataset.view === "jobs")) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  const run = (async () => {
    await loadClock();
    const content = await views[view.name](...view.args);
    const focused = document.activeElement && document.activeElement.id;
    main.replaceChildren(...[].concat(content));
    if (focused && document.getElementById(focused) && main.contains(document.getElementById(focused))) document.getElementById(focused).focus();
    main.dataset.view = view.name;
    performance.mark("jobmock:drawn"); // the load time docs/dashboard.md gives
  })();
  rendering = run;
  try { await run; } catch (err) { if (!(err instanceof Unauthorized)) main.replaceChildren(h("p", { class: "bad", role: "alert" }, err.message)); }
}

async function refresh() {
  // A form being typed into is not redrawn under the user's fingers.
  const active = document.activeElement;
  if (active && ["INPUT", "SELECT"].includes(active.tagName) && main.contains(active) && active.type !== "button") {
    await loadClock();
    return;
  }
  await render();
}

// Short polling, once a second while the tab is visible: GET /changes answers at once with a
// version that changes when anything shown does. (The endpoint can also wait, a long poll for
// scripts; a page holding a request open would hold up the server's shutdown.)
const POLL_MS = 1000;

async function live() {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    if (document.hidden) continue;
    try {
      const data = await api("GET", "/changes");
      const running = clock && clock.mode !== "manual";
      if (data.version !== version || running) {
        version = data.version;
        await refresh();
      }
    } catch (err) {
      if (err instanceof Unauthorized) return;
    }
  }
}

function showLogin() {
  const form = document.getElementById("login");
  form.hidden = false;
  main.hidden = true;
  document.getElementById("token").focus();
}

document.getElementById("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, document.getElementById("token").value);
  try {
    await api("GET", "/clock");
    document.getElementById("login").hidden = true;
    main.hidden = false;
    await render();
    live();
  } catch (err) {
    document.getElementById("login-error").textContent = "That token was refused.";
  }
});

document.getElementById("advance-5m").addEventListener("click", () => act("POST", "/clock", { advance: "5m" }, "advanced 5 minutes"));
document.getElementById("where").textContent = ROOT ? `session ${decodeURIComponent(ROOT.split("/")[2])}` : "";
window.addEventListener("hashchange", render);
render().then(() => { if (document.getElementById("login").hidden) live(); });
