/**
 * Product rows: fetch the server's candidates for a context, re-rank them with Vitrine, and
 * render them in one go (re-ranked before the row's first paint, so the order never jumps).
 * Cards have a fixed height, so re-renders after an event never shift the layout.
 */
import type { RankedItem, RerankResult, Vitrine } from 'vitrine';
import { el, getJson, money } from './dom.js';
import type { ShopCandidate } from './shop.js';

/** What a card's buttons ask the page to do. */
export interface CardActions {
  open(c: ShopCandidate): void;
  addToCart(c: ShopCandidate): void;
}

/** A product card: swatch, name (a link to the product page), type, colour, price, chip. */
export function card(item: RankedItem<ShopCandidate>, actions: CardActions): HTMLLIElement {
  const c = item.candidate;
  const swatch = el('div', { className: 'swatch' });
  swatch.setAttribute('aria-hidden', 'true');
  swatch.style.background = c.swatch ?? '#c8c8cc';
  const link = el('a', { href: `#/p/${encodeURIComponent(c.id)}`, textContent: c.name });
  link.addEventListener('click', () => actions.open(c));
  const cart = el('button', { type: 'button', className: 'cart', textContent: 'Add to cart' });
  cart.dataset.action = 'cart';
  cart.setAttribute('aria-label', `Add to cart: ${c.name}`);
  cart.addEventListener('click', () => actions.addToCart(c));
  const chip = el('span', { className: 'chip', textContent: item.reason?.text ?? '' });
  const li = el(
    'li',
    { className: 'card' },
    swatch,
    el('h3', {}, link),
    el('p', { className: 'meta', textContent: [c.attributes.productType, c.attributes.colour].filter(Boolean).join(' · ') }),
    el('p', { className: 'price', textContent: money(c.price) }),
    chip,
    cart,
  );
  li.dataset.productId = c.id;
  li.dataset.serverPosition = String(item.serverPosition);
  for (const [name, value] of Object.entries(c.attributes)) li.dataset[`attr${name[0]?.toUpperCase()}${name.slice(1)}`] = value;
  return li;
}

/** One row of products for a server context. */
export class Row {
  /** The list the cards go in. */
  readonly list: HTMLOListElement;
  /** The whole section (heading + list). */
  readonly section: HTMLElement;
  /** The server's candidates, in its order. */
  candidates: ShopCandidate[] = [];
  /** The latest re-rank. */
  result: RerankResult<ShopCandidate> | null = null;

  constructor(
    readonly title: string,
    readonly testId: string,
    private readonly url: string,
    private readonly actions: CardActions,
    options: { layout?: 'grid' | 'strip'; note?: string } = {},
  ) {
    const headingId = `${testId}-title`;
    this.list = el('ol', { className: options.layout === 'strip' ? 'grid strip' : 'grid' });
    this.list.dataset.testid = testId;
    this.list.setAttribute('aria-labelledby', headingId);
    const head = el('div', { className: 'row-head' }, el('h2', { id: headingId, textContent: title }));
    if (options.note) head.append(el('p', { className: 'muted', textContent: options.note }));
    this.section = el('section', { className: 'row' }, head, this.list);
    this.section.setAttribute('aria-labelledby', headingId);
  }

  /** Fetches the candidates (once). */
  async load(): Promise<void> {
    const { candidates } = await getJson<{ candidates: ShopCandidate[] }>(this.url);
    this.candidates = candidates;
  }

  /** Re-ranks and replaces the cards in one step. */
  async render(vitrine: Vitrine): Promise<void> {
    const result = await vitrine.rerank(this.candidates);
    this.result = result;
    this.list.replaceChildren(...result.items.map((item) => card(item, this.actions)));
    this.list.dataset.ranker = result.ranker;
    this.list.dataset.count = String(result.items.length);
  }
}

/** Fills the debug drawer with a row's server order against Vitrine's order. */
export function renderDebug(row: Row | null): void {
  const title = document.getElementById('debug-row');
  const summary = document.getElementById('debug-summary');
  const body = document.getElementById('debug-body');
  if (!title || !summary || !body) return;
  if (!row?.result) {
    title.textContent = 'no row on this page';
    summary.textContent = '';
    body.replaceChildren();
    return;
  }
  const { items, ranker, dropped } = row.result;
  const moved = items.filter((i) => i.position !== i.serverPosition).length;
  title.textContent = row.title;
  summary.textContent = `Ranker: ${ranker} · ${items.length} items · ${moved} moved · ${dropped.length} dropped`;
  body.dataset.ranker = ranker;
  body.replaceChildren(
    ...items.map((item) => {
      const delta = item.serverPosition - item.position;
      const move = el('td', { textContent: `${item.serverPosition + 1} → ${item.position + 1}` });
      move.className = delta > 0 ? 'up' : delta < 0 ? 'down' : '';
      const tr = el(
        'tr',
        {},
        el('td', { textContent: String(item.position + 1) }),
        move,
        el('td', { className: 'mono', textContent: item.id }),
        el('td', { textContent: item.candidate.name }),
        el('td', { className: 'mono', textContent: item.score.toFixed(3) }),
        el('td', { textContent: item.reason?.text ?? '–' }),
      );
      tr.dataset.productId = item.id;
      return tr;
    }),
  );
}
