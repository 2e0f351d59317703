// The page-side scenario every integration app runs. It takes the `Vitrine` class as an argument so
// that each app imports `vitrine` itself (through its own bundler and node_modules) and this file has
// no bare imports. It does not judge its own result: it writes what happened into the DOM and
// tests/integration/lib/verify.mjs decides whether that is right.

/**
 * The server's candidates, in the server's order, all in one price band. The red dresses (p4, p6)
 * are low in the server's order: after the tracked events below they must move up.
 */
export const CANDIDATES = [
  { id: 'p1', serverRank: 0, attributes: { productType: 'Trousers', colour: 'Blue' }, price: 30 },
  { id: 'p2', serverRank: 1, attributes: { productType: 'Sweater', colour: 'Black' }, price: 40 },
  { id: 'p3', serverRank: 2, attributes: { productType: 'Shirt', colour: 'White' }, price: 25 },
  { id: 'p4', serverRank: 3, attributes: { productType: 'Dress', colour: 'Red' }, price: 45 },
  { id: 'p5', serverRank: 4, attributes: { productType: 'Jacket', colour: 'Green' }, price: 35 },
  { id: 'p6', serverRank: 5, attributes: { productType: 'Dress', colour: 'Red' }, price: 39 },
];

/** The shopper's actions: a red dress (not in the list) viewed, carted and bought. */
export const EVENTS = ['view', 'add_to_cart', 'purchase'].map((type) => ({
  type, productId: 'x1', attributes: { productType: 'Dress', colour: 'Red' }, price: 42,
}));

function render(title, items) {
  const section = document.createElement('section');
  const heading = document.createElement('h2');
  heading.textContent = title;
  const list = document.createElement('ol');
  for (const item of items) {
    const li = document.createElement('li');
    const { productType, colour } = item.candidate.attributes;
    li.textContent = `${item.id}: ${colour} ${productType}${item.reason ? ` (${item.reason.text})` : ''}`;
    list.append(li);
  }
  section.append(heading, list);
  document.body.append(section);
}

/**
 * init → rerank (empty profile) → track → rerank, with the default wasm location.
 * Writes `document.body.dataset.result` (JSON) or `document.body.dataset.error`.
 * `?worker=1` in the page URL runs the same scenario with `Vitrine.init({ worker: true })`.
 */
export async function runScenario(Vitrine, tool) {
  const body = document.body;
  const worker = new URLSearchParams(location.search).get('worker') === '1';
  try {
    // The site's consent tool already said yes to personalization (nothing is stored before).
    const consent = { personalization: 'granted' };
    const vitrine = await Vitrine.init(worker ? { worker: true, consent } : { consent });
    const candidates = CANDIDATES.map((c) => ({ ...c, attributes: { ...c.attributes } }));
    const cold = await vitrine.rerank(candidates);
    render('Server order (empty profile)', cold.items);
    for (const event of EVENTS) await vitrine.track(event);
    const warm = await vitrine.rerank(candidates);
    render('Personalised order', warm.items);
    const summary = (r) => ({
      ranker: r.ranker,
      ids: r.items.map((i) => i.id),
      reasons: r.items.map((i) => (i.reason ? i.reason.value : null)),
      sameObjects: r.items.every((i) => candidates.includes(i.candidate)),
      fallback: r.fallback ?? null,
    });
    body.dataset.result = JSON.stringify({
      tool,
      worker,
      persistent: vitrine.storage.persistent,
      cold: summary(cold),
      warm: summary(warm),
    });
  } catch (error) {
    body.dataset.error = `${error?.name}: ${error?.code ?? ''} ${error?.message ?? String(error)}`;
    console.error('[integration] scenario failed', error);
  }
}
