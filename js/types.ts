/** Public types of the Vitrine npm API. */

import type { ModelOptions, ModelStatus } from './model.js';

/** Attribute name → value, as the retailer sends them (e.g. `{ productType: "Dress", colour: "Red" }`). */
export type Attributes = Record<string, string | number | boolean>;

/** Fields shared by every product event. */
interface ProductEventBase {
  /** The retailer's product id (≤ 128 bytes). */
  productId: string;
  /** The product's attributes (≤ 32; names ≤ 64 bytes, values ≤ 128 bytes). */
  attributes?: Attributes;
  /** Price in the retailer's currency unit; finite and ≥ 0. */
  price?: number;
  /** When it happened, ms since the Unix epoch. Default: now. */
  timestamp?: number;
}

/** A shopper saw, clicked, carted, uncarted or bought a product. */
export interface ProductEvent extends ProductEventBase {
  /** What happened. */
  type: 'view' | 'click' | 'add_to_cart' | 'remove_from_cart' | 'purchase';
}

/** A shopper returned a product. */
export interface ReturnEvent extends ProductEventBase {
  /** What happened. */
  type: 'return';
  /** Why. Default `"other"`. */
  reason?: 'too_small' | 'too_big' | 'other';
}

/** A shopper stayed on a product. */
export interface DwellEvent extends ProductEventBase {
  /** What happened. */
  type: 'dwell';
  /** How long, in ms (0 to one hour). */
  durationMs: number;
}

/** A shopper searched. */
export interface SearchEvent {
  /** What happened. */
  type: 'search';
  /** The query text (≤ 256 bytes). */
  query: string;
  /** When it happened, ms since the Unix epoch. Default: now. */
  timestamp?: number;
}

/** Any event `track()` accepts. */
export type TrackEvent = ProductEvent | ReturnEvent | DwellEvent | SearchEvent;

/**
 * A product the retailer's server proposes, in the server's order. Unknown extra fields
 * (name, image, …) are allowed and passed back untouched on each ranked item.
 */
export interface Candidate {
  /** The retailer's product id. */
  id: string;
  /** The server's rank (0 = first). Default: the position in the list. */
  serverRank?: number;
  /** The server's own score, higher is better. */
  serverScore?: number;
  /** The product's attributes. */
  attributes?: Attributes;
  /** Price in the retailer's currency unit. */
  price?: number;
  /**
   * Optional item embedding (e.g. visual), used by a ranking model that projects one of this
   * length and by MMR diversity. Sent to the core as one `Float32Array` for the whole list.
   */
  embedding?: number[] | Float32Array;
  /** Whether it can be bought now. Default: unknown (treated as in stock). */
  inStock?: boolean;
}

/** Why an item sits where it does. */
export interface RankReason {
  /** The attribute that contributed most (e.g. `colour`). */
  attribute: string;
  /** Its value on this item. */
  value: string;
  /** A short sentence for an explanation chip. */
  text: string;
}

/** One re-ranked item. */
export interface RankedItem<C extends Candidate = Candidate> {
  /** The candidate's id. */
  id: string;
  /** The blended score; higher ranks first. */
  score: number;
  /** 0-based final position. */
  position: number;
  /** 0-based position in the server's order. */
  serverPosition: number;
  /** Why, when personalisation moved it; `null` otherwise. */
  reason: RankReason | null;
  /** The candidate object you passed in. */
  candidate: C;
}

/** A candidate left out of the ranking. */
export interface DroppedCandidate {
  /** Position in the input list. */
  index: number;
  /** Its id as given. */
  id: string;
  /** `duplicate_id`, `invalid_id`, `invalid_attributes`, `invalid_price`, `invalid_server_score`, `excluded` or `out_of_stock`. */
  reason: string;
}

/** Options of `rerank()`. Every field optional; `{}` leaves the ranking as it is. */
export interface RerankOptions {
  /** MMR diversity over the first `window` items: `lambda` 1 = pure relevance (default 0.7). */
  diversity?: {
    /** Relevance vs novelty, in [0, 1]. Default 0.7. */
    lambda?: number;
    /** Attributes compared for similarity. Default: all. */
    attributes?: string[];
    /** Compare attribute values (Jaccard). Default true. */
    useAttributes?: boolean;
    /** Compare embeddings (cosine) when both items have one of equal length. Default true. */
    useEmbeddings?: boolean;
    /** How many top items are re-selected (1–1000). Default 100. */
    window?: number;
  };
  /** Items placed at exact 0-based positions (applied last). */
  pinned?: { id: string; position: number }[];
  /** Ids that must never appear (reported in `dropped` as `excluded`). */
  exclude?: string[];
  /** Drop candidates with `inStock: false` (reported as `out_of_stock`). Default false. */
  dropOutOfStock?: boolean;
  /** Favour items the server ranks low: adds `boost × serverPosition / n`, in [0, 1]. Default 0. */
  longTailBoost?: number;
  /** At most `max` items sharing a value of `attribute` in the top `window` (default: all). */
  maxPerValue?: { attribute: string; max: number; window?: number };
}

