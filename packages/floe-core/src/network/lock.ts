import { randomBytes } from 'node:crypto';
import { linkSync, lstatSync, readFileSync, readlinkSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { EnvironmentError } from '../errors.js';
import { LIMITS } from '../manifests/limits.js';
import { InputFileError, readInputTextIfExists } from '../manifests/read.js';

/**
 * One `generate` at a time per output directory. The lock is a file beside the
 * directory, created exclusively (O_EXCL), holding the owner's pid, host and
 * process start time. It survives crashes: a lock whose owner is gone (no such
 * pid, or the pid now belongs to a process started at another time) is stale
 * and taken over. Taking over is itself serialised by a short-lived second
 * lock, so two runs that find the same stale lock cannot both win.
 *
 * The lock is also the run's record of the directories it makes beside the
 * output (its staging tree, the previous tree moved aside): a crashed run's
 * record is what lets the next run recover them, and nothing else beside the
 * output is ever touched (issue 20). Taking over replaces the stale lock in one
 * rename, so its record passes to exactly one run.
 */

/** A directory a run makes beside the output directory, recorded before it can be left behind. */
export interface Leftover {
  kind: 'staging' | 'old';
  /** Its name in the parent directory: always leftoverName(target, kind, token). */
  name: string;
  /** The run that made it; the marker file inside holds this token. */
  token: string;
  /** What lstat said when it was recorded (dev and ino as decimal strings: they can exceed 2^53). */
  dev: string;
  ino: string;
  uid: number;
}

interface Holder {
  pid: number;
  host: string;
  /** Start time of the owner process (Linux /proc ticks); absent elsewhere. */
  startTime?: string;
  token: string;
  since: string;
  /** The run has ended, leaving recorded directories for the next run to recover. */
  ended?: boolean;
  leftovers: Leftover[];
}

export interface OutputLock {
  readonly path: string;
  /** This run's token, unguessable: it names the run's directories and fills their marker files. */
  readonly token: string;
  /** What the crashed runs whose locks this one took over recorded: candidates for recovery, each still to be checked. */
  readonly inherited: readonly Leftover[];
  /** Replaces the record of this run's directories beside the output (the lock is rewritten atomically). */
  record(leftovers: readonly Leftover[]): void;
  /**
   * Removes the lock if it is still ours. If recorded directories remain, the
   * lock is kept, marked ended, so the next run takes it over and recovers
   * them. Never throws.
   */
  release(): void;
}

/** A lock file we cannot read yet is being written by its creator; after this long it is debris. */
const UNREADABLE_GRACE_MS = 10_000;
/** Tokens of locks this process holds, so a stale lock of an earlier process with our pid is recognised. */
const heldHere = new Set<string>();
/** A record carried through crash after crash stays small. */
const MAX_LEFTOVERS = 64;
const TOKEN = /^[0-9a-f]{24}$/;
const DECIMAL = /^[0-9]{1,40}$/;

export function lockPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.floe.lock`);
}

/** The name of a run's staging tree or moved-aside previous tree, beside `target`. */
export function leftoverName(target: string, kind: Leftover['kind'], token: string): string {
  return `.${basename(target)}.floe-${kind === 'staging' ? 'new' : 'old'}-${token}`;
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

function myUid(): number {
  return process.getuid?.() ?? -1;
}

function ownerUid(path: string): number | undefined {
  try {
    return lstatSync(path).uid;
  } catch {
    return undefined;
  }
}

/** How to get rid of a lock file floe cannot: as whom, and the command. */
function removeHint(path: string, sentence = false): string {
  const uid = ownerUid(path);
  const who = uid !== undefined && uid !== myUid() ? ` as uid ${uid} (its owner) or root` : '';
  return `${sentence ? 'If' : 'if'} no floe process is running, remove it${who}: rm ${path}`;
}

/** Whose the file is, when that is not us: the one who can remove it. */
function belongsTo(path: string): string {
  const uid = ownerUid(path);
  return uid === undefined || uid === myUid() ? '' : ` (it belongs to uid ${uid})`;
}

/**
 * What is wrong with a file floe keeps for itself (its lock, its record of
 * the files it wrote) that the safe reader refused: "a FIFO", "a symlink to
 * /dev/zero", "larger than N bytes".
 */
export function whyUnusable(path: string, err: InputFileError): string {
  if (err.reason === 'too-large') return `larger than ${LIMITS.recordBytes} bytes`;
  if (err.reason === 'unreadable') return `not readable by uid ${myUid()}`;
  try {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return `a symlink to ${readlinkSync(path)}`;
    if (st.isFIFO()) return 'a FIFO';
    if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
    if (st.isSocket()) return 'a socket';
    if (st.isDirectory()) return 'a directory';
  } catch {
    // Gone meanwhile: the reader's own words below.
  }
  return err.message;
}

/** Only well-formed records of this target's own names survive parsing: the file may have been written by anyone. */
function parseLeftovers(raw: unknown, target: string): Leftover[] {
  if (!Array.isArray(raw)) return [];
  const out: Leftover[] = [];
  for (const item of raw.slice(-MAX_LEFTOVERS)) {
    const l = item as Partial<Record<keyof Leftover, unknown>> | null;
    if (typeof l !== 'object' || l === null) continue;
    const { kind, name, token, dev, ino, uid } = l;
    if ((kind !== 'staging' && kind !== 'old') || typeof token !== 'string' || !TOKEN.test(token)) continue;
    if (name !== leftoverName(target, kind, token)) continue;
    if (typeof dev !== 'string' || !DECIMAL.test(dev) || typeof ino !== 'string' || !DECIMAL.test(ino)) continue;
    if (typeof uid !== 'number' || !Number.isInteger(uid)) continue;
    out.push({ kind, name, token, dev, ino, uid });
  }
  return out;
}

/**
 * The lock's content, read as any file floe did not write in this run: a
 * regular file, opened without blocking or following a link, at most
 * LIMITS.recordBytes. Anything else is not a lock floe wrote: exit 3, naming it.
 */
function readHolder(path: string, target: string): Holder | 'missing' | 'unreadable' {
  let text: string | undefined;
  try {
    text = readInputTextIfExists(path, { root: dirname(path), maxBytes: LIMITS.recordBytes });
  } catch (err) {
    if (err instanceof InputFileError && err.reason === 'missing') return 'missing';
    if (err instanceof InputFileError && err.reason === 'unreadable') {
      throw new EnvironmentError(`uid ${myUid()} cannot read the lock file ${path}${belongsTo(path)}, so it cannot tell whether its run is still going; ${removeHint(path)}`, { cause: err });
    }
    if (err instanceof InputFileError) {
      throw new EnvironmentError(`the lock file ${path} is ${whyUnusable(path, err)}, not a lock floe wrote${belongsTo(path)}; ${removeHint(path)}`, { cause: err });
    }
    throw err;
  }
  if (text === undefined) return 'missing';
  try {
    const h = JSON.parse(text) as Partial<Record<keyof Holder, unknown>>;
    if (typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.token === 'string') {
      return {
        pid: h.pid,
        host: h.host,
        token: h.token,
        since: typeof h.since === 'string' ? h.since : '',
        ...(typeof h.startTime === 'string' ? { startTime: h.startTime } : {}),
        ...(h.ended === true ? { ended: true } : {}),
        leftovers: parseLeftovers(h.leftovers, target),
      };
    }
  } catch {
    // A half-written or foreign file: judged by its age below.
  }
  return 'unreadable';
}

/** Whether the lock's owner may still be running. Another host's process cannot be checked, so it counts as alive. */
function ownerAlive(h: Holder): boolean {
  if (h.ended) return false;
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
    return Date.now() - lstatSync(path).mtimeMs > UNREADABLE_GRACE_MS;
  } catch {
    return false;
  }
}

function stagedPath(path: string): string {
  return `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/**
 * Creates the lock with its content in one step: written to a private file,
 * then hard-linked into place (link fails with EEXIST when the lock is held),
 * so another run never reads a lock that exists but is still empty.
 */
function tryCreate(path: string, content: string): boolean {
  const staged = stagedPath(path);
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

/** Replaces the file at `path` with `content` in one rename, so a reader sees the old or the new content, never a part. */
function replaceWith(path: string, content: string): void {
  const staged = stagedPath(path);
  writeFileSync(staged, content, { flag: 'wx', mode: 0o644 });
  try {
    renameSync(staged, path);
  } catch (err) {
    unlinkQuietly(staged);
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

const denied = (err: unknown) => ['EPERM', 'EACCES'].includes((err as NodeJS.ErrnoException).code ?? '');

/**
 * A stale file floe must replace but may not (another user's, in a sticky
 * directory): fail at once, saying whose it is and how to remove it, rather
 * than retry a takeover that can never succeed.
 */
function cannotRemove(path: string, what: string, err: unknown): EnvironmentError {
  let sticky = false;
  try {
    sticky = (lstatSync(dirname(path)).mode & 0o1000) !== 0;
  } catch {
    // Only changes the explanation.
  }
  const why = sticky ? `${dirname(path)} has the sticky bit, so only the file's owner, the directory's owner or root may` : 'permission denied';
  const uid = ownerUid(path);
  const whose = uid === undefined ? '' : `; it belongs to uid ${uid}`;
  return new EnvironmentError(`${path} is ${what}${whose}, and uid ${myUid()} cannot replace it (${why}). ${removeHint(path, true)}`, { cause: err });
}

function describe(h: Holder | 'unreadable'): string {
  if (h === 'unreadable') return `a lock file older than ${UNREADABLE_GRACE_MS / 1000} s that holds no lock floe can read, debris of a crashed run`;
  return `the lock file of a run that has ended (pid ${h.pid} on ${h.host}${h.since ? `, since ${h.since}` : ''})`;
}

/**
 * Replaces the stale lock we judged (same token, or still unreadable) with
 * ours, in one rename. Only the run holding `<lock>.break` may do so.
 */
function takeOver(path: string, target: string, judged: Holder | 'unreadable', content: string): boolean {
  const breaker = `${path}.break`;
  if (!tryCreate(breaker, String(process.pid))) {
    // Another run is taking it over right now (a moment's work); a breaker left by a crash is removed when old.
    if (isOld(breaker)) {
      try {
        unlinkSync(breaker);
      } catch (err) {
        if (denied(err)) throw cannotRemove(breaker, 'the takeover lock of a crashed run', err);
      }
    }
    return false;
  }
  try {
    const current = readHolder(path, target);
    const same = judged === 'unreadable' ? current === 'unreadable' : current !== 'missing' && current !== 'unreadable' && current.token === judged.token;
    if (!same) return false;
    try {
      replaceWith(path, content);
    } catch (err) {
      if (denied(err)) throw cannotRemove(path, describe(judged), err);
      throw err;
    }
    return true;
  } finally {
    unlinkQuietly(breaker);
  }
}

function busy(display: string, path: string, h: Holder | 'unreadable'): EnvironmentError {
  const uid = ownerUid(path);
  const foreign = uid !== undefined && uid !== myUid() ? `, a lock of uid ${uid}` : '';
  const who = h === 'unreadable' ? `a run that is starting${foreign}` : `pid ${h.pid} on ${h.host}${h.since ? `, since ${h.since}` : ''}${foreign}`;
  return new EnvironmentError(
    `another generate is running on ${display} (${who}); run again when it has finished. If no floe process is running, remove ${path}${foreign ? ` as uid ${uid} or root` : ''}`,
    { code: 'environment.locked' },
  );
}

/** Takes the lock of output directory `target` or throws EnvironmentError (code environment.locked) naming its owner. */
export function acquireOutputLock(target: string, display: string): OutputLock {
  const path = lockPathFor(target);
  const startTime = processStartTime('self');
  const holder: Holder = {
    pid: process.pid,
    host: hostname(),
    token: randomBytes(12).toString('hex'),
    since: new Date().toISOString(),
    ...(startTime ? { startTime } : {}),
    leftovers: [],
  };
  const held = (inherited: Leftover[]): OutputLock => {
    heldHere.add(holder.token);
    holder.leftovers = inherited;
    const ours = () => {
      const current = readHolder(path, target);
      return current !== 'missing' && current !== 'unreadable' && current.token === holder.token;
    };
    return {
      path,
      token: holder.token,
      inherited,
      record(leftovers) {
        holder.leftovers = [...leftovers];
        // Nothing left to recover needs no write: release removes the lock.
        if (leftovers.length === 0) return;
        if (!ours()) throw new EnvironmentError(`the lock file ${path} was replaced while this run held it; stopping. ${removeHint(path, true)}`);
        replaceWith(path, `${JSON.stringify(holder)}\n`);
      },
      release() {
        heldHere.delete(holder.token);
        try {
          if (!ours()) return;
          if (holder.leftovers.length === 0) unlinkQuietly(path);
          else replaceWith(path, `${JSON.stringify({ ...holder, ended: true })}\n`);
        } catch {
          // The lock is gone or not ours: nothing to release.
        }
      },
    };
  };
  const content = (inherited: Leftover[]) => `${JSON.stringify({ ...holder, leftovers: inherited })}\n`;
  // A few rounds: each either takes the lock, finds a live owner, or takes over one stale lock.
  for (let round = 0; round < 5; round++) {
    if (tryCreate(path, content([]))) return held([]);
    const found = readHolder(path, target);
    if (found === 'missing') continue;
    if (found === 'unreadable') {
      if (!isOld(path)) throw busy(display, path, found);
    } else if (ownerAlive(found)) {
      throw busy(display, path, found);
    }
    const inherited = found === 'unreadable' ? [] : found.leftovers;
    if (takeOver(path, target, found, content(inherited))) return held(inherited);
  }
  throw busy(display, path, 'unreadable');
}
