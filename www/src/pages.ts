/**
 * The storefront's pages (hash routes): home, category, new arrivals, product, search, cart.
 * Each page builds its rows, waits for every row to be fetched and re-ranked, then paints the
 * whole view at once.
 */
import { el, getJson, money } from './dom.js';
import { Row, type CardActions } from './rows.js';
import type { Cart, CatalogSummary, ProductDetail } from './shop.js';

/** A parsed route. */
export type Route =
  | { page: 'home' }
  | { page: 'new' }
  | { page: 'category'; attribute: string; value: string }
  | { page: 'product'; id: string }
  | { page: 'search'; q: string }
  | { page: 'cart' };

/** Parses `location.hash`; anything unknown is the home page. */
export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  if (parts[0] === 'new') return { page: 'new' };
  if (parts[0] === 'cart') return { page: 'cart' };
  if (parts[0] === 'search') return { page: 'search', q: new URLSearchParams(query).get('q') ?? '' };
  if (parts[0] === 'p' && parts[1]) return { page: 'product', id: parts[1] };
  if (parts[0] === 'c' && parts[1] && parts[2]) return { page: 'category', attribute: parts[1], value: parts[2] };
  return { page: 'home' };
}

/** The hash of a category page. */
export const categoryHref = (attribute: string, value: string): string => `#/c/${encodeURIComponent(attribute)}/${encodeURIComponent(value)}`;

/** What a page needs from the app. */
export interface PageContext {
  catalog: CatalogSummary;
  cart: Cart;
  actions: CardActions;
  /** Tracks that the shopper viewed a product or searched (the app queues it). */
  track(event: { type: 'view'; product: ProductDetail } | { type: 'search'; query: string }): Promise<void>;
  /** Removes a cart line (and tells Vitrine). */
  removeFromCart(id: string): void;
  /** Places the order (and tells Vitrine). */
  checkout(): void;
}

/** A built page: its content and its rows (the first is the one the debug drawer shows). */
export interface Page {
  page: Route['page'];
  title: string;
  nodes: Node[];
  rows: Row[];
}

const q = (params: Record<string, string | number>): string => new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
const candidates = (params: Record<string, string | number>): string => `/api/candidates?${q(params)}`;

function heading(text: string, sub?: string): HTMLElement {
  const head = el('div', { className: 'page-head' }, el('h1', { textContent: text }));
  if (sub) head.append(el('p', { className: 'muted', textContent: sub }));
  return head;
}

