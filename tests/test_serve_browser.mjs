// Browser test of `dcgrid serve`: Debian's chromium driven by puppeteer-core
// (package.json; no browser is downloaded).
//
//   node tests/test_serve_browser.mjs DCGRID BUILD_DIR
//
// Starts `dcgrid serve --port 0`, opens the page, moves the slider of the
// 2024 AI demand growth with the keyboard, and checks that the chart of
// data-center electricity now holds exactly what `dcgrid run --set` writes
// for the same override, and that the typical-day panel shows the region
// with the lowest reserve margin with the load of /hourly; types an invalid
// value and checks the page shows
// the message `dcgrid run --set` prints; downloads the config, runs it and
// checks it gives the same run; checks that the page asked nothing of any
// other host (it works offline); saves a screenshot to
// BUILD_DIR/serve-explorer.png. Ends with "N passed, N failed".
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

let puppeteer;
try {
  puppeteer = (await import("puppeteer-core")).default;
} catch (e) {
  console.log(`FAIL: puppeteer-core is not installed (${e.message}); scripts/setup installs it with npm ci`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}

const [dcgrid, buildDir] = process.argv.slice(2);
if (!dcgrid || !buildDir) {
  console.error("usage: node tests/test_serve_browser.mjs DCGRID BUILD_DIR");
  process.exit(2);
}
const work = path.join(buildDir, "serve-browser-test");
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(path.join(work, "downloads"), { recursive: true });

let passed = 0, failed = 0;
function check(ok, what, detail = "") {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok" : "FAIL"}: ${what}${detail ? ` (${detail})` : ""}`);
}

const SLIDER = "segments.[1].growth.value.[0]";
const PRESSES = 5; // ArrowRight presses; the slider's step is 0.01

// A dataset of an HDF5 file, through Debian's h5py.
function h5(file, dataset) {
  const py = "import h5py, json, sys\n" +
    "with h5py.File(sys.argv[1], 'r') as f:\n" +
    "    print(json.dumps({'time': f['time'][()].tolist(), 'v': f[sys.argv[2]][()].tolist()}))\n";
  const r = spawnSync("/usr/bin/python3", ["-c", py, file, dataset], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`h5py on ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// The last hourly year's load of region r, day d, through h5py.
function h5Hourly(file, r, d) {
  const py = "import h5py, json, sys\n" +
    "r, d = int(sys.argv[2]), int(sys.argv[3])\n" +
    "with h5py.File(sys.argv[1], 'r') as f:\n" +
    "    print(json.dumps({'year': f['hourly/year'][-1].item(), 'load': f['hourly/load'][-1, r, d].tolist()}))\n";
  const res = spawnSync("/usr/bin/python3", ["-c", py, file, String(r), String(d)], { encoding: "utf8" });
  if (res.status !== 0) throw new Error(`h5py on ${file}: ${res.stderr}`);
  return JSON.parse(res.stdout);
}

function dcgridRun(args) {
  return spawnSync(dcgrid, ["run", "--quiet", "--force", ...args], { encoding: "utf8" });
}

const server = spawn(dcgrid, ["serve", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
let browser;
try {
  const address = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`no address from dcgrid serve: ${out}`)), 20000);
    server.stdout.on("data", (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    server.on("exit", (code) => reject(new Error(`dcgrid serve exited with ${code}`)));
  });
  check(true, `dcgrid serve printed ${address}`);

  browser = await puppeteer.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--no-proxy-server", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 1500, height: 1000 });
  const foreign = [];
  page.on("request", (req) => { if (!req.url().startsWith(address)) foreign.push(req.url()); });
  const consoleErrors = [];
  page.on("pageerror", (e) => consoleErrors.push(e.message));
  // The invalid value's 422 is expected; the browser logs it as a failed load.
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 422/.test(m.text())) consoleErrors.push(m.text());
  });

  await page.goto(address, { waitUntil: "load" });
  await page.waitForFunction(() => window.explorer && window.explorer.runs >= 1 && !window.explorer.busy,
    { timeout: 20000 });
  const sliders = await page.$$eval(".slider input[type=range]", (els) => els.map((e) => e.dataset.path));
  check(sliders.length >= 5 && sliders.includes(SLIDER), "the page shows the explorer's sliders",
    `${sliders.length} sliders`);

  // Move the slider as a user would: focus it and press the arrow key.
  const range = await page.$(`.slider input[type=range][data-path="${SLIDER}"]`);
  const before = Number(await range.evaluate((e) => e.value));
  const runs0 = await page.evaluate(() => window.explorer.runs);
  await range.focus();
  for (let i = 0; i < PRESSES; i++) await page.keyboard.press("ArrowRight");
  const value = Number(await range.evaluate((e) => e.value));
  check(Math.abs(value - (before + PRESSES * 0.01)) < 1e-9, "the arrow keys move the slider",
    `${before} -> ${value}`);
  await page.waitForFunction((n, p, v) => {
    const x = window.explorer;
    return x.runs > n && !x.busy && x.current.overrides[p] !== undefined &&
      Number(x.current.overrides[p]) === v;
  }, { timeout: 20000 }, runs0, SLIDER, value);
  const redrawMs = await page.evaluate(() => window.explorer.lastRedrawMs);
  console.log(`# last change to redrawn charts: ${redrawMs.toFixed(1)} ms (not asserted; bench/ measures speed)`);

  // The chart's data against `dcgrid run --set` for the same override.
  const chart = await page.evaluate(() => {
    const c = window.explorer.charts.energy;
    return { data: c.data, labels: c.series.map((s) => s.label) };
  });
  const set = `${SLIDER}=${value}`;
  const cliFile = path.join(work, "cli.h5");
  const r = dcgridRun([`--set`, set, "-o", cliFile]);
  check(r.status === 0, `dcgrid run --set ${set}`, r.stderr.trim());
  const cli = h5(cliFile, "datacenter/energy");
  const regions = cli.v[0].length;
  let maxDiff = 0, sameTime = JSON.stringify(chart.data[0]) === JSON.stringify(cli.time);
  for (let reg = 0; reg < regions; reg++)
    for (let i = 0; i < cli.time.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs(chart.data[1 + reg][i] - cli.v[i][reg]) /
        Math.max(1e-30, Math.abs(cli.v[i][reg])));
  check(sameTime && maxDiff === 0, "the electricity chart equals dcgrid run --set, region by region",
    `${regions} regions x ${cli.time.length} times, largest relative difference ${maxDiff}`);
  const last = cli.time.length - 1;
  const baseEnd = chart.data[1 + regions][last], curEnd = chart.data[1][last];
  check(Math.abs(curEnd - baseEnd) > 1e-6 * Math.abs(baseEnd),
    "the chart changed against the baseline drawn beside it",
    `${chart.labels[1]}: ${baseEnd.toFixed(3)} -> ${curEnd.toFixed(3)} TWh/year at the end`);
  // The typical-day panel: after the move it shows the region with the
  // lowest reserve margin, its day of highest net load as /hourly of the
  // same dcgrid run has it, stacked up to the load plus storage charging.
  const day = await page.evaluate(() => {
    const c = window.explorer.charts.day, sel = document.getElementById("day-region");
    const run = window.explorer.current;
    return c && sel && {
      data: c.data, labels: c.series.map((x) => x.label), region: sel.value,
      options: sel.options.length, hourly: run.hourly,
      rm: run.series.find((x) => x.key === "grid/reserve_margin"), time: run.time,
      title: document.querySelector("#panel-day .title").textContent,
    };
  });
  check(day && day.options === regions && day.data.length > 3 && day.data[0].length === 24,
    "the typical-day panel is drawn, with a region choice",
    day ? `${day.options} regions, ${day.data.length - 1} series: ${day.title}` : "no panel");
  if (day) {
    const h = day.hourly, t = h.time[h.time.length - 1];
    let i = 0;
    day.time.forEach((x, k) => { if (Math.abs(x - t) < Math.abs(day.time[i] - t)) i = k; });
    const margins = day.rm.columns.map((c) => c[i]);
    const tight = day.rm.labels[margins.indexOf(Math.min(...margins))];
    check(day.region === tight, "by default it shows the region with the lowest reserve margin",
      `${day.region}, reserve margin ${Math.min(...margins).toFixed(3)}`);
    const r = h.regions.findIndex((e) => e.region === day.region), e = h.regions[r];
    const hr = h5Hourly(cliFile, r, e.day);
    const n = day.data.length;
    const load = day.data[n - 2], top = day.data[n - 3], withCharge = day.data[n - 1];
    let diff = 0, gap = 0;
    for (let k = 0; k < 24; k++) {
      diff = Math.max(diff, Math.abs(load[k] - hr.load[k]));
      gap = Math.max(gap, Math.abs(top[k] - withCharge[k]) / Math.abs(load[k]));
    }
    check(diff === 0 && hr.year === h.year, "its load line equals /hourly/load of dcgrid run --set",
      `year ${hr.year}, day ${e.day}`);
    check(gap < 1e-9, "the stack meets the load plus storage charging", `largest relative gap ${gap}`);
  }
  const command = await page.$eval("#command", (e) => e.textContent);
  check(command === `dcgrid run --set '${set}'`, "the page shows the dcgrid run command line", command);

  // An invalid value typed into the slider's number box.
  const num = await page.$(`.slider input[type=number][data-path="${SLIDER}"]`);
  const errors0 = await page.evaluate(() => window.explorer.errors);
  await num.click({ clickCount: 3 });
  await num.type("-5");
  await page.keyboard.press("Tab");
  await page.waitForFunction((n) => window.explorer.errors > n && !window.explorer.busy,
    { timeout: 20000 }, errors0);
  const shown = await page.$eval("#error", (e) => (e.hidden ? "" : e.textContent));
  const bad = dcgridRun(["--set", `${SLIDER}=-5`, "-o", path.join(work, "bad.h5")]);
  const expected = bad.stderr.trim().replace(/^dcgrid: /, "");
  check(bad.status === 2 && shown === expected, "the page shows the message of dcgrid run --set for -5",
    shown);
  check(await num.evaluate((e) => e.classList.contains("invalid")), "the invalid input is marked");

  // Back to the slider's value; then download the config and run it.
  const runs1 = await page.evaluate(() => window.explorer.runs);
  await num.click({ clickCount: 3 });
  await num.type(String(value));
  await page.keyboard.press("Tab");
  await page.waitForFunction((n) => window.explorer.runs > n && !window.explorer.busy,
    { timeout: 20000 }, runs1);
  check(await page.$eval("#error", (e) => e.hidden), "a valid value clears the error");

  const downloads = path.join(work, "downloads");
  const cdp = await page.createCDPSession();
  await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: path.resolve(downloads) });
  await page.click("#download-config");
  const cfg = path.join(downloads, "china-baseline.cfg");
  for (let i = 0; i < 100 && !fs.existsSync(cfg); i++) await new Promise((res) => setTimeout(res, 100));
  check(fs.existsSync(cfg), "the config downloads as china-baseline.cfg");
  const dlFile = path.join(work, "downloaded.h5");
  const r2 = dcgridRun([cfg, "-o", dlFile]);
  check(r2.status === 0, "dcgrid run on the downloaded config", r2.stderr.trim());
  const dl = h5(dlFile, "datacenter/energy");
  check(JSON.stringify(dl) === JSON.stringify(cli),
    "the downloaded config gives the run of dcgrid run --set, bit for bit");

  // Pin this run as the baseline: both lines coincide.
  await page.click("#pin");
  const pinned = await page.evaluate(() => {
    const d = window.explorer.charts.energy.data, n = (d.length - 1) / 2;
    return d[1].every((v, i) => v === d[1 + n][i]);
  });
  check(pinned, "pinning makes the current run the baseline");
  // Leave a change against the pinned baseline for the screenshot.
  const runs2 = await page.evaluate(() => window.explorer.runs);
  const imp = await page.$('.slider input[type=range][data-path="hardware.[1].availability.value.[1]"]');
  await imp.focus();
  for (let i = 0; i < 10; i++) await page.keyboard.press("ArrowRight");
  await page.waitForFunction((n) => window.explorer.runs > n && !window.explorer.busy,
    { timeout: 20000 }, runs2);

  const shot = path.join(buildDir, "serve-explorer.png");
  await page.screenshot({ path: shot, fullPage: true });
  check(fs.statSync(shot).size > 10000, `screenshot saved to ${shot}`);
  check(foreign.length === 0, "the page loads nothing from other hosts (works offline)",
    foreign.slice(0, 3).join(", "));
  check(consoleErrors.length === 0, "no errors in the page's console", consoleErrors.slice(0, 3).join("; "));

  // The vendored uPlot is the version package.json pins.
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
  const pinnedVersion = JSON.parse(fs.readFileSync(path.join(root, "package.json"))).devDependencies.uplot;
  const vendored = fs.readFileSync(path.join(root, "web/vendor/uplot/VERSION"), "utf8").trim();
  const installed = path.join(root, "node_modules/uplot/dist/uPlot.iife.min.js");
  check(vendored === pinnedVersion && fs.existsSync(installed) &&
    fs.readFileSync(installed).equals(fs.readFileSync(path.join(root, "web/vendor/uplot/uPlot.iife.min.js"))),
  "web/vendor/uplot is uPlot " + pinnedVersion + " as npm installs it");
} catch (e) {
  check(false, "browser test", e.stack || String(e));
} finally {
  if (browser) await browser.close();
  server.kill("SIGINT");
  const code = await new Promise((res) => {
    if (server.exitCode !== null) res(server.exitCode);
    else server.on("exit", (c) => res(c));
  });
  check(code === 0, "dcgrid serve stops cleanly on SIGINT", `exit status ${code}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
