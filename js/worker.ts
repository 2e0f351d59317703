/**
 * The worker entry of `Vitrine.init({ worker: true })`: runs the wasm core off the main
 * thread on a mirror of the page's storage (workers have no localStorage); writes are sent
 * back with every reply for the main thread to replay.
 */
import { collectSide, runCore, toWire, type FromWorker, type ToWorker } from './protocol.js';
import type { VitrineCore } from './wasm/vitrine.js';

declare const self: {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker): void;
};

let core: VitrineCore | null = null;
let trapped = false;

async function init(message: Extract<ToWorker, { kind: 'init' }>): Promise<void> {
  try {
    const glue = await import('./wasm/vitrine.js');
    await glue.default(message.wasm === undefined ? undefined : { module_or_path: message.wasm as never });
    core = message.persist
      ? glue.VitrineCore.mirrored(message.options, JSON.stringify(message.snapshot), message.seed)
      : new glue.VitrineCore(message.options, false, message.seed);
    self.postMessage({ kind: 'ready', side: collectSide(core) });
  } catch (error) {
    self.postMessage({ kind: 'init-failed', error: toWire(error) });
  }
}

self.onmessage = (event: MessageEvent<ToWorker>): void => {
  const message = event.data;
  if (message.kind === 'init') {
    void init(message);
    return;
  }
  if (!core || trapped) {
    const error = toWire(new Error(trapped ? 'the engine trapped earlier' : 'the engine is not initialised'));
    self.postMessage({ kind: 'error', id: message.id, error: { ...error, trap: trapped }, side: { warnings: [], storage: { persistent: false, reason: null }, writes: [] } });
    return;
  }
  const result = runCore(core, message.method, message.arg);
  if (result.ok) {
    self.postMessage({ kind: 'result', id: message.id, outcome: result.outcome });
  } else {
    const error = toWire(result.error);
    trapped ||= error.trap;
    self.postMessage({ kind: 'error', id: message.id, error, side: result.side });
  }
};