/** Builds the page for a route (rows fetched, not yet rendered). */
export async function buildPage(route: Route, ctx: PageContext): Promise<Page> {
  switch (route.page) {
    case 'home': {
      const edit = new Row('Your edit', 'edit', candidates({ context: 'home', limit: 24 }), ctx.actions, {
        note: 'Best sellers of the week, re-ordered in your browser by Vitrine',
      });
      const groups = ctx.catalog.categories.slice(0, 2).map(
        (g) => new Row(`Best of ${g.value}`, `row-${slug(g.value)}`, candidates({ context: 'home', group: g.value, limit: 12 }), ctx.actions, { layout: 'strip' }),
      );
      const rows = [edit, ...groups];
      await Promise.all(rows.map((r) => r.load()));
      return { page: 'home', title: 'Home', nodes: [heading('This week’s edit', `${ctx.catalog.productCount.toLocaleString('en-GB')} products`), ...rows.map((r) => r.section)], rows };
    }
    case 'new': {
      const row = new Row('New arrivals', 'category', candidates({ context: 'new', limit: 48 }), ctx.actions);
      await row.load();
      return { page: 'new', title: 'New arrivals', nodes: [heading('New arrivals', 'First sold most recently'), row.section], rows: [row] };
    }
    case 'category': {
      const { attribute, value } = route;
      const row = new Row(`Best sellers: ${value}`, 'category', candidates({ context: 'category', attribute, value, limit: 48 }), ctx.actions);
      await row.load();
      const nodes: Node[] = [heading(value, `${attribute === 'indexGroup' ? 'Department' : 'Category'} · best sellers, re-ordered for you`)];
      const group = attribute === 'indexGroup' ? ctx.catalog.categories.find((g) => g.value === value) : undefined;
      if (group) {
        const links = el('ul', { className: 'type-links' }, ...group.productTypes.map((t) => el('li', {}, el('a', { href: categoryHref('productType', t.value), textContent: `${t.value} (${t.count})` }))));
        nodes.push(el('nav', { className: 'sub-nav', ariaLabel: `${value} categories` }, links));
      }
      nodes.push(row.section);
      return { page: 'category', title: value, nodes, rows: [row] };
    }
    case 'product': {
      const product = await getJson<ProductDetail>(`/api/products/${encodeURIComponent(route.id)}`);
      const row = new Row('You might also like', 'also-like', candidates({ context: 'product', id: product.id, limit: 12 }), ctx.actions, {
        layout: 'strip',
        note: 'Bought together by other shoppers, re-ordered for you',
      });
      await Promise.all([row.load(), ctx.track({ type: 'view', product })]);
      return { page: 'product', title: product.name, nodes: [productDetail(product, ctx), row.section], rows: [row] };
    }
    case 'search': {
      const text = route.q.trim().slice(0, 200);
      if (!text) return { page: 'search', title: 'Search', nodes: [heading('Search', 'Type what you are looking for above.')], rows: [] };
      const row = new Row(`Results for “${text}”`, 'search-results', candidates({ context: 'search', q: text, limit: 48 }), ctx.actions);
      await Promise.all([row.load(), ctx.track({ type: 'search', query: text })]);
      const nodes: Node[] = [heading(`Search: ${text}`, `${row.candidates.length} products`)];
      if (row.candidates.length === 0) nodes.push(el('p', { className: 'empty', textContent: 'No products match. Try fewer or other words.' }));
      else nodes.push(row.section);
      return { page: 'search', title: `Search: ${text}`, nodes, rows: row.candidates.length ? [row] : [] };
    }
    case 'cart':
      return cartPage(ctx);
  }
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function productDetail(p: ProductDetail, ctx: PageContext): HTMLElement {
  const swatch = el('div', { className: 'swatch large' });
  swatch.setAttribute('aria-hidden', 'true');
  swatch.style.background = p.swatch ?? '#c8c8cc';
  const facts = el('dl', { className: 'facts' });
  const shown: [string, string][] = [
    ['Type', 'productType'], ['Colour', 'colour'], ['Pattern', 'pattern'], ['Department', 'department'], ['Section', 'section'], ['Group', 'indexGroup'],
  ];
  for (const [label, key] of shown) {
    const value = p.attributes[key];
    if (value) facts.append(el('dt', { textContent: label }), el('dd', { textContent: value }));
  }
  const add = el('button', { type: 'button', className: 'cart', textContent: 'Add to cart' });
  add.dataset.action = 'cart';
  add.setAttribute('aria-label', `Add to cart: ${p.name}`);
  add.addEventListener('click', () => ctx.actions.addToCart({ ...p, serverRank: 0, serverScore: 1 }));
  const info = el(
    'div',
    { className: 'product-info' },
    el('h1', { textContent: p.name }),
    el('p', { className: 'price large', textContent: money(p.price) }),
    el('p', { textContent: p.description || 'No description.' }),
    facts,
    add,
  );
  const group = p.attributes.indexGroup;
  const crumbs = el('nav', { className: 'crumbs', ariaLabel: 'Breadcrumb' }, el('a', { href: '#/', textContent: 'Home' }));
  if (group) crumbs.append(' / ', el('a', { href: categoryHref('indexGroup', group), textContent: group }));
  if (p.attributes.productType) crumbs.append(' / ', el('a', { href: categoryHref('productType', p.attributes.productType), textContent: p.attributes.productType }));
  const section = el('section', { className: 'product' }, crumbs, el('div', { className: 'product-body' }, swatch, info));
  section.dataset.testid = 'product';
  section.dataset.productId = p.id;
  return section;
}

async function cartPage(ctx: PageContext): Promise<Page> {
  const lines = ctx.cart.items;
  const nodes: Node[] = [heading('Your cart', lines.length ? `${ctx.cart.count} items` : 'Your cart is empty.')];
  const list = el('ul', { className: 'cart-lines' });
  list.dataset.testid = 'cart';
  for (const line of lines) {
    const swatch = el('div', { className: 'swatch small' });
    swatch.setAttribute('aria-hidden', 'true');
    swatch.style.background = line.swatch ?? '#c8c8cc';
    const remove = el('button', { type: 'button', className: 'ghost', textContent: 'Remove' });
    remove.setAttribute('aria-label', `Remove ${line.name}`);
    remove.addEventListener('click', () => ctx.removeFromCart(line.id));
    const li = el(
      'li',
      {},
      swatch,
      el('a', { href: `#/p/${encodeURIComponent(line.id)}`, textContent: line.name }),
      el('span', { className: 'muted', textContent: `× ${line.quantity}` }),
      el('span', { className: 'price', textContent: money(line.price * line.quantity) }),
      remove,
    );
    li.dataset.productId = line.id;
    list.append(li);
  }
  const rows: Row[] = [];
  if (lines.length) {
    const checkout = el('button', { type: 'button', className: 'cart', id: 'checkout', textContent: 'Place order' });
    checkout.addEventListener('click', () => ctx.checkout());
    nodes.push(list, el('p', { className: 'total', textContent: `Total ${money(ctx.cart.total)}` }), checkout);
    const last = lines[lines.length - 1];
    if (last) {
      const row = new Row('Complete the look', 'also-like', candidates({ context: 'product', id: last.id, limit: 12 }), ctx.actions, { layout: 'strip' });
      await row.load();
      rows.push(row);
      nodes.push(row.section);
    }
  }
  return { page: 'cart', title: 'Cart', nodes, rows };
}
