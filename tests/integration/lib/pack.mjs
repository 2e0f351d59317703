// The tarball users install: `npm pack` of the repository root, and a check of what is in it.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { run } from './proc.mjs';

/** Files the package must contain (paths inside the tarball, without the `package/` prefix). */
export const REQUIRED = [
  'package.json', 'README.md', 'LICENSE',
  'dist/index.js', 'dist/index.d.ts', 'dist/wasm/vitrine.js', 'dist/wasm/vitrine_bg.wasm',
];

/** Top-level entries a tarball may have at all; everything else (src/, tests/, catalog/, …) is refused. */
const ALLOWED_TOP = new Set(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist']);

/** Anywhere in the tarball: Rust sources and manifests, data files, archives. */
const FORBIDDEN = [
  [/\.rs$/, 'Rust source'],
  [/(^|\/)Cargo\.(toml|lock)$/, 'Cargo manifest'],
  [/\.wasm\.map$/, 'wasm source map'],
  [/\.(csv|tsv|parquet|jsonl)$/i, 'data file'],
  [/\.(gz|tgz|zip|xz|bz2|zst)$/i, 'archive or compressed data'],
  [/(^|\/)(src|tests|catalog|target|node_modules|server|www|fuzz|trainer|collector)\//, 'repository folder'],
];

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** Custom section names of a wasm binary (to refuse DWARF / source-map sections). */
export function wasmCustomSections(bytes) {
  const names = [];
  let pos = 8;
  const leb = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[pos++];
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) return result;
    }
  };
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const size = leb();
    const end = pos + size;
    if (id === 0) {
      const len = leb();
      names.push(Buffer.from(bytes.subarray(pos, pos + len)).toString('utf8'));
    }
    pos = end;
  }
  return names;
}

/**
 * Packs the repository root into `dest` and checks the tarball. Resolves with
 * `{ file, sha256, bytes, entries, problems }`; `problems` is empty when the package is right.
 */
export async function packAndCheck(root, dest, { logFile } = {}) {
  await rm(dest, { recursive: true, force: true });
  await mkdir(dest, { recursive: true });
  const out = await run('npm', ['pack', '--json', '--pack-destination', dest], { cwd: root, timeoutMs: 120_000, logFile });
  const json = out.slice(out.indexOf('['));
  const [{ filename }] = JSON.parse(json);
  const file = path.join(dest, path.basename(filename));
  const tarball = await readFile(file);
  const entries = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' })
    .split('\n').filter(Boolean).map((p) => p.replace(/^package\//, ''));
  const problems = [];

  for (const required of REQUIRED) if (!entries.includes(required)) problems.push(`missing ${required}`);
  for (const entry of entries) {
    const top = entry.split('/')[0];
    if (!ALLOWED_TOP.has(top)) problems.push(`unexpected ${entry}`);
    for (const [pattern, what] of FORBIDDEN) if (pattern.test(entry)) problems.push(`${what}: ${entry}`);
  }

  // Source maps may ship for JS, never pointing at Rust.
  for (const entry of entries.filter((e) => e.endsWith('.map'))) {
    const map = JSON.parse(execFileSync('tar', ['-xzOf', file, `package/${entry}`], { encoding: 'utf8' }));
    if ((map.sources ?? []).some((s) => /\.rs$/.test(s))) problems.push(`source map of Rust: ${entry}`);
  }

  // The manifest that ships: every path it points at must be in the tarball.
  const manifest = JSON.parse(execFileSync('tar', ['-xzOf', file, 'package/package.json'], { encoding: 'utf8' }));
  const targets = [];
  const walk = (value) => {
    if (typeof value === 'string') targets.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  for (const key of ['main', 'module', 'types', 'browser']) if (typeof manifest[key] === 'string') targets.push(manifest[key]);
  for (const target of targets) {
    const rel = path.posix.normalize(target).replace(/^\.\//, '');
    if (!entries.includes(rel)) problems.push(`package.json points at ${target}, which is not in the tarball`);
  }
  if (manifest.type !== 'module') problems.push('package.json "type" is not "module"');

  // The wasm that ships is the one dist/ holds, is a wasm binary, and carries no debug sections.
  let wasm = null;
  if (entries.includes('dist/wasm/vitrine_bg.wasm')) {
    wasm = execFileSync('tar', ['-xzOf', file, 'package/dist/wasm/vitrine_bg.wasm'], { maxBuffer: 64 << 20 });
    if (wasm.readUInt32BE(0) !== 0x0061736d) problems.push('dist/wasm/vitrine_bg.wasm is not a wasm binary');
    const distWasm = path.join(root, 'dist/wasm/vitrine_bg.wasm');
    if (existsSync(distWasm) && sha256(await readFile(distWasm)) !== sha256(wasm)) {
      problems.push('the packed wasm differs from dist/wasm/vitrine_bg.wasm');
    }
    for (const name of wasmCustomSections(wasm)) {
      if (/^(\.debug|sourceMappingURL|external_debug_info)/.test(name)) problems.push(`wasm carries a ${name} section`);
    }
  }

  return {
    file,
    sha256: sha256(tarball),
    bytes: tarball.length,
    wasmSha256: wasm ? sha256(wasm) : null,
    entries,
    wasmSections: wasm ? wasmCustomSections(wasm) : [],
    problems,
  };
}
