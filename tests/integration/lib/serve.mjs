// A tiny static file server for built apps, in the runner's own process (nothing to leak):
// correct MIME types (application/wasm above all), optional extra headers (CSP), and an optional
// `hide` filter that answers 404 for matching paths (the negative control: "wasm missing").
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/**
 * Serves `dir` on 127.0.0.1 at a free port. Resolves with `{ url, requests, close }`;
 * `requests` lists `{ path, status }` of everything asked for.
 */
export async function serveStatic(dir, { headers = {}, hide = () => false } = {}) {
  const root = path.resolve(dir);
  const requests = [];
  const server = createServer(async (req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = path.join(root, urlPath);
    let status = 200;
    try {
      if (file !== root && !file.startsWith(root + path.sep)) throw new Error('outside root');
      if (hide(urlPath)) throw new Error('hidden');
      let info = await stat(file);
      if (info.isDirectory()) {
        file = path.join(file, 'index.html');
        info = await stat(file);
      }
      res.writeHead(200, {
        'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
        'content-length': info.size,
        'cache-control': 'no-store',
        ...headers,
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    } catch {
      status = 404;
      res.writeHead(404, { 'content-type': 'text/plain', ...headers });
      res.end('not found');
    }
    requests.push({ path: urlPath, status });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A free TCP port on 127.0.0.1 (for servers we cannot start on port 0, like `next start`). */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
