// Runs one long, fixed session through the built wasm core (dist/wasm) with a fixed seed and
// clock, and prints every result as one JSON document. Two builds that print the same bytes
// behave the same: used to check that a change meant only for size (the allocator, a
// rewritten reader) changes nothing observable.
// Usage: node scripts/determinism.mjs [DIST_DIR] [MODEL_FILE]; with a model file (e.g. the
// trainer's `bench-model` output) every re-rank goes through the model, with embeddings when
// the model takes them.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = path.resolve(process.argv[2] ?? 'dist');
const glue = await import(pathToFileURL(path.join(dist, 'wasm/vitrine.js')).href);
glue.initSync({ module: fs.readFileSync(path.join(dist, 'wasm/vitrine_bg.wasm')) });

let clock = 1_764_000_000_000;
Date.now = () => (clock += 61_000);
let state = 12345;
const next = (n) => {
  state = (Math.imul(state, 1103515245) + 12345) >>> 0;
  return state % n;
};

const here = path.dirname(new URL(import.meta.url).pathname);
const products = JSON.parse(fs.readFileSync(path.join(here, '../catalog/demo.json'), 'utf8')).products;
const log = [];
const record = (step, f) => {
  try {
    const value = f();
    log.push([step, value instanceof Object && 'index' in value ? { meta: value.meta, index: [...value.index], server: [...value.server], score: [...value.score] } : value]);
  } catch (e) {
    log.push([step, { error: e.code ?? String(e), message: e.message }]);
  }
};

const seed = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 255);
const options = { consent: { personalization: 'granted', measurement: 'granted' } };
const core = new glue.VitrineCore(JSON.stringify(options), false, seed);
let dim = 0;
if (process.argv[3]) {
  const info = JSON.parse(core.loadModel(fs.readFileSync(process.argv[3]), undefined));
  log.push(['loadModel', info]);
  dim = info.itemEmbeddingDim;
}
const embeddings = (n) => Float32Array.from({ length: n * dim }, () => next(2001) / 1000 - 1);
const candidates = (n, offset) =>
  JSON.stringify(
    Array.from({ length: n }, (_, i) => products[(i + offset) % products.length]).map((p, i) => ({
      id: p.id, serverRank: i, serverScore: 1 - i / n, attributes: p.attributes, price: p.price,
    })),
  );
const kinds = ['view', 'view', 'view', 'click', 'add_to_cart', 'purchase', 'remove_from_cart', 'return'];

for (let round = 0; round < 12; round += 1) {
  for (let e = 0; e < 25; e += 1) {
    const p = products[next(products.length)];
    const event = { type: kinds[next(kinds.length)], productId: p.id, attributes: p.attributes, price: p.price };
    record('track', () => core.track(JSON.stringify(event)));
  }
  record('rerank', () => core.rerank(candidates(60, round * 7), '', embeddings(60), dim));
  record('rerank-options', () =>
    core.rerank(candidates(40, round), JSON.stringify({ diversity: { lambda: 0.3, attributes: ['colour'], useAttributes: true }, pinned: [{ id: products[round].id, position: 1 }], maxPerValue: { attribute: 'productType', max: 2, window: 6 } }), embeddings(40), dim),
  );
  if (round === 3) {
    record('quizStart', () => JSON.parse(core.quizStart(JSON.stringify(products.slice(0, 80)))));
    for (let q = 0; q < 14; q += 1) {
      const question = JSON.parse(core.quizNext());
      log.push(['quizNext', question]);
      if (!question) break;
      const answer = ['like', 'dislike', 'skip'][next(3)];
      record('quizAnswer', () => JSON.parse(core.quizAnswer(question.productId, answer)));
    }
    record('quizResult', () => JSON.parse(core.quizResult()));
  }
  if (round === 6) record('forget', () => core.forget(JSON.stringify({ value: products[2].attributes.colour, attribute: 'colour' })));
  record('profile', () => JSON.parse(core.profile()));
  record('batch', () => JSON.parse(core.nextReportBatch()));
  record('warnings', () => JSON.parse(core.takeWarnings()));
}
const set = JSON.parse(core.registerCandidates(candidates(120, 3), embeddings(120), dim));
log.push(['register', set]);
record('rerankSet', () => core.rerankSet(set.handle, ''));
record('audit', () => JSON.parse(core.audit()));
record('export', () => JSON.parse(core.exportData()));
record('setConsent', () => JSON.parse(core.setConsent(JSON.stringify({ measurement: 'denied' }))));
record('erase', () => core.erase());
record('profile-after-erase', () => JSON.parse(core.profile()));
process.stdout.write(JSON.stringify(log));
