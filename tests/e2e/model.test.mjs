// The ranking model in the page through the public API: a model file generated at test time
// (`vitrine-trainer bench-model`, synthetic weights, into target/) is served as a static file,
// fetched by `Vitrine.init({ model })`, verified in wasm and used by `rerank` (`ranker:
// 'model'`, with reasons). A tampered file and a wrong pin fall back to the affinity ranker
// and say so; worker mode behaves the same. Every request is a same-origin GET without a body.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT, startServer, launchBrowser, watchedPage } from './harness.mjs';

// A server root under target/: the real dist/ and catalog/, and a www/ holding only the models.
const SITE = path.join(ROOT, 'target/e2e-model');
let server;
let browser;
let sha256;

before(async () => {
  await rm(SITE, { recursive: true, force: true });
  await mkdir(path.join(SITE, 'www'), { recursive: true });
  await symlink(path.join(ROOT, 'dist'), path.join(SITE, 'dist'));
  await symlink(path.join(ROOT, 'catalog'), path.join(SITE, 'catalog'));
  const model = path.join(SITE, 'www/model.bin');
  execFileSync('cargo', ['run', '-q', '-p', 'vitrine-trainer', '--', 'bench-model', '--out', model], { cwd: ROOT, stdio: 'inherit' });
  const bytes = await readFile(model);
  sha256 = createHash('sha256').update(bytes).digest('hex');
  const tampered = Buffer.from(bytes);
  tampered[tampered.length - 1] ^= 0x20;
  await writeFile(path.join(SITE, 'www/tampered.bin'), tampered);
  // Chromium asks for a favicon on the first page of a browser; the site answers it.
  await writeFile(path.join(SITE, 'www/favicon.ico'), '');
  server = await startServer(['--root', SITE]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await rm(SITE, { recursive: true, force: true });
});

/** Runs in the page: init with the model, learn a little, re-rank 64-d candidates. */
async function inPage({ worker, pin }) {
  const { Vitrine, VitrineModelError } = await import('/dist/index.js');
  const warnings = [];
  const vitrine = await Vitrine.init({
    worker,
    namespace: 'e2e-model',
    consent: { personalization: 'granted' },
    model: { url: '/model.bin', sha256: pin },
    onWarning: (w) => warnings.push(w.code),
  });
  for (let i = 0; i < 4; i += 1) {
    await vitrine.track({ type: 'purchase', productId: `bought${i}`, attributes: { colour: 'Navy', pattern: 'Stripe', productType: 'Sweater' }, price: 30 });
  }
  const colours = ['Black', 'White', 'Red', 'Navy', 'Green'];
  const patterns = ['Solid', 'Stripe', 'Check'];
  const candidates = Array.from({ length: 60 }, (_, i) => ({
    id: `c${i}`, serverRank: i, price: 10 + i,
    attributes: { colour: colours[i % 5], pattern: patterns[i % 3], productType: 'Sweater', department: `d${i % 40}`, indexGroup: `g${i % 5}` },
    embedding: Float32Array.from({ length: 64 }, (_, k) => Math.sin(i * 7 + k) / 2),
    name: `Product ${i}`,
  }));
  const first = await vitrine.rerank(candidates, { exclude: ['c1'], pinned: [{ id: 'c59', position: 0 }] });
  const set = await vitrine.candidateSet(candidates);
  const bySet = await vitrine.rerank(set);
  const memory = Object.keys(await vitrine.exportData()).filter((k) => k.endsWith(':memory'));
  let tamperedCode = null;
  try {
    await vitrine.loadModel('/tampered.bin');
  } catch (e) {
    tamperedCode = e instanceof VitrineModelError ? e.code : `not a VitrineModelError: ${e}`;
  }
  const after = await vitrine.rerank(candidates);
  await vitrine.erase();
  return {
    warnings,
    first: { ranker: first.ranker, status: first.modelStatus, ids: first.items.map((i) => i.id), reasons: first.items.filter((i) => i.reason).map((i) => i.reason.text), name: first.items[0].candidate.name },
    bySet: { ranker: bySet.ranker, ids: bySet.items.map((i) => i.id) },
    memory,
    tamperedCode,
    after: { ranker: after.ranker, status: after.modelStatus, reason: after.fallbackReason ?? null },
  };
}

async function run(options) {
  const context = await browser.newContext();
  const { page, problems } = await watchedPage(context);
  const requests = [];
  page.on('request', (r) => requests.push({ method: r.method(), url: r.url(), body: r.postData() }));
  await page.goto(`${server.url}api/health`);
  const result = await page.evaluate(inPage, options);
  await context.close();
  const origin = new URL(server.url).origin;
  for (const r of requests) {
    assert.equal(new URL(r.url).origin, origin, `same origin: ${r.url}`);
    assert.equal(r.method, 'GET', `${r.method} ${r.url}`);
    assert.equal(r.body ?? null, null, 'no request carries a body');
  }
  assert.ok(requests.some((r) => r.url.endsWith('/model.bin')), 'the model was fetched');
  return { result, problems: problems() };
}

for (const worker of [false, true]) {
  test(`${worker ? 'worker' : 'main thread'}: the model ranks with reasons; a tampered model falls back and says so`, async () => {
    const { result, problems } = await run({ worker, pin: sha256 });
    assert.deepEqual(problems, []);
    assert.equal(result.first.ranker, 'model');
    assert.equal(result.first.status, 'used');
    assert.ok(result.first.reasons.length > 0, 'some items carry a reason');
    assert.ok(result.first.reasons.every((t) => typeof t === 'string' && t.length > 0));
    assert.ok(!result.first.ids.includes('c1'), 'excluded ids never appear');
    assert.equal(result.first.ids[0], 'c59', 'pins hold after the model');
    assert.equal(result.first.ids.length, 59);
    assert.equal(result.first.name, 'Product 59', 'the caller\'s candidate objects come back');
    assert.equal(result.bySet.ranker, 'model');
    assert.equal(result.bySet.ids.length, 60);
    assert.deepEqual(result.memory, ['e2e-model:v1:memory'], 'the item memory is stored and exported');
    assert.equal(result.tamperedCode, 'VITRINE_INVALID_MODEL');
    assert.equal(result.after.ranker, 'affinity');
    assert.equal(result.after.status, 'failed');
    assert.match(result.after.reason, /^VITRINE_INVALID_MODEL/);
    assert.ok(result.warnings.includes('VITRINE_MODEL_FALLBACK'));
  });
}

test('a wrong pin never fails init: it warns and ranks without the model', async () => {
  const { result } = await run({ worker: false, pin: '0'.repeat(64) });
  assert.ok(result.warnings.includes('VITRINE_MODEL_FALLBACK'));
  assert.equal(result.first.ranker, 'affinity');
  assert.equal(result.first.status, 'failed');
});
