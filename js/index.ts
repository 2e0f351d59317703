/**
 * Vitrine: client-side fashion personalization.
 *
 * ```ts
 * import { Vitrine } from 'vitrine';
 * const vitrine = await Vitrine.init();
 * await vitrine.track({ type: 'view', productId: 'p1', attributes: { colour: 'Red' } });
 * const { items } = await vitrine.rerank(candidatesFromYourServer);
 * ```
 *
 * Importing this module has no side effects (no `window`, no storage, no network), so it is
 * safe to import during server-side rendering; `Vitrine.init()` is where the browser work starts.
 */

import { LocalBackend, WorkerBackend, type Backend } from './backend.js';
import { fromCoreError, VitrineError, VitrineInitError, VitrineValidationError } from './errors.js';
import { browserContext, fetchModel, type ModelInfo } from './model.js';
import { collectSide, randomSeed, toCoreJson, type CallSide, type Method } from './protocol.js';
import { ReportTransport, type OutgoingBatch } from './transport.js';
import type {
  Audit,
  Candidate,
  ConsentChange,
  ConsentState,
  ConsentUpdate,
  Experiment,
  ForgetTarget,
  ProfileSummary,
  QuizAnswer,
  QuizProduct,
  QuizProgress,
  QuizQuestion,
  QuizResult,
  InitOptions,
  ProfileView,
  RankedItem,
  RerankOptions,
  RerankResult,
  StorageStatus,
  TrackEvent,
  VitrineWarning,
} from './types.js';

export * from './errors.js';
export type * from './types.js';
export type { ModelInfo, ModelOptions, ModelStatus, ShoppingContext } from './model.js';

/** Most warnings kept for `warnings()`; older ones are dropped. */
const MAX_KEPT_WARNINGS = 50;
/** Default interval between report flushes while measurement is granted. */
const DEFAULT_FLUSH_INTERVAL_MS = 30_000;

let pending: Promise<Vitrine> | null = null;

/**
 * The core's compact result: parallel typed arrays over the ranked items (`index` into the
 * caller's list, server position, score) and `[position, attribute, value, text]` reasons; the façade
 * rebuilds the item objects from its own list (docs/MODEL.md).
 */
interface CoreRerankResult {
  index: Uint32Array;
  server: Uint32Array;
  score: Float32Array;
  reasons: [number, string, string, string][];
  ranker: RerankResult['ranker'];
  dropped: RerankResult['dropped'];
  ignoredPins: RerankResult['ignoredPins'];
  modelStatus?: RerankResult['modelStatus'];
  fallbackReason?: string;
}

/**
 * A candidate list registered once with {@link Vitrine.candidateSet} and re-ranked by handle:
 * validation, parsing and embedding transfer happen once, so each `rerank(set)` only scores.
 */
export class CandidateSet<C extends Candidate = Candidate> {
  /** The candidates as given. */
  readonly candidates: readonly C[];
  /** Candidates left out at registration (invalid, duplicate). */
  readonly dropped: RerankResult['dropped'];
  /** @internal The core's handle. */
  readonly handle: number;

  /** @internal Created by {@link Vitrine.candidateSet}. */
  constructor(candidates: readonly C[], handle: number, dropped: RerankResult['dropped']) {
    // A copy: the registered order is what the core's indices point into.
    this.candidates = [...candidates];
    this.handle = handle;
    this.dropped = dropped;
  }
}

/** Rebuilds the result items from the compact core result and the caller's list. */
function expand<C extends Candidate>(result: CoreRerankResult, list: readonly C[]): RankedItem<C>[] {
  const { index, score, server } = result;
  const items: RankedItem<C>[] = new Array(index.length);
  for (let position = 0; position < index.length; position += 1) {
    const candidate = list[index[position] as number] as C;
    items[position] = { id: candidate.id, score: score[position] ?? 0, position, serverPosition: server[position] ?? position, reason: null, candidate };
  }
  for (const [position, attribute, value, text] of result.reasons) {
    const item = items[position];
    if (item) item.reason = { attribute, value, text };
  }
  return items;
}

