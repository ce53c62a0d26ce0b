import { join } from 'node:path';
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch, type StructuredPatch } from 'diff';
import { OWNERSHIP_FILE } from '../network/writer.js';
import type { DirEntry } from './files.js';
import { sortProblems } from './files.js';
import { problem, type CheckResult, type Problem } from './types.js';

export interface ExpectedFile {
  path: string;
  content: string;
  /** The object `content` holds (null for the summary); validate then skips parsing a file equal to `content`. */
  readonly object?: unknown;
}

/** Lines of context around each change, as `diff -u`. */
const CONTEXT = 3;

/** The first line of the file on disk that regenerating would change (or add after). */
function firstChangedLine(patch: StructuredPatch): number {
  const hunk = patch.hunks[0];
  if (!hunk) return 1;
  let line = hunk.oldStart;
  for (const l of hunk.lines) {
    if (l.startsWith('-') || l.startsWith('+')) break;
    if (l.startsWith(' ')) line++;
  }
  return Math.max(1, line);
}

/**
 * The `current` check: the directory holds exactly what floe generates from
 * the manifest, byte for byte. A changed file gets a unified diff from the
 * file on disk (a/) to the regenerated one (b/).
 */
export function checkCurrent(dir: string, entries: readonly DirEntry[], expected: readonly ExpectedFile[], manifest: string, unparsed: ReadonlySet<string> = new Set()): CheckResult {
  const problems: Problem[] = [];
  const onDisk = new Map(entries.map((e) => [e.name, e]));
  const flags = `${manifest === '<built-in defaults>' ? '' : ` -m ${manifest}`}${dir === 'target/network' ? '' : ` -d ${dir}`}`;
  const regenerate = `run \`floe network generate${flags}\` and commit the result`;
  let stale = 0;
  let missing = 0;
  let unexpected = 0;
  for (const want of expected) {
    const file = join(dir, want.path);
    const entry = onDisk.get(want.path);
    if (!entry) {
      missing++;
      problems.push(problem({ file, message: `missing: generating from ${manifest} writes this file; ${regenerate}` }));
      continue;
    }
    if (entry.type !== 'file' || entry.content === undefined) {
      stale++;
      problems.push(problem({ file, message: `is not the file floe generates (${entry.type === 'file' ? 'too large to compare' : `a ${entry.type}`})` }));
      continue;
    }
    if (entry.content === want.content) continue;
    stale++;
    if (unparsed.has(file)) {
      problems.push(problem({ file, message: `differs from what floe generates from ${manifest} and is not one floe object (the files check says where); ${regenerate}` }));
      continue;
    }
    const patch = structuredPatch(`a/${want.path}`, `b/${want.path}`, entry.content, want.content, undefined, undefined, { context: CONTEXT });
    problems.push(
      problem({
        file,
        line: firstChangedLine(patch),
        col: 1,
        message: `differs from what floe generates from ${manifest} (edited by hand, or generated from another manifest or floe version); ${regenerate}`,
        diff: formatPatch(patch, FILE_HEADERS_ONLY),
      }),
    );
  }
  const wanted = new Set(expected.map((f) => f.path));
  for (const entry of entries) {
    if (wanted.has(entry.name) || (entry.name === OWNERSHIP_FILE && entry.type === 'file')) continue;
    unexpected++;
    const what = entry.type === 'directory' ? 'directory' : entry.type === 'other' ? 'entry (not a regular file)' : 'file';
    problems.push(problem({ file: join(dir, entry.name), message: `unexpected ${what}: generating from ${manifest} does not write it; remove it or ${regenerate}` }));
  }
  const parts = [stale && `${stale} changed`, missing && `${missing} missing`, unexpected && `${unexpected} unexpected`].filter(Boolean);
  return {
    id: 'current',
    status: problems.length ? 'fail' : 'pass',
    summary: problems.length ? `not what floe generates from ${manifest}: ${parts.join(', ')}` : `all ${expected.length} files are what floe generates from ${manifest}`,
    problems: sortProblems(problems),
  };
}
