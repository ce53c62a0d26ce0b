import { CommanderError } from 'commander';
import { FloeError, ManifestError, formatIssue } from '@floe/core';

/** Exit codes, for every command (DESIGN.md). The one place errors become codes. */
export const EXIT = { ok: 0, finding: 1, input: 2, environment: 3, internal: 4 } as const;

export interface ErrorReport {
  code: number;
  lines: string[];
}

export function reportError(err: unknown, debug: boolean): ErrorReport {
  if (err instanceof CommanderError) {
    // Help and --version "errors" are successes; commander has already printed them.
    if (err.exitCode === 0) return { code: EXIT.ok, lines: [] };
    return { code: EXIT.input, lines: [] };
  }
  if (err instanceof ManifestError) {
    return { code: EXIT.input, lines: [`floe: error: ${err.issues.length} problem${err.issues.length === 1 ? '' : 's'} in the manifest; nothing was written`, ...err.issues.map(formatIssue)] };
  }
  if (err instanceof FloeError) {
    const code = { finding: EXIT.finding, input: EXIT.input, environment: EXIT.environment, internal: EXIT.internal }[err.category];
    return { code, lines: [`floe: error: ${err.message}`, ...(debug && err.stack ? [err.stack] : [])] };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    code: EXIT.internal,
    lines: [`floe: internal error: ${e.message}${debug ? '' : ' (this is a bug; re-run with --debug for the stack trace)'}`, ...(debug && e.stack ? [e.stack] : [])],
  };
}
