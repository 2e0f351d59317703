/**
 * Vitrine's custom elements: `<vitrine-quiz>` and `<vitrine-privacy-panel>`.
 *
 * ```ts
 * import { Vitrine } from 'vitrine';
 * import { defineVitrineElements } from 'vitrine/elements';
 * await Vitrine.init({ consent: yourConsentToolsAnswer });
 * await defineVitrineElements();
 * ```
 *
 * Importing this module has no side effects and touches no browser global (SSR-safe): the
 * element classes extend `HTMLElement`, so they are loaded only by `defineVitrineElements()`.
 * The elements use the instance `Vitrine.init()` created.
 */
export type { VitrineQuizElement } from './quiz.js';
export type { VitrinePrivacyPanelElement } from './privacy-panel.js';

/** Registers `<vitrine-quiz>` and `<vitrine-privacy-panel>` (idempotent; no-op outside a browser). */
export async function defineVitrineElements(): Promise<void> {
  if (typeof customElements === 'undefined') return;
  const [{ VitrineQuizElement }, { VitrinePrivacyPanelElement }] = await Promise.all([
    import('./quiz.js'),
    import('./privacy-panel.js'),
  ]);
  if (!customElements.get('vitrine-quiz')) customElements.define('vitrine-quiz', VitrineQuizElement);
  if (!customElements.get('vitrine-privacy-panel')) customElements.define('vitrine-privacy-panel', VitrinePrivacyPanelElement);
}
