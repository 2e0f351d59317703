/**
 * The one dispatch table between the public API and the wasm core, shared by the
 * main-thread backend and the worker, plus the worker message shapes.
 */
import type { StorageStatus, VitrineWarning } from './types.js';
import type { VitrineCore } from './wasm/vitrine.js';

/** Core methods the API calls. */
export type Method =
  | 'track'
  | 'rerank'
  | 'profile'
  | 'reset'
  | 'erase'
  | 'setConsent'
  | 'setConsentTcf'
  | 'consent'
  | 'nextReportBatch'
  | 'settleReports'
  | 'audit'
  | 'forget'
  | 'pause'
  | 'resume'
  | 'exportData'
  | 'quizStart'
  | 'quizNext'
  | 'quizAnswer'
  | 'quizEdit'
  | 'quizFinish'
  | 'quizResult'
  | 'registerCandidates'
  | 'rerankSet'
  | 'releaseCandidates'
  | 'loadModel'
  | 'modelUnavailable'
  | 'setContext'
  | 'setExperiment';

/** Arguments of `quizAnswer` / `quizEdit` (an empty answer removes it). */
export interface QuizAnswerArgs {
  productId: string;
  answer: string;
}

/** Arguments of `rerank`. */
export interface RerankArgs {
  candidates: unknown;
  options: unknown;
}

/** Arguments of `rerankSet`. */
export interface RerankSetArgs {
  handle: number;
  options: unknown;
}

/** Arguments of `loadModel`. */
export interface LoadModelArgs {
  bytes: Uint8Array;
  sha256: string | undefined;
}

/** Candidates ready for the core: JSON without the embeddings that travel in `flat`. */
interface Packed {
  json: string;
  flat: Float32Array;
  dim: number;
}

const EMPTY_F32 = new Float32Array(0);

/**
 * Moves candidate embeddings into one `Float32Array` (`dim` per candidate, `dim` from the
 * first embedding): the core reads them as `&[f32]` instead of parsing JSON numbers. An
 * embedding of another length or with non-finite values stays in the JSON (so the core
 * still validates it) and its row starts with NaN ("none here").
 */
export function packCandidates(candidates: unknown): Packed {
  if (!Array.isArray(candidates)) return { json: toCoreJson(candidates), flat: EMPTY_F32, dim: 0 };
  const list = candidates as unknown[];
  const first = list.find((c) => isObject(c) && isVector(c.embedding)) as Record<string, unknown> | undefined;
  const dim = first ? (first.embedding as ArrayLike<number>).length : 0;
  if (dim === 0) return { json: toCoreJson(candidates), flat: EMPTY_F32, dim: 0 };
  const flat = new Float32Array(list.length * dim);
  let plain = true;
  const stripped = list.map((c, i) => {
    flat[i * dim] = Number.NaN;
    if (!isObject(c)) {
      plain = false;
      return c;
    }
    plain &&= isPlain(c);
    const e = c.embedding;
    if (isVector(e) && e.length === dim && allFinite(e)) {
      flat.set(e, i * dim);
      const { embedding: _packed, ...rest } = c;
      return rest;
    }
    plain = false; // the core validates this embedding from the JSON
    return c;
  });
  // The replacer (non-finite markers, typed arrays) is only needed when a value calls for it;
  // without one, JSON.stringify stays on V8's fast path.
  const json = plain ? JSON.stringify(stripped) : toCoreJson(stripped);
  return { json, flat, dim };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isVector(v: unknown): v is ArrayLike<number> {
  return Array.isArray(v) || v instanceof Float32Array || v instanceof Float64Array;
}

function allFinite(v: ArrayLike<number>): boolean {
  for (let i = 0; i < v.length; i += 1) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) return false;
  }
  return true;
}

