import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Removes a directory tree that floe created, without ever following a
 * symlink or leaving the tree, however its entries are renamed or swapped
 * while it runs (issue 20: a recursive delete that lstat()s a directory and
 * then reads it by path deletes whatever a symlink swapped in meanwhile
 * points to).
 *
 * Node has no openat/unlinkat. On Linux, /proc/self/fd/N/name resolves `name`
 * inside the directory open as descriptor N, wherever that directory has been
 * moved since, so every step below is relative to a descriptor whose dev/ino
 * was checked: directories are opened with O_NOFOLLOW|O_DIRECTORY (a symlink
 * swapped in fails to open), checked with fstat against what lstat said, and
 * only then read; symlinks and files are unlinked, never followed (unlink and
 * rmdir do not follow the last component). Elsewhere the same walk runs on
 * paths and re-checks each directory's dev/ino just before reading it, which
 * narrows the window without closing it; the writer works only in parents
 * that other users cannot write (see writer.ts), which is what makes that
 * fallback safe.
 */

export interface DirIdentity {
  dev: bigint;
  ino: bigint;
}

/** The tree changed under us in a way floe did not cause; what is left is left alone. */
export class TreeChangedError extends Error {}

const DIR_NOFOLLOW = constants.O_RDONLY | constants.O_DIRECTORY | (constants.O_NOFOLLOW ?? 0);
const FD_PATHS = process.platform === 'linux' && existsSync('/proc/self/fd');

interface OpenDir {
  fd: number;
  /** How to name entries inside it: the descriptor's /proc path, or (fallback) its path. */
  base: string;
  /** Its path, for messages. */
  shown: string;
  identity: DirIdentity;
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

function sameIdentity(a: DirIdentity, b: DirIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** Opens directory `name` in `parent`, refusing a symlink and anything but the directory `expected` names. */
function openChild(parent: OpenDir, name: string, expected: DirIdentity): OpenDir {
  const path = join(parent.base, name);
  const shown = join(parent.shown, name);
  let fd: number;
  try {
    fd = openSync(path, DIR_NOFOLLOW);
  } catch (err) {
    const code = errno(err);
    if (code === 'ELOOP' || code === 'ENOTDIR') throw new TreeChangedError(`${shown} is no longer a directory`);
    throw err;
  }
  const st = fstatSync(fd, { bigint: true });
  if (!sameIdentity(st, expected)) {
    closeSync(fd);
    throw new TreeChangedError(`${shown} was replaced by another directory`);
  }
  return { fd, base: FD_PATHS ? `/proc/self/fd/${fd}` : path, shown, identity: expected };
}

/** The fallback's re-check: the path still names the directory we opened. */
function recheck(dir: OpenDir): void {
  if (FD_PATHS) return;
  const st = lstatSync(dir.base, { bigint: true });
  if (!st.isDirectory() || !sameIdentity(st, dir.identity)) throw new TreeChangedError(`${dir.shown} was replaced while it was being removed`);
}

function empty(dir: OpenDir): void {
  recheck(dir);
  for (const name of readdirSync(dir.base)) {
    recheck(dir);
    const path = join(dir.base, name);
    let st;
    try {
      st = lstatSync(path, { bigint: true });
    } catch (err) {
      if (errno(err) === 'ENOENT') continue;
      throw err;
    }
    if (st.isDirectory()) {
      const child = openChild(dir, name, st);
      try {
        empty(child);
      } finally {
        closeSync(child.fd);
      }
      rmdirSync(path);
    } else {
      try {
        unlinkSync(path);
      } catch (err) {
        if (errno(err) !== 'ENOENT') throw err;
      }
    }
  }
}

/**
 * Removes directory `name` inside `parentDir`, which must still be the
 * directory `expected` names; throws TreeChangedError (having removed
 * nothing outside it) when it is not, or when its tree changes shape under
 * the walk. A missing `name` is already removed.
 */
export function removeTree(parentDir: string, name: string, expected: DirIdentity): void {
  const pfd = openSync(parentDir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    const st = fstatSync(pfd, { bigint: true });
    const parent: OpenDir = { fd: pfd, base: FD_PATHS ? `/proc/self/fd/${pfd}` : parentDir, shown: parentDir, identity: st };
    let top: OpenDir;
    try {
      top = openChild(parent, name, expected);
    } catch (err) {
      if (errno(err) === 'ENOENT') return;
      throw err;
    }
    try {
      empty(top);
    } finally {
      closeSync(top.fd);
    }
    recheck(parent);
    rmdirSync(join(parent.base, name));
  } finally {
    closeSync(pfd);
  }
}