/**
 * The fallback when the engine fails: the server's order (by `serverRank`, else list position),
 * still honouring exclusions and stock so those guarantees hold even then.
 */
function serverOrder<C extends Candidate>(candidates: readonly C[], options: RerankOptions = {}): RerankResult<C> {
  const excluded = new Set(options.exclude ?? []);
  const order = candidates
    .map((candidate, index) => ({ candidate, index, key: candidate.serverRank ?? index }))
    .filter(({ candidate }) => !excluded.has(candidate.id) && !(options.dropOutOfStock && candidate.inStock === false))
    .sort((a, b) => a.key - b.key || a.index - b.index);
  const n = Math.max(order.length, 1);
  return {
    items: order.map(({ candidate }, position) => ({
      id: candidate.id,
      score: 1 - position / n,
      position,
      serverPosition: position,
      reason: null,
      candidate,
    })),
    ranker: 'server',
    dropped: [],
    ignoredPins: [],
  };
}

/** The options the Rust core reads (everything else is the wrapper's). */
function coreOptions(options: InitOptions): Record<string, unknown> {
  const core: Record<string, unknown> = {};
  if (options.namespace !== undefined) core.namespace = options.namespace;
  if (options.profile !== undefined) core.profile = options.profile;
  if (options.consent !== undefined) core.consent = options.consent;
  if (options.reporting !== undefined) {
    // The transport settings stay in JS; the core reads the rest.
    const { flushIntervalMs: _interval, ...reporting } = options.reporting;
    core.reporting = reporting;
  }
  return core;
}

type Fetched = { ok: true; bytes: Uint8Array } | { ok: false; error: unknown };

async function openBackend(options: InitOptions): Promise<Backend> {
  const persist = options.memoryOnly !== true;
  if (options.worker === true) {
    return WorkerBackend.start({
      options: toCoreJson(coreOptions(options)),
      namespace: options.namespace ?? 'vitrine',
      persist,
      wasm: options.wasm,
      workerUrl: options.workerUrl,
    });
  }
  const glue = await import('./wasm/vitrine.js');
  await glue.default(options.wasm === undefined ? undefined : { module_or_path: options.wasm });
  const core = new glue.VitrineCore(toCoreJson(coreOptions(options)), persist, randomSeed());
  return new LocalBackend(core, collectSide(core));
}

/** A Vitrine instance bound to the page. Create it with {@link Vitrine.init}. */
export class Vitrine {
  readonly #backend: Backend;
  readonly #onWarning: (warning: VitrineWarning) => void;
  readonly #warnings: VitrineWarning[] = [];
  readonly #transport: ReportTransport;
  #storage: StorageStatus;
  #failed: VitrineError | null = null;

  private constructor(backend: Backend, onWarning: (warning: VitrineWarning) => void, flushIntervalMs: number) {
    this.#backend = backend;
    this.#onWarning = onWarning;
    this.#storage = backend.opened.storage;
    this.#transport = new ReportTransport(
      {
        next: async () => (await this.#call('nextReportBatch')) as OutgoingBatch | null,
        settle: async (ids, status, retryAfterS) => {
          await this.#call('settleReports', { ids, status, retryAfterS });
        },
      },
      flushIntervalMs,
    );
    this.#absorb(backend.opened);
  }

