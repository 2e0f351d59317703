#!/usr/bin/env node
// npm run test:integration — the packed tarball in real bundlers, loaded in Chromium.
//
//   node tests/integration/run.mjs [--only vite,csp] [--build]
//
// 1. `npm pack` of the repository root (dist/ must be built; --build, or a missing dist/, runs
//    scripts/build.sh first) and a check of the tarball's contents.
// 2. For each app in apps.mjs: a work copy under target/integration-cache/apps/<app> whose
//    node_modules is kept between runs (lib/install.mjs), `npm run build` with the real tool (with
//    no network at all when `unshare -n` is available), the output served on 127.0.0.1, loaded in
//    Chromium, the scenario's result judged (lib/browser.mjs); for the static apps a negative
//    control (the same build with its wasm answering 404) must fail; the gzip size Vitrine adds.
// 3. The extra checks of checks.mjs (csp, …) on the built apps.
// Prints one summary line (`tarball=ok vite=ok … csp=ok`) and one sizes line on stdout, progress
// on stderr, writes target/integration/report.json; exits 1 if anything failed. Every process it
// starts is stopped before it exits, also on failure or interruption.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { APPS } from './apps.mjs';
import { checks } from './checks.mjs';
import { judge, loadScenario } from './lib/browser.mjs';
import { prepareApp, syncShared } from './lib/install.mjs';
import { packAndCheck } from './lib/pack.mjs';
import { killAll, leftovers, run } from './lib/proc.mjs';
import { vitrineSize } from './lib/size.mjs';
import { CHROMIUM_ARGS } from '../e2e/harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const CACHE = path.join(ROOT, 'target/integration-cache');
const WORK = path.join(CACHE, 'apps');
const OUT = path.join(ROOT, 'target/integration');
const LOGS = path.join(OUT, 'logs');

const argv = process.argv.slice(2);
const onlyArg = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : process.env.INTEGRATION_ONLY;
const only = onlyArg ? new Set(onlyArg.split(',').map((s) => s.trim()).filter(Boolean)) : null;
const selected = (name) => !only || only.has(name);
const known = new Set(['tarball', ...APPS.map((a) => a.name), ...checks.map((c) => c.name)]);
for (const name of only ?? []) {
  if (!known.has(name)) {
    process.stderr.write(`[integration] unknown name in --only: ${name} (known: ${[...known].join(', ')})\n`);
    process.exit(2);
  }
}
// An app is built when selected or needed by a selected check (`--only csp` builds vite).
const appSelected = (name) => selected(name) || checks.some((c) => selected(c.name) && (c.needs ?? []).includes(name));
/** Build caches dropped whenever a new tarball is installed, so no tool can reuse stale output. */
const TOOL_CACHES = ['.next', 'node_modules/.vite', 'node_modules/.cache'];

const started = performance.now();
const seconds = (t0) => Math.round((performance.now() - t0) / 100) / 10;
const log = (message) => process.stderr.write(`[integration] ${message}\n`);
/** A failure for the console: its first and last lines (the full text is in report.json and the logs). */
const clip = (text, head = 3, tail = 12) => {
  const all = String(text).split('\n').filter((l) => l.trim() && !l.includes('Unknown user config'));
  const shown = all.length > head + tail ? [...all.slice(0, head), `… (${all.length - head - tail} lines)`, ...all.slice(-tail)] : all;
  return shown.join('\n    ');
};

/** Runs `fn`, recording its duration under `timings[name]`. */
async function timed(timings, name, fn) {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    timings[name] = seconds(t0);
  }
}

/** Builds run with no network (a new, empty network namespace) when this machine allows it. */
function offlineWrapper() {
  const probe = spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore' });
  if (probe.status === 0) return { offline: true, wrap: (cmd, args) => ['unshare', ['-n', cmd, ...args]] };
  return { offline: false, wrap: (cmd, args) => [cmd, args] };
}

const report = { startedAt: new Date().toISOString(), node: process.version, tarball: null, apps: {}, checks: {} };
const results = []; // [name, ok]
let browser = null;

