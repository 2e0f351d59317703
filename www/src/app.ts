/**
 * The demo storefront: fetches the server's candidates, lets the shopper look at and cart
 * products, and re-renders "Your edit" in Vitrine's order after every event.
 * All catalogue text goes through `textContent`, never `innerHTML`.
 */
import { Vitrine, type ConsentState, type ConsentUpdate, type RankedItem, type RerankResult, type VitrineWarning } from 'vitrine';
import { defineVitrineElements } from 'vitrine/elements';

/** A candidate as the reference server sends it: the SDK shape plus display fields. */
interface ShopCandidate {
  id: string;
  serverRank: number;
  serverScore: number;
  attributes: Record<string, string>;
  price: number;
  name: string;
  swatch: string | null;
}

const byId = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
};

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

const money = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' });

function card(item: RankedItem<ShopCandidate>, onEvent: (type: 'click' | 'add_to_cart', c: ShopCandidate) => void): HTMLLIElement {
  const c = item.candidate;
  const swatch = el('div', { className: 'swatch' });
  swatch.style.background = c.swatch ?? '#ccc';
  const title = el('button', { type: 'button', textContent: c.name });
  title.addEventListener('click', () => onEvent('click', c));
  const cart = el('button', { type: 'button', className: 'cart', textContent: 'Add to cart' });
  cart.dataset.action = 'cart';
  cart.setAttribute('aria-label', `Add ${c.name} to cart`);
  cart.addEventListener('click', () => onEvent('add_to_cart', c));
  const li = el(
    'li',
    { className: 'card' },
    swatch,
    el('h3', {}, title),
    el('p', { className: 'meta', textContent: [c.attributes.productType, c.attributes.colour, c.attributes.pattern].filter(Boolean).join(' · ') }),
    el('p', { className: 'price', textContent: money.format(c.price) }),
    el('span', { className: 'chip', textContent: item.reason?.text ?? '' }),
    cart,
  );
  li.dataset.productId = c.id;
  for (const [name, value] of Object.entries(c.attributes)) li.dataset[`attr${name[0]?.toUpperCase()}${name.slice(1)}`] = value;
  return li;
}

async function renderProfile(vitrine: Vitrine): Promise<void> {
  const view = await vitrine.profile();
  const box = byId('profile');
  const entries = Object.entries(view.topAffinities);
  if (entries.length === 0) {
    box.replaceChildren(el('p', { className: 'muted', textContent: 'Nothing yet. Look at or cart a few products.' }));
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

function renderServer(candidates: ShopCandidate[]): void {
  byId('server').replaceChildren(...candidates.map((c) => el('li', { textContent: `${c.name} (${c.attributes.colour ?? '–'})` })));
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

async function main(): Promise<void> {
  const status = byId('status');
  const warnings: VitrineWarning[] = [];
  const choice = savedChoice();
  // `?worker=1` runs the engine in a Web Worker (same API).
  const params = new URLSearchParams(location.search);
  const worker = params.get('worker') === '1';
  // `?reportEveryMs=N` sends queued reports every N ms (the egress audit uses it; default 30 s).
  const reportEveryMs = Number(params.get('reportEveryMs')) || undefined;
  const vitrine = await Vitrine.init({
    wasm: new URL('/dist/wasm/vitrine_bg.wasm', location.href),
    worker,
    workerUrl: new URL('/dist/worker.js', location.href),
    onWarning: (w) => warnings.push(w),
    ...(reportEveryMs ? { reporting: { flushIntervalMs: reportEveryMs } } : {}),
    ...(choice ? { consent: consentFor(choice) } : {}),
  });
  const response = await fetch('/api/candidates?context=home&limit=24');
  if (!response.ok) throw new Error(`candidates request failed (${response.status})`);
  const { candidates } = (await response.json()) as { candidates: ShopCandidate[] };
  renderServer(candidates);

  const edit = byId('edit');
  let busy = Promise.resolve();
  const render = async (): Promise<void> => {
    const result: RerankResult<ShopCandidate> = await vitrine.rerank(candidates);
    edit.replaceChildren(...result.items.map((item) => card(item, onEvent)));
    edit.dataset.ranker = result.ranker;
    byId('ranker').textContent = result.ranker === 'server' ? 'Server order (no profile yet)' : 'Re-ranked in your browser by Vitrine';
    await renderProfile(vitrine);
  };
  // Events are applied in order; each re-renders the row.
  const onEvent = (type: 'click' | 'add_to_cart', c: ShopCandidate): void => {
    busy = busy
      .then(() => vitrine.track({ type, productId: c.id, attributes: c.attributes, price: c.price }))
      .then(render)
      .catch((error: unknown) => showError(error));
  };
  byId('reset').addEventListener('click', () => {
    busy = busy.then(() => vitrine.reset()).then(render).catch(showError);
  });
  const banner = byId('consent');
  const choose = (next: Choice): void => {
    saveChoice(next);
    banner.hidden = true;
    document.body.dataset.consent = next;
    busy = busy.then(() => vitrine.setConsent(consentFor(next))).then(render).then(showStatus).catch(showError);
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
  document.addEventListener('vitrine-quiz-complete', () => {
    document.body.dataset.quiz = 'complete';
    busy = busy.then(render).catch(showError);
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
    busy = busy.then(render).then(showStatus).catch(showError);
  });
  document.addEventListener('vitrine-erased', () => {
    busy = busy.then(render).catch(showError);
  });

  const showStatus = (): void => {
    const storage = vitrine.storage;
    status.textContent = storage.persistent
      ? `${candidates.length} products · profile saved in this browser`
      : `${candidates.length} products · profile kept in memory only (${storage.reason ?? 'storage unavailable'})`;
    if (warnings.length) status.textContent += ` · ${warnings.map((w) => w.code).join(', ')}`;
  };
  await render();
  showStatus();
  document.body.dataset.ready = 'true';
}

function showError(error: unknown): void {
  const status = document.getElementById('status');
  if (status) {
    status.textContent = `Something went wrong: ${error instanceof Error ? error.message : String(error)}`;
    status.className = 'status error';
  }
}

main().catch(showError);
