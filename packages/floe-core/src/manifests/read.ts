import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync, statfsSync, type Stats } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../errors.js';
import { compareStrings } from '../util/compare.js';
import { LIMITS } from './limits.js';

/**
 * The one way floe reads a file it did not write itself in this run: input
 * manifests, object directories, the output directory read back, its lock and
 * ownership record.
 *
 * A policy tool runs in CI on pull requests, where an attacker chooses the
 * files. So a file is read only when it is a regular file on a real file
 * system, opened without blocking and without following a final symlink, and
 * read up to a byte cap counted on the bytes actually read (st_size is 0 for
 * /proc files and meaningless for devices).
 *
 * Symlinks: kubectl follows them, and so do Kubernetes' own volume mounts (a
 * ConfigMap file is `name -> ..data/name`), so floe follows a symlink only when
 * its target stays inside the input root: the directory the user named, or,
 * for a file named on its own, the directory holding it. A link that leaves it
 * (`-> /proc/self/environ`, `-> ~/.kube/config`) is refused, naming the link.
 */

export type InputFileErrorCode = 'missing' | 'symlink-escapes' | 'not-regular' | 'pseudo-fs' | 'too-large' | 'unreadable' | 'not-directory';

/** A file floe refuses to read, or cannot: exit 2 (the user named it, or a file in what they named). */
export class InputFileError extends InputError {
  constructor(
    readonly path: string,
    readonly reason: InputFileErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, { ...options, code: `input.file.${reason}` });
  }
}

/** procfs, sysfs, debugfs, securityfs, tracefs, cgroup, cgroup2, configfs, efivarfs: files whose size lies and whose content is the machine's. */
const PSEUDO_FS_MAGIC = new Set([0x9fa0, 0x62656572, 0x64626720, 0x73636673, 0x74726163, 0x27e0eb, 0x63677270, 0x62656570, 0xde5e81e4]);

const NONBLOCK_NOFOLLOW = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

function isInside(path: string, root: string): boolean {
  if (path === root) return true;
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep);
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a directory';
  if (st.isSymbolicLink()) return 'a symlink';
  return 'not a regular file';
}

/**
 * Where `path` really is, when following it keeps inside `root` (already a real
 * path); refuses a link that leaves it. A path that is not a link is itself.
 */
function resolveWithin(path: string, root: string, shown: string): string {
  let lst: Stats;
  try {
    lst = lstatSync(path);
  } catch (err) {
    throw unreadable(shown, err);
  }
  let real: string;
  try {
    real = realpathSync(path);
  } catch (err) {
    if (lst.isSymbolicLink()) throw new InputFileError(shown, 'symlink-escapes', `${shown}: a symlink to nothing that can be read; floe follows a symlink only to a file inside ${root}`, { cause: err });
    throw unreadable(shown, err);
  }
  if (!isInside(real, root)) {
    throw new InputFileError(
      shown,
      'symlink-escapes',
      `${shown}: a symlink to ${real}, outside ${root}; floe follows a symlink only when its target stays inside the input it was given (a file it reads could be printed)`,
    );
  }
  return real;
}

function unreadable(shown: string, err: unknown): InputFileError {
  const code = errnoOf(err);
  if (code === 'ENOENT') return new InputFileError(shown, 'missing', `cannot read ${shown}: no such file or directory`, { cause: err });
  if (code === 'EACCES' || code === 'EPERM') return new InputFileError(shown, 'unreadable', `cannot read ${shown}: permission denied`, { cause: err });
  if (code === 'ENOTDIR') return new InputFileError(shown, 'not-directory', `cannot read ${shown}: a path component is not a directory`, { cause: err });
  if (code === 'ELOOP') return new InputFileError(shown, 'symlink-escapes', `cannot read ${shown}: it is a symlink floe does not follow here`, { cause: err });
  if (code === 'EISDIR') return new InputFileError(shown, 'not-regular', `cannot read ${shown}: it is a directory, not a file`, { cause: err });
  return new InputFileError(shown, 'unreadable', `cannot read ${shown}: ${code ?? (err as Error).message}`, { cause: err });
}

function refusePseudoFs(real: string, shown: string): void {
  let type: number;
  try {
    type = statfsSync(real).type;
  } catch {
    return;
  }
  if (PSEUDO_FS_MAGIC.has(type)) throw new InputFileError(shown, 'pseudo-fs', `${shown}: a file of the kernel's pseudo file systems (/proc, /sys), not an input file`);
}

/**
 * Reads one regular file, at most `maxBytes` of it. `realPath` must be a real
 * path (no symlink left in it). Opened with O_NOFOLLOW | O_NONBLOCK, so a
 * symlink swapped in since is refused and a FIFO never blocks; fstat on the
 * open descriptor decides what it is.
 */
function readOpened(realPath: string, shown: string, maxBytes: number): Buffer {
  refusePseudoFs(realPath, shown);
  let fd: number;
  try {
    fd = openSync(realPath, NONBLOCK_NOFOLLOW);
  } catch (err) {
    throw unreadable(shown, err);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new InputFileError(shown, 'not-regular', `${shown}: ${kindOf(st)}, not a regular file; floe reads only regular files`);
    if (st.size > maxBytes) throw tooLarge(shown, maxBytes);
    // Count what is read, not what stat says: one byte past the cap is enough to refuse.
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.allocUnsafe(Math.min(Math.max(st.size + 1, 4096), maxBytes + 1, 1 << 20));
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, Math.min(chunk.length, maxBytes + 1 - total), null);
      } catch (err) {
        if (errnoOf(err) === 'EAGAIN') throw new InputFileError(shown, 'not-regular', `${shown}: would block; floe reads only regular files`, { cause: err });
        throw unreadable(shown, err);
      }
      if (n === 0) break;
      chunks.push(Buffer.from(chunk.subarray(0, n)));
      total += n;
      if (total > maxBytes) throw tooLarge(shown, maxBytes);
    }
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(shown: string, maxBytes: number): InputFileError {
  return new InputFileError(shown, 'too-large', `${shown}: larger than ${maxBytes} bytes, the limit for an input file`);
}

