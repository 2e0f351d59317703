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
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>, (n) => (Number.isFinite(n) ? n : String(n)));
    return v;
  });
}

function dispatch(core: VitrineCore, method: Method, arg: unknown): unknown {
  switch (method) {
    case 'track':
      return core.track(toCoreJson(arg));
    case 'rerank': {
      const { candidates, options } = arg as RerankArgs;
      return JSON.parse(core.rerank(toCoreJson(candidates), options === undefined ? '' : toCoreJson(options)));
    }
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
