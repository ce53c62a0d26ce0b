import { MAX_ALIAS_COUNT } from '../config/load.js';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';

/** A file in the output directory larger than this is refused before parsing: floe writes a few KiB per object. */
export const MAX_FILE_BYTES = 1024 * 1024;

export type PathSegment = string | number;

export interface Position {
  line: number;
  col: number;
}

/**
 * `spec.egress[0].ports[1].port`, `metadata.labels[app.kubernetes.io/name]`:
 * the API server's way of naming a field (map keys that are not plain words in brackets).
 */
export function formatPath(path: readonly PathSegment[]): string {
  return path.reduce<string>((acc, seg) => {
    if (typeof seg === 'number' || !/^[A-Za-z0-9_-]+$/.test(seg)) return `${acc}[${seg}]`;
    return acc ? `${acc}.${seg}` : seg;
  }, '');
}

interface Parsed {
  doc: Document;
  lines: LineCounter;
}

/** One YAML document with its source positions, to point problems at a line and column. */
export class SourceDocument {
  #parsed: Parsed | undefined;
  readonly #parse: () => Parsed;

  /** The document's value as plain data (what kubectl would send, as JSON). */
  readonly value: unknown;

  constructor(parsed: Parsed | (() => Parsed), value: unknown) {
    this.value = value;
    if (typeof parsed === 'function') this.#parse = parsed;
    else {
      this.#parsed = parsed;
      this.#parse = () => parsed;
    }
  }

  /**
   * A file floe generated, byte for byte, from an object it holds: its value is
   * that object (the emitter's output reads back as the same data in YAML 1.1
   * and 1.2, which tests/contract/validate-generated.test.ts checks), and the
   * text is parsed only if a problem in it needs a position.
   */
  static generated(text: string, value: unknown): SourceDocument {
    return new SourceDocument(() => {
      const lines = new LineCounter();
      const [doc] = parseAllDocuments(text, { version: '1.1', lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
      return { doc: doc as Document, lines };
    }, value);
  }

  private get doc(): Document {
    return (this.#parsed ??= this.#parse()).doc;
  }

  private get lines(): LineCounter {
    return (this.#parsed ??= this.#parse()).lines;
  }

  /**
   * Where `path` is in the file: the value when it exists (or the key when
   * `atKey`), else the deepest existing ancestor, so a missing field points
   * at the mapping that should hold it.
   */
  position(path: readonly PathSegment[], atKey = false): Position {
    let node: Node | undefined = this.doc.contents ?? undefined;
    let keyNode: Node | undefined;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return this.at(keyNode ?? node);
        keyNode = pair.key as Node;
        node = (pair.value as Node | null) ?? keyNode;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
        node = node.items[seg] as Node;
        keyNode = undefined;
      } else {
        return this.at(keyNode ?? node);
      }
    }
    return this.at(atKey ? keyNode ?? node : node);
  }

  private at(node: Node | undefined): Position {
    return this.lines.linePos(node?.range?.[0] ?? 0);
  }
}

export type ParsedSource =
  | { ok: true; documents: SourceDocument[] }
  | { ok: false; problems: { line: number; col: number; message: string }[] };

/**
 * Parses a file the way kubectl reads it: YAML 1.1 (sigs.k8s.io/yaml, so
 * `on` is a boolean and `0777` octal), every `---` document, duplicate keys
 * refused, alias expansion capped.
 */
export function parseSource(text: string): ParsedSource {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_FILE_BYTES) return { ok: false, problems: [{ line: 1, col: 1, message: `file is ${bytes} bytes; the limit is ${MAX_FILE_BYTES}` }] };
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { version: '1.1', lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
  const problems = docs.flatMap((doc) =>
    [...doc.errors].map((e) => ({
      ...lines.linePos(e.pos[0]),
      message: `${e.code === 'DUPLICATE_KEY' ? 'duplicate key' : 'YAML syntax error'}: ${e.message.split('\n')[0]}`,
    })),
  );
  if (problems.length > 0) return { ok: false, problems };
  const documents: SourceDocument[] = [];
  for (const doc of docs) {
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      const at = lines.linePos(doc.range[0]);
      return { ok: false, problems: [{ ...at, message: `YAML could not be expanded: ${(err as Error).message}` }] };
    }
    // An empty document (a lone `---`) holds nothing, as for kubectl.
    if (value !== null && value !== undefined) documents.push(new SourceDocument({ doc, lines }, value));
  }
  return { ok: true, documents };
}
