/** Small DOM helpers shared by Vitrine's custom elements. Text is only ever set as text. */

/** Creates an element with optional text content and class. */
export function node<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (text !== undefined) el.textContent = text;
  if (className) el.className = className;
  return el;
}

/** A typed `<button>` with a click handler. */
export function button(label: string, onClick: () => void, className?: string): HTMLButtonElement {
  const b = node('button', label, className);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

/**
 * A shared constructable stylesheet for an element's shadow root. Constructable sheets apply
 * under a strict `style-src 'self'` CSP, where an inline `<style>` would be blocked.
 */
export function stylesheet(css: string): () => CSSStyleSheet {
  let sheet: CSSStyleSheet | null = null;
  return () => {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
    }
    return sheet;
  };
}
