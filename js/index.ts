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

/** Most warnings kept for `warnings()`; older ones are dropped. */
const MAX_KEPT_WARNINGS = 50;
/** Default interval between report flushes while measurement is granted. */
const DEFAULT_FLUSH_INTERVAL_MS = 30_000;

let pending: Promise<Vitrine> | null = null;

/** The core's result shape (the façade adds `candidate` to each item). */
interface CoreRerankResult {
  items: Omit<RankedItem, 'candidate'>[];
  ranker: RerankResult['ranker'];
  dropped: RerankResult['dropped'];
  ignoredPins: RerankResult['ignoredPins'];
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
    let backend: Backend;
    try {
      backend = await openBackend(options);
    } catch (error) {
      const mapped = fromCoreError(error);
      if (mapped.code !== 'VITRINE_ENGINE_FAILED') throw mapped;
      throw new VitrineInitError('VITRINE_INIT_FAILED', `could not start the Vitrine engine: ${String(error)}`, { cause: error });
    }
    const vitrine = new Vitrine(backend, onWarning, options.reporting?.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS);
    if ((await vitrine.consent()).measurement === 'granted') vitrine.#transport.start();
    return vitrine;
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
  async rerank<C extends Candidate>(candidates: readonly C[], options?: RerankOptions): Promise<RerankResult<C>> {
    if (!Array.isArray(candidates)) {
      throw new VitrineValidationError('VITRINE_INVALID_CANDIDATES', 'candidates must be an array');
    }
    let result: CoreRerankResult;
    try {
      result = (await this.#call('rerank', { candidates, options })) as CoreRerankResult;
    } catch (error) {
      if (error instanceof VitrineValidationError) throw error;
      const failure = fromCoreError(error);
      return { ...serverOrder(candidates, options), fallback: { code: failure.code, message: failure.message } };
    }
    const byId = new Map<string, C>();
    for (const candidate of candidates) if (!byId.has(candidate.id)) byId.set(candidate.id, candidate);
    return {
      items: result.items.map((item) => ({ ...item, candidate: byId.get(item.id) as C })),
      ranker: result.ranker,
      dropped: result.dropped,
      ignoredPins: result.ignoredPins,
    };
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
