// Minimal integration without a bundler: import the built package, track, re-rank, render.
// Serve the repository root (e.g. `npm start`) and open /examples/vanilla/ — or copy dist/ next to it.
import { Vitrine } from '../../dist/index.js';

const candidates = [
  { id: 'p1', serverRank: 0, attributes: { productType: 'Trousers', colour: 'Black' }, price: 39 },
  { id: 'p2', serverRank: 1, attributes: { productType: 'Dress', colour: 'Red' }, price: 59 },
  { id: 'p3', serverRank: 2, attributes: { productType: 'T-shirt', colour: 'White' }, price: 12 },
];

// Nothing is stored or sent until consent: here the site's consent tool has already said yes
// to personalization (call `vitrine.setConsent(...)` when the shopper decides later).
// The wasm is found next to the package's JS by default; pass `{ wasm: url }` to self-host it.
const vitrine = await Vitrine.init({ consent: { personalization: 'granted' } });
await vitrine.track({ type: 'add_to_cart', productId: 'p2', attributes: candidates[1].attributes, price: 59 });
const { items, ranker } = await vitrine.rerank(candidates);

const list = document.getElementById('list');
for (const item of items) {
  const li = document.createElement('li');
  li.textContent = `${item.candidate.attributes.colour} ${item.candidate.attributes.productType}` +
    (item.reason ? ` (${item.reason.text})` : '');
  list.append(li);
}
document.body.dataset.ranker = ranker;
