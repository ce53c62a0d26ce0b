import { readFileSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { DirEntry } from './files.js';
import { MAX_FILE_BYTES } from './source.js';

function unreadable(path: string, err: unknown): InputError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : code === 'ENOTDIR' ? 'not a directory' : (err as Error).message;
  return new InputError(`cannot read ${path}: ${why}`, { cause: err });
}

/**
 * Reads the output directory for validation: every entry, following symlinks
 * as kubectl does, with the text of each regular file up to MAX_FILE_BYTES.
 * A missing or unreadable directory or file is invalid input (exit 2).
 */
export async function readNetworkDir(dir: string): Promise<DirEntry[]> {
  let names: string[];
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    names = await readdir(dir);
  } catch (err) {
    throw unreadable(dir, err);
  }
  const entries: DirEntry[] = [];
  // Synchronous on purpose: one awaited read after another cost 3 s of waiting for 15,000 files; these are a local directory's small files.
  for (const name of names.sort()) {
    const path = join(dir, name);
    try {
      // A dangling symlink: there, but nothing kubectl could read.
      const info = statSync(path, { throwIfNoEntry: false });
      if (!info) {
        entries.push({ name, type: 'other', size: 0 });
      } else if (info.isFile()) {
        entries.push({ name, type: 'file', size: info.size, ...(info.size <= MAX_FILE_BYTES ? { content: readFileSync(path, 'utf8') } : {}) });
      } else {
        entries.push({ name, type: info.isDirectory() ? 'directory' : 'other', size: info.size });
      }
    } catch (err) {
      throw unreadable(path, err);
    }
  }
  return entries;
}