export interface ReadFileOptions {
  /** Byte cap, on the bytes read. Default LIMITS.fileBytes. */
  maxBytes?: number;
  /**
   * The input root a symlink must stay inside (a real path, or a path to
   * resolve). Default: the directory holding the file.
   */
  root?: string;
  /** How the file is named in messages. Default: the path as given. */
  shown?: string;
}

function realRoot(root: string, shown: string): string {
  try {
    return realpathSync(root);
  } catch (err) {
    throw unreadable(shown, err);
  }
}

/** The bytes of one regular file (see the module comment for what is refused). */
export function readInputBytes(path: string, options: ReadFileOptions = {}): Buffer {
  const shown = options.shown ?? path;
  const root = realRoot(options.root ?? dirname(resolve(path)), shown);
  const real = resolveWithin(resolve(path), root, shown);
  return readOpened(real, shown, options.maxBytes ?? LIMITS.fileBytes);
}

/** The text of one regular file, as UTF-8. */
export function readInputText(path: string, options: ReadFileOptions = {}): string {
  return readInputBytes(path, options).toString('utf8');
}

/** Like readInputText, but undefined when nothing is at `path` (not even a dangling link). */
export function readInputTextIfExists(path: string, options: ReadFileOptions = {}): string | undefined {
  try {
    lstatSync(path);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
  }
  return readInputText(path, options);
}

export interface DirectoryEntry {
  /** Path relative to the root, `/`-separated. */
  name: string;
  /** The path to show: the root as given, joined with name. */
  path: string;
  /** The real path to read (symlinks resolved inside the root). */
  realPath: string;
  type: 'file' | 'directory' | 'other';
}

export interface ListOptions {
  recursive?: boolean;
  /** Skip entries (and, recursive, directories) whose name starts with a dot. */
  skipHidden?: boolean;
}

/**
 * The entries of a directory the user named, sorted by code unit, without
 * reading them. A symlinked entry is resolved within the root and typed by
 * its target; one that leaves the root is refused. Recursive walks do not
 * descend into symlinked directories (their target is inside the root and
 * walked where it is).
 */
export function listInputDir(dir: string, options: ListOptions = {}): DirectoryEntry[] {
  let st: Stats;
  try {
    st = lstatSync(dir);
  } catch (err) {
    // One message for every command that reads a directory (validate, diff --dir, audit --from-dir, pss check -f).
    if (errnoOf(err) === 'ENOENT') throw new InputFileError(dir, 'missing', `cannot read ${dir}: no such directory`, { cause: err });
    throw unreadable(dir, err);
  }
  // The directory itself may be a link (a mounted volume, `target -> build/target`), when it stays beside the link.
  const root = st.isSymbolicLink() ? resolveWithin(resolve(dir), realRoot(dirname(resolve(dir)), dir), dir) : realRoot(dir, dir);
  const rootSt = lstatSync(root);
  if (!rootSt.isDirectory()) throw new InputFileError(dir, 'not-directory', `cannot read ${dir}: not a directory`);
  refusePseudoFs(root, dir);
  const out: DirectoryEntry[] = [];
  const walk = (realDir: string, rel: string) => {
    let names: string[];
    try {
      names = readdirSync(realDir);
    } catch (err) {
      throw unreadable(rel ? join(dir, rel) : dir, err);
    }
    for (const name of names.sort(compareStrings)) {
      if (options.skipHidden && name.startsWith('.')) continue;
      const relName = rel ? `${rel}/${name}` : name;
      const shown = join(dir, relName);
      const p = join(realDir, name);
      let lst: Stats;
      try {
        lst = lstatSync(p);
      } catch (err) {
        throw unreadable(shown, err);
      }
      if (lst.isSymbolicLink()) {
        const real = resolveWithin(p, root, shown);
        const target = lstatSync(real);
        out.push({ name: relName, path: shown, realPath: real, type: target.isFile() ? 'file' : target.isDirectory() ? 'directory' : 'other' });
        continue;
      }
      const type = lst.isFile() ? 'file' : lst.isDirectory() ? 'directory' : 'other';
      out.push({ name: relName, path: shown, realPath: p, type });
      if (type === 'directory' && options.recursive) walk(p, relName);
    }
  };
  walk(root, '');
  return out.sort((a, b) => compareStrings(a.name, b.name));
}

/** Reads a file that listInputDir returned. */
export function readEntryText(entry: DirectoryEntry, maxBytes: number = LIMITS.fileBytes): string {
  if (entry.type === 'directory') throw new InputFileError(entry.path, 'not-regular', `${entry.path}: a directory, not a regular file`);
  // Anything else is opened without blocking and named by what fstat says it is (a FIFO, a device).
  if (isSocket(entry.realPath)) throw new InputFileError(entry.path, 'not-regular', `${entry.path}: a socket, not a regular file; floe reads only regular files`);
  return readOpened(entry.realPath, entry.path, maxBytes).toString('utf8');
}

function isSocket(path: string): boolean {
  try {
    return lstatSync(path).isSocket();
  } catch {
    return false;
  }
}