/** A pin that could not be honoured. */
export interface IgnoredPin {
  /** The pinned id. */
  id: string;
  /** The requested position. */
  position: number;
  /** `not_in_ranking`, `out_of_range` or `conflict`. */
  reason: string;
}

/** The result of `rerank()`. */
export interface RerankResult<C extends Candidate = Candidate> {
  /** The valid candidates, best first. */
  items: RankedItem<C>[];
  /** Which ranker ordered them: `server` (unchanged), `affinity`, or `model` (the loaded ranking model). */
  ranker: 'server' | 'affinity' | 'model';
  /** Candidates left out, with the reason. */
  dropped: DroppedCandidate[];
  /** Pins that could not be honoured. */
  ignoredPins: IgnoredPin[];
  /** Set when the engine failed and the server's order was returned instead. */
  fallback?: { code: string; message: string };
  /**
   * Set when a ranking model was configured: `used`, `no_signal` (nothing personal yet:
   * server order) or `failed` (it did not load or verify; another ranker was used).
   */
  modelStatus?: ModelStatus;
  /** Why the configured model is not used (`CODE: message`), when `modelStatus` is `failed`. */
  fallbackReason?: string;
}

/** How the profile learns. Every field optional. */
export interface ProfileOptions {
  /** Half-life of an affinity, in days. Default 14. */
  halfLifeDays?: number;
  /** Product attributes to learn from. Default `["productType","colour","pattern","department","indexGroup"]`. */
  attributes?: string[];
  /** Up to 3 ascending price edges → bands value/mid/premium/luxury. Default `[20, 50, 100]`. */
  priceBandEdges?: number[];
  /** Most values kept per attribute. Default 48. */
  maxValuesPerAttribute?: number;
}

/** A non-fatal condition (storage fallback, quarantined data, repaired data). */
export interface VitrineWarning {
  /** Stable code, e.g. `VITRINE_STORAGE_UNAVAILABLE`, `VITRINE_STORAGE_CORRUPT`. */
  code: string;
  /** A human-readable sentence. */
  message: string;
  /** The storage key concerned, if any. */
  key: string | null;
  /** Where an unreadable value was preserved, if it was. */
  quarantineKey: string | null;
}

/** Where state is kept. */
export interface StorageStatus {
  /** True when the profile survives a reload (localStorage works). */
  persistent: boolean;
  /** Why not, when it does not. */
  reason: string | null;
}

/** A learned lifecycle segment (thresholds configurable). */
export type Segment = 'new' | 'active' | 'lapsing' | 'lapsed';

/** An event kind as stored in the recent-items list. */
export type EventType = TrackEvent['type'];

/** One recent item (the shopper can see and clear this raw list). */
export interface RecentItem {
  /** Product id. */
  id: string;
  /** What happened. */
  kind: EventType;
  /** When, ms since the epoch. */
  atMs: number;
  /** Touches a guarded sensitive value: kept only here, never used for inference. */
  sensitive: boolean;
}

/** A shopper-facing summary of what Vitrine learned. Sensitive values never appear in it. */
export interface ProfileSummary {
  /** Events learned from. */
  eventCount: number;
  /** Learning is paused. */
  paused: boolean;
  /** Strongest values per attribute as `[value, weight]`, learned and stated. */
  topAffinities: Record<string, [string, number][]>;
  /** Price band engaged with most, band distribution and typical price. */
  price: { band: string | null; distribution: [string, number][]; typical: number | null };
  /** Lifecycle segment and recency/frequency/monetary value. */
  lifecycle: { segment: Segment; daysSinceLastVisit: number | null; sessions: number; purchases: number; returns: number; monetary: number };
  /** The current session's intent: items and the attribute values they share. */
  session: { itemIds: string[]; shared: { attribute: string; value: string; share: number }[] } | null;
  /** Category coverage: engaged values, and values never engaged or never purchased. */
  coverage: { attribute: string; engaged: [string, 'browsed' | 'carted' | 'purchased'][]; neverEngaged: string[]; neverPurchased: string[] }[];
  /** Recent items, newest first. */
  recentItems: RecentItem[];
  /** Plain-language sentences describing the above. */
  sentences: string[];
}

