// Shared harness for the end-to-end tests: starts the reference server on a free loopback
// port and Debian's Chromium via playwright-core, and records every console error, page
// error and failed request so a test can fail on any of them.
import { spawn } from 'node:child_process';
import { before, after } from 'node:test';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Flags verified on this machine: no background traffic, no sandbox (root). */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
];

/** The shared H&M data directory, when it is present (tests must pass without it). */
export const DATA_DIR = process.env.VITRINE_DATA ?? path.resolve(ROOT, '../shared/data');
export const HAS_DATA = existsSync(path.join(DATA_DIR, 'hm_articles.csv.gz')) && existsSync(path.join(DATA_DIR, 'hm_transactions_last_week.csv.gz'));

/**
 * Starts `vitrine-server` on 127.0.0.1:0; resolves with its base URL and a stop function.
 * It serves the bundled demo catalogue unless `data: true` asks for the H&M data (used only
 * when present) or `extraArgs` name a source. `extraArgs` may carry its own `--root` (a site
 * assembled under target/) instead of the repository's.
 */
export async function startServer(extraArgs = [], { data = false } = {}) {
  const binary = path.join(ROOT, 'target/debug/vitrine-server');
  const root = extraArgs.includes('--root') ? [] : ['--root', ROOT];
  const named = extraArgs.includes('--catalog') || extraArgs.includes('--data');
  const source = named ? [] : data && HAS_DATA ? ['--data', DATA_DIR] : ['--catalog', path.join(ROOT, 'catalog/demo.json')];
  const child = spawn(binary, [...root, '--port', '0', '--db', ':memory:', ...source, ...extraArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 60_000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = output.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (match) { clearTimeout(timer); resolve(match[0]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}): ${output}`)); });
  });
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    },
  };
}

/** Launches headless Chromium. */
export function launchBrowser() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * Opens a page that records problems; `problems()` lists console errors, page errors, failed
 * requests, HTTP errors and Content-Security-Policy violations (the server sends a strict CSP).
 */
export async function watchedPage(context) {
  const page = await context.newPage();
  const problems = [];
  await page.exposeFunction('reportCspViolation', (text) => problems.push(`csp: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`requestfailed: ${req.url()} ${req.failure()?.errorText}`));
  page.on('response', (res) => { if (res.status() >= 400) problems.push(`http ${res.status()}: ${res.url()}`); });
  return { page, problems: () => problems };
}

/** The products of a row as `{ id, colour, productType, attributes }`, in display order. */
export function rowProducts(page, testId) {
  return page.$$eval(`[data-testid="${testId}"] > li`, (items) =>
    items.map((li) => {
      const attributes = {};
      for (const [key, value] of Object.entries(li.dataset)) {
        if (key.startsWith('attr')) attributes[key[4].toLowerCase() + key.slice(5)] = value;
      }
      return { id: li.dataset.productId, colour: attributes.colour, productType: attributes.productType, attributes };
    }));
}

/**
 * Registers the suite's hooks: starts the server (`startServer(serverArgs, options)`) and the
 * browser before the tests, hands both to `assign`, and stops both after them.
 */
export function serveAndBrowse(assign, serverArgs = [], options = {}) {
  let server;
  let browser;
  before(async () => {
    server = await startServer(serverArgs, options);
    browser = await launchBrowser();
    assign(server, browser);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
}

/**
 * How well a list agrees with liked (attribute, value, weight) triples, discounted by position
 * like DCG: moving a matching item up raises it. (A top-6 count is too coarse: the quiz's
 * seeded tie-breaks may ask about the target colour only once, which moves its items a few
 * places, not always into the top 6.)
 */
export const agreement = (list, likes) =>
  list.reduce((sum, item, i) => sum + likes.reduce((s, p) => s + (item.attributes[p.attribute] === p.value ? p.weight : 0), 0) / Math.log2(i + 2), 0);
/** Position of the first item in `colour` (the list's length when there is none). */
export const firstIn = (list, colour) => { const i = list.findIndex((p) => p.colour === colour); return i < 0 ? list.length : i; };
