import { InputError } from '../errors.js';
import { isRecord } from '../util/shape.js';
import { LIMITS } from './limits.js';
import { documentValue, locateNode, parseYaml, positionOf, type YamlDocument } from './yaml.js';

/** Above this size a JSON file's field lines fall back to its objects' lines. */
const FIELD_LINES_MAX_CHARS = 1024 * 1024;

/** One Kubernetes object read from a file, with where it starts. */
export interface ManifestObject {
  file: string;
  /** 1-based line of the object (of the list item, for `kind: List`). */
  line: number;
  object: Record<string, unknown>;
  /** Finds the line of a path inside the object (`spec.template.spec`), falling back to the object's line. */
  lineOf(segments: readonly (string | number)[]): number;
  /** For an object read from YAML: its document and where in it the object is (`['items', 2]` in a List), to edit it in place. */
  yaml?: { document: YamlDocument; prefix: readonly (string | number)[] };
}

/** What a file holds: its objects, its problems and, when it was read as YAML, every document in order. */
export interface ParsedObjects {
  objects: ManifestObject[];
  problems: ManifestProblem[];
  documents?: YamlDocument[];
}

export interface ManifestProblem {
  file: string;
  line: number;
  col: number;
  message: string;
}

/**
 * The message of located problems: one problem is one line (`file:line:col: message`), so it
 * reads whole in an audit event and a CI log; several are `heading` (given the count) and one
 * indented line each.
 */
export function locatedProblemsMessage(problems: readonly ManifestProblem[], heading: (n: number) => string): string {
  const one = problems[0];
  if (problems.length === 1 && one) return `${one.file}:${one.line}:${one.col}: ${one.message}`;
  return `${heading(problems.length)}:\n${problems.map((p) => `  ${p.file}:${p.line}:${p.col} ${p.message}`).join('\n')}`;
}

/** Every problem in the input files, each with file:line:col; exit 2. */
export class ManifestInputError extends InputError {
  constructor(readonly problems: readonly ManifestProblem[]) {
    super(locatedProblemsMessage(problems, (n) => `${n} problems in the input`));
  }
}

/**
 * Kubernetes objects from YAML or JSON text: several documents, `kind: List` (and any
 * `*List` with items) expanded, empty documents skipped. Syntax errors and documents that
 * are not objects are returned as problems naming file and line; the other documents are
 * still read, so one run reports everything.
 */
export function parseManifestObjects(text: string, file: string): ParsedObjects {
  if (Buffer.byteLength(text, 'utf8') > LIMITS.fileBytes) return { objects: [], problems: [{ file, line: 1, col: 1, message: `file is larger than ${LIMITS.fileBytes} bytes` }] };
  return parseJsonFast(text, file) ?? parseYamlObjects(text, file);
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
  // A field's line costs one YAML parse of the whole text: worth it for a file of a few objects, not for a
  // cluster dump (15 MB of Deployments took 5-20 s more in pss check), where the object's own line is given.
  const slowLineOf = (index: number, fallback: number) => (segments: readonly (string | number)[]) =>
    text.length > FIELD_LINES_MAX_CHARS ? fallback : ((yaml ??= parseYamlObjects(text, file).objects)[index]?.lineOf(segments) ?? fallback);
  const items = data.items;
  if (typeof data.kind === 'string' && data.kind.endsWith('List') && Array.isArray(items)) {
    const offsets = listItemOffsets(text);
    const problems: ManifestProblem[] = [];
    const objects: ManifestObject[] = [];
    items.forEach((item, i) => {
      const line = lineAt(offsets[i] ?? 0);
      if (!isRecord(item)) problems.push({ file, line, col: 1, message: `items[${i}] must be a Kubernetes object` });
      else objects.push({ file, line, object: listItem(data, item), lineOf: slowLineOf(objects.length, line) });
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

function parseYamlObjects(text: string, file: string): ParsedObjects {
  const parsed = parseYaml(text);
  const problems: ManifestProblem[] = parsed.problems.map(({ line, col, message }) => ({ file, line, col, message }));
  const out: ManifestObject[] = [];
  for (const d of parsed.documents) {
    // A document with a syntax error is reported (above) and skipped; the others are still read, so one run reports everything.
    if (d.doc.errors.length > 0) continue;
    const data = documentValue(d);
    if (!data.ok) {
      problems.push({ file, line: data.problem.line, col: data.problem.col, message: data.problem.message });
      continue;
    }
    if (data.value === null || data.value === undefined) continue;
    if (!isRecord(data.value)) {
      problems.push({ file, ...positionOf(d, d.doc.contents ?? undefined), message: 'a document must be a Kubernetes object (a mapping with apiVersion and kind)' });
      continue;
    }
    const items = data.value.items;
    if (typeof data.value.kind === 'string' && data.value.kind.endsWith('List') && Array.isArray(items)) {
      items.forEach((item, i) => {
        if (!isRecord(item)) problems.push({ file, line: lineAt(d, ['items', i]), col: 1, message: `items[${i}] must be a Kubernetes object` });
        else out.push(objectAt(d, file, listItem(data.value as Record<string, unknown>, item), ['items', i]));
      });
    } else {
      out.push(objectAt(d, file, data.value, []));
    }
  }
  return { objects: out, problems, documents: parsed.documents };
}

/** An item of a typed list (`PodList`) takes the list's kind and apiVersion when it has none, as the API omits them there. */
function listItem(list: Record<string, unknown>, item: Record<string, unknown>): Record<string, unknown> {
  const kind = list.kind as string;
  if (kind === 'List' || item.kind !== undefined) return item;
  return { apiVersion: list.apiVersion, kind: kind.slice(0, -'List'.length), ...item };
}

/** The line of the node at `path`: the key's line for a mapping entry, the item's for a list element; the deepest existing ancestor's otherwise. */
function lineAt(d: YamlDocument, path: readonly (string | number)[]): number {
  const { node, keyNode } = locateNode(d.doc, path);
  return positionOf(d, keyNode ?? node).line;
}

function objectAt(d: YamlDocument, file: string, object: Record<string, unknown>, prefix: (string | number)[]): ManifestObject {
  const line = lineAt(d, prefix);
  return {
    file,
    line,
    object,
    lineOf: (segments) => lineAt(d, [...prefix, ...segments]),
    yaml: { document: d, prefix },
  };
}
