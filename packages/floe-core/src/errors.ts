/**
 * Typed errors. Library code throws these; the CLI maps them to exit codes in
 * one place (packages/floe-cli/src/exit.ts). Categories follow DESIGN.md.
 */
export type ErrorCategory = 'finding' | 'input' | 'environment' | 'internal';

export abstract class FloeError extends Error {
  abstract readonly category: ErrorCategory;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Invalid input: bad flags, bad manifest.yaml, unknown plugin (exit 2). */
export class InputError extends FloeError {
  readonly category = 'input' as const;
}

/** The environment failed us: file system, cluster, timeouts (exit 3). */
export class EnvironmentError extends FloeError {
  readonly category = 'environment' as const;
}

/** One problem in a manifest, located in the source file. */
export interface ManifestIssue {
  file: string;
  line: number;
  col: number;
  /** Dotted path with [i] indexes, e.g. security.network_policies.jobs_egress_allow[0].port */
  path: string;
  message: string;
}

export function formatIssue(issue: ManifestIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.col}`;
  return issue.path ? `${where} ${issue.path}: ${issue.message}` : `${where} ${issue.message}`;
}

/** Every problem found in a manifest in one run, not only the first. */
export class ManifestError extends InputError {
  readonly issues: readonly ManifestIssue[];
  constructor(issues: readonly ManifestIssue[]) {
    const n = issues.length;
    super(`${n} problem${n === 1 ? '' : 's'} in the manifest:\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
    this.issues = issues;
  }
}
