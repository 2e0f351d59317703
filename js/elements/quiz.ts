/**
 * `<vitrine-quiz>`: the adaptive style quiz as a framework-free custom element.
 *
 * Give it a catalogue sample (`bank` property, or a `bank-url` attribute to fetch) and it asks
 * one product at a time (like / dislike / skip) until Vitrine is confident or the maximum is
 * reached, then shows the result and dispatches `vitrine-quiz-complete` (detail: the result).
 * Keyboard: every control is a button; L, D and S answer the current question. Themable with
 * CSS custom properties: `--vitrine-quiz-accent`, `--vitrine-quiz-bg`, `--vitrine-quiz-ink`,
 * `--vitrine-quiz-radius`, `--vitrine-quiz-font`. Catalogue text is only ever set as text.
 */
import { Vitrine } from '../index.js';
import { node, stylesheet } from './dom.js';
import type { QuizAnswer, QuizProduct, QuizQuestion, QuizResult } from '../types.js';

const STYLE = `
:host { display: block; font: var(--vitrine-quiz-font, inherit); color: var(--vitrine-quiz-ink, #1d1d1f); }
.box { background: var(--vitrine-quiz-bg, #fff); border-radius: var(--vitrine-quiz-radius, .75rem);
  border: 1px solid #e3e3e6; padding: 1rem 1.25rem; max-width: 28rem; }
h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
.product { display: grid; grid-template-columns: 4rem 1fr; gap: .75rem; align-items: center; margin: .75rem 0; }
.swatch { width: 4rem; height: 4rem; border-radius: .5rem; border: 1px solid #e3e3e6; background: #ccc; }
.name { font-weight: 600; margin: 0; }
.meta { margin: .2rem 0 0; font-size: .85rem; opacity: .75; }
.actions { display: flex; gap: .5rem; flex-wrap: wrap; }
button { font: inherit; font-size: .9rem; border-radius: .4rem; padding: .4rem .8rem; cursor: pointer;
  border: 1px solid #c8c8cc; background: none; color: inherit; }
button.primary { background: var(--vitrine-quiz-accent, #0b57d0); border-color: transparent; color: #fff; }
button:focus-visible { outline: 2px solid var(--vitrine-quiz-accent, #0b57d0); outline-offset: 2px; }
progress { width: 100%; height: .4rem; accent-color: var(--vitrine-quiz-accent, #0b57d0); }
.footer { display: flex; justify-content: space-between; align-items: center; margin-top: .75rem; font-size: .85rem; }
ul { padding-left: 1.1rem; margin: .5rem 0; }
.error { color: #b3261e; }
`;

const COLOURS: Record<string, string> = {
  black: '#1f1f1f', white: '#f4f4f2', red: '#c0392b', blue: '#2e5fa8', navy: '#1c2a4a', green: '#2f7d4a',
  beige: '#d8c3a5', pink: '#e8a0b4', grey: '#8a8d91', yellow: '#e6c229', brown: '#7b5234', orange: '#e67e22',
};

const styles = stylesheet(STYLE);

