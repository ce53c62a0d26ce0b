import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node, type ToStringOptions } from 'yaml';
import { LIMITS } from './limits.js';

/**
 * The only module that parses YAML for reading. Kubernetes objects are read
 * the way kubectl reads them (sigs.k8s.io/yaml over go-yaml v2, a YAML 1.1
 * reader): `on`/`yes`/`off` are booleans, `0777` is octal, `<<` merge keys
 * merge, duplicate keys are an error. floe's own manifest.yaml is a floe file,
 * not a Kubernetes object, and keeps YAML 1.2 (`version: '1.2'`).
 */

export type YamlVersion = '1.1' | '1.2';

export interface YamlProblem {
  line: number;
  col: number;
  code: 'yaml_syntax' | 'duplicate_key' | 'alias_limit' | 'too_deep';
  message: string;
}

/** A parsed YAML document with its positions. */
export interface YamlDocument {
  readonly doc: Document;
  readonly lines: LineCounter;
}

export interface ParsedYaml {
  documents: YamlDocument[];
  /** Syntax errors of any document; when there are some, no value should be trusted. */
  problems: YamlProblem[];
}

/** Parses every `---` document of `text`. */
export function parseYaml(text: string, version: YamlVersion = '1.1'): ParsedYaml {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { version, lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
  // An empty stream is an empty array too (yaml's EmptyStream extends Array).
  const all: Document[] = docs;
  const problems: YamlProblem[] = [];
  for (const doc of all) {
    for (const e of doc.errors) {
      const duplicate = e.code === 'DUPLICATE_KEY';
      problems.push({ ...lines.linePos(e.pos[0]), code: duplicate ? 'duplicate_key' : 'yaml_syntax', message: `${duplicate ? 'duplicate key' : 'YAML syntax error'}: ${e.message.split('\n')[0]}` });
    }
  }
  return { documents: all.map((doc) => ({ doc, lines })), problems };
}

/** How deeply collections nest in a document, counted without recursion (a deep document must not overflow the stack). */
function tooDeep(doc: Document): Node | undefined {
  const stack: { node: unknown; depth: number }[] = [{ node: doc.contents, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (!isCollection(node)) continue;
    if (depth >= LIMITS.depth) return node;
    for (const item of node.items) {
      if (isPair(item)) {
        stack.push({ node: item.key, depth: depth + 1 }, { node: item.value, depth: depth + 1 });
      } else {
        stack.push({ node: item, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/**
 * The plain data of a document (what kubectl would send, as JSON), with
 * aliases expanded up to the limit and nesting capped; or the problem.
 */
export function documentValue(d: YamlDocument): { ok: true; value: unknown } | { ok: false; problem: YamlProblem } {
  const deep = tooDeep(d.doc);
  if (deep) return { ok: false, problem: { ...d.lines.linePos(deep.range?.[0] ?? 0), code: 'too_deep', message: `nested more than ${LIMITS.depth} levels deep` } };
  try {
    return { ok: true, value: d.doc.toJS({ maxAliasCount: LIMITS.aliases }) };
  } catch (err) {
    return { ok: false, problem: { ...d.lines.linePos(d.doc.contents?.range?.[0] ?? d.doc.range?.[0] ?? 0), code: 'alias_limit', message: `YAML could not be expanded: ${(err as Error).message.split('\n')[0]}` } };
  }
}

export type PathSegment = string | number;

/**
 * The node at `path` in a document: the deepest one that exists, the key
 * node of the last mapping entry found, and whether the whole path exists.
 * Merge keys are followed, so a field that came from `<<: *base` is found
 * where it was written.
 */
export function locateNode(doc: Document, path: readonly PathSegment[]): { node: Node | undefined; keyNode?: Node; found: boolean } {
  let node: Node | undefined = doc.contents ?? undefined;
  let keyNode: Node | undefined;
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc) ?? node;
    if (isMap(node)) {
      const pair = findPair(doc, node, String(seg));
      if (!pair) return { node, ...(keyNode ? { keyNode } : {}), found: false };
      keyNode = pair.key as Node;
      node = (pair.value as Node | null) ?? keyNode;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
      node = node.items[seg] as Node;
      keyNode = undefined;
    } else {
      return { node, ...(keyNode ? { keyNode } : {}), found: false };
    }
  }
  return { node, ...(keyNode ? { keyNode } : {}), found: true };
}

type MapNode = Extract<Node, { items: unknown[] }> & { items: { key: unknown; value: unknown }[] };

function findPair(doc: Document, map: MapNode, key: string, seen = new Set<unknown>()): { key: unknown; value: unknown } | undefined {
  if (seen.has(map)) return undefined;
  seen.add(map);
  const own = map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
  if (own) return own;
  // `<<: *base` or `<<: [*a, *b]`: the first source that has the key wins, as in YAML 1.1.
  for (const p of map.items) {
    if (!(isScalar(p.key) && p.key.value === '<<') && !(p.key as { source?: string } | null)?.source?.startsWith('<<')) continue;
    const sources = isSeq(p.value) ? p.value.items : [p.value];
    for (const s of sources) {
      const target = isAlias(s) ? s.resolve(doc) : s;
      if (isMap(target)) {
        const found = findPair(doc, target as MapNode, key, seen);
        if (found) return found;
      }
    }
  }
  return undefined;
}

/** 1-based line and column of a node (of the document start without one). */
export function positionOf(d: YamlDocument, node: Node | undefined): { line: number; col: number } {
  return d.lines.linePos(node?.range?.[0] ?? d.doc.range?.[0] ?? 0);
}

/** One change to a document: `set` a mapping entry (missing parent mappings are created), `add` an item to a sequence (created when missing). */
export interface YamlEdit {
  op: 'set' | 'add';
  path: readonly PathSegment[];
  value: unknown;
}

/** Whether a document uses aliases (`*a`, `<<: *a`): a change there could reach every place the anchor is used. */
export function hasAliases(doc: Document): boolean {
  let found = false;
  visit(doc, {
    Alias() {
      found = true;
      return visit.BREAK;
    },
  });
  return found;
}

/**
 * Applies edits to a document in place, keeping its comments, key order and
 * styles; new entries go after the existing ones. A document with aliases is
 * rewritten from its value instead (aliases expanded, inner comments lost):
 * an edit through an alias would change every place the anchor is used.
 */
export function editDocument(d: YamlDocument, edits: readonly YamlEdit[]): 'edited' | 'rewritten' {
  if (hasAliases(d.doc)) {
    const data = documentValue(d);
    if (!data.ok) throw new Error(data.problem.message);
    // Through JSON: an alias is a shared object in the value, and an edit must reach only the place it names.
    d.doc.contents = d.doc.createNode(applyEdits(JSON.parse(JSON.stringify(data.value)) as unknown, edits));
    return 'rewritten';
  }
  for (const e of edits) {
    const path = e.op === 'add' ? e.path : e.path.slice(0, -1);
    let node: unknown = d.doc.contents;
    let i = 0;
    for (; i < path.length; i++) {
      const next: unknown = isCollection(node) ? node.get(path[i], true) : undefined;
      if (!isCollection(next)) break;
      node = next;
    }
    if (!isCollection(node)) throw new Error(`cannot edit ${e.path.join('.')}: not inside a collection`);
    const last = e.path[e.path.length - 1] as PathSegment;
    if (i === path.length) {
      if (e.op === 'set') node.set(last, d.doc.createNode(e.value));
      else if (isSeq(node)) node.add(d.doc.createNode(e.value));
      else throw new Error(`cannot edit ${e.path.join('.')}: not a sequence`);
      continue;
    }
    // The rest of the path is missing: one new node holds it (built as plain data, so 1.1 maps stay !!map, not !!omap).
    const rest = [...path.slice(i + 1), ...(e.op === 'add' ? [] : [last])];
    let value: unknown = e.op === 'add' ? [e.value] : e.value;
    for (const seg of [path[i] as PathSegment, ...rest]) {
      if (typeof seg === 'number') throw new Error(`cannot edit ${e.path.join('.')}: item ${seg} is missing`);
    }
    for (let j = rest.length - 1; j >= 0; j--) value = { [rest[j] as string]: value };
    node.set(path[i], d.doc.createNode(value));
  }
  return 'edited';
}

/** The same edits on plain data (what the document's value becomes), in place; returns `value`. */
export function applyEdits<T>(value: T, edits: readonly YamlEdit[]): T {
  for (const e of edits) {
    let node = value as Record<PathSegment, unknown>;
    for (const seg of e.path.slice(0, -1)) {
      if (typeof node[seg] !== 'object' || node[seg] === null) node[seg] = {};
      node = node[seg] as Record<PathSegment, unknown>;
    }
    const last = e.path[e.path.length - 1] as PathSegment;
    const item = structuredClone(e.value);
    const current = node[last];
    if (e.op === 'add' && Array.isArray(current)) current.push(item);
    else node[last] = e.op === 'add' ? [item] : item;
  }
  return value;
}

/** How documents are written back: indentation and sequence style. */
export type YamlLayout = ToStringOptions;

const LAYOUT_SAMPLE_CHARS = 64 * 1024;

const LAYOUTS: YamlLayout[] = [
  { indent: 2, indentSeq: true },
  { indent: 2, indentSeq: false },
  { indent: 4, indentSeq: true },
  { indent: 4, indentSeq: false },
].map((o) => ({ ...o, lineWidth: 0 }));

/**
 * The layout (indentation, `- ` under or beside its key) that writes the
 * documents back closest to `text`, chosen before they are edited: the one
 * whose output has the fewest lines not in the source. Long lines are never folded.
 */
export function sourceLayout(docs: readonly YamlDocument[], text: string): YamlLayout {
  // A sample decides: the first documents, up to about 64 KiB of source (a file's layout is one author's habit).
  const sample: YamlDocument[] = [];
  let end = 0;
  for (const d of docs) {
    if (sample.length > 0 && end > LAYOUT_SAMPLE_CHARS) break;
    sample.push(d);
    end = d.doc.range?.[2] ?? text.length;
  }
  const source = new Map<string, number>();
  for (const line of text.slice(0, end).split('\n')) source.set(line, (source.get(line) ?? 0) + 1);
  let best = LAYOUTS[0] as YamlLayout;
  let bestMiss = Infinity;
  for (const layout of LAYOUTS) {
    const left = new Map(source);
    let miss = 0;
    for (const line of sample.map((d) => d.doc.toString(layout)).join('').split('\n')) {
      const n = left.get(line) ?? 0;
      if (n > 0) left.set(line, n - 1);
      else miss++;
    }
    if (miss < bestMiss) [best, bestMiss] = [layout, miss];
  }
  return best;
}

/** A line with the space before its comment collapsed, as the YAML library writes comments. */
function commentSpacing(line: string): string {
  return line.replace(/(\S)[ \t]+#/g, '$1 #');
}

/**
 * The text of documents, in the layout `sourceLayout` chose; a document after
 * the first starts with `---`. The library writes a comment one space after its
 * value: a line that differs from a line of `source` only there is written as
 * in the source, so comments aligned in columns stay aligned.
 */
export function documentsText(docs: readonly YamlDocument[], layout: YamlLayout, source = ''): string {
  const original = new Map<string, string>();
  for (const line of source.split('\n')) if (!original.has(commentSpacing(line))) original.set(commentSpacing(line), line);
  return docs
    .map((d, i) => {
      const text = d.doc.toString(layout);
      return i > 0 && !text.startsWith('---') ? `---\n${text}` : text;
    })
    .join('')
    .split('\n')
    .map((line) => (line.includes('#') ? (original.get(commentSpacing(line)) ?? line) : line))
    .join('\n');
}
