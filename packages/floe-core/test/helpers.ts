import { readFileSync } from 'node:fs';
import { ManifestError, type ManifestIssue } from '../src/errors.js';
import { parseManifest } from '../src/config/load.js';
import type { FloeManifest } from '../src/config/schema.js';

export const FILE = 'manifest.yaml';

/** Joins lines into YAML text; columns in the tests count from the start of each line, 1-based. */
export const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

export function parse(text: string): FloeManifest {
  return parseManifest(text, FILE);
}

/** The issues a manifest is rejected with; fails the test when it is accepted or fails another way. */
export function issuesOf(text: string): ManifestIssue[] {
  let accepted: FloeManifest;
  try {
    accepted = parseManifest(text, FILE);
  } catch (err) {
    if (err instanceof ManifestError) return [...err.issues];
    throw err;
  }
  throw new Error(`expected the manifest to be rejected, but it parsed to ${JSON.stringify(accepted)}`);
}

/** The only issue of a manifest that has exactly one problem. */
export function onlyIssue(text: string): ManifestIssue {
  const issues = issuesOf(text);
  if (issues.length !== 1) throw new Error(`expected exactly one issue, got ${issues.length}: ${JSON.stringify(issues, null, 2)}`);
  return issues[0] as ManifestIssue;
}

/** The issue at `path`; fails when there is none or more than one. */
export function issueAt(text: string, path: string): ManifestIssue {
  const issues = issuesOf(text);
  const at = issues.filter((i) => i.path === path);
  if (at.length !== 1) throw new Error(`expected one issue at ${path}, got: ${JSON.stringify(issues, null, 2)}`);
  return at[0] as ManifestIssue;
}

export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}