/** One runner at a time per checkout: the work copies and caches are shared. */
function takeLock() {
  const lock = path.join(CACHE, '.runner.pid');
  const holder = existsSync(lock) ? Number(readFileSync(lock, 'utf8')) : 0;
  if (holder && holder !== process.pid) {
    try {
      process.kill(holder, 0);
      throw new Error(`another integration run (pid ${holder}) is using ${path.relative(ROOT, CACHE)}; wait for it to finish`);
    } catch (error) {
      if (error.code !== 'ESRCH') throw error; // alive (or not ours to signal): refuse
    }
  }
  writeFileSync(lock, String(process.pid));
  process.on('exit', () => {
    if (existsSync(lock) && readFileSync(lock, 'utf8') === String(process.pid)) rmSync(lock);
  });
}

async function main() {
  await mkdir(CACHE, { recursive: true });
  takeLock();
  await rm(LOGS, { recursive: true, force: true });
  await mkdir(LOGS, { recursive: true });

  // 1. The tarball.
  const needBuild = argv.includes('--build') || !existsSync(path.join(ROOT, 'dist/index.js'))
    || !existsSync(path.join(ROOT, 'dist/wasm/vitrine_bg.wasm'));
  if (needBuild) {
    log('building the package (scripts/build.sh)');
    await run('bash', ['scripts/build.sh'], { cwd: ROOT, logFile: path.join(LOGS, 'build.log'), timeoutMs: 30 * 60_000 });
  }
  const t0 = performance.now();
  const tarball = await packAndCheck(ROOT, path.join(CACHE, 'pack'), { logFile: path.join(LOGS, 'pack.log') });
  report.tarball = { ...tarball, seconds: seconds(t0) };
  results.push(['tarball', tarball.problems.length === 0]);
  log(`packed ${path.relative(ROOT, tarball.file)}: ${tarball.entries.length} files, ${tarball.bytes} bytes` +
    (tarball.problems.length ? `; PROBLEMS:\n  ${tarball.problems.join('\n  ')}` : ''));

  const { offline, wrap } = offlineWrapper();
  report.offlineBuilds = offline;
  log(offline ? 'builds run without network (unshare -n)' : 'unshare -n unavailable: builds run with the network');

  await syncShared(HERE, WORK);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });

  // 2. The apps.
  const built = {};
  for (const app of APPS.filter((a) => appSelected(a.name))) {
    const entry = { timings: {}, failures: [] };
    report.apps[app.name] = entry;
    const logFile = path.join(LOGS, `${app.name}.log`);
    const t1 = performance.now();
    let dir = null;
    let isBuilt = false;
    try {
      const prepared = await timed(entry.timings, 'install', () =>
        prepareApp(app.name, { sourceRoot: HERE, workRoot: WORK, tarball, logFile }));
      dir = prepared.dir;
      entry.cache = { deps: prepared.deps, vitrine: prepared.vitrine };
      const drop = prepared.vitrine === 'installed' ? [...app.clean, ...TOOL_CACHES] : app.clean;
      for (const c of drop) await rm(path.join(dir, c), { recursive: true, force: true });
      await timed(entry.timings, 'build', () => app.build(dir, { logFile, wrap }));
      isBuilt = true;
      entry.size = await vitrineSize(path.join(dir, app.clientOut));

      const server = await timed(entry.timings, 'serve', () => app.serve(dir, { logFile }));
      try {
        const outcome = await timed(entry.timings, 'browser', () => loadScenario(browser, server.url));
        entry.result = outcome.result;
        entry.wasm = outcome.wasm;
        entry.failures.push(...judge(outcome));
      } finally {
        await server.close();
      }

      // Negative control: the same build with its wasm missing must fail the same judgement.
      if (app.control) {
        const broken = await app.serve(dir, { hide: (p) => p.endsWith('.wasm') });
        try {
          const outcome = await loadScenario(browser, broken.url, { timeoutMs: 15_000 });
          entry.control = judge(outcome);
          if (entry.control.length === 0) entry.failures.push('negative control: with the wasm answering 404 the page still passed');
        } finally {
          await broken.close();
        }
      }
    } catch (error) {
      entry.failures.push(String(error?.stack ?? error));
    }
    built[app.name] = { built: isBuilt, ok: entry.failures.length === 0, dir, def: app };
    entry.seconds = seconds(t1);
    results.push([app.name, entry.failures.length === 0]);
    log(`${app.name}: ${entry.failures.length ? 'FAIL' : 'ok'} in ${entry.seconds} s ` +
      `(${entry.cache ? `deps ${entry.cache.deps}, vitrine ${entry.cache.vitrine}; ` : ''}` +
      `${Object.entries(entry.timings).map(([k, v]) => `${k} ${v} s`).join(', ')})` +
      (entry.failures.length ? `\n  ${entry.failures.map((f) => clip(f)).join('\n  ')}\n  log: ${path.relative(ROOT, logFile)}` : ''));
  }

  // 3. The extra checks.
  const ctx = {
    root: ROOT,
    browser,
    apps: built,
    serve: (name, options) => built[name].def.serve(built[name].dir, options),
    loadScenario: (url, options) => loadScenario(browser, url, options),
    judge,
    log,
    logDir: LOGS,
  };
  for (const check of checks.filter((c) => selected(c.name))) {
    const t1 = performance.now();
    let outcome;
    try {
      outcome = await check.run(ctx);
    } catch (error) {
      outcome = { failures: [String(error?.stack ?? error)] };
    }
    report.checks[check.name] = { ...outcome, seconds: seconds(t1) };
    results.push([check.name, outcome.failures.length === 0]);
    log(`${check.name}: ${outcome.failures.length ? 'FAIL' : 'ok'} (${seconds(t1)} s)` +
      (outcome.failures.length ? `\n  ${outcome.failures.map((f) => clip(f)).join('\n  ')}` : ''));
  }
}

