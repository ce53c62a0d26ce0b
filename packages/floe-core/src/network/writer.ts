import { writeFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { EnvironmentError, FloeError } from '../errors.js';
import { acquireOutputLock } from './lock.js';

/**
 * The list of files floe wrote, kept inside the output directory. It is how
 * floe tells its own files from foreign ones, and it has no kubectl-readable
 * extension, so `kubectl apply -f target/network/` ignores it.
 */
export const OWNERSHIP_FILE = '.floe-generated';
const OWNERSHIP_HEADER = '# Files written by `floe network generate`. floe replaces this directory only while it holds no other files.';

export interface FileToWrite {
  path: string;
  content: string;
}

async function ownedFiles(dir: string): Promise<Set<string> | null> {
  try {
    const text = await readFile(join(dir, OWNERSHIP_FILE), 'utf8');
    return new Set(text.split('\n').filter((l) => l && !l.startsWith('#')));
  } catch {
    return null;
  }
}

function fsError(action: string, path: string, err: unknown): EnvironmentError {
  return new EnvironmentError(`cannot ${action} ${path}: ${(err as Error).message}`, { cause: err });
}

/** Files in `dir` that floe did not write; refuses anything but plain files. */
async function foreignEntries(dir: string): Promise<string[]> {
  const owned = (await ownedFiles(dir)) ?? new Set<string>();
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.name !== OWNERSHIP_FILE && !(e.isFile() && owned.has(e.name)))
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
    .sort();
}

/**
 * A run killed between its two renames leaves the previous tree at
 * .<name>.floe-old-*; put it back. Staging trees of killed runs are removed.
 * Only called under the output lock, so no leftover belongs to a live run.
 */
async function recoverInterruptedRun(target: string): Promise<void> {
  const parent = dirname(target);
  const prefix = `.${basename(target)}.floe-`;
  const leftovers = (await readdir(parent).catch(() => [] as string[])).filter((n) => n.startsWith(prefix)).sort();
  let targetExists = await stat(target).then(() => true, () => false);
  for (const name of leftovers) {
    const path = join(parent, name);
    if (name.startsWith(`${prefix}old-`) && !targetExists) {
      await rename(path, target).catch((err: unknown) => {
        throw fsError('restore the previous output from', path, err);
      });
      targetExists = true;
    } else {
      await rm(path, { recursive: true, force: true });
    }
  }
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
 * file-system failure is an EnvironmentError.
 */
export async function replaceOutputDir(outDir: string, files: readonly FileToWrite[]): Promise<void> {
  const target = resolve(outDir);
  const parent = dirname(target);
  try {
    await mkdir(parent, { recursive: true });
  } catch (err) {
    throw fsError('create', parent, err);
  }
  let lock;
  try {
    lock = acquireOutputLock(target, outDir);
  } catch (err) {
    if (err instanceof FloeError) throw err;
    throw fsError('lock', outDir, err);
  }
  try {
    await replaceLocked(outDir, target, files);
  } catch (err) {
    if (err instanceof FloeError) throw err;
    throw fsError('write', outDir, err);
  } finally {
    lock.release();
  }
}

async function replaceLocked(outDir: string, target: string, files: readonly FileToWrite[]): Promise<void> {
  const parent = dirname(target);
  await recoverInterruptedRun(target);
  let exists = false;
  try {
    const info = await stat(target);
    if (!info.isDirectory()) throw new EnvironmentError(`output path ${outDir} exists and is not a directory; refusing to replace it`);
    exists = true;
  } catch (err) {
    if (err instanceof EnvironmentError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fsError('inspect', outDir, err);
  }
  if (exists) {
    const foreign = await foreignEntries(target).catch((err: unknown) => {
      throw fsError('read', outDir, err);
    });
    if (foreign.length > 0) {
      const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, and ${foreign.length - 5} more` : '');
      throw new EnvironmentError(
        `output directory ${outDir} holds files floe did not write (${shown}); refusing to replace it. Move them away, or choose another --output-dir`,
      );
    }
  }

  const prefix = join(parent, `.${basename(target)}.floe-`);
  let staging: string;
  try {
    staging = await mkdtemp(`${prefix}new-`);
    // mkdtemp makes the directory private (0700); the output is meant to be read and reviewed.
    await chmod(staging, 0o755);
  } catch (err) {
    throw fsError('create a staging directory in', parent, err);
  }
  try {
    for (const f of files) writeNew(join(staging, f.path), f.content);
    writeNew(join(staging, OWNERSHIP_FILE), [OWNERSHIP_HEADER, ...files.map((f) => f.path).sort()].join('\n') + '\n');
    if (exists) {
      // rename(2) cannot swap two directories, so the old tree moves aside first and is removed last.
      const old = `${prefix}old-${basename(staging).slice(-6)}`;
      await rename(target, old);
      try {
        await rename(staging, target);
      } catch (err) {
        await rename(old, target);
        throw err;
      }
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(staging, target);
    }
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    if (err instanceof EnvironmentError) throw err;
    throw fsError('write', outDir, err);
  }
}
