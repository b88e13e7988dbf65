/* dcgrid explorer: the page of `dcgrid serve` (docs/serve.md).
 *
 * Sliders for the scenario's key assumptions (its explorer list), a search
 * over every other setting, and charts of the run beside a pinned baseline.
 * Every change posts the overrides to /api/run; the server answers with the
 * run's series (driven by its series table, so new series show up in the
 * "any series" panel without changes here) or with the same message that
 * `dcgrid run --set` prints. The typical-day panel draws the run's `hourly`
 * object (one day per region). Charts are uPlot's; this file only configures
 * them and feeds them data.
 */
"use strict";

const explorer = {
  settings: null,       // GET /api/settings
  overrides: new Map(), // path -> JSON value, in the order they were made
  current: null,        // the last run's JSON
  baseline: null,       // the pinned run's JSON
  baselineOverrides: {},
  charts: {},           // panel id -> uPlot
  lastRedrawMs: null,   // from the change to the charts drawn
  busy: false,          // a run is in flight or waiting
  runs: 0,              // completed runs (the browser test waits on it)
  errors: 0,            // rejected runs
  dayRegion: null,      // the typical day's region the user chose, if any
};
window.explorer = explorer;

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939"];
const MAX_LINES = 12;

const $ = (id) => document.getElementById(id);

/* ---- talking to the server -------------------------------------------- */

async function post(path, overrides) {
  const body = JSON.stringify({ set: Object.fromEntries(overrides) });
  return fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body });
}

let inFlight = false, pending = false, changedAt = 0;

/* Runs the current overrides; changes made while a run is in flight are
 * sent once it returns, so the charts always end on the latest state. */
async function update() {
  changedAt = performance.now();
  explorer.busy = true;
  if (inFlight) { pending = true; return; }
  inFlight = true;
  try {
    do {
      pending = false;
      const started = changedAt;
      const resp = await post("api/run", explorer.overrides);
      const data = await resp.json();
      if (!resp.ok) {
        showError(data.error || `HTTP ${resp.status}`);
        explorer.errors++;
        continue;
      }
      showError(null);
      explorer.current = data;
      if (!explorer.baseline) explorer.baseline = data;
      drawAll();
      explorer.lastRedrawMs = performance.now() - started;
      $("status").textContent = `solved and redrawn in ${explorer.lastRedrawMs.toFixed(0)} ms ` +
        `(solver ${(1000 * data.solver.wall_time_s).toFixed(0)} ms, ${data.solver.steps} steps)` +
        (data.complete ? "" : ` - incomplete: ${data.failure}`);
      $("command").textContent = data.command;
      explorer.runs++;
    } while (pending);
  } catch (e) {
    showError(`cannot reach the server: ${e.message}`);
    explorer.errors++;
  } finally {
    inFlight = false;
    explorer.busy = false;
  }
}

function showError(msg) {
  const el = $("error");
  el.hidden = !msg;
  el.textContent = msg || "";
  for (const input of document.querySelectorAll("input.invalid")) input.classList.remove("invalid");
  if (!msg) return;
  for (const input of document.querySelectorAll("input[data-path]"))
    if (msg.includes(`--set ${input.dataset.path}=`)) input.classList.add("invalid");
}

