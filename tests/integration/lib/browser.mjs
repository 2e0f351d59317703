// Loads a served app in Chromium, waits for the scenario (shared/scenario.js) to finish and judges
// the result. Any console error or warning, page error, failed request, HTTP error, request to
// another origin or CSP violation is a problem; so is a wasm that was not served as application/wasm.
import { CANDIDATES } from '../shared/scenario.js';

/** The server's order, and the items the tracked events (a red dress) must move up. */
const CANDIDATES_IDS = CANDIDATES.map((c) => c.id);
const MATCHING_IDS = CANDIDATES.filter((c) => c.attributes.colour === 'Red' && c.attributes.productType === 'Dress').map((c) => c.id);

/**
 * Opens `url` in a fresh context (fresh storage) and collects what happened.
 * Resolves with `{ result, error, problems, wasm, violations }`.
 */
export async function loadScenario(browser, url, { timeoutMs = 30_000 } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const origin = new URL(url).origin;
  const problems = [];
  const wasm = [];
  page.on('console', (msg) => {
    // The browser's own favicon probe is not the app's request (the test apps ship no icon).
    if (isFavicon(msg.location()?.url)) return;
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console.${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`requestfailed: ${req.url()} ${req.failure()?.errorText}`));
  page.on('request', (req) => {
    const target = new URL(req.url());
    if (target.origin !== origin && target.protocol !== 'data:' && target.protocol !== 'blob:') {
      problems.push(`request to another origin: ${req.url()}`);
    }
  });
  page.on('response', async (res) => {
    if (res.status() >= 400 && !isFavicon(res.url())) problems.push(`http ${res.status()}: ${res.url()}`);
    const type = res.headers()['content-type'] ?? '';
    if (res.url().endsWith('.wasm') || type.includes('wasm')) wasm.push({ url: res.url(), status: res.status(), type });
  });
  await page.addInitScript(() => {
    window.__vitrineCsp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__vitrineCsp.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  try {
    await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
    await page.waitForFunction(() => document.body && (document.body.dataset.result || document.body.dataset.error),
      null, { timeout: timeoutMs }).catch(() => problems.push(`no result in the page after ${timeoutMs / 1000} s`));
    // Let late requests (chunks, prefetches) finish so that their failures are seen too.
    await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {});
    const { result, error, violations } = await page.evaluate(() => ({
      result: document.body?.dataset.result ?? null,
      error: document.body?.dataset.error ?? null,
      violations: window.__vitrineCsp ?? [],
    }));
    return { result: result && JSON.parse(result), error, problems, wasm, violations };
  } finally {
    await context.close();
  }
}

const isFavicon = (url) => typeof url === 'string' && new URL(url, 'http://x').pathname === '/favicon.ico';

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** What is wrong with a loadScenario outcome (empty when the app works). */
export function judge({ result, error, problems, wasm, violations }) {
  const failures = [...problems, ...violations.map((v) => `CSP violation: ${v}`)];
  if (error) failures.push(`scenario error: ${error}`);
  if (!result) return failures.length ? failures : ['no result'];
  const { cold, warm } = result;
  if (cold.ranker !== 'server') failures.push(`empty profile: ranker ${cold.ranker}, expected server`);
  if (!same(cold.ids, CANDIDATES_IDS)) failures.push(`empty profile: order ${cold.ids}, expected the server's ${CANDIDATES_IDS}`);
  if (cold.reasons.some((r) => r !== null)) failures.push('empty profile: items carry reasons');
  if (warm.ranker !== 'affinity') failures.push(`after tracking: ranker ${warm.ranker}, expected affinity`);
  if (!same([...warm.ids].sort(), [...CANDIDATES_IDS].sort())) failures.push(`after tracking: items ${warm.ids} are not the candidates`);
  for (const id of MATCHING_IDS) {
    const [before, after] = [cold.ids.indexOf(id), warm.ids.indexOf(id)];
    if (!(after < before)) failures.push(`after tracking: ${id} (a red dress) did not move up (${before} → ${after}; order ${warm.ids})`);
    if (warm.reasons[after] == null) failures.push(`after tracking: ${id} moved up without a reason`);
  }
  if (!cold.sameObjects || !warm.sameObjects) failures.push('item.candidate is not the caller\'s object');
  if (cold.fallback || warm.fallback) failures.push(`engine fell back: ${JSON.stringify(cold.fallback ?? warm.fallback)}`);
  if (!result.persistent) failures.push('the profile is not persistent (localStorage unused)');
  const ok = wasm.filter((w) => w.status === 200 && w.type.startsWith('application/wasm'));
  if (ok.length === 0) failures.push(`no wasm served as application/wasm (saw ${JSON.stringify(wasm)})`);
  return failures;
}
