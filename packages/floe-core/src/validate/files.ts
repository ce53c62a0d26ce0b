import { join } from 'node:path';
import { OWNERSHIP_FILE } from '../network/writer.js';
import { KUSTOMIZATION_FILE } from '../network/kustomization.js';
import { SUMMARY_FILE } from '../network/summary.js';
import { objectKinds, type ObjectKind } from './kinds.js';
import { formatPath, parseSource, SourceDocument, type ParsedSource } from './source.js';
import { problem, type CheckResult, type Problem } from './types.js';

/** One entry of the output directory, as read from disk (the only I/O is in read-dir.ts). */
export interface DirEntry {
  name: string;
  type: 'file' | 'directory' | 'other';
  /** Bytes on disk. */
  size: number;
  /** The text of a file at most MAX_FILE_BYTES long; absent for larger files and non-files. */
  content?: string;
}

/** An object found in a file, with where it came from. */
export interface LoadedObject {
  /** The file as shown to the user: DIR/NAME. */
  file: string;
  kind: string;
  /** Its kind as the directory may hold it: the apiVersion, the schema check, whether the engine evaluates it. */
  objectKind: ObjectKind;
  value: Record<string, unknown> & { metadata?: { name?: unknown; namespace?: unknown } };
  source: SourceDocument;
  /** Set by the schema check: the object conforms to its kind's API schema. */
  valid: boolean;
}

/** The extensions kubectl reads from a directory (`kubectl apply -f DIR`). */
export const OBJECT_FILE = /\.(ya?ml|json)$/;
/** Files floe writes that hold no Kubernetes object. */
export const NON_OBJECT_FILES: readonly string[] = [SUMMARY_FILE, KUSTOMIZATION_FILE, OWNERSHIP_FILE];

const byPosition = (a: Problem, b: Problem) =>
  (a.file ?? '') < (b.file ?? '') ? -1 : (a.file ?? '') > (b.file ?? '') ? 1 : (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0);

export function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort(byPosition);
}

/** A file as floe would generate it now: its text and the object the text holds. */
export interface GeneratedObjectFile {
  content: string;
  object: unknown;
}

/**
 * The `files` check: every file kubectl would read parses and holds exactly
 * one object of a kind floe writes. Returns the objects for the other checks.
 * A file identical, byte for byte, to one in `generated` (by name) is not
 * parsed: it holds that object (at 10,000 domains, parsing 50,000 files was
 * most of validate's time and memory).
 */
export function checkFiles(
  dir: string,
  entries: readonly DirEntry[],
  maxFileBytes: number,
  generated: ReadonlyMap<string, GeneratedObjectFile> = new Map(),
  kinds: ReadonlyMap<string, ObjectKind> = objectKinds(),
): { result: CheckResult; objects: LoadedObject[] } {
  const problems: Problem[] = [];
  const objects: LoadedObject[] = [];
  const objectFiles = entries.filter((e) => e.type === 'file' && OBJECT_FILE.test(e.name));
  for (const entry of objectFiles) {
    const file = join(dir, entry.name);
    if (entry.content === undefined) {
      problems.push(problem({ file, line: 1, col: 1, message: `file is ${entry.size} bytes; the limit is ${maxFileBytes} (floe writes a few KiB per object)` }));
      continue;
    }
    const known = generated.get(entry.name);
    const parsed: ParsedSource =
      known !== undefined && known.content === entry.content && known.object !== null && typeof known.object === 'object'
        ? { ok: true, documents: [SourceDocument.generated(entry.content, known.object)] }
        : parseSource(entry.content);
    if (!parsed.ok) {
      problems.push(...parsed.problems.map((p) => problem({ file, ...p })));
      continue;
    }
    if (parsed.documents.length !== 1) {
      problems.push(
        problem({
          file,
          line: 1,
          col: 1,
          message: parsed.documents.length === 0 ? 'holds no object; floe writes one object per file' : `holds ${parsed.documents.length} objects; floe writes one object per file`,
        }),
      );
      continue;
    }
    const source = parsed.documents[0] as SourceDocument;
    const value = source.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push(problem({ file, line: 1, col: 1, message: 'must be a Kubernetes object (a mapping with apiVersion, kind and metadata)' }));
      continue;
    }
    const { apiVersion, kind } = value as { apiVersion?: unknown; kind?: unknown };
    const objectKind = typeof kind === 'string' ? kinds.get(kind) : undefined;
    if (objectKind === undefined) {
      const at = source.position(['kind'], kind === undefined);
      const got = kind === undefined ? 'has no kind' : `kind ${JSON.stringify(kind)} is not one floe writes with this plugin`;
      problems.push(problem({ file, ...at, path: 'kind', message: `${got} (floe writes ${[...kinds.keys()].join(', ')})` }));
      continue;
    }
    const expected = objectKind.apiVersion;
    if (apiVersion !== expected) {
      const at = source.position(['apiVersion'], apiVersion === undefined);
      problems.push(problem({ file, ...at, path: 'apiVersion', message: `a ${kind} must have apiVersion ${expected} (got ${apiVersion === undefined ? 'none' : JSON.stringify(apiVersion)})` }));
      continue;
    }
    objects.push({ file, kind: objectKind.kind, objectKind, value: value as LoadedObject['value'], source, valid: false });
  }
  const files = new Set(problems.map((p) => p.file)).size;
  return {
    result: {
      id: 'files',
      status: problems.length ? 'fail' : 'pass',
      summary: problems.length
        ? `${files} of ${objectFiles.length} object files are unreadable as one floe object`
        : `${objectFiles.length} object files, one ${objectFiles.length === 1 ? 'object' : 'object each'}`,
      problems: sortProblems(problems),
    },
    objects,
  };
}

/** The `schema` check: each object conforms to the Kubernetes API schema of its kind. Marks `valid`. */
export function checkSchema(objects: readonly LoadedObject[]): CheckResult {
  const problems: Problem[] = [];
  let invalid = 0;
  for (const obj of objects) {
    const issues = obj.objectKind.schemaIssues(obj.value);
    obj.valid = issues.length === 0;
    if (!obj.valid) invalid++;
    for (const issue of issues) {
      problems.push(problem({ file: obj.file, ...obj.source.position(issue.path, issue.atKey), path: formatPath(issue.path), message: issue.message }));
    }
  }
  return {
    id: 'schema',
    status: problems.length ? 'fail' : 'pass',
    summary: problems.length
      ? `${invalid} of ${objects.length} objects break the API schema (${problems.length} problem${problems.length === 1 ? '' : 's'})`
      : `${objects.length} objects conform to the Kubernetes API schema`,
    problems: sortProblems(problems),
  };
}
