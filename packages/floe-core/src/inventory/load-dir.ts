import { readFileSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { InputError } from '../errors.js';
import { compareStrings } from '../util/compare.js';
import type { SourcedObject } from './model.js';

/** Files larger than this are refused rather than parsed (a stray dump, not a manifest). */
export const MAX_INPUT_FILE_BYTES = 64 * 1024 * 1024;
const MAX_ALIAS_COUNT = 100;
const EXTENSIONS = /\.(ya?ml|json)$/i;

async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `--from-dir ${dir}: no such directory` : code === 'ENOTDIR' ? `--from-dir ${dir}: not a directory` : `--from-dir ${dir}: ${(err as Error).message}`);
  }
  return entries
    .filter((e) => e.isFile() && EXTENSIONS.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .filter((p) => !relative(dir, p).split(/[\\/]/).some((part) => part.startsWith('.')))
    .sort(compareStrings);
}

/** Every object of one file's text: YAML (multi-document) or JSON, each located by `file:line`. */
export function parseObjects(text: string, file: string): SourcedObject[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const out: SourcedObject[] = [];
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) {
      const { line, col } = lineCounter.linePos(err.pos[0]);
      throw new InputError(`${file}:${line}:${col}: YAML syntax error: ${err.message.split('\n')[0]}`);
    }
    const line = lineCounter.linePos(doc.contents?.range[0] ?? doc.range[0]).line;
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      throw new InputError(`${file}:${line}: YAML could not be expanded: ${(e as Error).message}`);
    }
    if (data === null || data === undefined) continue;
    if (typeof data !== 'object' || Array.isArray(data)) throw new InputError(`${file}:${line}: expected a Kubernetes object (a mapping with kind and metadata)`);
    out.push({ object: data as Record<string, unknown>, source: `${file}:${line}` });
  }
  return out;
}

/** `--from-dir DIR`: every .yaml, .yml and .json file below DIR (hidden ones excepted), in path order. */
export async function loadObjectsFromDir(dir: string): Promise<{ objects: SourcedObject[]; files: number }> {
  const files = await listFiles(dir);
  const objects: SourcedObject[] = [];
  for (const file of files) {
    let text: string;
    // Synchronous reads: small local files, and one awaited read after another is mostly waiting (see validate/read-dir.ts).
    try {
      const info = statSync(file);
      if (info.size > MAX_INPUT_FILE_BYTES) throw new InputError(`${file}:1: file is ${info.size} bytes; the limit is ${MAX_INPUT_FILE_BYTES}`);
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(`${file}:1: cannot read: ${(err as Error).message}`);
    }
    objects.push(...parseObjects(text, file));
  }
  return { objects, files: files.length };
}
