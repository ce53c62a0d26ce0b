/**
 * The intended objects, from a generation result held in memory or from the
 * YAML files of a `target/network/` directory (one object per file).
 */
import type { KubeObject } from '../cluster/types.js';
import { InputError } from '../errors.js';
import { LIMITS } from '../manifests/limits.js';
import { OBJECT_FILE } from '../manifests/load.js';
import { parseManifestObjects } from '../manifests/objects.js';
import { InputFileError, listInputDir, readEntryText } from '../manifests/read.js';
import type { GenerationResult } from '../network/generator.js';
import { compareStrings } from '../util/compare.js';
import { DIFF_KINDS, GUARDRAIL_KINDS, NOT_COMPARED_KINDS, type Intent, type ObjectRef } from './types.js';

/** A generated file is a few KiB; anything this large is not one of floe's. */
export const MAX_OBJECT_FILE_BYTES = LIMITS.generatedFileBytes;

const objectKey = (o: { kind: string; metadata: { namespace?: string; name: string } }) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

const setAside = (o: { kind?: string }) => (NOT_COMPARED_KINDS as readonly string[]).includes(o.kind ?? '');

function assemble(source: string, all: KubeObject[]): Intent {
  const namespaces = new Set<string>();
  const objects = all.filter((o) => !setAside(o));
  const notCompared: ObjectRef[] = all.filter(setAside).map((o) => ({ kind: o.kind, namespace: null, name: o.metadata.name }));
  for (const o of objects) {
    if (GUARDRAIL_KINDS.includes(o.kind)) continue;
    namespaces.add(o.kind === 'Namespace' ? o.metadata.name : (o.metadata.namespace as string));
  }
  return { source, namespaces: [...namespaces].sort(compareStrings), objects, ...(notCompared.length ? { notCompared } : {}) };
}

/**
 * The intent of `floe network generate`, without writing or re-reading files.
 * A plugin that writes other kinds (a CNI's own policy CRDs) cannot be compared
 * by this diff: refused rather than reported as missing.
 */
export function intentFromGeneration(result: GenerationResult, source: string): Intent {
  const objects = result.files.flatMap((f) => (f.object ? [f.object] : []));
  const foreign = objects.find((o) => !(DIFF_KINDS as readonly string[]).includes(o.kind) && !setAside(o));
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
  const { objects, problems } = parseManifestObjects(file.content, file.path);
  const first = problems[0];
  if (first) throw fileError(file.path, first.message, first.line, first.col);
  if (objects.length !== 1) throw fileError(file.path, `holds ${objects.length} objects; floe writes exactly one object per file`);
  const value: unknown = (objects[0] as (typeof objects)[number]).object;
  const o = value as Partial<KubeObject> | null;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw fileError(file.path, 'is not a Kubernetes object (a YAML mapping)');
  if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') throw fileError(file.path, 'has no apiVersion or kind');
  if (!(DIFF_KINDS as readonly string[]).includes(o.kind) && !setAside(o)) {
    throw fileError(file.path, `holds a ${o.kind}; floe writes only ${[...DIFF_KINDS, ...NOT_COMPARED_KINDS].join(', ')}`);
  }
  const meta = o.metadata;
  if (typeof meta !== 'object' || meta === null || typeof meta.name !== 'string' || meta.name === '') throw fileError(file.path, `${o.kind} has no metadata.name`);
  if (setAside(o)) return o as KubeObject;
  const clusterScoped = o.kind === 'Namespace' || GUARDRAIL_KINDS.includes(o.kind);
  if (clusterScoped ? meta.namespace !== undefined : typeof meta.namespace !== 'string' || meta.namespace === '') {
    throw fileError(file.path, clusterScoped ? `a ${o.kind} is cluster-scoped: it has no metadata.namespace` : `${o.kind} ${meta.name} has no metadata.namespace; floe names the namespace of every object it writes`);
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
  const entries = listInputDir(dir);
  const files: SourceFile[] = [];
  for (const entry of entries) {
    if (!OBJECT_FILE.test(entry.name)) continue;
    if (entry.type === 'directory') throw new InputError(`${entry.path}: a directory, not a regular file`);
    try {
      files.push({ path: entry.path, content: readEntryText(entry, MAX_OBJECT_FILE_BYTES) });
    } catch (err) {
      if (err instanceof InputFileError && err.reason === 'too-large') throw fileError(entry.path, `larger than ${MAX_OBJECT_FILE_BYTES} bytes; floe writes one small object per file`);
      throw err;
    }
  }
  return intentFromFiles(dir, files);
}
