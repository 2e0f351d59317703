/**
 * `<vitrine-privacy-panel>`: shows the shopper what Vitrine stores (profile, quiz answers),
 * what it sent (the audit ledger: exact payloads and ε), the consent state with switches, and
 * buttons to export and erase everything. Dispatches `vitrine-consent-change` (detail: the new
 * `ConsentState`) so the site's consent tool can record the choice, and `vitrine-erased`.
 * Themable with `--vitrine-panel-accent`, `--vitrine-panel-bg`, `--vitrine-panel-ink`.
 */
import { Vitrine } from '../index.js';
import { button, node, stylesheet } from './dom.js';
import type { Audit, ConsentState, ProfileView } from '../types.js';

const STYLE = `
:host { display: block; color: var(--vitrine-panel-ink, #1d1d1f); }
.panel { background: var(--vitrine-panel-bg, #fff); border: 1px solid #e3e3e6; border-radius: .75rem; padding: 1rem 1.25rem; }
h2 { font-size: 1.1rem; margin: 0 0 .5rem; } h3 { font-size: .95rem; margin: 1rem 0 .35rem; }
p, li, td, th, label { font-size: .9rem; }
ul { padding-left: 1.1rem; margin: .25rem 0; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .2rem .4rem; border-bottom: 1px solid #eee; vertical-align: top; }
code { font-size: .75rem; word-break: break-all; }
button { font: inherit; font-size: .85rem; border-radius: .4rem; padding: .3rem .7rem; cursor: pointer; border: 1px solid #c8c8cc; background: none; color: inherit; }
button.danger { border-color: #b3261e; color: #b3261e; }
button:focus-visible, input:focus-visible { outline: 2px solid var(--vitrine-panel-accent, #0b57d0); outline-offset: 2px; }
.row { display: flex; gap: .5rem; flex-wrap: wrap; margin-top: .75rem; }
.muted { opacity: .7; }
`;

const styles = stylesheet(STYLE);



/** The `<vitrine-privacy-panel>` element class. */
export class VitrinePrivacyPanelElement extends HTMLElement {
  readonly #root: ShadowRoot;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    this.#root.adoptedStyleSheets = [styles()];
  }

  connectedCallback(): void {
    void this.refresh();
  }

  /** Re-reads everything from Vitrine and re-renders. */
  async refresh(): Promise<void> {
    try {
      const vitrine = await Vitrine.init();
      const [consent, profile, audit] = await Promise.all([vitrine.consent(), vitrine.profile(), vitrine.audit()]);
      this.#render(vitrine, consent, profile, audit);
    } catch (error) {
      this.#root.replaceChildren(node('p', `The privacy centre is unavailable: ${error instanceof Error ? error.message : String(error)}`));
    }
  }

  #render(vitrine: Vitrine, consent: ConsentState, profile: ProfileView, audit: Audit): void {
    const panel = node('section', undefined, 'panel');
    panel.setAttribute('aria-labelledby', 'privacy-title');
    const title = node('h2', 'Your data in this shop');
    title.id = 'privacy-title';
    panel.append(title, this.#consentSection(vitrine, consent), this.#storedSection(vitrine, profile), this.#sentSection(audit));
    const row = node('div', undefined, 'row');
    row.append(
      button('Export my data', () => void this.#export(vitrine)),
      button('Erase everything', () => void this.#erase(vitrine), 'danger'),
    );
    panel.append(row);
    this.#root.replaceChildren(panel);
  }

  #consentSection(vitrine: Vitrine, consent: ConsentState): HTMLElement {
    const box = node('div');
    box.append(node('h3', 'Permissions'));
    const purposes = [
      ['personalization', 'Personalise the shop from what I view and cart (stays in this browser)'],
      ['measurement', 'Send anonymous, noised counts that help improve the shop'],
    ] as const;
    for (const [purpose, text] of purposes) {
      const label = node('label');
      const input = node('input');
      input.type = 'checkbox';
      input.checked = consent[purpose] === 'granted';
      input.dataset.purpose = purpose;
      input.addEventListener('change', () => void this.#setConsent(vitrine, purpose, input.checked));
      label.append(input, ` ${text}`);
      box.append(label, node('br'));
    }
    return box;
  }

  #storedSection(vitrine: Vitrine, profile: ProfileView): HTMLElement {
    const box = node('div');
    box.append(node('h3', 'What Vitrine stores'));
    const sentences = profile.sentences.length ? profile.sentences : ['Nothing learned yet.'];
    const list = node('ul');
    for (const s of sentences) list.append(node('li', s));
    box.append(list);
    const values = Object.entries(profile.topAffinities).flatMap(([attribute, top]) => top.map(([value]) => ({ attribute, value })));
    if (values.length) {
      const forget = node('ul');
      forget.setAttribute('aria-label', 'Learned preferences');
      for (const { attribute, value } of values.slice(0, 12)) {
        const li = node('li', `${value} (${attribute}) `);
        li.append(button('Forget', () => void vitrine.forget({ attribute, value }).then(() => this.refresh())));
        forget.append(li);
      }
      box.append(forget);
    }
    if (profile.quiz) {
      box.append(node('p', `Style quiz: ${profile.quiz.answers.length} answers${profile.quiz.topStyle ? `, ${profile.quiz.topStyle.headline}` : ''}.`));
    }
    return box;
  }

  #sentSection(audit: Audit): HTMLElement {
    const box = node('div');
    box.append(
      node('h3', 'What was sent'),
      node('p', `Privacy budget used today: ε ${audit.epsilonSpentToday.toFixed(2)} of ${audit.dailyEpsilon.toFixed(2)}. ${audit.queued} reports waiting.`, 'muted'),
    );
    if (!audit.entries.length) {
      box.append(node('p', 'Nothing has been sent.'));
      return box;
    }
    const table = node('table');
    const head = node('tr');
    for (const h of ['When', 'Report', 'ε', 'Exact payload']) head.append(node('th', h));
    table.append(head);
    for (const entry of [...audit.entries].reverse().slice(0, 20)) {
      const row = node('tr');
      const payload = node('td');
      payload.append(node('code', entry.payload));
      row.append(node('td', new Date(entry.atMs).toLocaleString()), node('td', entry.reportType), node('td', entry.epsilon.toFixed(2)), payload);
      table.append(row);
    }
    box.append(table);
    return box;
  }

  async #setConsent(vitrine: Vitrine, purpose: 'personalization' | 'measurement', granted: boolean): Promise<void> {
    await vitrine.setConsent({ [purpose]: granted ? 'granted' : 'denied' });
    const consent = await vitrine.consent();
    this.dispatchEvent(new CustomEvent<ConsentState>('vitrine-consent-change', { detail: consent, bubbles: true, composed: true }));
    await this.refresh();
  }

  async #export(vitrine: Vitrine): Promise<void> {
    const data = await vitrine.exportData();
    const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
    const link = node('a');
    link.href = url;
    link.download = 'vitrine-data.json';
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  async #erase(vitrine: Vitrine): Promise<void> {
    const removed = await vitrine.erase();
    this.dispatchEvent(new CustomEvent<number>('vitrine-erased', { detail: removed, bubbles: true, composed: true }));
    await this.refresh();
  }
}
