import { compareStrings } from '../util/compare.js';
import { sha256 } from '../util/hash.js';
import type { z } from 'zod';
import { InputError, ManifestError, type ManifestIssue } from '../errors.js';
import { LIMITS } from '../manifests/limits.js';
import { InputFileError, readInputText } from '../manifests/read.js';
import { documentValue, locateNode, parseYaml, positionOf } from '../manifests/yaml.js';
import { codeOfIssue, problemCode } from './problem-codes.js';
import { ManifestSchema, STRICT_KEY, type FloeManifest } from './schema.js';
import { valueAt } from '../util/path.js';
import { distance } from '../util/distance.js';

/** A manifest larger than this is refused before parsing: it is a config file, not a data set. */
export const MAX_MANIFEST_BYTES = LIMITS.manifestBytes;
/** Aliases are legitimate in YAML, but an alias bomb expands exponentially; cap the expansion. */
export const MAX_ALIAS_COUNT = LIMITS.aliases;

export interface LoadedManifest {
  config: FloeManifest;
  /** Where it came from, for messages: a path, or "<built-in defaults>". */
  source: string;
  /** sha256 of the bytes read (of the empty document for the built-in defaults). */
  sha256: string;
}

type PathSegment = string | number;

function formatPath(path: readonly PathSegment[]): string {
  return path.reduce<string>(
    (acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg),
    '',
  );
}

/** The keys the schema allows at `path`, found by walking the zod schema itself. */
function allowedKeys(path: readonly PathSegment[]): string[] {
  let schema: z.core.$ZodType | undefined = ManifestSchema;
  const unwrap = (t: z.core.$ZodType | undefined): z.core.$ZodType | undefined => {
    let cur = t;
    // default, prefault, optional and pipe wrap the schema that has the shape.
    for (let i = 0; cur && i < 8; i++) {
      const def = cur._zod.def as { innerType?: z.core.$ZodType; in?: z.core.$ZodType };
      const next = def.innerType ?? def.in;
      if (!next) break;
      cur = next;
    }
    return cur;
  };
  for (const seg of path) {
    const def = unwrap(schema)?._zod.def as { type?: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType } | undefined;
    if (def?.type === 'object' && typeof seg === 'string') schema = def.shape?.[seg];
    else if (def?.type === 'array') schema = def.element;
    else return [];
  }
  const def = unwrap(schema)?._zod.def as { type?: string; shape?: Record<string, unknown> } | undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function unknownFieldMessage(key: string, allowed: string[]): string {
  if (allowed.length === 0) return 'unknown field';
  const best = allowed.map((k) => ({ k, d: distance(key, k) })).sort((a, b) => a.d - b.d)[0];
  const hint = best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? `did you mean ${best.k}? ` : '';
  return `unknown field (${hint}allowed: ${allowed.join(', ')})`;
}

/**
 * Top-level keys floe network reads, with where they belong: a key within edit
 * distance 2 of one of them is a typo that would silently drop a section
 * (`domain:` erases every domain), so it is an error. Other top-level keys belong
 * to the rest of floe and stay allowed unless strict mode is on.
 */
const NEAR_MISS_TARGETS: ReadonlyArray<readonly [string, string]> = [
  ['domains', 'domains'],
  ['namespaces', 'namespaces'],
  ['security', 'security'],
  ['network_policies', 'security.network_policies'],
  ['pod_security', 'security.pod_security'],
];
const NEAR_MISS_DISTANCE = 2;

function topLevelProblem(key: string, strict: boolean): string | undefined {
  if (allowedKeys([]).includes(key)) return undefined;
  const near = NEAR_MISS_TARGETS.map(([k, where]) => ({ where, d: distance(key.toLowerCase(), k) }))
    .filter((c) => c.d <= NEAR_MISS_DISTANCE)
    .sort((a, b) => a.d - b.d)[0];
  if (near) return `unknown top-level field: did you mean ${near.where}? (floe network would ignore this section)`;
  if (strict) return `unknown top-level field (strict mode: --strict or ${STRICT_KEY}: true; floe network reads ${allowedKeys([]).filter((k) => k !== STRICT_KEY).join(', ')})`;
  return undefined;
}

function scalarPreview(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // Mappings and lists are not previewed: the location already shows them.
  return undefined;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return 'is required';
      return issue.message.startsWith('Invalid input') ? `must be ${article(issue.expected)}` : issue.message;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_key':
      // zod reports a bad record key generically; the key schema's own message is nested.
      return issue.issues[0]?.message ?? issue.message;
    default:
      return issue.message;
  }
}

function article(expected: string): string {
  const noun = expected === 'record' || expected === 'object' ? 'mapping' : expected === 'array' ? 'list' : expected;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}


/**
 * Parses and validates manifest text. Every problem is reported at once, each
 * with file:line:col and the field's path; throws ManifestError.
 */
export interface ParseOptions {
  /** Refuse every unknown top-level key (`--strict`); `floe.dev/strict: true` in the manifest does the same. */
  strict?: boolean;
}

