// What an app ships to the browser for Vitrine, `gzip -9` (the CLI, as scripts/size.sh measures the
// budget; Node's zlib only if the CLI is missing, whose output is a few % larger). Over the files a browser can fetch from the
// app's client output: every .wasm file that is a wasm binary, plus every JS file that contains
// Vitrine code (the wasm-bindgen glue exports `vitrinecore_*`, the wrapper the VITRINE_* error
// codes; both survive minification). A chunk that also holds app code is counted whole, so for
// apps that merge the wrapper into their entry chunk the JS figure is an upper bound (the test
// apps' own code is a few hundred bytes).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';

function gzipSize(bytes) {
  try {
    return execFileSync('gzip', ['-9c'], { input: bytes, maxBuffer: 256 << 20 }).length;
  } catch {
    return gzipSync(bytes, { level: 9 }).length;
  }
}

const MARKERS = ['vitrinecore_', 'VITRINE_INIT_FAILED'];

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else yield full;
  }
}

/** `{ wasm, js, total, files }` in gzip -9 bytes; `files` lists what was counted. */
export async function vitrineSize(dir) {
  let wasm = 0;
  let js = 0;
  const files = [];
  for await (const file of walk(dir)) {
    const bytes = await readFile(file);
    const gz = () => gzipSize(bytes);
    if (file.endsWith('.wasm') && bytes.readUInt32BE(0) === 0x0061736d) {
      const size = gz();
      wasm += size;
      files.push({ file: path.relative(dir, file), kind: 'wasm', bytes: bytes.length, gzip: size });
    } else if (/\.m?js$/.test(file) && MARKERS.some((m) => bytes.includes(m))) {
      const size = gz();
      js += size;
      files.push({ file: path.relative(dir, file), kind: 'js', bytes: bytes.length, gzip: size });
    }
  }
  return { wasm, js, total: wasm + js, files };
}