/** A quiz answer. */
export type QuizAnswer = 'like' | 'dislike' | 'skip';

/** One quiz question: a product to like, dislike or skip. */
export interface QuizQuestion {
  /** The product's id (send it back with the answer). */
  productId: string;
  /** Display name. */
  name: string | null;
  /** Image URL. */
  image: string | null;
  /** Price. */
  price: number | null;
  /** The product's attributes. */
  attributes: Record<string, string>;
  /** 1-based question number. */
  number: number;
  /** The most questions this quiz asks. */
  maxQuestions: number;
  /** Confidence so far, in [0, 1). */
  confidence: number;
  /** Expected information gain of this question, in bits. */
  expectedGain: number;
}

/** Where the quiz stands. */
export interface QuizProgress {
  /** Questions answered. */
  answered: number;
  /** The most questions. */
  maxQuestions: number;
  /** Confidence, in [0, 1). */
  confidence: number;
  /** The quiz is over (confident, at the maximum, or finished early). */
  finished: boolean;
}

/** The quiz result: zero-party data the shopper can edit. */
export interface QuizResult {
  /** The bank the quiz was taken on. */
  bankId: string;
  /** The quiz is over. */
  finished: boolean;
  /** Confidence, in [0, 1). */
  confidence: number;
  /** The answers, oldest first. */
  answers: { productId: string; name: string | null; image: string | null; features: [string, string][]; answer: QuizAnswer; atMs: number }[];
  /** Preferences inferred from the answers, weight in [−1, 1]. */
  preferences: { attribute: string; value: string; weight: number; likes: number; dislikes: number; skips: number }[];
  /** The liked product that best sums up the answers. */
  topStyle: { productId: string; name: string | null; image: string | null; headline: string } | null;
}

/** What `profile()` returns: the learned profile and the quiz result. */
export interface ProfileView extends ProfileSummary {
  /** The quiz result, once a quiz was started. */
  quiz: QuizResult | null;
}

/** What `forget()` removes: an attribute value (optionally in one attribute) and/or an item. */
export interface ForgetTarget {
  /** An attribute value, e.g. `"Red"`. */
  value?: string;
  /** Restricts `value` to one attribute, e.g. `"colour"`. */
  attribute?: string;
  /** An item id, removed from the recent items. */
  item?: string;
}

/** A product offered to the quiz: the candidate shape plus display fields. */
export interface QuizProduct {
  /** Product id. */
  id: string;
  /** Display name. */
  name?: string;
  /** Image URL. */
  image?: string;
  /** Price. */
  price?: number;
  /** Attributes. */
  attributes: Record<string, string>;
}

/** Options of `Vitrine.init()`. Every field optional. */
export interface InitOptions {
  /** Where to load the wasm from: a URL, a `Response`, bytes or a compiled module. Default: `vitrine_bg.wasm` next to the package's JS. */
  wasm?: string | URL | Response | BufferSource | WebAssembly.Module;
  /** Prefix of every storage key, `[a-z0-9_-]{1,32}`. Default `"vitrine"`. */
  namespace?: string;
  /** How the profile learns. */
  profile?: ProfileOptions;
  /** Keep everything in memory, never touching localStorage. Default `false`. */
  memoryOnly?: boolean;
  /**
   * Run the wasm core in a Web Worker so ranking never blocks the main thread. Same API.
   * The profile still persists: the worker works on a mirror of localStorage and the main
   * thread replays its writes. Default `false`.
   */
  worker?: boolean;
  /** Where the worker script is, when your bundler does not emit it next to the package. Default: `worker.js` next to the package's JS. */
  workerUrl?: string | URL;
  /** Called for each warning. Default: `console.warn`. */
  onWarning?: (warning: VitrineWarning) => void;
  /**
   * Consent the site already holds. Default: nothing granted, so Vitrine neither reads nor
   * writes storage and sends nothing until {@link Vitrine.setConsent} grants a purpose;
   * events wait in a bounded memory buffer meanwhile.
   */
  consent?: ConsentUpdate;
  /** Reporting (measurement) options. */
  reporting?: ReportingOptions;
  /**
   * A ranking model to fetch (one same-origin static GET; it carries no data) and verify in
   * wasm. A failure never rejects `init`: it warns (`VITRINE_MODEL_FALLBACK`) and re-ranking
   * falls back to the affinity ranker.
   */
  model?: ModelOptions;
}

/** A consent decision as sites usually hold it. */
export type ConsentValue = 'granted' | 'denied' | boolean;