  /**
   * Loads the wasm core and opens the profile. Safe to call more than once: later calls
   * return the first call's instance (their options are ignored). A failed init can be retried.
   */
  static init(options: InitOptions = {}): Promise<Vitrine> {
    pending ??= Vitrine.#create(options).catch((error: unknown) => {
      pending = null;
      throw error;
    });
    return pending;
  }

  static async #create(options: InitOptions): Promise<Vitrine> {
    const onWarning = options.onWarning ?? ((w: VitrineWarning) => console.warn(`[vitrine] ${w.code}: ${w.message}`));
    // The model downloads while the wasm compiles.
    const model: Promise<Fetched> | null = options.model
      ? fetchModel(options.model.url).then(
          (bytes): Fetched => ({ ok: true, bytes }),
          (error: unknown): Fetched => ({ ok: false, error }),
        )
      : null;
    let backend: Backend;
    try {
      backend = await openBackend(options);
    } catch (error) {
      const mapped = fromCoreError(error);
      if (mapped.code !== 'VITRINE_ENGINE_FAILED') throw mapped;
      throw new VitrineInitError('VITRINE_INIT_FAILED', `could not start the Vitrine engine: ${String(error)}`, { cause: error });
    }
    const vitrine = new Vitrine(backend, onWarning, options.reporting?.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS);
    await vitrine.#call('setContext', browserContext());
    if (model && options.model) {
      // A model failure never fails init: the core records it, warns, and ranks without it.
      const fetched = await model;
      if (fetched.ok) await vitrine.#call('loadModel', { bytes: fetched.bytes, sha256: options.model.sha256 }).catch(() => undefined);
      else await vitrine.#call('modelUnavailable', fromCoreError(fetched.error).message);
    }
    if ((await vitrine.consent()).measurement === 'granted') vitrine.#transport.start();
    return vitrine;
  }

  /**
   * Loads a ranking model from a URL (one static GET) or from bytes, and verifies it in wasm
   * (format, checksum and, when `sha256` is given, the pinned hash). Rejects with
   * {@link VitrineModelError} on failure; re-ranking then falls back to the affinity ranker and
   * each result says so (`modelStatus: 'failed'`). A successful load replaces the model.
   */
  async loadModel(source: string | URL | BufferSource, sha256?: string): Promise<ModelInfo> {
    let bytes: Uint8Array;
    try {
      bytes = await fetchModel(source);
    } catch (error) {
      const mapped = fromCoreError(error);
      await this.#call('modelUnavailable', mapped.message);
      throw mapped;
    }
    return (await this.#call('loadModel', { bytes, sha256 })) as ModelInfo;
  }

  /**
   * Registers a candidate list once for repeated re-ranking ({@link Vitrine.rerank} accepts the
   * returned set): the fast path for large lists re-ranked after every interaction. Up to 8
   * sets are kept; registering more releases the oldest. Release sets you no longer need.
   */
  async candidateSet<C extends Candidate>(candidates: readonly C[]): Promise<CandidateSet<C>> {
    if (!Array.isArray(candidates)) {
      throw new VitrineValidationError('VITRINE_INVALID_CANDIDATES', 'candidates must be an array');
    }
    const { handle, dropped } = (await this.#call('registerCandidates', candidates)) as { handle: number; dropped: RerankResult['dropped'] };
    return new CandidateSet(candidates, handle, dropped);
  }

  /** Frees a registered candidate set; re-ranking it afterwards returns the server's order with `fallback` set. */
  async releaseCandidateSet(set: CandidateSet): Promise<void> {
    await this.#call('releaseCandidates', set.handle);
  }

  /**
   * Records the shopper's consent. Granting personalization opens storage, loads the saved
   * profile and replays events buffered meanwhile; granting measurement starts sending
   * aggregated, noised reports. Withdrawing personalization erases the profile; withdrawing
   * measurement stops sending at once and purges queued reports. Unknown keys reject with
   * {@link VitrineValidationError} (`VITRINE_INVALID_CONSENT`) and change nothing.
   */
  async setConsent(update: ConsentUpdate): Promise<ConsentChange> {
    return this.#afterConsent((await this.#call('setConsent', update)) as ConsentChange);
  }

  /** Records consent from an IAB TCF v2.2 TC string (personalization: purposes 1 and 3; measurement: 1, 9 and 10). */
  async setConsentTcf(tcString: string): Promise<ConsentChange> {
    return this.#afterConsent((await this.#call('setConsentTcf', tcString)) as ConsentChange);
  }

  /** The current consent decisions. */
  async consent(): Promise<ConsentState> {
    return (await this.#call('consent')) as ConsentState;
  }

  /** The audit ledger: every payload that left or is queued to leave, drops, and ε spent. */
  async audit(): Promise<Audit> {
    return (await this.#call('audit')) as Audit;
  }

  /** Sends queued reports now (normally done on an interval and when the page is hidden). */
  async flushReports(): Promise<void> {
    await this.#transport.flush(false);
  }

  async #afterConsent(change: ConsentChange): Promise<ConsentChange> {
    if ((await this.consent()).measurement === 'granted') this.#transport.start();
    else this.#transport.stop();
    return change;
  }

  /** Records what the shopper did. Rejects with {@link VitrineValidationError} on bad input; nothing is changed then. */
  async track(event: TrackEvent): Promise<void> {
    await this.#call('track', event);
  }

  /**
   * Re-orders the server's candidates for this shopper, then applies `options` (exclusions,
   * stock, long-tail boost, MMR diversity, per-value caps, pins). With an empty profile and no
   * options the server's order comes back unchanged. Invalid or duplicate candidates are left out and listed in
   * `dropped`. If the engine itself fails, the server's order is returned with `fallback` set,
   * so the page always has something to show; only input that is not a list of candidates
   * rejects (with {@link VitrineValidationError}).
   */
  async rerank<C extends Candidate>(candidates: readonly C[] | CandidateSet<C>, options?: RerankOptions): Promise<RerankResult<C>> {
    const set = candidates instanceof CandidateSet ? candidates : null;
    const list = set ? set.candidates : candidates;
    if (!Array.isArray(list)) {
      throw new VitrineValidationError('VITRINE_INVALID_CANDIDATES', 'candidates must be an array');
    }
    let result: CoreRerankResult;
    try {
      result = (await (set
        ? this.#call('rerankSet', { handle: set.handle, options })
        : this.#call('rerank', { candidates: list, options }))) as CoreRerankResult;
    } catch (error) {
      const failure = fromCoreError(error);
      if (error instanceof VitrineValidationError && !set) throw error;
      return { ...serverOrder(list, options), fallback: { code: failure.code, message: failure.message } };
    }
    const out: RerankResult<C> = {
      items: expand(result, list),
      ranker: result.ranker,
      dropped: result.dropped,
      ignoredPins: result.ignoredPins,
    };
    if (result.modelStatus !== undefined) out.modelStatus = result.modelStatus;
    if (result.fallbackReason !== undefined) out.fallbackReason = result.fallbackReason;
    return out;
  }

  /** What Vitrine has learned and what the shopper stated in the quiz, in plain terms. */
  async profile(): Promise<ProfileView> {
    const view = (await this.#call('profile')) as { profile: ProfileSummary; quiz: QuizResult | null };
    return { ...view.profile, quiz: view.quiz };
  }

  /** Forgets an attribute value (learned and stated) and/or an item; returns how many entries went. */
  async forget(target: ForgetTarget): Promise<number> {
    return (await this.#call('forget', target)) as number;
  }

  /** Stops learning from events (ranking keeps using what is known) until {@link Vitrine.resume}. */
  async pause(): Promise<void> {
    await this.#call('pause');
  }

  /** Learns from events again. */
  async resume(): Promise<void> {
    await this.#call('resume');
  }

  /** Forgets everything learned and the quiz answers, in memory and in storage. */
  async reset(): Promise<void> {
    await this.#call('reset');
  }

  /** Everything Vitrine stores in this browser, key by key (data portability). */
  async exportData(): Promise<Record<string, unknown>> {
    return (await this.#call('exportData')) as Record<string, unknown>;
  }

  /**
   * Starts the style quiz on a catalogue sample your server supplies (or a ready bank file),
   * or resumes one in progress on the same bank. Questions come adaptively: each is the
   * product with the highest expected information gain about the shopper's preferences.
   */
  async quizStart(bank: readonly QuizProduct[] | { version: 1; id: string; products: QuizProduct[] }): Promise<QuizProgress> {
    return (await this.#call('quizStart', bank)) as QuizProgress;
  }

  /** The next quiz question, or null when the quiz is done. */
  async quizNext(): Promise<QuizQuestion | null> {
    return (await this.#call('quizNext')) as QuizQuestion | null;
  }

  /** Answers a quiz question; re-ranking reflects it at once. */
  async quizAnswer(productId: string, answer: QuizAnswer): Promise<QuizProgress> {
    return (await this.#call('quizAnswer', { productId, answer })) as QuizProgress;
  }

  /** Changes an answer, or removes it with `null`, during or after the quiz. */
  async quizEdit(productId: string, answer: QuizAnswer | null): Promise<QuizProgress> {
    return (await this.#call('quizEdit', { productId, answer: answer ?? '' })) as QuizProgress;
  }

  /** Ends the quiz early; answers so far are kept. */
  async quizFinish(): Promise<QuizProgress> {
    return (await this.#call('quizFinish')) as QuizProgress;
  }

  /** The quiz result: answers, inferred preferences, top style. */
  async quizResult(): Promise<QuizResult> {
    return (await this.#call('quizResult')) as QuizResult;
  }

  /** Removes every storage key Vitrine ever wrote (quarantined values included); returns how many. */
  async erase(): Promise<number> {
    return (await this.#call('erase')) as number;
  }

  /** Where state is kept: `persistent` is false when localStorage is unavailable or `memoryOnly` is set. */
  get storage(): StorageStatus {
    return { ...this.#storage };
  }

  /** The most recent warnings (storage fallback, quarantined or repaired data), oldest first. */
  warnings(): VitrineWarning[] {
    return [...this.#warnings];
  }

  /**
   * Declares the experiment arm your site assigned this shopper. With measurement consent,
   * Vitrine records exposure and the deepest funnel event of each day (exposed < click <
   * add_to_cart < purchase) from tracked events and sends one noised `experiment` report per
   * (experiment, day): once the day is over, or at once when `purchase` is reached. Call it on
   * every page that shows the experiment. Throws `VITRINE_INVALID_OPTIONS` for a bad name or arm.
   */
  async setExperiment(experiment: Experiment): Promise<void> {
    const { name, arm } = (experiment ?? {}) as Partial<Record<'name' | 'arm', unknown>>;
    if (typeof name !== 'string' || typeof arm !== 'string') {
      throw new VitrineValidationError('VITRINE_INVALID_OPTIONS', 'setExperiment takes { name: string, arm: "control" | "a" | "b" | "c" }');
    }
    await this.#call('setExperiment', { name, arm });
  }

  /** Runs a core method: maps what it throws once, remembers traps, forwards warnings. */
  async #call(method: Method, arg?: unknown): Promise<unknown> {
    if (this.#failed) throw this.#failed;
    const result = await this.#backend.call(method, arg);
    if (result.ok) {
      this.#absorb(result.outcome);
      return result.outcome.value;
    }
    this.#absorb(result.side);
    const mapped = fromCoreError(result.error);
    // A trap leaves the wasm instance unusable: stop calling into it.
    const trapped = result.error instanceof WebAssembly.RuntimeError || (result.error as { trap?: unknown }).trap === true;
    if (trapped) this.#failed = mapped;
    throw mapped;
  }

  #absorb(side: CallSide): void {
    this.#storage = side.storage;
    for (const warning of side.warnings) {
      this.#warnings.push(warning);
      if (this.#warnings.length > MAX_KEPT_WARNINGS) this.#warnings.shift();
      try {
        this.#onWarning(warning);
      } catch {
        // A throwing page callback must not break Vitrine.
      }
    }
  }
}
