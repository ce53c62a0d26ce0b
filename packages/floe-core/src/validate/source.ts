import { LIMITS } from '../manifests/limits.js';
import { documentValue, locateNode, parseYaml, positionOf, type PathSegment, type YamlDocument } from '../manifests/yaml.js';

/** A file in the output directory larger than this is refused before parsing: floe writes a few KiB per object. */
export const MAX_FILE_BYTES = LIMITS.generatedFileBytes;

export type { PathSegment };

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

/** One YAML document with its source positions, to point problems at a line and column. */
export class SourceDocument {
  #parsed: YamlDocument | undefined;
  readonly #parse: () => YamlDocument;

  /** The document's value as plain data (what kubectl would send, as JSON). */
  readonly value: unknown;

  constructor(parsed: YamlDocument | (() => YamlDocument), value: unknown) {
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
    return new SourceDocument(() => parseYaml(text).documents[0] as YamlDocument, value);
  }

  /**
   * Where `path` is in the file: the value when it exists (or the key when
   * `atKey`), else the deepest existing ancestor, so a missing field points
   * at the mapping that should hold it.
   */
  position(path: readonly PathSegment[], atKey = false): Position {
    const d = (this.#parsed ??= this.#parse());
    const { node, keyNode, found } = locateNode(d.doc, path);
    return positionOf(d, found ? (atKey ? keyNode ?? node : node) : keyNode ?? node);
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
  const parsed = parseYaml(text);
  if (parsed.problems.length > 0) return { ok: false, problems: parsed.problems.map(({ line, col, message }) => ({ line, col, message })) };
  const documents: SourceDocument[] = [];
  for (const d of parsed.documents) {
    const data = documentValue(d);
    if (!data.ok) return { ok: false, problems: [{ line: data.problem.line, col: data.problem.col, message: data.problem.message }] };
    // An empty document (a lone `---`) holds nothing, as for kubectl.
    if (data.value !== null && data.value !== undefined) documents.push(new SourceDocument(d, data.value));
  }
  return { ok: true, documents };
}