/**
 * A consent update: Vitrine's purposes (`personalization`: the local profile and re-ranking,
 * nothing leaves; `measurement`: aggregated, noised reports) and/or Google Consent Mode v2
 * keys (`personalization_storage` → personalization, `analytics_storage` → measurement; the
 * `ad_*`, `functionality_storage` and `security_storage` keys are accepted and ignored).
 * Any other key is rejected.
 */
export type ConsentUpdate = Partial<Record<
  | 'personalization'
  | 'measurement'
  | 'personalization_storage'
  | 'analytics_storage'
  | 'ad_storage'
  | 'ad_user_data'
  | 'ad_personalization'
  | 'functionality_storage'
  | 'security_storage',
  ConsentValue
>>;

/** Where one purpose stands. */
export type ConsentDecision = 'pending' | 'granted' | 'denied';

/** The consent decisions. Both start `pending` (treated as denied) unless `init` says otherwise. */
export interface ConsentState {
  /** The local profile and re-ranking. */
  personalization: ConsentDecision;
  /** Aggregated, noised reports. */
  measurement: ConsentDecision;
}

/** What a consent update changed. */
export interface ConsentChange {
  /** Purposes newly granted. */
  granted: ('personalization' | 'measurement')[];
  /** Purposes granted before and now withdrawn (their data is erased or purged). */
  withdrawn: ('personalization' | 'measurement')[];
  /** Purposes denied from pending. */
  denied: ('personalization' | 'measurement')[];
}

/** The declared report types. */
export type ReportKind = 'engagement' | 'lifecycle' | 'quiz' | 'experiment';

/** Reporting (measurement) options. Every field optional. */
export interface ReportingOptions {
  /** Where report batches are posted. Default `/collect/reports`. */
  endpoint?: string;
  /** ε per report type (default engagement 1.0; lifecycle, quiz, experiment 0.5). */
  epsilon?: Partial<Record<ReportKind, number>>;
  /** Daily ε budget per browser. Default 2. */
  dailyEpsilon?: number;
  /** Most queued reports (1–1000). Default 100. */
  queueCapacity?: number;
  /** Most reports per batch (1–100). Default 20. */
  maxBatch?: number;
  /** Days ledger entries are kept (1–365). Default 30. */
  ledgerRetentionDays?: number;
  /** Most ledger entries (10–10000). Default 1000. */
  ledgerMaxEntries?: number;
  /** Retry schedule: first delay and largest delay in ms. Default 2 s and 1 h. */
  backoff?: { baseMs?: number; maxMs?: number };
  /** How often queued reports are sent while the page is open, in ms. Default 30000. */
  flushIntervalMs?: number;
}

/** One payload in the audit ledger: exactly what left (or is about to leave) the browser. */
export interface LedgerEntry {
  /** When it was queued, ms since the epoch (the payload itself carries only the day). */
  atMs: number;
  /** The consent purpose it was sent under. */
  purpose: 'measurement';
  /** The report type. */
  reportType: ReportKind;
  /** The random report id (also inside the payload). */
  reportId: string;
  /** The exact bytes, as JSON text. */
  payload: string;
  /** ε spent on it. */
  epsilon: number;
}

/** Why a report did not leave, or left the queue undelivered. */
export type DropReason = 'budget_exhausted' | 'queue_full' | 'ledger_full' | 'rejected' | 'expired' | 'withdrawn';

/** The audit ledger: everything sent, everything dropped, ε spent. */
export interface Audit {
  /** Every ledgered payload within retention, oldest first. */
  entries: LedgerEntry[];
  /** Drops per reason. */
  dropCounts: Partial<Record<DropReason, number>>;
  /** Recent drops. */
  recentDrops: { atMs: number; reason: DropReason; reportType: ReportKind }[];
  /** ε spent today (UTC). */
  epsilonSpentToday: number;
  /** The daily budget. */
  dailyEpsilon: number;
  /** ε per day (`YYYY-MM-DD`), from the ledger. */
  epsilonByDay: Record<string, number>;
  /** Reports waiting to be delivered. */
  queued: number;
  /** Where they go. */
  endpoint: string;
  /** Whether the ledger survives a reload. */
  persistent: boolean;
}

/** An experiment arm the site assigned. */
export type ExperimentArm = 'control' | 'a' | 'b' | 'c';

/** What `setExperiment` takes: the experiment's name (`[a-z0-9_-]{1,32}`) and the shopper's arm. */
export interface Experiment {
  /** The experiment's name, sent with its reports: `[a-z0-9_-]{1,32}`. */
  name: string;
  /** The arm the site assigned this shopper. */
  arm: ExperimentArm;
}
