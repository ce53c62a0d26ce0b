import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { EnvironmentError } from '../errors.js';

/**
 * One `generate` at a time per output directory. The lock is a file beside the
 * directory, created exclusively (O_EXCL), holding the owner's pid, host and
 * process start time. It survives crashes: a lock whose owner is gone (no such
 * pid, or the pid now belongs to a process started at another time) is stale
 * and taken over. Taking over is itself serialised by a short-lived second
 * lock, so two runs that find the same stale lock cannot both win.
 */

interface Holder {
  pid: number;
  host: string;
  /** Start time of the owner process (Linux /proc ticks); absent elsewhere. */
  startTime?: string;
  token: string;
  since: string;
}

export interface OutputLock {
  readonly path: string;
  /** Removes the lock if it is still ours; never throws. */
  release(): void;
}

/** A lock file we cannot read yet is being written by its creator; after this long it is debris. */
const UNREADABLE_GRACE_MS = 10_000;
/** Tokens of locks this process holds, so a stale lock of an earlier process with our pid is recognised. */
const heldHere = new Set<string>();

export function lockPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.floe.lock`);
}

function processStartTime(pid: number | 'self'): string | undefined {
  try {
    // Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces, so count from its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function readHolder(path: string): Holder | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
  try {
    const h = JSON.parse(text) as Partial<Holder>;
    if (typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.token === 'string') {
      return { pid: h.pid, host: h.host, token: h.token, since: String(h.since ?? ''), ...(typeof h.startTime === 'string' ? { startTime: h.startTime } : {}) };
    }
  } catch {
    // A half-written or foreign file: judged by its age below.
  }
  return 'unreadable';
}

/** Whether the lock's owner may still be running. Another host's process cannot be checked, so it counts as alive. */
function ownerAlive(h: Holder): boolean {
  if (h.host !== hostname()) return true;
  if (h.pid === process.pid) return heldHere.has(h.token);
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  const now = processStartTime(h.pid);
  return h.startTime === undefined || now === undefined || now === h.startTime;
}

function isOld(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > UNREADABLE_GRACE_MS;
  } catch {
    return false;
  }
}

/**
 * Creates the lock with its content in one step: written to a private file,
 * then hard-linked into place (link fails with EEXIST when the lock is held),
 * so another run never reads a lock that exists but is still empty.
 */
function tryCreate(path: string, content: string): boolean {
  const staged = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(staged, content, { flag: 'wx', mode: 0o644 });
  try {
    linkSync(staged, path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A file system without hard links: exclusive create, with its short empty window.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') return createExclusive(path, content);
    throw err;
  } finally {
    unlinkQuietly(staged);
  }
}

function createExclusive(path: string, content: string): boolean {
  try {
    writeFileSync(path, content, { flag: 'wx', mode: 0o644 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

/**
 * Removes `path` if it still holds the stale lock we judged (same token, or
 * still unreadable). Only the run holding `<lock>.break` may do so.
 */
function breakStale(path: string, judged: Holder | 'unreadable'): void {
  const breaker = `${path}.break`;
  if (!tryCreate(breaker, String(process.pid))) {
    // Another run is breaking it right now (a moment's work); a breaker left by a crash is removed when old.
    if (isOld(breaker)) unlinkQuietly(breaker);
    return;
  }
  try {
    const current = readHolder(path);
    const same = judged === 'unreadable' ? current === 'unreadable' : current !== 'missing' && current !== 'unreadable' && current.token === judged.token;
    if (same) unlinkQuietly(path);
  } finally {
    unlinkQuietly(breaker);
  }
}

function busy(display: string, path: string, h: Holder | 'unreadable'): EnvironmentError {
  const who = h === 'unreadable' ? 'a run that is starting' : `pid ${h.pid} on ${h.host}${h.since ? `, since ${h.since}` : ''}`;
  return new EnvironmentError(
    `another generate is running on ${display} (${who}); run again when it has finished. If no floe process is running, remove ${path}`,
    { code: 'environment.locked' },
  );
}

/** Takes the lock of output directory `target` or throws EnvironmentError (code environment.locked) naming its owner. */
export function acquireOutputLock(target: string, display: string): OutputLock {
  const path = lockPathFor(target);
  const startTime = processStartTime('self');
  const holder: Holder = { pid: process.pid, host: hostname(), token: randomBytes(12).toString('hex'), since: new Date().toISOString(), ...(startTime ? { startTime } : {}) };
  const content = `${JSON.stringify(holder)}\n`;
  // A few rounds: each either takes the lock, finds a live owner, or clears one stale lock.
  for (let round = 0; round < 5; round++) {
    if (tryCreate(path, content)) {
      heldHere.add(holder.token);
      return {
        path,
        release() {
          heldHere.delete(holder.token);
          const current = (() => {
            try {
              return readHolder(path);
            } catch {
              return 'missing' as const;
            }
          })();
          if (current !== 'missing' && current !== 'unreadable' && current.token === holder.token) unlinkQuietly(path);
        },
      };
    }
    const found = readHolder(path);
    if (found === 'missing') continue;
    if (found === 'unreadable') {
      if (!isOld(path)) throw busy(display, path, found);
    } else if (ownerAlive(found)) {
      throw busy(display, path, found);
    }
    breakStale(path, found);
  }
  throw busy(display, path, 'unreadable');
}