/** Whether the fields the core reads hold no non-finite number (JSON would write `null`). */
function isPlain(c: Record<string, unknown>): boolean {
  for (const key of ['serverRank', 'serverScore', 'price']) {
    const v = c[key];
    if (typeof v === 'number' && !Number.isFinite(v)) return false;
  }
  const attributes = c.attributes;
  if (isObject(attributes)) {
    for (const key in attributes) {
      const v = attributes[key];
      if (typeof v === 'number' && !Number.isFinite(v)) return false;
    }
  }
  return true;
}

/** Arguments of `settleReports`. */
export interface SettleArgs {
  ids: string[];
  status: number;
  retryAfterS: number | undefined;
}

/** A replayable storage write produced by a mirrored core (worker mode). */
export type StorageWrite = { op: 'set'; key: string; value: string } | { op: 'remove'; key: string };

/** What every call returns besides its value. */
export interface CallOutcome {
  /** The method's return value. */
  value: unknown;
  /** Warnings raised during the call. */
  warnings: VitrineWarning[];
  /** Storage status after the call. */
  storage: StorageStatus;
  /** Writes to replay on localStorage (worker mode only). */
  writes: StorageWrite[];
}

/** Side information of a call: everything in {@link CallOutcome} but the value. */
export type CallSide = Omit<CallOutcome, 'value'>;

/** The result of {@link runCore}: the outcome, or what was thrown plus the side information. */
export type CoreResult = { ok: true; outcome: CallOutcome } | { ok: false; error: unknown; side: CallSide };

/** Runs one method on a core and collects its side information; never throws. */
export function runCore(core: VitrineCore, method: Method, arg: unknown): CoreResult {
  let value: unknown;
  try {
    value = dispatch(core, method, arg);
  } catch (error) {
    // A trapped instance must not be called again, not even to drain warnings.
    const side = error instanceof WebAssembly.RuntimeError ? EMPTY_SIDE : collectSide(core);
    return { ok: false, error, side };
  }
  return { ok: true, outcome: { value, ...collectSide(core) } };
}

/**
 * JSON text for the core. Typed arrays become plain arrays, and non-finite numbers become
 * the strings `"NaN"`, `"Infinity"`, `"-Infinity"` (JSON has no such numbers and would write
 * `null`), so the core still rejects them with a typed error.
 */
export function toCoreJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => coreValue(v));
}

function coreValue(v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>, (n) => (Number.isFinite(n) ? n : String(n)));
  return v;
}

/** The core's compact result: its JSON part parsed, its typed arrays kept as they are. */
function coreRanking(result: object): unknown {
  const raw = result as { meta: string; index: Uint32Array; server: Uint32Array; score: Float32Array };
  const out = JSON.parse(raw.meta) as Record<string, unknown>;
  out.index = raw.index;
  out.server = raw.server;
  out.score = raw.score;
  return out;
}

