/**
 * Where the wasm core runs: on the main thread ({@link LocalBackend}) or in a Web Worker
 * ({@link WorkerBackend}). Both expose the same asynchronous `call`, which never rejects:
 * it resolves to the outcome or to what the core threw.
 */
import {
  fromWire,
  randomSeed,
  runCore,
  type CallSide,
  type CoreResult,
  type FromWorker,
  type Method,
  type StorageWrite,
  type ToWorker,
} from './protocol.js';
import type { VitrineWarning } from './types.js';
import type { VitrineCore } from './wasm/vitrine.js';

/** A place the core runs. */
export interface Backend {
  /** Side information produced while opening the engine (storage warnings, status). */
  readonly opened: CallSide;
  /** Runs one core method. */
  call(method: Method, arg?: unknown): Promise<CoreResult>;
}

/** The core on the main thread: synchronous calls wrapped in resolved promises. */
export class LocalBackend implements Backend {
  readonly opened: CallSide;
  readonly #core: VitrineCore;

  /** Wraps an opened core. */
  constructor(core: VitrineCore, opened: CallSide) {
    this.#core = core;
    this.opened = opened;
  }

  /** Runs one core method. */
  async call(method: Method, arg?: unknown): Promise<CoreResult> {
    return runCore(this.#core, method, arg);
  }
}

/** Everything under `namespace:` in localStorage, or `null` when localStorage is unusable. */
function snapshotStorage(namespace: string): [string, string][] | null {
  try {
    const storage = globalThis.localStorage;
    const entries: [string, string][] = [];
    for (let i = 0; i < storage.length; i += 1) {
      const key = storage.key(i);
      const value = key === null ? null : storage.getItem(key);
      if (key !== null && value !== null && key.startsWith(`${namespace}:`)) entries.push([key, value]);
    }
    return entries;
  } catch {
    return null;
  }
}

/** Replays a worker's writes onto localStorage, in order; failures become warnings. */
function replayWrites(writes: StorageWrite[]): VitrineWarning[] {
  const warnings: VitrineWarning[] = [];
  for (const write of writes) {
    try {
      if (write.op === 'set') globalThis.localStorage.setItem(write.key, write.value);
      else globalThis.localStorage.removeItem(write.key);
    } catch (error) {
      const quota = error instanceof DOMException && error.name === 'QuotaExceededError';
      warnings.push({
        code: quota ? 'VITRINE_STORAGE_QUOTA' : 'VITRINE_STORAGE_WRITE_FAILED',
        message: quota ? 'storage quota exceeded; changes are kept in memory' : `storage write failed: ${String(error)}`,
        key: write.key,
        quarantineKey: null,
      });
    }
  }
  return warnings;
}

/** Makes a wasm source cloneable for postMessage (URLs become absolute strings). */
async function cloneableWasm(wasm: unknown): Promise<unknown> {
  if (wasm instanceof URL) return wasm.href;
  if (typeof wasm === 'string') return new URL(wasm, globalThis.location?.href).href;
  if (typeof Response !== 'undefined' && wasm instanceof Response) return wasm.arrayBuffer();
  return wasm;
}

/** Options for starting the worker. */
export interface WorkerStart {
  /** Core options (namespace, profile, consent, reporting, quiz) as JSON text. */
  options: string;
  /** The storage namespace (for the snapshot). */
  namespace: string;
  /** False keeps the worker's engine in memory. */
  persist: boolean;
  /** Where the wasm is (passed to the worker). */
  wasm: unknown;
  /** Where the worker script is. Default: `worker.js` next to this module. */
  workerUrl: string | URL | undefined;
}

/** The core in a dedicated module worker; storage is mirrored and replayed here. */
export class WorkerBackend implements Backend {
  readonly opened: CallSide;
  readonly #worker: Worker;
  readonly #pending = new Map<number, (result: CoreResult) => void>();
  #nextId = 1;

  private constructor(worker: Worker, opened: CallSide) {
    this.#worker = worker;
    this.opened = opened;
    worker.onmessage = (event: MessageEvent<FromWorker>) => this.#receive(event.data);
  }

  /** Starts the worker and opens the engine in it. */
  static async start(start: WorkerStart): Promise<WorkerBackend> {
    const snapshot = start.persist ? snapshotStorage(start.namespace) : [];
    // Written inline so bundlers (Vite, webpack) recognise the pattern and emit the worker.
    const worker = start.workerUrl
      ? new Worker(start.workerUrl, { type: 'module', name: 'vitrine' })
      : new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'vitrine' });
    const init: ToWorker = {
      kind: 'init',
      options: start.options,
      persist: snapshot !== null && start.persist,
      snapshot: snapshot ?? [],
      seed: randomSeed(),
      wasm: await cloneableWasm(start.wasm),
    };
    const opened = await new Promise<CallSide>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<FromWorker>) => {
        const message = event.data;
        if (message.kind === 'ready') resolve(message.side);
        else if (message.kind === 'init-failed') reject(fromWire(message.error));
      };
      worker.onerror = (event) => reject(new Error(`worker failed to start: ${event.message || 'load error'}`));
      worker.postMessage(init);
    }).catch((error: unknown) => {
      worker.terminate();
      throw error;
    });
    worker.onerror = null;
    if (snapshot === null && start.persist) {
      opened.warnings.push({
        code: 'VITRINE_STORAGE_UNAVAILABLE',
        message: 'localStorage is unavailable; the profile is kept in memory for this page only',
        key: null,
        quarantineKey: null,
      });
    }
    return new WorkerBackend(worker, opened);
  }

  /** Runs one core method in the worker. */
  call(method: Method, arg?: unknown): Promise<CoreResult> {
    const id = this.#nextId++;
    return new Promise<CoreResult>((resolve) => {
      this.#pending.set(id, resolve);
      const message: ToWorker = { kind: 'call', id, method, arg };
      this.#worker.postMessage(message);
    });
  }

  #receive(message: FromWorker): void {
    if (message.kind !== 'result' && message.kind !== 'error') return;
    const resolve = this.#pending.get(message.id);
    this.#pending.delete(message.id);
    if (!resolve) return;
    if (message.kind === 'result') {
      const { outcome } = message;
      outcome.warnings.push(...replayWrites(outcome.writes));
      resolve({ ok: true, outcome });
    } else {
      message.side.warnings.push(...replayWrites(message.side.writes));
      const error = fromWire(message.error);
      // Mark traps so the façade stops using the engine, as on the main thread.
      if (message.error.trap) Object.assign(error, { trap: true });
      resolve({ ok: false, error, side: message.side });
    }
  }
}
