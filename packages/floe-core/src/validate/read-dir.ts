import { statSync } from 'node:fs';
import { LIMITS } from '../manifests/limits.js';
import { InputFileError, listInputDir, readEntryText } from '../manifests/read.js';
import type { DirEntry } from './files.js';

/**
 * Reads the output directory for validation through the one safe reader:
 * every entry, with the text of each regular file up to
 * LIMITS.generatedFileBytes. A symlink is followed only inside the directory;
 * one that leaves it, a FIFO, a device or a /proc file is refused (exit 2),
 * naming the entry: validate prints diffs of what it reads, and must never
 * print a file from outside the tree (`-> /proc/self/environ`).
 */
export async function readNetworkDir(dir: string): Promise<DirEntry[]> {
  const listed = listInputDir(dir);
  const entries: DirEntry[] = [];
  // Synchronous on purpose: one awaited read after another cost 3 s of waiting for 15,000 files; these are a local directory's small files.
  for (const e of listed) {
    if (e.type !== 'file') {
      entries.push({ name: e.name, type: e.type, size: 0 });
      continue;
    }
    try {
      const content = readEntryText(e, LIMITS.generatedFileBytes);
      entries.push({ name: e.name, type: 'file', size: Buffer.byteLength(content), content });
    } catch (err) {
      if (!(err instanceof InputFileError) || err.reason !== 'too-large') throw err;
      entries.push({ name: e.name, type: 'file', size: statSync(e.realPath).size });
    }
  }
  return entries;
}
