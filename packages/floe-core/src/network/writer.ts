import { chmodSync, lstatSync, mkdirSync, readdirSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync, type BigIntStats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { EnvironmentError, FloeError, InputError } from '../errors.js';
import { LIMITS } from '../manifests/limits.js';
import { InputFileError, readInputText, readInputTextIfExists } from '../manifests/read.js';
import { acquireOutputLock, leftoverName, whyUnusable, type Leftover, type OutputLock } from './lock.js';
import { removeTree, TreeChangedError, type DirIdentity } from './remove.js';

/**
 * The list of files floe wrote, kept inside the output directory. It is how
 * floe tells its own files from foreign ones, and it has no kubectl-readable
 * extension, so `kubectl apply -f target/network/` ignores it.
 */
export const OWNERSHIP_FILE = '.floe-generated';
const OWNERSHIP_HEADER = '# Files written by `floe network generate`. floe replaces this directory only while it holds no other files.';
/**
 * Written, holding the run's token, into each directory a run makes or moves
 * beside the output, so a later run can prove the directory is that run's
 * before it touches it. Removed once the new tree is in place; one left by a
 * crash at that moment is accepted as floe's and goes with the next run.
 */
const MARKER_FILE = '.floe-staging';

export interface FileToWrite {
  path: string;
  content: string;
}

function fsError(action: string, path: string, err: unknown): EnvironmentError {
  return new EnvironmentError(`cannot ${action} ${path}: ${(err as Error).message}`, { cause: err });
}

function myUid(): number {
  return process.getuid?.() ?? -1;
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function lstatOrUndefined(path: string): BigIntStats | undefined {
  try {
    return lstatSync(path, { bigint: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
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
 * `-d /`, `-d .`, `-d ..`: replacing the file-system root, or a directory the
 * user is standing in, is never what they meant (issue 20). Checked on the
 * path as given and on its real path.
 */
function refuseRootOrCwd(target: string, outDir: string): void {
  const paths = [target];
  try {
    paths.push(realpathSync(target));
  } catch {
    // Not there yet: it holds nothing.
  }
  let cwd: string | undefined;
  try {
    cwd = process.cwd();
  } catch {
    // The working directory was removed: nothing can hold it.
  }
  for (const p of paths) {
    if (dirname(p) === p) throw new InputError(`refusing to replace ${outDir}: it is the file-system root; choose an output directory such as target/network`);
    if (cwd !== undefined && isInside(cwd, p)) {
      throw new InputError(`refusing to replace ${outDir}: it holds the current directory (${cwd}); choose an output directory below it, such as target/network`);
    }
  }
}

/**
 * A run's staging tree and the previous tree sit beside the output. In a
 * directory every user can write, another user can plant or swap entries
 * there while floe works on them (issue 20), so floe refuses to work there at
 * all, as git refuses a repository another user owns.
 */
function refuseSharedParent(parent: string, outDir: string): void {
  let mode: number;
  try {
    mode = statSync(parent).mode;
  } catch (err) {
    throw fsError('inspect', parent, err);
  }
  if (mode & 0o002) {
    throw new EnvironmentError(
      `refusing to write ${outDir}: its parent directory ${parent} is writable by every user (mode ${(mode & 0o7777).toString(8)}), so another user could plant or swap the entries floe makes beside the output; choose an output directory inside a directory that only you (or your group) can write`,
    );
  }
}

/** The files floe recorded writing in `dir`, or null when there is no record. */
function ownedFiles(dir: string, outDir: string): Set<string> | null {
  const path = join(dir, OWNERSHIP_FILE);
  let text: string | undefined;
  try {
    text = readInputTextIfExists(path, { root: dir, maxBytes: LIMITS.recordBytes });
  } catch (err) {
    if (err instanceof InputFileError && err.reason === 'missing') return null;
    if (err instanceof InputFileError) {
      throw new EnvironmentError(
        `refusing to replace ${outDir}: ${path} is ${whyUnusable(path, err)}, not the record floe writes of its files; remove it and anything you want to keep from ${outDir}, then run again`,
        { cause: err },
      );
    }
    throw err;
  }
  return text === undefined ? null : new Set(text.split('\n').filter((l) => l && !l.startsWith('#')));
}

/** Files in `dir` that floe did not write; refuses anything but plain files. */
function foreignEntries(dir: string, outDir: string): string[] {
  const owned = ownedFiles(dir, outDir) ?? new Set<string>();
  const entries = readdirSync(dir, { withFileTypes: true });
  return entries
    .filter((e) => !(e.isFile() && (e.name === OWNERSHIP_FILE || e.name === MARKER_FILE || owned.has(e.name))))
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
    .sort();
}

/**
 * Whether `l` is still exactly the directory a run of ours recorded: the same
 * dev, inode and owner as recorded, and inside it a marker file that we own
 * holding that run's token. A staging tree must also be ours (an old tree is
 * the previous output, which may belong to someone else).
 */
function provablyOurs(parent: string, l: Leftover): boolean {
  const path = join(parent, l.name);
  try {
    const st = lstatSync(path, { bigint: true });
    if (!st.isDirectory() || String(st.dev) !== l.dev || String(st.ino) !== l.ino || Number(st.uid) !== l.uid) return false;
    if (l.kind === 'staging' && l.uid !== myUid()) return false;
    const marker = join(path, MARKER_FILE);
    const mst = lstatSync(marker);
    if (!mst.isFile() || mst.uid !== myUid()) return false;
    return readInputText(marker, { root: path, maxBytes: LIMITS.recordBytes }).trim() === l.token;
  } catch {
    return false;
  }
}

const identityOf = (l: Leftover): DirIdentity => ({ dev: BigInt(l.dev), ino: BigInt(l.ino) });

function leftover(kind: Leftover['kind'], target: string, token: string, st: BigIntStats): Leftover {
  return { kind, name: leftoverName(target, kind, token), token, dev: String(st.dev), ino: String(st.ino), uid: Number(st.uid) };
}

/**
 * A run killed between its two renames leaves the previous tree moved aside;
 * put it back. Staging trees of killed runs are removed. Only what a crashed
 * run recorded in the lock we took over, and that is provably still what it
 * made, is touched; anything else beside the output is left alone.
 */
function recoverInterruptedRuns(parent: string, target: string, lock: OutputLock): void {
  // Restore first: a previous tree moved aside is the user's last complete output.
  const ordered = [...lock.inherited].sort((a, b) => Number(a.kind === 'staging') - Number(b.kind === 'staging'));
  for (const l of ordered) {
    if (!provablyOurs(parent, l)) continue;
    const path = join(parent, l.name);
    if (l.kind === 'old' && lstatOrUndefined(target) === undefined) {
      try {
        renameSync(path, target);
      } catch (err) {
        throw fsError('restore the previous output from', path, err);
      }
      unlinkQuietly(join(target, MARKER_FILE));
      continue;
    }
    try {
      removeTree(parent, l.name, identityOf(l));
    } catch (err) {
      // Changed under us: no longer provably ours, so what is left stays.
      if (err instanceof TreeChangedError) continue;
      throw fsError('remove', path, err);
    }
  }
  lock.record([]);
}

/**
 * Exclusive create, so a file can never be written twice. Synchronous on
 * purpose: parallel creates in one directory contend on its lock and were 4x
 * slower at 50,000 files. No fsync per file: the rename makes the swap atomic
 * for readers and against an interrupted process, and the tree is
 * regenerable from manifest.yaml.
 */
function writeNew(path: string, content: string): void {
  writeFileSync(path, content, { encoding: 'utf8', flag: 'wx', mode: 0o644 });
}

/**
 * Replaces `outDir` with exactly `files`, atomically: the new tree is built
 * beside it and renamed into place, so an interrupted or failed run leaves the
 * previous content intact. Files from an earlier run that are no longer
 * generated disappear; a directory holding files floe did not write is never
 * touched (EnvironmentError, exit 3). One run at a time per directory: a
 * concurrent run fails with EnvironmentError code environment.locked; every
 * file-system failure is an EnvironmentError. The file-system root and the
 * directories holding the working directory are refused (InputError), and so is
 * a parent directory every user can write (EnvironmentError).
 */
/**
 * The files an earlier run recorded writing in `outDir` that `files` no longer
 * holds: what replacing it removes (for the report; nothing is changed here).
 */
export function filesRemovedBy(outDir: string, files: readonly FileToWrite[]): string[] {
  const target = resolve(outDir);
  let owned: Set<string> | null;
  try {
    owned = lstatOrUndefined(target)?.isDirectory() ? ownedFiles(target, outDir) : null;
  } catch (err) {
    if (err instanceof FloeError) throw err;
    throw fsError('read', outDir, err);
  }
  const kept = new Set(files.map((f) => f.path));
  return [...(owned ?? [])].filter((f) => !kept.has(f)).sort();
}

export async function replaceOutputDir(outDir: string, files: readonly FileToWrite[]): Promise<void> {
  const target = resolve(outDir);
  refuseRootOrCwd(target, outDir);
  const parent = dirname(target);
  try {
    // 0755 whatever the umask allows beyond it: a parent floe made must not be one it then refuses.
    mkdirSync(parent, { recursive: true, mode: 0o755 });
  } catch (err) {
    throw fsError('create', parent, err);
  }
  refuseSharedParent(parent, outDir);
  let lock;
  try {
    lock = acquireOutputLock(target, outDir);
  } catch (err) {
    if (err instanceof FloeError) throw err;
    throw fsError('lock', outDir, err);
  }
  try {
    replaceLocked(outDir, target, files, lock);
  } catch (err) {
    if (err instanceof FloeError) throw err;
    throw fsError('write', outDir, err);
  } finally {
    lock.release();
  }
}

function replaceLocked(outDir: string, target: string, files: readonly FileToWrite[], lock: OutputLock): void {
  const parent = dirname(target);
  recoverInterruptedRuns(parent, target, lock);
  let current: BigIntStats | undefined;
  try {
    current = lstatOrUndefined(target);
  } catch (err) {
    throw fsError('inspect', outDir, err);
  }
  if (current?.isSymbolicLink()) {
    throw new EnvironmentError(`output path ${outDir} is a symlink; floe replaces only a directory (renaming would replace the link, not what it points to): give the directory it points to`);
  }
  if (current && !current.isDirectory()) throw new EnvironmentError(`output path ${outDir} exists and is not a directory; refusing to replace it`);
  if (current) {
    let foreign: string[];
    try {
      foreign = foreignEntries(target, outDir);
    } catch (err) {
      if (err instanceof FloeError) throw err;
      throw fsError('read', outDir, err);
    }
    if (foreign.length > 0) {
      const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, and ${foreign.length - 5} more` : '');
      throw new EnvironmentError(
        `output directory ${outDir} holds files floe did not write (${shown}); refusing to replace it. Move them away, or choose another --output-dir`,
      );
    }
  }

  // Each directory is recorded in the lock before it can be left behind, and marked inside as this run's.
  const recorded: Leftover[] = [];
  const staging = join(parent, leftoverName(target, 'staging', lock.token));
  try {
    mkdirSync(staging, { mode: 0o700 });
    recorded.push(leftover('staging', target, lock.token, lstatSync(staging, { bigint: true })));
    lock.record(recorded);
    writeNew(join(staging, MARKER_FILE), `${lock.token}\n`);
    // Private while it is made; the output is meant to be read and reviewed.
    chmodSync(staging, 0o755);
  } catch (err) {
    if (err instanceof FloeError) throw err;
    throw fsError('create a staging directory in', parent, err);
  }
  try {
    for (const f of files) writeNew(join(staging, f.path), f.content);
    writeNew(join(staging, OWNERSHIP_FILE), [OWNERSHIP_HEADER, ...files.map((f) => f.path).sort()].join('\n') + '\n');
    if (current) {
      // rename(2) cannot swap two directories, so the old tree moves aside first and is removed last.
      const old = leftover('old', target, lock.token, current);
      recorded.push(old);
      lock.record(recorded);
      const marker = join(target, MARKER_FILE);
      unlinkQuietly(marker);
      writeNew(marker, `${lock.token}\n`);
      try {
        renameSync(target, join(parent, old.name));
      } catch (err) {
        unlinkQuietly(marker);
        throw err;
      }
      try {
        renameSync(staging, target);
      } catch (err) {
        renameSync(join(parent, old.name), target);
        unlinkQuietly(marker);
        throw err;
      }
      unlinkQuietly(marker);
      removeTree(parent, old.name, current);
    } else {
      renameSync(staging, target);
      unlinkQuietly(join(target, MARKER_FILE));
    }
    lock.record([]);
  } catch (err) {
    try {
      removeTree(parent, basename(staging), identityOf(recorded[0] as Leftover));
    } catch {
      // Left recorded in the lock for the next run.
    }
    try {
      // What is still there stays recorded, so the lock is kept for the next run to recover it.
      lock.record(recorded.filter((l) => lstatOrUndefined(join(parent, l.name)) !== undefined));
    } catch {
      // The failure being reported matters more.
    }
    if (err instanceof FloeError) throw err;
    throw fsError('write', outDir, err);
  }
}