let crashed = null;
try {
  await main();
} catch (error) {
  crashed = error;
  log(`runner error: ${error?.stack ?? error}`);
} finally {
  await browser?.close().catch(() => {});
  killAll();
}

// No process started by this run may outlive it.
await new Promise((r) => setTimeout(r, 200));
const left = leftovers();
if (left.length) {
  log(`process groups still alive after the run: ${left.join(', ')}`);
  results.push(['processes', false]);
}
if (crashed) {
  // Keep the line's shape: whatever the crash kept from running is reported as failed.
  const expected = ['tarball', ...APPS.filter((a) => appSelected(a.name)).map((a) => a.name),
    ...checks.filter((c) => selected(c.name)).map((c) => c.name)];
  for (const name of expected) if (!results.some(([n]) => n === name)) results.push([name, false]);
  results.push(['runner', false]);
}

report.seconds = seconds(started);
report.sizeMethod = 'gzip -9 of each .wasm binary and each JS file containing Vitrine code in the app\'s client output ' +
  '(see lib/size.mjs); chunks that also hold app code are counted whole';
report.summary = Object.fromEntries(results.map(([name, ok]) => [name, ok ? 'ok' : 'FAIL']));
await mkdir(OUT, { recursive: true });
await writeFile(path.join(OUT, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);

const kb = (n) => (n / 1024).toFixed(1);
const sizes = Object.entries(report.apps).filter(([, a]) => a.size)
  .map(([name, a]) => `${name}=${kb(a.size.total)}KiB(wasm ${kb(a.size.wasm)}+js ${kb(a.size.js)})`);
process.stdout.write(`${results.map(([name, ok]) => `${name}=${ok ? 'ok' : 'FAIL'}`).join(' ')}\n`);
process.stdout.write(`gzip added by vitrine: ${sizes.join(' ') || '(none measured)'}\n`);
log(`${Math.round(report.seconds)} s in all; report: ${path.relative(ROOT, path.join(OUT, 'report.json'))}`);
// Exit explicitly: a handle left open by a tool must not hang CI (the leftovers check above reports processes).
process.exit(results.every(([, ok]) => ok) ? 0 : 1);