function dispatch(core: VitrineCore, method: Method, arg: unknown): unknown {
  switch (method) {
    case 'track':
      return core.track(toCoreJson(arg));
    case 'rerank': {
      const { candidates, options } = arg as RerankArgs;
      const { json, flat, dim } = packCandidates(candidates);
      return coreRanking(core.rerank(json, options === undefined ? '' : toCoreJson(options), flat, dim));
    }
    case 'registerCandidates': {
      const { json, flat, dim } = packCandidates(arg);
      return JSON.parse(core.registerCandidates(json, flat, dim));
    }
    case 'rerankSet': {
      const { handle, options } = arg as RerankSetArgs;
      return coreRanking(core.rerankSet(handle, options === undefined ? '' : toCoreJson(options)));
    }
    case 'releaseCandidates':
      return core.releaseCandidates(arg as number);
    case 'loadModel': {
      const { bytes, sha256 } = arg as LoadModelArgs;
      return JSON.parse(core.loadModel(bytes, sha256));
    }
    case 'modelUnavailable':
      return core.modelUnavailable(String(arg));
    case 'setContext':
      return core.setContext(JSON.stringify(arg));
    case 'profile':
      return JSON.parse(core.profile());
    case 'reset':
      return core.reset();
    case 'erase':
      return core.erase();
    case 'setConsent':
      return JSON.parse(core.setConsent(toCoreJson(arg)));
    case 'setConsentTcf':
      return JSON.parse(core.setConsentTcf(String(arg)));
    case 'consent':
      return core.consent();
    case 'nextReportBatch':
      return JSON.parse(core.nextReportBatch());
    case 'settleReports': {
      const { ids, status, retryAfterS } = arg as SettleArgs;
      return core.settleReports(JSON.stringify(ids), status, retryAfterS);
    }
    case 'audit':
      return JSON.parse(core.audit());
    case 'forget':
      return core.forget(toCoreJson(arg));
    case 'pause':
      return core.pause();
    case 'resume':
      return core.resume();
    case 'exportData':
      return JSON.parse(core.exportData());
    case 'quizStart':
      return JSON.parse(core.quizStart(toCoreJson(arg)));
    case 'quizNext':
      return JSON.parse(core.quizNext());
    case 'quizAnswer': {
      const { productId, answer } = arg as QuizAnswerArgs;
      return JSON.parse(core.quizAnswer(productId, answer));
    }
    case 'quizEdit': {
      const { productId, answer } = arg as QuizAnswerArgs;
      return JSON.parse(core.quizEdit(productId, answer));
    }
    case 'quizFinish':
      return JSON.parse(core.quizFinish());
    case 'quizResult':
      return JSON.parse(core.quizResult());
    case 'setExperiment': {
      const { name, arm } = arg as ExperimentArgs;
      return core.setExperiment(name, arm);
    }
  }
}

const EMPTY_SIDE: CallSide = { warnings: [], storage: { persistent: false, reason: 'engine failed' }, writes: [] };

/** Drains warnings and journaled writes, reads the storage status. */
export function collectSide(core: VitrineCore): CallSide {
  return {
    warnings: JSON.parse(core.takeWarnings()) as VitrineWarning[],
    storage: JSON.parse(core.storageStatus()) as StorageStatus,
    writes: JSON.parse(core.takeStorageWrites()) as StorageWrite[],
  };
}

/** An error as it crosses postMessage (Error subclasses do not survive structured clone). */
export interface WireError {
  name: string;
  code: string | undefined;
  message: string;
  /** The wasm instance trapped and must not be called again. */
  trap: boolean;
}

/** Main thread → worker. */
export type ToWorker =
  | { kind: 'init'; options: string; persist: boolean; snapshot: [string, string][]; seed: Uint8Array; wasm: unknown }
  | { kind: 'call'; id: number; method: Method; arg: unknown };

/** Worker → main thread. */
export type FromWorker =
  | { kind: 'ready'; side: CallSide }
  | { kind: 'init-failed'; error: WireError }
  | { kind: 'result'; id: number; outcome: CallOutcome }
  | { kind: 'error'; id: number; error: WireError; side: CallSide };

/** Flattens a thrown value for postMessage. */
export function toWire(thrown: unknown): WireError {
  const err = thrown instanceof Error ? thrown : new Error(String(thrown));
  const code = (err as { code?: unknown }).code;
  return {
    name: err.name,
    code: typeof code === 'string' ? code : undefined,
    message: err.message,
    trap: thrown instanceof WebAssembly.RuntimeError,
  };
}

/** Rebuilds an `Error` with `name` and `code` from its wire form. */
export function fromWire(wire: WireError): Error {
  const err = new Error(wire.message);
  err.name = wire.name;
  if (wire.code !== undefined) Object.assign(err, { code: wire.code });
  return err;
}

/** 32 bytes from the platform CSPRNG: seeds report ids and local-DP noise. */
export function randomSeed(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(32));
}

/** Arguments of `setExperiment` (already checked to be strings by the API). */
export interface ExperimentArgs {
  name: string;
  arm: string;
}
