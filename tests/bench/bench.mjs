// npm run bench: measures Vitrine in headless Chromium against the reference server (loopback).
// Writes target/bench/profile.json and target/bench/rerank.json and prints one summary line.
// Figures are measurements, never assertions.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT, startServer, launchBrowser } from '../e2e/harness.mjs';

const OUT = path.join(ROOT, 'target/bench');

/** Runs in the page: cold init, 10,000 tracked events, reranks of 100 / 1,000 / 10,000. */
async function inPage({ sizes, events, reps }) {
  const t0 = performance.now();
  const { Vitrine } = await import('/dist/index.js');
  const vitrine = await Vitrine.init({ consent: { personalization: 'granted' }, namespace: 'bench', onWarning() {} });
  const coldInitMs = performance.now() - t0;
  await vitrine.erase();

  const colours = ['Black', 'White', 'Red', 'Blue', 'Green', 'Beige', 'Pink', 'Grey', 'Navy', 'Yellow'];
  const types = ['Dress', 'T-shirt', 'Trousers', 'Sweater', 'Jacket', 'Skirt', 'Shorts', 'Hoodie'];
  const kinds = ['view', 'view', 'view', 'click', 'add_to_cart', 'purchase'];
  const started = performance.now();
  for (let i = 0; i < events; i += 1) {
    await vitrine.track({
      type: kinds[i % kinds.length],
      productId: `p${i % 2000}`,
      attributes: { colour: colours[(i * 7) % colours.length], productType: types[(i * 3) % types.length], pattern: i % 5 ? 'Solid' : 'Stripe', department: `d${i % 40}`, indexGroup: `g${i % 5}` },
      price: 5 + (i % 120),
      timestamp: Date.now() - (events - i) * 60_000,
    });
  }
  const profileUpdateUs = ((performance.now() - started) * 1000) / events;
  const key = Object.keys(localStorage).find((k) => /^bench:v\d+:profile$/.test(k));
  const profileBytes = key ? new TextEncoder().encode(localStorage.getItem(key)).length : 0;

  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const rerank = {};
  for (const n of sizes) {
    const candidates = Array.from({ length: n }, (_, i) => ({
      id: `c${i}`, serverRank: i, price: 5 + (i % 120),
      attributes: { colour: colours[i % colours.length], productType: types[(i * 7) % types.length], pattern: i % 3 ? 'Solid' : 'Check', department: `d${i % 40}`, indexGroup: `g${i % 5}` },
      embedding: Array.from({ length: 64 }, () => random() - 0.5),
    }));
    const times = [];
    const runs = n >= 10_000 ? Math.max(5, reps / 10) : reps;
    for (let r = 0; r < runs + 2; r += 1) {
      const s = performance.now();
      await vitrine.rerank(candidates);
      if (r >= 2) times.push(performance.now() - s); // two warm-up runs
    }
    times.sort((a, b) => a - b);
    const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    rerank[n] = { p50_ms: at(0.5), p95_ms: at(0.95), runs };
  }
  await vitrine.erase();
  return { coldInitMs, profileUpdateUs, profileBytes, rerank };
}

const server = await startServer();
const browser = await launchBrowser();
try {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${server.url}api/health`);
  const r = await page.evaluate(inPage, { sizes: [100, 1000, 10000], events: 10_000, reps: 50 });
  const chromium = browser.version();
  await mkdir(OUT, { recursive: true });
  const note = 'end-to-end through the public API (JSON boundary, validation, affinity ranker); model ranker not yet linked';
  await writeFile(path.join(OUT, 'profile.json'), `${JSON.stringify({ chromium, events: 10_000, profile_update_us: r.profileUpdateUs, profile_bytes_after_10k: r.profileBytes, note: 'track() with localStorage persistence on every event' }, null, 2)}\n`);
  await writeFile(path.join(OUT, 'rerank.json'), `${JSON.stringify({ chromium, cold_init_ms: r.coldInitMs, rerank: r.rerank, note }, null, 2)}\n`);
  const f = (x) => x.toFixed(3);
  console.log(
    `rerank_1000_p50_ms=${f(r.rerank[1000].p50_ms)} rerank_1000_p95_ms=${f(r.rerank[1000].p95_ms)} rerank_100_p50_ms=${f(r.rerank[100].p50_ms)} ` +
      `rerank_10000_p50_ms=${f(r.rerank[10000].p50_ms)} cold_init_ms=${f(r.coldInitMs)} profile_update_us=${r.profileUpdateUs.toFixed(1)} profile_bytes_after_10k=${r.profileBytes}`,
  );
} finally {
  await browser.close();
  await server.stop();
}
