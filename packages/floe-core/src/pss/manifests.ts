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
  return parseJsonFast(text, file) ?? parseYaml(text, file);
}

/**
 * One JSON document (`kubectl get -o json`, a List of thousands of pods) parses a hundred
 * times faster with JSON.parse than through the YAML parser; its item lines come from a
 * scan of the text. Anything else, including malformed JSON, goes to the YAML parser,
 * which also places every error.
 */
function parseJsonFast(text: string, file: string): { objects: ManifestObject[]; problems: ManifestProblem[] } | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(data)) return undefined;
  const lineAt = lineIndex(text);
  // Field lines are only needed to place a problem: parse as YAML then, once.
  let yaml: ManifestObject[] | undefined;
  const slowLineOf = (index: number, fallback: number) => (segments: readonly (string | number)[]) => (yaml ??= parseYaml(text, file).objects)[index]?.lineOf(segments) ?? fallback;
  const items = data.items;
  if (typeof data.kind === 'string' && data.kind.endsWith('List') && Array.isArray(items)) {
    const offsets = listItemOffsets(text);
    const problems: ManifestProblem[] = [];
    const objects: ManifestObject[] = [];
    items.forEach((item, i) => {
      const line = lineAt(offsets[i] ?? 0);
      if (!isRecord(item)) problems.push({ file, line, col: 1, message: `items[${i}] must be a Kubernetes object` });
      else objects.push({ file, line, object: item, lineOf: slowLineOf(objects.length, line) });
    });
    return { objects, problems };
  }
  const line = lineAt(text.indexOf('{'));
  return { objects: [{ file, line, object: data, lineOf: slowLineOf(0, line) }], problems: [] };
}

/** 1-based line of a character offset. */
function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** Offsets where each element of the top-level object's `items` array starts, in valid JSON. */
function listItemOffsets(text: string): number[] {
  const offsets: number[] = [];
  let depth = 0;
  let itemsDepth = -1;
  let expectItem = false;
  let lastKey = '';
  let itemsNext = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20) continue;
    if (expectItem && depth === itemsDepth && c !== 0x5d) {
      offsets.push(i);
      expectItem = false;
    }
    if (c === 0x22) {
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c ? 2 : 1;
      lastKey = depth === 1 ? text.slice(i + 1, j) : '';
      i = j;
      continue;
    }
    if (c === 0x3a) {
      itemsNext = depth === 1 && lastKey === 'items';
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      depth++;
      if (c === 0x5b && itemsNext && depth === 2) {
        itemsDepth = 2;
        expectItem = true;
      }
    } else if (c === 0x7d || c === 0x5d) {
      if (c === 0x5d && depth === itemsDepth) itemsDepth = -1;
      depth--;
    } else if (c === 0x2c && depth === itemsDepth) {
      expectItem = true;
    }
    itemsNext = false;
  }
  return offsets;
}

function parseYaml(text: string, file: string): { objects: ManifestObject[]; problems: ManifestProblem[] } {
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
