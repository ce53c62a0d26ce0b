import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { InputError } from '../errors.js';

/** Limits for untrusted input: no file may make the parser run away. */
export const MAX_MANIFEST_FILE_BYTES = 32 * 1024 * 1024;
const MAX_ALIAS_COUNT = 100;

/** One Kubernetes object read from a file, with where it starts. */
export interface ManifestObject {
  file: string;
  /** 1-based line of the object (of the list item, for `kind: List`). */
  line: number;
  object: Record<string, unknown>;
  /** Finds the line of a path inside the object (`spec.template.spec`), falling back to the object's line. */
  lineOf(segments: readonly (string | number)[]): number;
}

export interface ManifestProblem {
  file: string;
  line: number;
  col: number;
  message: string;
}

/** Every problem in the input files, each with file:line:col; exit 2. */
export class ManifestInputError extends InputError {
  constructor(readonly problems: readonly ManifestProblem[]) {
    const n = problems.length;
    super(`${n} problem${n === 1 ? '' : 's'} in the input:\n${problems.map((p) => `  ${p.file}:${p.line}:${p.col} ${p.message}`).join('\n')}`);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Kubernetes objects from YAML or JSON text: several documents, `kind: List` (and any
 * `*List` with items) expanded, empty documents skipped. Syntax errors and documents that
 * are not objects are returned as problems naming file and line; the other documents are
 * still read, so one run reports everything.
 */
export function parseManifestObjects(text: string, file: string): { objects: ManifestObject[]; problems: ManifestProblem[] } {
  if (Buffer.byteLength(text, 'utf8') > MAX_MANIFEST_FILE_BYTES) return { objects: [], problems: [{ file, line: 1, col: 1, message: `file is larger than ${MAX_MANIFEST_FILE_BYTES} bytes` }] };
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number | undefined) => lineCounter.linePos(offset ?? 0);
  const problems: ManifestProblem[] = [];
  const out: ManifestObject[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    for (const e of doc.errors) problems.push({ file, ...at(e.pos[0]), message: `YAML syntax error: ${e.message.split('\n')[0]}` });
    if (doc.errors.length) continue;
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      problems.push({ file, ...at(doc.contents?.range?.[0]), message: `YAML could not be expanded: ${(err as Error).message}` });
      continue;
    }
    if (data === null || data === undefined) continue;
    const start = doc.contents?.range?.[0];
    if (!isRecord(data)) {
      problems.push({ file, ...at(start), message: 'a document must be a Kubernetes object (a mapping with apiVersion and kind)' });
      continue;
    }
    const items = data.items;
    if (typeof data.kind === 'string' && data.kind.endsWith('List') && Array.isArray(items)) {
      items.forEach((item, i) => {
        const itemStart = nodeStart(doc, ['items', i]);
        if (!isRecord(item)) problems.push({ file, ...at(itemStart), message: `items[${i}] must be a Kubernetes object` });
        else out.push(objectAt(doc, file, item, ['items', i], at));
      });
    } else {
      out.push(objectAt(doc, file, data, [], at));
    }
  }
  return { objects: out, problems };
}

/** Where the node at `path` starts: the key's position for a mapping entry, the item's for a list element. */
function nodeStart(doc: Document, path: readonly (string | number)[]): number | undefined {
  let node: unknown = doc.contents;
  let start = (node as { range?: [number, number, number] } | null)?.range?.[0];
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
      if (!pair) return undefined;
      start = (pair.key as { range?: [number, number, number] } | null)?.range?.[0];
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      start = (node as { range?: [number, number, number] } | null)?.range?.[0];
    } else {
      return undefined;
    }
  }
  return start;
}

function objectAt(doc: Document, file: string, object: Record<string, unknown>, prefix: (string | number)[], at: (offset: number | undefined) => { line: number }): ManifestObject {
  const line = at(nodeStart(doc, prefix)).line;
  return {
    file,
    line,
    object,
    lineOf: (segments) => {
      for (let n = segments.length; n > 0; n--) {
        const start = nodeStart(doc, [...prefix, ...segments.slice(0, n)]);
        if (start !== undefined) return at(start).line;
      }
      return line;
    },
  };
}
