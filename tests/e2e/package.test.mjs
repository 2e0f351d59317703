// The built package in Node: importing it touches no browser global (SSR-safe), and the
// wrapper works end to end with the wasm given as bytes (storage falls back to memory).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from './harness.mjs';

const entry = path.join(ROOT, 'dist/index.js');

test('import has no side effects outside a browser', async () => {
  assert.equal(typeof globalThis.window, 'undefined');
  const mod = await import(entry);
  assert.equal(typeof mod.Vitrine.init, 'function');
  assert.equal(typeof globalThis.window, 'undefined');
});

test('init twice returns one instance; bad input rejects with typed errors; memory fallback is reported', async () => {
  const { Vitrine, VitrineValidationError } = await import(entry);
  const wasm = await readFile(path.join(ROOT, 'dist/wasm/vitrine_bg.wasm'));
  const warnings = [];
  const [a, b] = await Promise.all([
    Vitrine.init({ wasm, onWarning: (w) => warnings.push(w) }),
    Vitrine.init({ wasm }),
  ]);
  assert.equal(a, b);
  assert.equal(a.storage.persistent, false);
  assert.deepEqual(await a.consent(), { personalization: 'pending', measurement: 'pending' });
  // Before consent, events wait in memory and ranking is the server's.
  await a.track({ type: 'purchase', productId: 'early', attributes: { colour: 'Red' } });
  assert.equal((await a.profile()).eventCount, 0);
  await assert.rejects(a.setConsent({ tracking: 'granted' }), { code: 'VITRINE_INVALID_CONSENT' });
  const change = await a.setConsent({ personalization_storage: 'granted' });
  assert.deepEqual(change.granted, ['personalization']);
  assert.equal((await a.profile()).eventCount, 1, 'the buffered event was replayed');
  await a.reset();
  // No localStorage in Node: storage falls back to memory and says so.
  assert.deepEqual(warnings.map((w) => w.code), ['VITRINE_STORAGE_UNAVAILABLE']);

  await assert.rejects(a.track({ type: 'view' }), (e) => e instanceof VitrineValidationError && e.code === 'VITRINE_INVALID_EVENT');
  await assert.rejects(a.track({ type: 'view', productId: 'p', price: Number.NaN }), { code: 'VITRINE_INVALID_EVENT' });
  await assert.rejects(a.rerank('nope'), { code: 'VITRINE_INVALID_CANDIDATES' });

  const candidates = [
    { id: 'a', attributes: { colour: 'Blue' }, name: 'kept' },
    { id: 'b', attributes: { colour: 'Blue' } },
    { id: 'c', attributes: { colour: 'Red' } },
    { id: 'c', attributes: { colour: 'Red' } },
  ];
  const cold = await a.rerank(candidates);
  assert.deepEqual(cold.items.map((i) => i.id), ['a', 'b', 'c']);
  assert.equal(cold.ranker, 'server');
  assert.deepEqual(cold.dropped.map((d) => d.reason), ['duplicate_id']);
  assert.equal(cold.items[0].candidate.name, 'kept', 'the caller’s object comes back');

  await a.track({ type: 'purchase', productId: 'x', attributes: { colour: 'Red' } });
  const warm = await a.rerank(candidates);
  assert.equal(warm.ranker, 'affinity');
  assert.equal(warm.items[0].id, 'c');
  assert.equal(warm.items[0].reason.value, 'Red');
  assert.equal((await a.profile()).eventCount, 1);

  // Options: exclusions never appear, pins hold, bad options are typed errors.
  const opts = await a.rerank(candidates, { exclude: ['c'], pinned: [{ id: 'b', position: 0 }, { id: 'zz', position: 1 }] });
  assert.deepEqual(opts.items.map((i) => i.id), ['b', 'a']);
  assert.deepEqual(opts.dropped.map((d) => d.reason).sort(), ['duplicate_id', 'excluded']);
  assert.deepEqual(opts.ignoredPins.map((p) => p.reason), ['not_in_ranking']);
  await assert.rejects(a.rerank(candidates, { longTailBoost: 3 }), { code: 'VITRINE_INVALID_OPTIONS' });
  await assert.rejects(a.rerank(candidates, { shuffle: true }), { code: 'VITRINE_INVALID_OPTIONS' });
  assert.equal(await a.erase(), 2, 'the in-memory profile and item-memory keys');
  assert.equal((await a.profile()).eventCount, 0);
});

test('setExperiment: typed errors, then exposure and the funnel recorded under measurement consent', async () => {
  const { Vitrine, VitrineValidationError } = await import(entry);
  const wasm = await readFile(path.join(ROOT, 'dist/wasm/vitrine_bg.wasm'));
  const v = await Vitrine.init({ wasm });
  for (const bad of [{ name: 'Hero Banner', arm: 'a' }, { name: 'hero', arm: 'd' }, { name: 'x'.repeat(33), arm: 'b' }, { name: 7, arm: 'a' }, null, undefined]) {
    await assert.rejects(v.setExperiment(bad), (e) => e instanceof VitrineValidationError && e.code === 'VITRINE_INVALID_OPTIONS', JSON.stringify(bad));
  }
  const stored = async () => (await v.exportData())['vitrine:v1:measurement'];
  await v.setExperiment({ name: 'hero-banner', arm: 'b' });
  assert.equal(await stored(), undefined, 'nothing is recorded or stored without measurement consent');
  await v.setConsent({ measurement: 'granted' });
  await v.setExperiment({ name: 'hero-banner', arm: 'b' });
  await v.track({ type: 'click', productId: 'p1', attributes: { productType: 'Dress' } });
  await v.track({ type: 'purchase', productId: 'm1', attributes: { productType: 'Nursing bra' } });
  const doc = await stored();
  assert.equal(doc.experiment, 'hero-banner:b');
  assert.equal(doc.days.length, 1);
  assert.match(doc.days[0], /^hero-banner:b:\d+:click:0$/, 'a sensitive purchase does not count');
  await v.setConsent({ measurement: 'denied' });
  assert.equal(await stored(), undefined, 'withdrawal purges the experiment');
  await v.erase();
});