/** The `<vitrine-quiz>` element class. */
export class VitrineQuizElement extends HTMLElement {
  #bank: readonly QuizProduct[] | null = null;
  #question: QuizQuestion | null = null;
  #busy = false;
  readonly #root: ShadowRoot;
  readonly #onKey = (event: KeyboardEvent): void => {
    const answers: Record<string, QuizAnswer> = { l: 'like', d: 'dislike', s: 'skip' };
    const answer = answers[event.key.toLowerCase()];
    if (answer && this.#question && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      void this.#answer(answer);
    }
  };

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    this.#root.adoptedStyleSheets = [styles()];
  }

  /** The catalogue sample to build the quiz from (set before or after connecting). */
  get bank(): readonly QuizProduct[] | null {
    return this.#bank;
  }

  set bank(products: readonly QuizProduct[] | null) {
    this.#bank = products;
    if (this.isConnected && products) void this.#start();
  }

  connectedCallback(): void {
    this.addEventListener('keydown', this.#onKey);
    if (this.#bank) void this.#start();
    else if (this.getAttribute('bank-url')) void this.#fetchBank(this.getAttribute('bank-url') as string);
    else this.#render([node('p', 'Loading the quiz…')]);
  }

  disconnectedCallback(): void {
    this.removeEventListener('keydown', this.#onKey);
  }

  async #fetchBank(url: string): Promise<void> {
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`the quiz products could not be loaded (${response.status})`);
      const body = (await response.json()) as QuizProduct[] | { products: QuizProduct[] };
      this.bank = Array.isArray(body) ? body : body.products;
    } catch (error) {
      this.#showError(error);
    }
  }

  async #start(): Promise<void> {
    try {
      const vitrine = await Vitrine.init();
      await vitrine.quizStart(this.#bank ?? []);
      await this.#next(vitrine);
    } catch (error) {
      this.#showError(error);
    }
  }

  async #next(vitrine: Vitrine): Promise<void> {
    this.#question = await vitrine.quizNext();
    if (this.#question) this.#renderQuestion(this.#question);
    else await this.#complete(vitrine);
  }

  async #answer(answer: QuizAnswer): Promise<void> {
    if (!this.#question || this.#busy) return;
    this.#busy = true;
    try {
      const vitrine = await Vitrine.init();
      const progress = await vitrine.quizAnswer(this.#question.productId, answer);
      if (progress.finished) await this.#complete(vitrine);
      else await this.#next(vitrine);
    } catch (error) {
      this.#showError(error);
    } finally {
      this.#busy = false;
    }
  }

  async #finishEarly(): Promise<void> {
    const vitrine = await Vitrine.init();
    await vitrine.quizFinish();
    await this.#complete(vitrine);
  }

  async #complete(vitrine: Vitrine): Promise<void> {
    this.#question = null;
    const result = await vitrine.quizResult();
    this.#renderResult(result);
    this.dispatchEvent(new CustomEvent<QuizResult>('vitrine-quiz-complete', { detail: result, bubbles: true, composed: true }));
  }

  #renderQuestion(q: QuizQuestion): void {
    const title = node('h2', 'Would you wear this?');
    title.id = 'title';
    const swatch = node('div', undefined, 'swatch');
    const colour = q.attributes.colour?.toLowerCase() ?? '';
    swatch.style.background = COLOURS[colour] ?? '#ccc';
    swatch.setAttribute('aria-hidden', 'true');
    const info = node('div');
    info.append(
      node('p', q.name ?? q.attributes.productType ?? q.productId, 'name'),
      node('p', [q.attributes.productType, q.attributes.colour, q.attributes.pattern].filter(Boolean).join(' · '), 'meta'),
    );
    const product = node('div', undefined, 'product');
    product.append(swatch, info);
    const actions = node('div', undefined, 'actions');
    actions.setAttribute('role', 'group');
    actions.setAttribute('aria-label', 'Your answer');
    for (const [answer, label, primary] of [['like', 'Like (L)', true], ['dislike', 'Dislike (D)', false], ['skip', 'Skip (S)', false]] as const) {
      const button = node('button', label, primary ? 'primary' : undefined);
      button.type = 'button';
      button.dataset.answer = answer;
      button.addEventListener('click', () => void this.#answer(answer));
      actions.append(button);
    }
    const progress = node('progress');
    progress.max = q.maxQuestions;
    progress.value = q.number - 1;
    progress.setAttribute('aria-label', `Question ${q.number} of at most ${q.maxQuestions}`);
    const finish = node('button', 'Finish now');
    finish.type = 'button';
    finish.addEventListener('click', () => void this.#finishEarly());
    const footer = node('div', undefined, 'footer');
    footer.append(node('span', `Question ${q.number} of up to ${q.maxQuestions}`), finish);
    this.#render([title, product, actions, progress, footer]);
    (actions.firstElementChild as HTMLButtonElement).focus();
  }

  #renderResult(result: QuizResult): void {
    const title = node('h2', 'Your style');
    title.id = 'title';
    const parts: Node[] = [title];
    if (result.topStyle) parts.push(node('p', result.topStyle.headline));
    const liked = result.preferences.filter((p) => p.weight > 0).slice(0, 5);
    if (liked.length) {
      const list = node('ul');
      for (const p of liked) list.append(node('li', `${p.value} (${p.attribute})`));
      parts.push(node('p', 'We will show you more of:'), list);
    }
    parts.push(node('p', `${result.answers.length} answers saved. You can change them any time in your privacy centre.`, 'meta'));
    this.#render(parts);
    this.dataset.state = 'complete';
  }

  #showError(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.#render([node('p', `The quiz is unavailable: ${message}`, 'error')]);
  }

  #render(children: Node[]): void {
    const box = node('section', undefined, 'box');
    box.setAttribute('aria-labelledby', 'title');
    box.setAttribute('aria-live', 'polite');
    box.append(...children);
    this.#root.replaceChildren(box);
  }
}
