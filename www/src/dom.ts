/**
 * Small DOM helpers. All catalogue text goes through `textContent` (via `el` props), never
 * `innerHTML`.
 */

/** The element with this id; throws when the page lacks it. */
export const byId = <T extends HTMLElement>(id: string): T => {
  const node = document.getElementById(id);
  if (!node) throw new Error(`missing #${id}`);
  return node as T;
};

/** Creates an element with properties and children (strings become text nodes). */
export const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

let formatter = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' });

/** Sets the currency prices are shown in (an ISO code; anything else keeps EUR). */
export function setCurrency(code: string): void {
  try {
    formatter = new Intl.NumberFormat('en-GB', { style: 'currency', currency: code });
  } catch {
    // Not an ISO currency code: keep the default.
  }
}

/** A price for display. */
export const money = (value: number): string => formatter.format(value);

/** `/api/...` as JSON; throws with the server's error message on a non-2xx reply. */
export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const body = (await response.json()) as T & { error?: { code: string; message: string } };
  if (!response.ok) throw new Error(body.error ? `${body.error.code}: ${body.error.message}` : `${url} failed (${response.status})`);
  return body;
}