export function parseManifest(text: string, file: string, options: ParseOptions = {}): FloeManifest {
  if (Buffer.byteLength(text, 'utf8') > MAX_MANIFEST_BYTES) {
    throw new ManifestError([{ file, line: 1, col: 1, path: '', code: problemCode('too_large'), message: `file is larger than ${MAX_MANIFEST_BYTES} bytes` }]);
  }
  // floe's own file, not a Kubernetes object: YAML 1.2, as it always was.
  const parsed = parseYaml(text, '1.2');
  const yamlIssues: ManifestIssue[] = parsed.problems.map(({ line, col, code, message }) => ({ file, line, col, path: '', code: problemCode(code === 'too_deep' ? 'too_deep' : code), message }));
  if (yamlIssues.length > 0) throw new ManifestError(yamlIssues);
  const docs = parsed.documents.filter((d) => d.doc.contents !== null);
  if (docs.length > 1) {
    const at = positionOf(docs[1] as (typeof docs)[number], docs[1]?.doc.contents ?? undefined);
    throw new ManifestError([{ file, ...at, path: '', code: problemCode('yaml_syntax'), message: `YAML syntax error: the manifest holds ${docs.length} documents; it must be one` }]);
  }
  const doc = (docs[0] ?? parsed.documents[0]);
  const pos = (node: Parameters<typeof positionOf>[1]) => (doc ? positionOf(doc, node) : { line: 1, col: 1 });
  let data: unknown;
  if (doc) {
    const value = documentValue(doc);
    if (!value.ok) throw new ManifestError([{ file, line: value.problem.line, col: value.problem.col, path: '', code: problemCode(value.problem.code), message: value.problem.message }]);
    data = value.value;
  }
  if (data === null || data === undefined) data = {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ManifestError([{ file, line: 1, col: 1, path: '', code: problemCode('not_a_mapping'), message: 'the manifest must be a mapping (key: value pairs) at the top level' }]);
  }

  const record = data as Record<string, unknown>;
  const strict = options.strict === true || record[STRICT_KEY] === true;
  const issues: ManifestIssue[] = [];
  for (const key of Object.keys(record)) {
    const message = topLevelProblem(key, strict);
    if (message === undefined) continue;
    const { keyNode, node } = doc ? locateNode(doc.doc, [key]) : { node: undefined, keyNode: undefined };
    issues.push({ file, ...pos(keyNode ?? node), path: key, code: problemCode('unknown_key'), message });
  }

  const result = ManifestSchema.safeParse(data);
  if (result.success && issues.length === 0) return result.data;
  if (result.success) {
    issues.sort((a, b) => a.line - b.line || a.col - b.col || compareStrings(a.path, b.path));
    throw new ManifestError(issues);
  }

  for (const issue of result.error.issues) {
    const path = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const { keyNode, node } = doc ? locateNode(doc.doc, [...path, key]) : { node: undefined, keyNode: undefined };
        const at = pos(keyNode ?? node);
        issues.push({ file, ...at, path: formatPath([...path, key]), code: codeOfIssue(issue, false), message: unknownFieldMessage(key, allowedKeys(path)) });
      }
      continue;
    }
    const { node, keyNode } = doc ? locateNode(doc.doc, path) : { node: undefined, keyNode: undefined };
    // A bad record key is about the key, not its value.
    const input = issue.code === 'invalid_key' ? path[path.length - 1] : valueAt(data, path);
    // A missing field or a bad key points at the key; a present value at the value.
    const atKey = input === undefined || issue.code === 'invalid_key';
    const at = pos(atKey ? keyNode ?? node : node);
    let message = describeIssue(issue, input);
    // `version: 1.30` is the number 1.3 to YAML: quote what was written.
    if (issue.code === 'invalid_type' && typeof input === 'number' && path[path.length - 1] === 'version') {
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      const written = range ? text.slice(range[0], range[1]).trim() : String(input);
      message = `must be a string: YAML reads ${written} as a number; write "v${written.replace(/^v/, '')}" (quoted, with the v)`;
    }
    const preview = scalarPreview(input);
    // Only scalars are compared: a mapping's String() can throw (a key named toString), and mappings are never previewed.
    const named = preview !== undefined && ((typeof input === 'string' && input.length > 2 && message.includes(input)) || message.startsWith(`must not be ${String(input)}:`));
    if (preview && !named && !message.includes('(got')) message += ` (got ${preview})`;
    issues.push({ file, ...at, path: formatPath(path), code: codeOfIssue(issue, input === undefined), message });
  }
  issues.sort((a, b) => a.line - b.line || a.col - b.col || compareStrings(a.path, b.path));
  throw new ManifestError(issues);
}

/** The built-in defaults: what an empty manifest.yaml means. */
export function defaultManifest(): LoadedManifest {
  return { config: parseManifest('', '<built-in defaults>'), source: '<built-in defaults>', sha256: sha256('') };
}

export async function loadManifestFile(path: string, options: ParseOptions = {}): Promise<LoadedManifest> {
  let text: string;
  try {
    text = readInputText(path, { maxBytes: MAX_MANIFEST_BYTES });
  } catch (err) {
    if (!(err instanceof InputFileError)) throw err;
    if (err.reason === 'missing') throw new InputError(`manifest not found: ${path} (pass --manifest PATH, or run without it to use the built-in defaults)`, { code: 'input.manifest_not_found' });
    const code = problemCode(err.reason === 'too-large' ? 'too_large' : 'not_a_file');
    throw new ManifestError([{ file: path, line: 1, col: 1, path: '', code, message: err.reason === 'too-large' ? `file is larger than ${MAX_MANIFEST_BYTES} bytes` : err.message.replace(`${path}: `, '') }]);
  }
  return { config: parseManifest(text, path, options), source: path, sha256: sha256(text) };
}
