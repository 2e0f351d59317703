// Worker mode: `Vitrine.init({ worker: true })` runs the wasm core in a Web Worker with the
// same API. This page re-ranks 10,000 candidates and counts how many main-thread tasks ran
// while the re-rank was in flight: in worker mode the main thread stays free (ticks > 0);
// with ?mode=main the synchronous wasm call holds it (ticks = 0).
import { Vitrine } from '../../dist/index.js';

const COLOURS = ['Black', 'White', 'Red', 'Blue', 'Green', 'Beige', 'Pink', 'Grey'];
const TYPES = ['Dress', 'T-shirt', 'Trousers', 'Sweater', 'Jacket', 'Skirt'];

function candidates(n) {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: n }, (_, i) => ({
    id: `c${i}`,
    serverRank: i,
    attributes: { colour: COLOURS[i % COLOURS.length], productType: TYPES[(i * 7) % TYPES.length] },
    price: 10 + (i % 90),
    embedding: Array.from({ length: 64 }, () => random() - 0.5),
  }));
}

/** Counts main-thread tasks until `promise` settles (MessageChannel: no timer clamping). */
async function ticksWhile(promise) {
  let ticks = 0;
  let done = false;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => { ticks += 1; if (!done) channel.port2.postMessage(0); };
  channel.port2.postMessage(0);
  const value = await promise;
  done = true;
  channel.port1.close();
  return { value, ticks };
}

const mode = new URLSearchParams(location.search).get('mode') === 'main' ? 'main' : 'worker';
const vitrine = await Vitrine.init({ worker: mode === 'worker', namespace: `example-${mode}`, consent: { personalization: 'granted' } });
await vitrine.track({ type: 'purchase', productId: 'seed', attributes: { colour: 'Green', productType: 'Dress' }, price: 40 });
const list = candidates(10_000);
const started = performance.now();
const { value: result, ticks } = await ticksWhile(vitrine.rerank(list));
const elapsed = performance.now() - started;
await vitrine.erase();

const top = result.items[0].candidate.attributes;
document.getElementById('result').textContent =
  `${mode}: ${result.items.length} items re-ranked in ${elapsed.toFixed(1)} ms; main-thread ticks meanwhile: ${ticks}; top: ${top.colour} ${top.productType}`;
Object.assign(document.body.dataset, { mode, ticks: String(ticks), count: String(result.items.length), ranker: result.ranker, top: `${top.colour} ${top.productType}` });
