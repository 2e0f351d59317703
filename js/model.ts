/**
 * The ranking model in the browser: its public types, fetching the model file, and the
 * coarse shopping context the model reads (device class, locale, UTC offset; weekday and
 * daypart are derived in the core). See docs/MODEL.md.
 */
import { VitrineModelError } from './errors.js';

/** Where the model file is and, optionally, the SHA-256 it must have. */
export interface ModelOptions {
  /** The model file's URL (served as a static file, same origin recommended). */
  url: string | URL;
  /** Pins the file: 64 hex digits or `sha256-<base64>` (like Subresource Integrity). */
  sha256?: string;
}

/** A model the engine accepted. */
export interface ModelInfo {
  /** The model's name (from its metadata). */
  name: string;
  /** SHA-256 of the whole file, hex. */
  sha256: string;
  /** File size in bytes. */
  bytes: number;
  /** Item attributes the model embeds: send these on candidates. */
  attributes: string[];
  /** Length of the candidate `embedding` the model projects (0: it uses none). */
  itemEmbeddingDim: number;
}

/** Whether a configured model ordered a result: see {@link RerankResult.modelStatus}. */
export type ModelStatus = 'used' | 'no_signal' | 'failed';

/** The coarse context sent to the core (no fingerprinting detail: three short values). */
export interface ShoppingContext {
  /** `mobile`, `tablet` or `desktop`. */
  device: 'mobile' | 'tablet' | 'desktop';
  /** The page language, e.g. `en-GB` (language and region only). */
  locale: string;
  /** Minutes ahead of UTC (e.g. 60 for CET). */
  utcOffsetMinutes: number;
}

/** Reads the coarse context from `navigator`, `matchMedia` and `Date`. */
export function browserContext(): ShoppingContext {
  const nav = globalThis.navigator as (Navigator & { userAgentData?: { mobile?: boolean } }) | undefined;
  const coarse = typeof globalThis.matchMedia === 'function' && globalThis.matchMedia('(pointer: coarse)').matches;
  const screen = globalThis.screen as Screen | undefined;
  const short = screen ? Math.min(screen.width, screen.height) : 0;
  const device = nav?.userAgentData?.mobile === true ? 'mobile' : coarse ? (short >= 600 ? 'tablet' : 'mobile') : 'desktop';
  const match = /^([a-zA-Z]{2,3})(?:-([a-zA-Z]{2}|\d{3}))?/.exec(nav?.language ?? '');
  const [, language, region] = match ?? [];
  const locale = language ? (region ? `${language.toLowerCase()}-${region.toUpperCase()}` : language.toLowerCase()) : 'und';
  return { device, locale, utcOffsetMinutes: -new Date().getTimezoneOffset() };
}

/** Fetches a model file as bytes (one GET; nothing is sent but the request itself). */
export async function fetchModel(source: string | URL | BufferSource): Promise<Uint8Array> {
  if (typeof source !== 'string' && !(source instanceof URL)) {
    return ArrayBuffer.isView(source) ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength) : new Uint8Array(source);
  }
  let response: Response;
  try {
    response = await fetch(source, { method: 'GET', credentials: 'same-origin' });
  } catch (error) {
    throw new VitrineModelError('VITRINE_MODEL_UNAVAILABLE', `model fetch failed: ${String(error)}`, { cause: error });
  }
  if (!response.ok) throw new VitrineModelError('VITRINE_MODEL_UNAVAILABLE', `model fetch failed: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
