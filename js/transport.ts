/**
 * Sends queued, noised report batches to the collector while measurement is granted:
 * on an interval, and with `sendBeacon` when the page is hidden. The core decides what
 * leaves (and ledgers it first); this module only moves the exact bytes it is given.
 */

/** A batch as the core hands it over. */
export interface OutgoingBatch {
  endpoint: string;
  body: string;
  ids: string[];
}

/** How the transport reaches the core. */
export interface TransportHooks {
  /** The next batch, or null when nothing is due. */
  next(): Promise<OutgoingBatch | null>;
  /** Reports how an attempt went: HTTP status (0: network error or unknown), Retry-After. */
  settle(ids: string[], status: number, retryAfterS: number | undefined): Promise<void>;
}

/** Most batches sent per flush, so a backlog cannot monopolise the page. */
const MAX_BATCHES_PER_FLUSH = 5;

/** The report transport of one Vitrine instance. */
export class ReportTransport {
  readonly #hooks: TransportHooks;
  readonly #intervalMs: number;
  #timer: ReturnType<typeof setInterval> | null = null;
  #flushing: Promise<void> | null = null;
  readonly #onHidden = (): void => {
    if (globalThis.document?.visibilityState === 'hidden') void this.flush(true);
  };

  /** Creates a stopped transport. */
  constructor(hooks: TransportHooks, intervalMs: number) {
    this.#hooks = hooks;
    this.#intervalMs = intervalMs;
  }

  /** Starts periodic sending (idempotent). */
  start(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => void this.flush(false), this.#intervalMs);
    globalThis.document?.addEventListener('visibilitychange', this.#onHidden);
  }

  /** Stops sending (consent withdrawn); queued reports are purged by the core. */
  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    globalThis.document?.removeEventListener('visibilitychange', this.#onHidden);
  }

  /** Sends what is due now. `beacon` uses `sendBeacon` (page being hidden). */
  flush(beacon: boolean): Promise<void> {
    this.#flushing ??= this.#send(beacon).finally(() => {
      this.#flushing = null;
    });
    return this.#flushing;
  }

  async #send(beacon: boolean): Promise<void> {
    for (let i = 0; i < MAX_BATCHES_PER_FLUSH; i += 1) {
      const batch = await this.#hooks.next();
      if (!batch) return;
      const { status, retryAfterS } = beacon ? sendByBeacon(batch) : await sendByFetch(batch);
      await this.#hooks.settle(batch.ids, status, retryAfterS);
      if (status < 200 || status >= 300) return;
    }
  }
}

/** A beacon's delivery is unknown: status 0 keeps the batch queued for a retry, and the
 * collector drops the duplicate ids if the beacon did arrive. */
function sendByBeacon(batch: OutgoingBatch): { status: number; retryAfterS: undefined } {
  const blob = new Blob([batch.body], { type: 'text/plain' });
  globalThis.navigator?.sendBeacon?.(batch.endpoint, blob);
  return { status: 0, retryAfterS: undefined };
}

async function sendByFetch(batch: OutgoingBatch): Promise<{ status: number; retryAfterS: number | undefined }> {
  try {
    const response = await fetch(batch.endpoint, {
      method: 'POST',
      body: batch.body,
      keepalive: true,
      credentials: 'omit',
      headers: { 'content-type': 'text/plain' },
    });
    const retry = Number(response.headers.get('retry-after'));
    return { status: response.status, retryAfterS: Number.isFinite(retry) && retry > 0 ? retry : undefined };
  } catch {
    return { status: 0, retryAfterS: undefined };
  }
}
