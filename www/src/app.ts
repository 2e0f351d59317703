/**
 * The demo storefront: hash-routed pages over the reference server's candidates, each row
 * re-ranked in the browser by Vitrine before it is painted. Consent banner, style quiz and
 * privacy centre are one click away on every page; the debug drawer compares the server's
 * order with Vitrine's for the page's main row. All catalogue text goes through
 * `textContent`, never `innerHTML`.
 */
import { Vitrine, type ConsentState, type ConsentUpdate, type VitrineWarning } from 'vitrine';
import { defineVitrineElements } from 'vitrine/elements';
import { byId, el, getJson, setCurrency } from './dom.js';
import { buildPage, categoryHref, parseRoute, type Page, type PageContext } from './pages.js';
import { renderDebug, type CardActions } from './rows.js';
import { Cart, type CatalogSummary, type ServedModel, type ShopCandidate } from './shop.js';

async function renderProfile(vitrine: Vitrine): Promise<void> {
  const view = await vitrine.profile();
  const box = byId('profile');
  const entries = Object.entries(view.topAffinities);
  if (entries.length === 0) {
    const quiz = view.quiz ? `From ${view.quiz.answers.length} quiz answers.` : 'Nothing yet. Look at or cart a few products.';
    box.replaceChildren(el('p', { className: 'muted', textContent: quiz }));
    return;
  }
  const list = el('dl', { className: 'affinity' });
  for (const [attribute, values] of entries) {
    list.append(el('dt', { textContent: attribute }), el('dd', { textContent: values.slice(0, 3).map(([v]) => v).join(', ') }));
  }
  if (view.price.band) list.append(el('dt', { textContent: 'price band' }), el('dd', { textContent: view.price.band }));
  const quiz = view.quiz ? ` and ${view.quiz.answers.length} quiz answers` : '';
  box.replaceChildren(el('p', { textContent: `Learned from ${view.eventCount} events${quiz}.` }), list);
}

/** The demo site's own record of the shopper's choice (a real site's consent tool keeps this). */
const CONSENT_KEY = 'demo-shop:consent';
type Choice = 'all' | 'personal' | 'none';

function savedChoice(): Choice | null {
  try {
    const value = localStorage.getItem(CONSENT_KEY);
    return value === 'all' || value === 'personal' || value === 'none' ? value : null;
  } catch {
    return null;
  }
}

function saveChoice(choice: Choice): void {
  try {
    localStorage.setItem(CONSENT_KEY, choice);
  } catch {
    // Storage blocked: the banner simply asks again next time.
  }
}

function consentFor(choice: Choice): ConsentUpdate {
  return { personalization: choice === 'none' ? 'denied' : 'granted', measurement: choice === 'all' ? 'granted' : 'denied' };
}

function showError(error: unknown): void {
  const status = document.getElementById('status');
  if (status) {
    status.textContent = `Something went wrong: ${error instanceof Error ? error.message : String(error)}`;
    status.className = 'status error';
  }
}

