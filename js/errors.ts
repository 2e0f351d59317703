/**
 * Error classes of the Vitrine API. Switch on `code` (stable), never on `message`.
 */

/** Every stable error code. */
export type VitrineErrorCode =
  | 'VITRINE_INVALID_EVENT'
  | 'VITRINE_INVALID_CANDIDATES'
  | 'VITRINE_INVALID_OPTIONS'
  | 'VITRINE_STORAGE'
  | 'VITRINE_INVALID_MODEL'
  | 'VITRINE_MODEL_HASH_MISMATCH'
  | 'VITRINE_MODEL_UNAVAILABLE'
  | 'VITRINE_INVALID_CONSENT'
  | 'VITRINE_INVALID_QUIZ'
  | 'VITRINE_REPORT'
  | 'VITRINE_NOT_INITIALIZED'
  | 'VITRINE_INIT_FAILED'
  | 'VITRINE_ENGINE_FAILED';

/** Base class of every error Vitrine throws. */
export class VitrineError extends Error {
  /** Stable machine-readable code. */
  readonly code: VitrineErrorCode;

  /** Creates an error with a stable code. */
  constructor(code: VitrineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VitrineError';
    this.code = code;
  }
}

/** Bad input to `init`, `track` or `rerank`. Nothing was changed. */
export class VitrineValidationError extends VitrineError {
  /** Creates a validation error. */
  constructor(code: VitrineErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'VitrineValidationError';
  }
}

/** Storage failed in a way the caller must know about. */
export class VitrineStorageError extends VitrineError {
  /** Creates a storage error. */
  constructor(code: VitrineErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'VitrineStorageError';
  }
}

/** A report could not be built or queued (consent, budget, schema). */
export class VitrineReportError extends VitrineError {
  /** Creates a report error. */
  constructor(code: VitrineErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'VitrineReportError';
  }
}

/**
 * A ranking model could not be used: `VITRINE_INVALID_MODEL` (corrupt, truncated, tampered,
 * unsupported), `VITRINE_MODEL_HASH_MISMATCH` (not the pinned SHA-256) or
 * `VITRINE_MODEL_UNAVAILABLE` (the fetch failed). Re-ranking falls back to the affinity ranker.
 */
export class VitrineModelError extends VitrineError {
  /** Creates a model error. */
  constructor(code: VitrineErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'VitrineModelError';
  }
}

/** The wasm module could not be loaded, or a call came before `init()` resolved. */
export class VitrineInitError extends VitrineError {
  /** Creates an init error. */
  constructor(code: VitrineErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'VitrineInitError';
  }
}

/** Codes the core throws, with the class each maps to (mirrors `ErrorCode::js_class` in Rust). */
const CORE_CODES: ReadonlyMap<string, typeof VitrineError> = new Map<VitrineErrorCode, typeof VitrineError>([
  ['VITRINE_INVALID_EVENT', VitrineValidationError],
  ['VITRINE_INVALID_CANDIDATES', VitrineValidationError],
  ['VITRINE_INVALID_OPTIONS', VitrineValidationError],
  ['VITRINE_INVALID_MODEL', VitrineModelError],
  ['VITRINE_MODEL_HASH_MISMATCH', VitrineModelError],
  ['VITRINE_MODEL_UNAVAILABLE', VitrineModelError],
  ['VITRINE_INVALID_CONSENT', VitrineValidationError],
  ['VITRINE_INVALID_QUIZ', VitrineValidationError],
  ['VITRINE_STORAGE', VitrineStorageError],
  ['VITRINE_REPORT', VitrineReportError],
]);

/**
 * Maps a value thrown by the wasm core to a Vitrine error: the one place this happens.
 * The core throws `Error`s whose `name` is the subclass and whose `code` is stable; anything
 * else (a trap, an unexpected throw) becomes `VITRINE_ENGINE_FAILED`.
 */
export function fromCoreError(thrown: unknown): VitrineError {
  if (thrown instanceof VitrineError) return thrown;
  const err = thrown instanceof Error ? thrown : new Error(String(thrown));
  const code = (err as { code?: unknown }).code;
  const Class = typeof code === 'string' ? CORE_CODES.get(code) : undefined;
  if (Class) return new Class(code as VitrineErrorCode, err.message, { cause: err });
  return new VitrineError('VITRINE_ENGINE_FAILED', `engine failed: ${err.message}`, { cause: err });
}
