// Egress audit: drives the demo through a shopping flow with consent granted, then measurement
// denied, then everything withdrawn, and captures every request the page makes. It fails if a
// request goes anywhere but a declared endpoint, if a report carries a field the data manifest
// does not declare, or if a sent payload is missing from the local audit ledger. Writes
// target/egress/capture.json and prints `requests=N undeclared=N ledger_mismatch=N`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT, watchedPage, rowProducts, serveAndBrowse } from './harness.mjs';

let server;
let browser;

serveAndBrowse((s, b) => {
  server = s;
  browser = b;
});

/** What the page may fetch: its own static files and the shop API (GET), declared data-free fetches (wasm, model file), and declared report endpoints (POST). */
function classify(request, origin, manifest) {
  const url = new URL(request.url());
  const method = request.method();
  if (url.protocol === 'data:') return null;
  if (url.origin !== origin) return `foreign origin: ${method} ${url.href}`;
  const reportEndpoints = new Set(manifest.reports.map((r) => r.endpoint));
  if (method === 'POST') return reportEndpoints.has(url.pathname) ? null : `undeclared POST ${url.pathname}`;
  if (method !== 'GET') return `unexpected ${method} ${url.pathname}`;
  // Declared data-free fetches (the wasm, a configured ranking model file).
  if ((manifest.fetches ?? []).some((f) => f.method === method && new RegExp(f.path).test(url.pathname)) && !url.search) return null;
  // The storefront's own GETs carry only the page context (never the profile): the catalogue
  // summary for its navigation, candidates, products, the quiz bank, the model and its file.
  const site = /^\/($|build\/|style\.css|dist\/|model\/|api\/(catalog$|model$|candidates|quiz-bank|products\/))/;
  return site.test(url.pathname) ? null : `undeclared GET ${url.pathname}`;
}

/** Fields in a report that the manifest does not declare for its type. */
function undeclaredFields(report, manifest) {
  const schema = manifest.reports.find((r) => r.type === report.type);
  if (!schema) return [`undeclared report type ${report.type}`];
  const declared = new Set(schema.fields.map((f) => f.name));
  return Object.keys(report).filter((k) => !declared.has(k)).map((k) => `${report.type}.${k}`);
}

test('every byte that leaves is declared and ledgered, and nothing leaves without consent', async () => {
  const manifest = JSON.parse(await readFile(path.join(ROOT, 'docs/data-manifest.json'), 'utf8'));
  const origin = new URL(server.url).origin;
  const context = await browser.newContext();
  const { page, problems } = await watchedPage(context);
  const captured = [];
  let phase = 'before consent';
  page.on('request', (request) => {
    captured.push({ phase, method: request.method(), url: request.url(), body: request.postData() ?? null, problem: classify(request, origin, manifest) });
  });
  const reportsIn = (p) => captured.filter((c) => c.phase === p && c.method === 'POST');
  const cart = async (n) => {
    for (const product of (await rowProducts(page, 'edit')).slice(-n)) {
      await page.click(`[data-testid="edit"] > li[data-product-id="${product.id}"] button[data-action="cart"]`);
    }
  };

  // The page declares an experiment arm (setExperiment) before consent: nothing is recorded yet.
  await page.goto(`${server.url}?reportEveryMs=300&dailyEpsilon=3&experiment=hero-banner:b`);
  await page.waitForSelector('body[data-ready="true"]');
  await cart(3);
  await new Promise((r) => setTimeout(r, 800));
  assert.equal(reportsIn(phase).length, 0, 'nothing is sent before consent');

  phase = 'all granted';
  await page.click('#consent-all');
  await cart(4);
  await page.waitForFunction(() => true);
  const deadline = Date.now() + 15_000;
  while (reportsIn(phase).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  assert.ok(reportsIn(phase).length > 0, 'reports are sent once measurement is granted');

  // With measurement granted: a few quiz answers, then "Finish now" (a completed quiz is
  // reported once), and an order (purchase ends the experiment funnel: reported today).
  await page.click('#open-quiz');
  for (let i = 0; i < 3; i += 1) {
    await page.waitForSelector('vitrine-quiz button[data-answer="like"]');
    await page.click(`vitrine-quiz button[data-answer="${i % 2 ? 'dislike' : 'like'}"]`);
    await page.waitForFunction((n) => Number(document.querySelector('vitrine-quiz')?.shadowRoot?.querySelector('progress')?.value) >= n, i + 1);
  }
  await page.click('vitrine-quiz button:has-text("Finish now")');
  await page.waitForFunction(() => document.body.dataset.quiz === 'complete');
  await page.click('#quiz-dialog [data-close]');
  await page.click('#cart-link');
  await page.click('#checkout');
  const sentTypes = () => new Set(reportsIn(phase).flatMap((c) => JSON.parse(c.body).reports.map((r) => r.type)));
  const typesDeadline = Date.now() + 15_000;
  while (!(sentTypes().has('quiz') && sentTypes().has('experiment')) && Date.now() < typesDeadline) await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual([...sentTypes()].sort(), ['engagement', 'experiment', 'lifecycle', 'quiz'], 'all four declared report types are sent');
  const experimentReports = reportsIn(phase).flatMap((c) => JSON.parse(c.body).reports).filter((r) => r.type === 'experiment');
  assert.equal(experimentReports.length, 1, 'one experiment report for the day');
  assert.equal(experimentReports[0].experiment, 'hero-banner');

  phase = 'measurement denied';
  await page.click('#privacy-choices');
  await page.click('#consent-personal');
  await cart(4);
  await new Promise((r) => setTimeout(r, 1_000));
  assert.equal(reportsIn(phase).length, 0, 'nothing is sent after measurement is denied');

  phase = 'withdrawn';
  await page.click('#privacy-choices');
  await page.click('#consent-none');
  await cart(2);
  await new Promise((r) => setTimeout(r, 1_000));
  assert.equal(reportsIn(phase).length, 0, 'nothing is sent after withdrawal');

  // Every sent payload must be in the ledger verbatim (the ledger outlives withdrawal until erase).
  const ledger = JSON.parse((await page.evaluate(() => localStorage.getItem('vitrine:v1:ledger'))) ?? '{"entries":[]}');
  const ledgered = new Set((ledger.entries ?? []).map((e) => e.payload));
  let mismatch = 0;
  const undeclared = captured.filter((c) => c.problem).map((c) => c.problem);
  for (const post of captured.filter((c) => c.method === 'POST')) {
    const body = JSON.parse(post.body);
    for (const report of body.reports) {
      undeclared.push(...undeclaredFields(report, manifest));
      const exact = [...ledgered].some((payload) => JSON.stringify(JSON.parse(payload)) === JSON.stringify(report) && post.body.includes(payload));
      if (!exact) mismatch += 1;
    }
    assert.deepEqual(Object.keys(body), ['reports'], 'the envelope carries nothing else');
  }
  const summary = `requests=${captured.length} undeclared=${undeclared.length} ledger_mismatch=${mismatch}`;
  await mkdir(path.join(ROOT, 'target/egress'), { recursive: true });
  await writeFile(path.join(ROOT, 'target/egress/capture.json'), `${JSON.stringify({ summary, undeclared, requests: captured }, null, 2)}\n`);
  console.log(summary);
  assert.deepEqual(undeclared, []);
  assert.equal(mismatch, 0);
  assert.deepEqual(problems(), []);
  await context.close();
});
