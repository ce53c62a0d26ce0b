import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
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
