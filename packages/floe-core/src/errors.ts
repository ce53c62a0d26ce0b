/**
 * Typed errors. Library code throws these; the CLI maps them to exit codes in
 * one place (packages/floe-cli/src/exit.ts); ARCHITECTURE.md lists the codes.
 */
export type ErrorCategory = 'finding' | 'input' | 'environment' | 'internal';

export abstract class FloeError extends Error {
  abstract readonly category: ErrorCategory;
  /** A stable code for `--output json` (e.g. "environment.locked"); without one the CLI derives it from the category. */
  readonly code?: string;
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, options);
    this.name = new.target.name;
    if (options?.code !== undefined) this.code = options.code;
  }
}

/**
 * The check found something (drift, denied, not enforced, violations): exit 1,
 * after the command has printed its report. A result, not a failure.
 */
export class FindingError extends FloeError {
  readonly category = 'finding' as const;
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
  /** Stable, e.g. "manifest.invalid_cidr" (config/problem-codes.ts); the message may be reworded, the code not. */
  code: string;
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
