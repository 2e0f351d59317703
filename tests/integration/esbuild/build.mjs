// esbuild leaves `new URL('vitrine_bg.wasm', import.meta.url)` as it is (it neither emits nor
// rewrites the asset), so the browser looks for the wasm next to the emitted chunk holding Vitrine's
// glue: with `outdir` that is the output folder itself. What a user must do:
//   1. bundle as ESM (`format: 'esm'`: `import.meta.url` is empty in an IIFE bundle), and
//   2. copy `vitrine/vitrine_bg.wasm` (exported by the package) into the output folder.
import * as esbuild from 'esbuild';
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const outdir = 'dist';
await rm(outdir, { recursive: true, force: true });
const result = await esbuild.build({
  entryPoints: ['src/main.js'],
  bundle: true,
  format: 'esm',
  splitting: true,
  minify: true,
  target: 'es2022',
  entryNames: '[name]-[hash]',
  outdir,
  metafile: true,
  logLevel: 'warning',
});

// Step 2: the wasm goes where the glue chunk will look for it.
await copyFile(fileURLToPath(import.meta.resolve('vitrine/vitrine_bg.wasm')), path.join(outdir, 'vitrine_bg.wasm'));

// The page: index.html pointing at the hashed entry chunk.
const entry = Object.keys(result.metafile.outputs).find((file) => result.metafile.outputs[file].entryPoint);
const html = await readFile('public/index.html', 'utf8');
await writeFile(path.join(outdir, 'index.html'), html.replace('%ENTRY%', `/${path.relative(outdir, entry)}`));