async function main(): Promise<void> {
  const status = byId('status');
  const warnings: VitrineWarning[] = [];
  const choice = savedChoice();
  // `?worker=1` runs the engine in a Web Worker (same API).
  const params = new URLSearchParams(location.search);
  const worker = params.get('worker') === '1';
  // `?reportEveryMs=N` sends queued reports every N ms (the egress audit uses it; default 30 s).
  const reportEveryMs = Number(params.get('reportEveryMs')) || undefined;
  // `?dailyEpsilon=N` raises the daily privacy budget (the egress audit sends all four report
  // types in one day, 2.5 at the default ε, above the default budget of 2).
  const dailyEpsilon = Number(params.get('dailyEpsilon')) || undefined;
  const reporting = {
    ...(reportEveryMs ? { flushIntervalMs: reportEveryMs } : {}),
    ...(dailyEpsilon ? { dailyEpsilon } : {}),
  };
  const catalogRequest = getJson<CatalogSummary>('/api/catalog');
  // The server's trained model, pinned by the SHA-256 it publishes (fetched by init, verified in wasm).
  const served = await catalogRequest.then((c) => (c.hasModel ? getJson<ServedModel>('/api/model') : null));
  const vitrine = await Vitrine.init({
    wasm: new URL('/dist/wasm/vitrine_bg.wasm', location.href),
    worker,
    workerUrl: new URL('/dist/worker.js', location.href),
    onWarning: (w) => warnings.push(w),
    ...(reportEveryMs || dailyEpsilon ? { reporting } : {}),
    ...(choice ? { consent: consentFor(choice) } : {}),
    ...(served ? { model: { url: new URL(served.url, location.href), sha256: served.sha256 } } : {}),
  });
  // `?experiment=name:arm` declares an A/B arm the way a site's experiment tool would.
  const experiment = params.get('experiment')?.split(':');
  if (experiment?.length === 2) {
    const [name = '', arm = ''] = experiment;
    await vitrine.setExperiment({ name, arm: arm as 'control' | 'a' | 'b' | 'c' }).catch((e: unknown) => {
      status.textContent = `Experiment not set: ${e instanceof Error ? e.message : String(e)}`;
    });
  }
  const catalog = await catalogRequest;
  setCurrency(catalog.currency);
  byId('source').textContent = `Catalogue: ${catalog.source} · ${catalog.productCount.toLocaleString('en-GB')} products`;
  byId('departments').append(
    ...catalog.categories.map((g) => el('li', {}, el('a', { href: categoryHref('indexGroup', g.value), textContent: g.value }))),
  );
  const cart = new Cart();
  const cartCount = byId('cart-count');
  const showCart = (): void => {
    cartCount.textContent = String(cart.count);
  };
  showCart();

  // Every Vitrine call goes through one queue, so events apply in order and each re-render
  // sees the previous event.
  let busy: Promise<unknown> = Promise.resolve();
  const queue = (work: () => Promise<unknown>): Promise<void> => {
    const next = busy.then(work).then(() => undefined, showError);
    busy = next;
    return next;
  };
  let page: Page | null = null;
  const view = byId('view');
  const refresh = async (): Promise<void> => {
    const rows = page?.rows ?? [];
    for (const row of rows) await row.render(vitrine);
    renderDebug(rows[0] ?? null);
    await renderProfile(vitrine);
  };
  const track = (type: 'click' | 'add_to_cart' | 'remove_from_cart' | 'purchase', c: Pick<ShopCandidate, 'id' | 'attributes' | 'price'>): Promise<unknown> =>
    vitrine.track({ type, productId: c.id, attributes: c.attributes, price: c.price });
  const actions: CardActions = {
    open: (c) => void queue(() => track('click', c)),
    addToCart: (c) => {
      cart.add(c);
      showCart();
      void queue(() => track('add_to_cart', c).then(refresh));
    },
  };
  const ctx: PageContext = {
    catalog,
    cart,
    actions,
    track: (event) =>
      queue(() =>
        event.type === 'view'
          ? vitrine.track({ type: 'view', productId: event.product.id, attributes: event.product.attributes, price: event.product.price })
          : vitrine.track({ type: 'search', query: event.query }),
      ),
    removeFromCart: (id) => {
      const line = cart.items.find((l) => l.id === id);
      cart.remove(id);
      showCart();
      if (line) void queue(() => track('remove_from_cart', line));
      void navigate();
    },
    checkout: () => {
      const lines = [...cart.items];
      cart.clear();
      showCart();
      void queue(async () => {
        for (const line of lines) await track('purchase', line);
      }).then(() => {
        status.textContent = `Thank you: order of ${lines.length} products placed (a demo, nothing is charged).`;
        return navigate();
      });
    },
  };

  // Pages: build (fetch rows), re-rank every row, then paint the whole view at once.
  let generation = 0;
  const navigate = async (moveFocus = false): Promise<void> => {
    const mine = ++generation;
    const route = parseRoute(location.hash);
    if (route.page === 'search') byId<HTMLInputElement>('search-input').value = route.q;
    try {
      const built = await buildPage(route, ctx);
      await queue(async () => {
        for (const row of built.rows) await row.render(vitrine);
      });
      if (mine !== generation) return;
      page = built;
      view.replaceChildren(...built.nodes);
      view.dataset.page = built.page;
      document.title = `${built.title} · Vitrine demo store`;
      renderDebug(built.rows[0] ?? null);
      await queue(() => renderProfile(vitrine));
      if (moveFocus) {
        window.scrollTo(0, 0);
        byId('main').focus({ preventScroll: true });
      }
    } catch (error) {
      if (mine !== generation) return;
      page = null;
      view.replaceChildren(el('div', { className: 'page-head' }, el('h1', { textContent: 'Not found' }), el('p', { textContent: error instanceof Error ? error.message : String(error) }), el('a', { href: '#/', textContent: 'Back to the shop' })));
      view.dataset.page = 'error';
      renderDebug(null);
    }
    view.dataset.ready = String(mine);
  };
  window.addEventListener('hashchange', () => void navigate(true));
  const searchInput = byId<HTMLInputElement>('search-input');
  byId('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = searchInput.value.trim();
    location.hash = `#/search?${new URLSearchParams({ q: text }).toString()}`;
  });

  byId('reset').addEventListener('click', () => void queue(() => vitrine.reset().then(refresh)));
  const banner = byId('consent');
  const choose = (next: Choice): void => {
    saveChoice(next);
    banner.hidden = true;
    document.body.dataset.consent = next;
    void queue(() => vitrine.setConsent(consentFor(next)).then(refresh).then(showStatus));
  };
  byId('consent-all').addEventListener('click', () => choose('all'));
  byId('consent-personal').addEventListener('click', () => choose('personal'));
  byId('consent-none').addEventListener('click', () => choose('none'));
  byId('privacy-choices').addEventListener('click', () => {
    banner.hidden = false;
    byId('consent-all').focus();
  });
  banner.hidden = choice !== null;
  if (choice) document.body.dataset.consent = choice;

  // The debug drawer.
  const debug = byId('debug');
  const debugButton = byId('open-debug');
  const toggleDebug = (open: boolean): void => {
    debug.hidden = !open;
    debugButton.setAttribute('aria-expanded', String(open));
    if (open) byId('close-debug').focus();
    else debugButton.focus();
  };
  debugButton.addEventListener('click', () => toggleDebug(debug.hidden));
  byId('close-debug').addEventListener('click', () => toggleDebug(false));

  // The quiz and the privacy centre: Vitrine's own custom elements, one click away.
  await defineVitrineElements();
  const quizDialog = byId<HTMLDialogElement>('quiz-dialog');
  const privacyDialog = byId<HTMLDialogElement>('privacy-dialog');
  for (const dialog of [quizDialog, privacyDialog]) {
    dialog.querySelector('[data-close]')?.addEventListener('click', () => dialog.close());
  }
  byId('open-quiz').addEventListener('click', () => {
    const quiz = document.createElement('vitrine-quiz');
    quiz.setAttribute('bank-url', '/api/quiz-bank');
    byId('quiz-slot').replaceChildren(quiz);
    quizDialog.showModal();
  });
  // `data-quiz="complete"` is set once the rows show the answers, so it means "applied".
  document.addEventListener('vitrine-quiz-complete', () => {
    void queue(refresh).then(() => {
      document.body.dataset.quiz = 'complete';
    });
  });
  byId('open-privacy').addEventListener('click', () => {
    void (byId('privacy-panel') as HTMLElement & { refresh(): Promise<void> }).refresh();
    privacyDialog.showModal();
  });
  document.addEventListener('vitrine-consent-change', (event) => {
    const state = (event as CustomEvent<ConsentState>).detail;
    const next: Choice = state.personalization !== 'granted' ? 'none' : state.measurement === 'granted' ? 'all' : 'personal';
    saveChoice(next);
    document.body.dataset.consent = next;
    void queue(() => refresh().then(showStatus));
  });
  document.addEventListener('vitrine-erased', () => void queue(refresh));

  const showStatus = (): void => {
    const storage = vitrine.storage;
    const products = `${catalog.productCount.toLocaleString('en-GB')} products`;
    status.className = 'status';
    status.textContent = storage.persistent
      ? `${products} · profile saved in this browser`
      : `${products} · profile kept in memory only (${storage.reason ?? 'storage unavailable'})`;
    if (warnings.length) status.textContent += ` · ${warnings.map((w) => w.code).join(', ')}`;
  };
  await navigate();
  showStatus();
  document.body.dataset.ready = 'true';
}

main().catch(showError);
