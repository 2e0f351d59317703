// Work copies of the integration apps under target/integration-cache/apps/, with node_modules kept
// between runs. An app's dependencies are reinstalled (`npm ci`) only when its package.json,
// package-lock.json, Node or npm version changed; the packed `vitrine` is reinstalled
// (`npm install <tarball>`, as a user would) only when the tarball's hash changed.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from './proc.mjs';

const STAMP = '.vitrine-integration.json';
/** Entries of a work copy that survive a refresh when the dependencies are unchanged. */
const KEEP = new Set(['node_modules', STAMP, 'package.json', 'package-lock.json', '.next']);
/** Never copied from the source folder (in case someone built an app in place). */
const SKIP = new Set(['node_modules', 'dist', '.next', 'next-env.d.ts']);

let npmVersion;
function toolsKey(pkg, lock) {
  npmVersion ??= execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim();
  return createHash('sha256').update(pkg).update('\0').update(lock).update('\0')
    .update(process.version).update('\0').update(npmVersion).digest('hex');
}

async function copySource(src, dest, skip) {
  for (const entry of await readdir(src)) {
    if (skip.has(entry)) continue;
    await cp(path.join(src, entry), path.join(dest, entry), { recursive: true });
  }
}

/** Copies tests/integration/shared (imported by every app as ../shared/…) next to the work copies. */
export async function syncShared(sourceRoot, workRoot) {
  await rm(path.join(workRoot, 'shared'), { recursive: true, force: true });
  await mkdir(workRoot, { recursive: true });
  await cp(path.join(sourceRoot, 'shared'), path.join(workRoot, 'shared'), { recursive: true });
}

/**
 * Brings `workRoot/<name>` up to date with `sourceRoot/<name>` and installs what changed.
 * Resolves with `{ dir, deps: 'cached' | 'installed', vitrine: 'cached' | 'installed' }`.
 */
export async function prepareApp(name, { sourceRoot, workRoot, tarball, logFile }) {
  const src = path.join(sourceRoot, name);
  const dir = path.join(workRoot, name);
  const pkg = await readFile(path.join(src, 'package.json'));
  const lock = existsSync(path.join(src, 'package-lock.json')) ? await readFile(path.join(src, 'package-lock.json')) : '';
  const key = toolsKey(pkg, lock);
  const stampFile = path.join(dir, STAMP);
  const stamp = existsSync(stampFile) ? JSON.parse(await readFile(stampFile, 'utf8')) : {};
  const depsCached = stamp.toolsKey === key && existsSync(path.join(dir, 'node_modules/.package-lock.json'));
  const npmEnv = { npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

  if (!depsCached) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await copySource(src, dir, SKIP);
    // Exactly the committed lockfile; --prefer-offline reuses npm's own cache when it can.
    const args = lock ? ['ci', '--prefer-offline'] : ['install', '--prefer-offline'];
    await run('npm', [...args, '--no-audit', '--no-fund'], { cwd: dir, env: npmEnv, logFile, timeoutMs: 15 * 60_000 });
  } else {
    for (const entry of await readdir(dir)) {
      if (!KEEP.has(entry)) await rm(path.join(dir, entry), { recursive: true, force: true });
    }
    await copySource(src, dir, new Set([...SKIP, 'package.json', 'package-lock.json']));
  }

  const installed = path.join(dir, 'node_modules/vitrine/package.json');
  const vitrineCached = depsCached && stamp.tarball === tarball.sha256 && existsSync(installed);
  if (!vitrineCached) {
    await writeFile(stampFile, JSON.stringify({ toolsKey: key }));
    await rm(path.join(dir, 'node_modules/vitrine'), { recursive: true, force: true });
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball.file], {
      cwd: dir, env: npmEnv, logFile, timeoutMs: 10 * 60_000,
    });
  }
  // What the app will bundle is the packed wasm, byte for byte.
  const wasm = await readFile(path.join(dir, 'node_modules/vitrine/dist/wasm/vitrine_bg.wasm'));
  if (createHash('sha256').update(wasm).digest('hex') !== tarball.wasmSha256) {
    throw new Error(`${name}: node_modules/vitrine holds a different wasm than the tarball`);
  }
  await writeFile(stampFile, JSON.stringify({ toolsKey: key, tarball: tarball.sha256 }));
  return { dir, deps: depsCached ? 'cached' : 'installed', vitrine: vitrineCached ? 'cached' : 'installed' };
}
