import { OBJECT_FILE, parseInputs } from '../manifests/load.js';
import { ManifestInputError } from '../manifests/objects.js';
import { listInputDir, readEntryText } from '../manifests/read.js';
import type { SourcedObject } from '../k8s/objects.js';

/** Every object of one file's text: YAML (multi-document, lists flattened) or JSON, each located by `file:line`; any problem is bad input. */
export function parseObjects(text: string, file: string): SourcedObject[] {
  const { objects, problems } = parseInputs([{ file, text }]);
  if (problems.length > 0) throw new ManifestInputError(problems);
  return objects.map((o) => ({ object: o.object, source: `${o.file}:${o.line}` }));
}

/** `--from-dir DIR`: every .yaml, .yml and .json file below DIR (hidden ones excepted), in path order, through the one reader. */
export async function loadObjectsFromDir(dir: string): Promise<{ objects: SourcedObject[]; files: number }> {
  const entries = listInputDir(dir, { recursive: true, skipHidden: true }).filter((e) => e.type !== 'directory' && OBJECT_FILE.test(e.name));
  // Synchronous reads: small local files, and one awaited read after another is mostly waiting.
  const { objects, problems } = parseInputs(entries.map((e) => ({ file: e.path, text: readEntryText(e) })));
  if (problems.length > 0) throw new ManifestInputError(problems);
  return { objects: objects.map((o) => ({ object: o.object, source: `${o.file}:${o.line}` })), files: entries.length };
}