async function download(path, fallbackName) {
  const resp = await post(path, explorer.overrides);
  if (!resp.ok) { showError((await resp.json()).error); return; }
  const disp = resp.headers.get("Content-Disposition") || "";
  const m = /filename="([^"]+)"/.exec(disp);
  const url = URL.createObjectURL(await resp.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = m ? m[1] : fallbackName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/* ---- inputs ------------------------------------------------------------ */

function setOverride(path, value, baseValue) {
  if (value === baseValue) explorer.overrides.delete(path);
  else explorer.overrides.set(path, value);
  update();
}

/* A typed value: a number when it reads as one, else the text as given
 * (the server says what it expected). */
function parseValue(text, type) {
  const t = text.trim();
  if (type === "switch") return t === "true";
  if (type === "text" || type === "choice") return t;
  const n = Number(t);
  if (t !== "" && Number.isFinite(n)) return n;
  try { return JSON.parse(t); } catch (e) { return t; }
}

function units(u) { return u && u !== "1" ? u : ""; }

function addSlider(e) {
  const div = document.createElement("div");
  div.className = "slider";
  div.innerHTML = `<label></label><div class="row"><input type="range"><input type="number">` +
    `<span class="units"></span></div><div class="base"></div>`;
  const [range, num] = div.querySelectorAll("input");
  div.querySelector("label").textContent = e.label;
  div.querySelector("label").title = `${e.path}: ${e.doc}`;
  div.querySelector(".units").textContent = units(e.units);
  div.querySelector(".base").textContent = `scenario: ${e.value} (${e.path})`;
  for (const input of [range, num]) {
    input.min = e.min; input.max = e.max; input.step = e.step;
    input.value = e.value;
    input.dataset.path = e.path;
  }
  num.step = "any";
  num.removeAttribute("min"); num.removeAttribute("max");
  const changed = (v) => {
    div.classList.toggle("changed", v !== e.value);
    setOverride(e.path, v, e.value);
  };
  range.addEventListener("input", () => { num.value = range.value; changed(Number(range.value)); });
  num.addEventListener("change", () => {
    const v = parseValue(num.value, "number");
    if (typeof v === "number") range.value = v;
    changed(v);
  });
  div.reset = () => { range.value = num.value = e.value; div.classList.remove("changed"); };
  $("sliders").appendChild(div);
}

function addOther(s) {
  if (document.querySelector(`.other input[data-path="${CSS.escape(s.path)}"]`)) return;
  const div = document.createElement("div");
  div.className = "other";
  div.innerHTML = `<code></code><input type="text"><span class="units"></span><button type="button">x</button>`;
  div.querySelector("code").textContent = s.path;
  div.title = `${s.doc}; range ${s.range}`;
  const input = div.querySelector("input");
  const shown = typeof s.value === "object" ? JSON.stringify(s.value) : String(s.value);
  input.value = shown;
  input.dataset.path = s.path;
  div.querySelector(".units").textContent = units(s.units);
  input.addEventListener("change", () => {
    const v = parseValue(input.value, s.type);
    setOverride(s.path, v, input.value === shown ? v : undefined);
  });
  div.querySelector("button").addEventListener("click", () => {
    div.remove();
    explorer.overrides.delete(s.path);
    update();
  });
  $("others").appendChild(div);
  input.focus();
}

function search() {
  const q = $("search").value.trim().toLowerCase();
  const ul = $("matches");
  ul.textContent = "";
  if (q.length < 2) return;
  const words = q.split(/\s+/);
  const hits = explorer.settings.settings.filter((s) =>
    s.type !== "schedule" && words.every((w) => (s.path + " " + s.doc).toLowerCase().includes(w)));
  for (const s of hits.slice(0, 40)) {
    const li = document.createElement("li");
    li.innerHTML = "<code></code> ";
    li.querySelector("code").textContent = s.path;
    li.append(`${s.doc} (${JSON.stringify(s.value)}${units(s.units) ? " " + s.units : ""})`);
    li.addEventListener("click", () => addOther(s));
    ul.appendChild(li);
  }
}

/* ---- charts ------------------------------------------------------------ */

function seriesByKey(run, key) { return run && run.series.find((s) => s.key === key); }

/* Columns summed over the first dimension (e.g. racks per region and class
 * -> racks per class). */
function sumFirst(s, run) {
  const inner = run.names[s.dims[1]] || [];
  const n = inner.length;
  const cols = inner.map(() => new Array(run.time.length).fill(0));
  s.columns.forEach((col, c) => col.forEach((v, i) => { cols[c % n][i] += v; }));
  return { labels: inner, columns: cols };
}

/* One panel's lines for a run: {labels, columns}. */
const PANELS = [
  { id: "energy", title: "Data-center electricity by region", key: () => "datacenter/energy" },
  { id: "racks", title: "Racks in service by hardware class (log scale)", key: () => "datacenter/racks",
    lines: (s, run) => sumFirst(s, run), log: true },
  { id: "adequacy", title: "Reserve margin by region, and its standard",
    /* LOLE where the grid model has it, else the reserve margin. */
    key: (run) => (run.series.find((s) => /(^|_)lole$/.test(s.name)) || {}).key || "grid/reserve_margin",
    standard: (run) => run.reserve_min },
  { id: "any", title: "Any series", key: () => $("any-series").value },
];

function linesOf(panel, run) {
  const s = seriesByKey(run, panel.key(run));
  if (!s) return null;
  const l = panel.lines ? panel.lines(s, run) : { labels: s.labels, columns: s.columns };
  return { series: s, labels: l.labels.slice(0, MAX_LINES), columns: l.columns.slice(0, MAX_LINES) };
}

/* The union of two time axes, and each run's columns on it (null where a
 * run has no point, e.g. after a horizon change). */
function align(cur, base, curCols, baseCols) {
  const xs = Array.from(new Set([...cur.time, ...base.time])).sort((a, b) => a - b);
  const on = (run, cols) => {
    const at = new Map(run.time.map((t, i) => [t, i]));
    return cols.map((col) => xs.map((x) => (at.has(x) ? col[at.get(x)] : null)));
  };
  return { xs, cur: on(cur, curCols), base: on(base, baseCols) };
}

function draw(panel) {
  const cur = explorer.current, base = explorer.baseline;
  const a = linesOf(panel, cur), b = linesOf(panel, base) || a;
  const el = $(`panel-${panel.id}`);
  el.querySelector(".title").textContent = !a ? `${panel.title}: not in this run` :
    panel.id === "any" ? a.series.long_name + (units(a.series.units) ? ` (${a.series.units})` : "") :
    panel.title;
  if (!a) return;
  const { xs, cur: cc, base: bc } = align(cur, base, a.columns, b.columns);
  const data = [xs, ...cc, ...bc];
  const series = [{ label: "year", value: (u, v) => (v == null ? "" : v.toFixed(2)) }];
  const line = { spanGaps: true, points: { show: false } };
  a.labels.forEach((l, i) => series.push({ ...line, label: l, stroke: COLORS[i % COLORS.length], width: 2 }));
  a.labels.forEach((l, i) => series.push({ ...line, label: `${l} (base)`, stroke: COLORS[i % COLORS.length],
    width: 1, dash: [6, 4] }));
  const std = panel.standard && panel.standard(cur);
  if (std) {
    const distinct = Array.from(new Set(std));
    distinct.slice(0, 3).forEach((v) => {
      data.push(xs.map(() => v));
      series.push({ label: `standard ${v}`, stroke: "#000", width: 1.5, dash: [2, 3], points: { show: false } });
    });
  }
  const key = series.map((s) => s.label).join("|");
  const width = Math.max(320, el.clientWidth - 14);
  let chart = explorer.charts[panel.id];
  if (chart && chart._key === key && chart.width === width) {
    chart.setData(data);
    return;
  }
  if (chart) chart.destroy();
  chart = new uPlot({
    width, height: 300,
    scales: { x: { time: false }, y: panel.log ? { distr: 3 } : {} },
    series,
    axes: [{ label: "year", values: (u, vals) => vals.map((v) => String(v)) },
      { label: units(a.series.units), size: 70 }],
    legend: { live: false },
  }, data, el.querySelector(".chart"));
  chart._key = key;
  explorer.charts[panel.id] = chart;
}

function drawEvents() {
  const rows = [];
  const add = (run, which) => run.events.forEach((e) =>
    rows.push(`<tr><td>${which}</td><td>${e.time.toFixed(2)}</td><td>${e.region}</td>` +
      `<td>reserve margin ${e.kind === "below" ? "falls below" : "recovers above"} its minimum</td></tr>`));
  add(explorer.current, "current");
  if (explorer.baseline !== explorer.current) add(explorer.baseline, "baseline");
  $("events").innerHTML = rows.length ?
    `<table><tr><th>run</th><th>year</th><th>region</th><th>event</th></tr>${rows.join("")}</table>` :
    "<p>No region's reserve margin crosses its minimum in either run.</p>";
}

/* ---- the typical day ------------------------------------------------------ */

/* The region with the lowest reserve margin at the time of the hourly
 * year (the page's default for the typical day). */
function tightestRegion(run) {
  const h = run.hourly, rm = seriesByKey(run, "grid/reserve_margin");
  if (!rm) return 0;
  const t = h.time[h.time.length - 1];
  let i = 0;
  run.time.forEach((x, k) => { if (Math.abs(x - t) < Math.abs(run.time[i] - t)) i = k; });
  let best = 0;
  h.regions.forEach((e, r) => {
    const c = rm.labels.indexOf(e.region), b = rm.labels.indexOf(h.regions[best].region);
    if (c >= 0 && b >= 0 && rm.columns[c][i] < rm.columns[b][i]) best = r;
  });
  return best;
}

/* Generation by technology stacked (uPlot bands between running sums),
 * then net import and unserved energy on top; the load, and the load plus
 * storage charging, which the stack meets hour by hour. */
function drawDay() {
  const el = $("panel-day"), run = explorer.current, h = run && run.hourly;
  const sel = $("day-region");
  if (!h || !h.regions.length) {
    el.querySelector(".title").textContent = "Typical day: no hourly grid in this run";
    sel.hidden = true;
    return;
  }
  sel.hidden = false;
  const names = h.regions.map((e) => e.region);
  if (sel.options.length !== names.length || [...sel.options].some((o, i) => o.value !== names[i])) {
    sel.textContent = "";
    for (const n of names) {
      const o = document.createElement("option");
      o.value = o.textContent = n;
      sel.appendChild(o);
    }
    explorer.dayRegion = null;
  }
  if (explorer.dayRegion == null || !names.includes(explorer.dayRegion))
    explorer.dayRegionDefault = names[tightestRegion(run)];
  sel.value = explorer.dayRegion || explorer.dayRegionDefault;
  const e = h.regions[names.indexOf(sel.value)];
  el.querySelector(".title").textContent = `Typical day ${h.year}: ${e.region}, day ${e.day} ` +
    `(its highest net load, at hour ${e.peak_hour}; weight ${e.day_weight} days)`;

  const xs = Array.from({ length: 24 }, (_, i) => i);
  const layers = [];
  h.technologies.forEach((t, j) => {
    if (e.generation[j].some((v) => v)) layers.push({ label: t.name, v: e.generation[j], color: COLORS[j % COLORS.length] });
  });
  if (e.net_import.some((v) => v)) layers.push({ label: "net import", v: e.net_import, color: "#aaa" });
  if (e.unserved.some((v) => v)) layers.push({ label: "unserved", v: e.unserved, color: "#c00" });
  const data = [xs], series = [{ label: "hour" }], bands = [];
  const sum = xs.map(() => 0);
  layers.forEach((l, i) => {
    l.v.forEach((v, k) => { sum[k] += v; });
    data.push(sum.slice());
    series.push({ label: l.label, stroke: l.color, fill: l.color + "99", width: 1, points: { show: false },
      value: (u, v, si, k) => (k == null ? "" : layers[si - 1].v[k].toFixed(1)) });
    if (i > 0) bands.push({ series: [i + 1, i] });
  });
  const charge = e.load.map((v, k) => v + e.storage_charge[k]);
  data.push(e.load, charge);
  series.push({ label: "load", stroke: "#000", width: 2.5, points: { show: false } },
    { label: "load + storage charging", stroke: "#000", width: 1.5, dash: [5, 4], points: { show: false } });
  const key = series.map((x) => x.label).join("|");
  const width = Math.max(320, el.clientWidth - 14);
  let chart = explorer.charts.day;
  if (chart && chart._key === key && chart.width === width) {
    chart.setData(data);
    return;
  }
  if (chart) chart.destroy();
  chart = new uPlot({
    width, height: 300, bands,
    scales: { x: { time: false }, y: { range: (u, lo, hi) => [Math.min(0, lo), hi * 1.05] } },
    series,
    axes: [{ label: "hour" }, { label: "GW", size: 70 }],
    legend: { live: false },
  }, data, el.querySelector(".chart"));
  chart._key = key;
  explorer.charts.day = chart;
}

function drawAll() {
  const sel = $("any-series");
  if (!sel.options.length) {
    for (const s of explorer.current.series) {
      const o = document.createElement("option");
      o.value = s.key;
      o.textContent = `${s.key} (${s.units}): ${s.long_name}`;
      sel.appendChild(o);
    }
    sel.value = "datacenter/standard_racks";
  }
  for (const p of PANELS) draw(p);
  drawDay();
  drawEvents();
}

function makePanels() {
  for (const p of PANELS) {
    const div = document.createElement("div");
    div.className = "panel";
    div.id = `panel-${p.id}`;
    div.innerHTML = `<h2 class="title"></h2>${p.id === "any" ? '<select id="any-series"></select>' : ""}<div class="chart"></div>`;
    $("charts").appendChild(div);
  }
  $("any-series").addEventListener("change", () => draw(PANELS.find((p) => p.id === "any")));
  const day = document.createElement("div");
  day.className = "panel";
  day.id = "panel-day";
  day.innerHTML = '<h2 class="title"></h2><select id="day-region"></select><div class="chart"></div>';
  $("charts").appendChild(day);
  $("day-region").addEventListener("change", () => {
    explorer.dayRegion = $("day-region").value;
    drawDay();
  });
  const ev = document.createElement("div");
  ev.className = "panel";
  ev.innerHTML = '<h2>Events</h2><div id="events"></div>';
  $("charts").appendChild(ev);
}

/* ---- start ------------------------------------------------------------- */

async function start() {
  const resp = await fetch("api/settings");
  explorer.settings = await resp.json();
  $("scenario").textContent = explorer.settings.scenario;
  $("description").textContent = explorer.settings.description;
  for (const e of explorer.settings.explorer) addSlider(e);
  $("search").addEventListener("input", search);
  $("pin").addEventListener("click", () => {
    explorer.baseline = explorer.current;
    explorer.baselineOverrides = Object.fromEntries(explorer.overrides);
    const n = explorer.overrides.size;
    $("baseline-name").textContent = n ? `pinned, ${n} override${n > 1 ? "s" : ""}` : "the scenario";
    drawAll();
  });
  $("reset").addEventListener("click", () => {
    explorer.overrides.clear();
    for (const d of document.querySelectorAll(".slider")) d.reset();
    $("others").textContent = "";
    update();
  });
  $("download-config").addEventListener("click", () => download("api/config", "scenario.cfg"));
  $("download-h5").addEventListener("click", () => download("api/run.h5", "scenario.h5"));
  makePanels();
  let resized;
  window.addEventListener("resize", () => { clearTimeout(resized); resized = setTimeout(() => explorer.current && drawAll(), 150); });
  await update();
}

start();
