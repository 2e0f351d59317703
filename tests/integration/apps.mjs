// The integration apps: how each is built, served and measured. Each folder of the same name holds
// the app's sources; the runner builds a work copy of it (see lib/install.mjs).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { run, startService } from './lib/proc.mjs';
import { freePort, serveStatic } from './lib/serve.mjs';

/** Environment for every build and server: no telemetry, no colour, CI-style output. */
export const TOOL_ENV = { NEXT_TELEMETRY_DISABLED: '1', NO_COLOR: '1', FORCE_COLOR: '0', CI: '1' };

const staticApp = (name) => ({
  name,
  /** Folder (in the work copy) the build writes and the browser is served from. */
  out: 'dist',
  /** Folder whose files ship to the browser: what the size figure is measured over. */
  clientOut: 'dist',
  /** Output removed before each build. */
  clean: ['dist'],
  /** Also served with its wasm answering 404, which must fail (the check can see a broken load). */
  control: true,
  async build(dir, { logFile, wrap }) {
    await run(...wrap('npm', ['run', 'build']), { cwd: dir, env: TOOL_ENV, logFile, timeoutMs: 10 * 60_000 });
    if (!existsSync(path.join(dir, 'dist/index.html'))) throw new Error(`${name}: the build wrote no dist/index.html`);
  },
  /** Serves the build; `options` go to serveStatic (headers, hide). */
  serve(dir, options = {}) {
    return serveStatic(path.join(dir, 'dist'), options);
  },
});

export const APPS = [
  staticApp('vite'),
  staticApp('webpack'),
  staticApp('esbuild'),
  {
    name: 'next',
    out: '.next',
    clientOut: '.next/static',
    clean: [], // next build cleans .next itself and keeps .next/cache
    async build(dir, { logFile, wrap }) {
      await run(...wrap('npm', ['run', 'build']), { cwd: dir, env: TOOL_ENV, logFile, timeoutMs: 15 * 60_000 });
      // `/` was prerendered at build time: the server component imported vitrine during the build.
      const prerendered = path.join(dir, '.next/server/app/index.html');
      if (!existsSync(prerendered)) throw new Error('next: / was not prerendered at build time');
      if (!(await readFile(prerendered, 'utf8')).includes('data-ssr="function/function"')) {
        throw new Error('next: the prerendered / lacks the server component\'s output');
      }
    },
    async serve(dir, { logFile } = {}) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/`;
      const service = await startService(
        process.execPath, ['node_modules/next/dist/bin/next', 'start', '-p', String(port), '-H', '127.0.0.1'],
        { cwd: dir, env: TOOL_ENV, logFile, timeoutMs: 90_000, ready: async () => (await fetch(url)).ok },
      );
      // Server-side rendering per request (`/ssr` is force-dynamic) with vitrine imported.
      for (const [route, marker] of [['', 'data-ssr="function/function"'], ['ssr', 'data-ssr="function/request"']]) {
        const res = await fetch(url + route);
        const html = await res.text();
        if (!res.ok || !html.includes(marker)) {
          await service.stop();
          throw new Error(`next: GET /${route} → ${res.status}, server-rendered marker ${marker} missing`);
        }
      }
      return { url, requests: null, close: service.stop };
    },
  },
];
