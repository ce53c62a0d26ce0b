/**
 * The intended objects, from a generation result held in memory or from the
 * YAML files of a `target/network/` directory (one object per file).
 */
import { readFileSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { KubeObject } from '../cluster/types.js';
import { MAX_ALIAS_COUNT } from '../config/load.js';
import { InputError } from '../errors.js';
import type { GenerationResult } from '../network/generator.js';
import { compareStrings } from '../util/compare.js';
import { DIFF_KINDS, type Intent } from './types.js';

/** A generated file is a few KiB; anything this large is not one of floe's. */
export const MAX_OBJECT_FILE_BYTES = 1024 * 1024;

const objectKey = (o: { kind: string; metadata: { namespace?: string; name: string } }) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function assemble(source: string, objects: KubeObject[]): Intent {
  const namespaces = new Set<string>();
  for (const o of objects) namespaces.add(o.kind === 'Namespace' ? o.metadata.name : (o.metadata.namespace as string));
  return { source, namespaces: [...namespaces].sort(compareStrings), objects };
}

/**
 * The intent of `floe network generate`, without writing or re-reading files.
 * A plugin that writes other kinds (a CNI's own policy CRDs) cannot be compared
 * by this diff: refused rather than reported as missing.
 */
export function intentFromGeneration(result: GenerationResult, source: string): Intent {
  const objects = result.files.flatMap((f) => (f.object ? [f.object as unknown as KubeObject] : []));
  const foreign = objects.find((o) => !(DIFF_KINDS as readonly string[]).includes(o.kind));
  if (foreign) throw new InputError(`the plugin writes ${foreign.kind} objects; floe network diff compares only ${DIFF_KINDS.join(', ')}`);
  return assemble(source, objects);
}

export interface SourceFile {
  /** Shown in messages. */
  path: string;
  content: string;
}

function fileError(file: string, message: string, line?: number, col?: number): InputError {
  return new InputError(`${file}${line ? `:${line}:${col ?? 1}` : ''}: ${message}`);
}

/** One object from one file; anything else is bad input, named by file and position. */
export function parseObjectFile(file: SourceFile): KubeObject {
  if (Buffer.byteLength(file.content) > MAX_OBJECT_FILE_BYTES) {
    throw fileError(file.path, `larger than ${MAX_OBJECT_FILE_BYTES} bytes; floe writes one small object per file`);
  }
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(file.content, { lineCounter, prettyErrors: false });
  if (!Array.isArray(docs)) throw fileError(file.path, 'not a YAML document');
  const real = docs.filter((d) => d.contents !== null || d.errors.length);
  for (const d of real) {
    const err = d.errors[0];
    if (err) {
      const pos = lineCounter.linePos(err.pos[0]);
      throw fileError(file.path, `invalid YAML: ${err.message.split('\n')[0]}`, pos.line, pos.col);
    }
  }
  if (real.length !== 1) throw fileError(file.path, `holds ${real.length} YAML documents; floe writes exactly one object per file`);
  let value: unknown;
  try {
    value = (real[0] as (typeof real)[number]).toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    throw fileError(file.path, (err as Error).message.split('\n')[0] as string);
  }
  const o = value as Partial<KubeObject> | null;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw fileError(file.path, 'is not a Kubernetes object (a YAML mapping)');
  if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') throw fileError(file.path, 'has no apiVersion or kind');
  if (!(DIFF_KINDS as readonly string[]).includes(o.kind)) {
    throw fileError(file.path, `holds a ${o.kind}; floe writes only ${DIFF_KINDS.join(', ')}`);
  }
  const meta = o.metadata;
  if (typeof meta !== 'object' || meta === null || typeof meta.name !== 'string' || meta.name === '') throw fileError(file.path, `${o.kind} has no metadata.name`);
  if (o.kind === 'Namespace' ? meta.namespace !== undefined : typeof meta.namespace !== 'string' || meta.namespace === '') {
    throw fileError(file.path, o.kind === 'Namespace' ? 'a Namespace has no metadata.namespace' : `${o.kind} ${meta.name} has no metadata.namespace; floe names the namespace of every object it writes`);
  }
  return o as KubeObject;
}

/** The intent held by a set of files; an object named twice is bad input. */
export function intentFromFiles(source: string, files: SourceFile[]): Intent {
  const seen = new Map<string, string>();
  const objects: KubeObject[] = [];
  for (const file of files) {
    const obj = parseObjectFile(file);
    const key = objectKey(obj);
    const first = seen.get(key);
    if (first) throw fileError(file.path, `${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name} is also in ${first}`);
    seen.set(key, file.path);
    objects.push(obj);
  }
  if (objects.length === 0) throw new InputError(`${source}: no YAML files; write them with \`floe network generate\` or pass --manifest`);
  return assemble(source, objects);
}

/**
 * Reads the `*.yaml`, `*.yml` and `*.json` files of a directory written by
 * `floe network generate` (the summary and `.floe-generated` are not objects).
 * A directory that cannot be read is bad input: the user named it.
 */
export async function loadIntentDir(dir: string): Promise<Intent> {
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) throw new InputError(`--dir ${dir}: not a directory`);
    names = await readdir(dir);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`--dir ${dir}: cannot read it: ${(err as Error).message}`);
  }
  // The files `kubectl apply -f DIR` reads (JSON is YAML too).
  const yamlNames = names.filter((n) => /\.(ya?ml|json)$/.test(n)).sort(compareStrings);
  const files: SourceFile[] = [];
  for (const name of yamlNames) {
    const path = join(dir, name);
    try {
      // Synchronous reads: small local files, and one awaited read after another is mostly waiting (see validate/read-dir.ts).
      const info = statSync(path);
      if (!info.isFile()) throw new InputError(`${path}: not a regular file`);
      // Refused before reading: a huge file is not one of floe's objects.
      if (info.size > MAX_OBJECT_FILE_BYTES) throw fileError(path, `larger than ${MAX_OBJECT_FILE_BYTES} bytes; floe writes one small object per file`);
      files.push({ path, content: readFileSync(path, 'utf8') });
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(`${path}: cannot read it: ${(err as Error).message}`);
    }
  }
  return intentFromFiles(dir, files);
}
