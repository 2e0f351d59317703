// Child processes for the integration runner. Every child gets its own process group so that it
// and whatever it forks (npm → node, next build workers) can be stopped together; every group is
// killed when the runner exits (normally, on an error or on SIGINT/SIGTERM/SIGHUP), and
// `leftovers()` proves none survived. A runner killed with SIGKILL cannot clean up after itself:
// for that case a small reaper (`sh`, started once) waits for the runner to die and then kills the
// groups listed in a file; on a normal exit the runner stops the reaper itself.
import { spawn } from 'node:child_process';
import { appendFileSync, createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const REAPER_SCRIPT = `
while kill -0 "$RUNNER" 2>/dev/null; do sleep 1; done
if [ -f "$GROUPS_FILE" ]; then
  while read -r g; do kill -9 -- "-$g" 2>/dev/null; done < "$GROUPS_FILE"
  rm -f "$GROUPS_FILE"
fi`;
let reaper = null;
let groupsFile = null;

function startReaper() {
  const dir = path.join(os.tmpdir(), `vitrine-integration-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  groupsFile = path.join(dir, 'groups');
  reaper = spawn('sh', ['-c', REAPER_SCRIPT], {
    detached: true,
    stdio: 'ignore',
    env: { PATH: process.env.PATH, RUNNER: String(process.pid), GROUPS_FILE: groupsFile },
  });
  reaper.unref();
}

function stopReaper() {
  if (reaper?.pid) killGroup(reaper.pid, 'SIGKILL');
  if (groupsFile) rmSync(path.dirname(groupsFile), { recursive: true, force: true });
  reaper = null;
}

/** Process-group ids of the children started and not yet seen gone (a gone id may be reused). */
const groups = new Set();

function forget(pgid) {
  groups.delete(pgid);
  if (groupsFile) writeFileSync(groupsFile, [...groups].map((g) => `${g}\n`).join(''));
}

function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Kills every group still alive (SIGKILL: used on exit, where nothing can be awaited), and the reaper. */
export function killAll() {
  for (const pgid of groups) killGroup(pgid, 'SIGKILL');
  stopReaper();
}

/** Process groups started by this run that still have a live member. */
export function leftovers() {
  return [...groups].filter(groupAlive);
}

let hooked = false;
function hookExit() {
  if (hooked) return;
  hooked = true;
  startReaper();
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      killAll();
      process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 })[signal]);
    });
  }
}

/** Stops a group: SIGTERM, then SIGKILL after `graceMs`; resolves once the leader has exited. */
async function stopGroup(child, graceMs = 5000) {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    killGroup(child.pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
  // Members that outlived the leader (e.g. build workers) go too.
  if (groupAlive(child.pid)) {
    killGroup(child.pid, 'SIGKILL');
    for (let i = 0; i < 50 && groupAlive(child.pid); i++) await new Promise((r) => setTimeout(r, 100));
  }
  if (!groupAlive(child.pid)) forget(child.pid);
}

function startChild(command, args, { cwd, env, logFile }) {
  hookExit();
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group
  });
  if (child.pid !== undefined) {
    groups.add(child.pid);
    appendFileSync(groupsFile, `${child.pid}\n`);
  }
  let tail = '';
  const log = logFile ? createWriteStream(logFile, { flags: 'a' }) : null;
  log?.write(`$ ${command} ${args.join(' ')}   (cwd ${cwd})\n`);
  const onData = (chunk) => {
    log?.write(chunk);
    tail = (tail + chunk).slice(-8000);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.once('exit', () => log?.end());
  return { child, tail: () => tail };
}

/**
 * Runs a command to completion in its own process group. Rejects (after killing the group) on a
 * non-zero exit or after `timeoutMs`; the error message carries the end of the output.
 */
export async function run(command, args, { cwd, env = {}, timeoutMs = 10 * 60_000, logFile } = {}) {
  if (logFile) await mkdir(path.dirname(logFile), { recursive: true });
  const { child, tail } = startChild(command, args, { cwd, env, logFile });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopGroup(child, 2000);
  }, timeoutMs);
  const [code, signal] = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, s) => resolve([c, s]));
  });
  clearTimeout(timer);
  await stopGroup(child, 2000); // leftovers of a finished command
  if (timedOut) throw new Error(`${command} ${args.join(' ')} timed out after ${timeoutMs / 1000} s\n${tail()}`);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${code ?? signal})\n${tail()}`);
  return tail();
}

/**
 * Starts a long-running process (a server). Resolves with `{ stop, tail, exited }` once
 * `ready()` resolves true; rejects if the process exits first or `timeoutMs` passes.
 */
export async function startService(command, args, { cwd, env = {}, ready, timeoutMs = 60_000, logFile } = {}) {
  if (logFile) await mkdir(path.dirname(logFile), { recursive: true });
  const { child, tail } = startChild(command, args, { cwd, env, logFile });
  let exited = null;
  child.once('exit', (code, signal) => { exited = code ?? signal; });
  const stop = () => stopGroup(child);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (exited !== null) throw new Error(`${command} exited (${exited}) before it was ready\n${tail()}`);
      if (Date.now() > deadline) throw new Error(`${command} not ready after ${timeoutMs / 1000} s\n${tail()}`);
      if (await ready().catch(() => false)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop, tail, exited: () => exited };
}
