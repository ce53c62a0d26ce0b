import { CommanderError } from 'commander';
import { ClusterError } from '@floe/core/cluster';
import { FloeError, ManifestError, formatIssue, type ManifestIssue } from '@floe/core/errors';
import { escapeControl } from '@floe/core/util';

/** Exit codes, for every command (ARCHITECTURE.md). The one place errors become codes. */
export const EXIT = { ok: 0, finding: 1, input: 2, environment: 3, internal: 4 } as const;

/**
 * The stable shape of a failure under `--output json`, printed on stdout as
 * `{"error": ...}`. `code` is `<category>.<what>` (docs/json-output.md lists them); add
 * fields, never rename them.
 */
export interface JsonError {
  code: string;
  message: string;
  /** Every manifest problem, located; empty for other failures. */
  problems: ManifestIssue[];
}

export interface ErrorReport {
  code: number;
  /** For stderr, one line each. */
  lines: string[];
  /** For stdout under `--output json`; absent when there is nothing to report (help, --version, findings). */
  json?: JsonError;
}

/** commander.unknownOption -> usage.unknown_option */
function usageCode(commanderCode: string): string {
  const what = commanderCode.replace(/^commander\./, '').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return `usage.${what}`;
}

function codeOf(err: FloeError): string {
  if (err.code !== undefined) return err.code;
  if (err instanceof ClusterError) return `environment.cluster_${err.fault.replace(/-/g, '_')}`;
  return { finding: 'finding', input: 'input.invalid', environment: 'environment.error', internal: 'internal.error' }[err.category];
}

/** The located problems an input error carries (the object reader's, harden's conflicts), if any. */
function locatedProblems(err: FloeError): { file: string; line: number; col: number; message: string }[] | undefined {
  const problems: unknown = (err as FloeError & { problems?: unknown }).problems;
  if (!Array.isArray(problems)) return undefined;
  return problems.filter((p): p is { file: string; line: number; col: number; message: string } => typeof p === 'object' && p !== null && typeof (p as { message?: unknown }).message === 'string');
}

export function reportError(err: unknown, debug: boolean): ErrorReport {
  if (err instanceof CommanderError) {
    // Help and --version "errors" are successes; commander has already printed them (and usage errors).
    if (err.exitCode === 0) return { code: EXIT.ok, lines: [] };
    return { code: EXIT.input, lines: [], json: { code: usageCode(err.code), message: err.message.replace(/^error: /, ''), problems: [] } };
  }
  if (err instanceof ManifestError) {
    const n = err.issues.length;
    const message = `${n} problem${n === 1 ? '' : 's'} in the manifest; nothing was written`;
    // Issues quote the manifest (keys, values): each is one line on the terminal, its control characters escaped.
    return { code: EXIT.input, lines: [`floe: error: ${message}`, ...err.issues.map((i) => escapeControl(formatIssue(i)))], json: { code: 'input.manifest', message, problems: [...err.issues] } };
  }
  const located = err instanceof FloeError && err.category === 'input' ? locatedProblems(err) : undefined;
  if (err instanceof FloeError && located && located.length > 1) {
    // One line per problem (file:line:col message), each escaped on its own: a quoted value cannot forge another line.
    const head = err.message.split('\n')[0] ?? '';
    const lines = [`floe: error: ${escapeControl(head)}`, ...located.map((p) => `  ${escapeControl(`${p.file}:${p.line}:${p.col} ${p.message}`)}`)];
    return { code: EXIT.input, lines, json: { code: codeOf(err), message: err.message, problems: [] } };
  }
  if (err instanceof FloeError) {
    const code = { finding: EXIT.finding, input: EXIT.input, environment: EXIT.environment, internal: EXIT.internal }[err.category];
    // A finding is a result, not an error: the report is on stdout; stderr gets its one-line summary.
    if (err.category === 'finding') return { code, lines: [`floe: ${escapeControl(err.message)}`] };
    const lines = [`floe: error: ${escapeControl(err.message)}`, ...(debug && err.stack ? [err.stack] : [])];
    return { code, lines, json: { code: codeOf(err), message: err.message, problems: [] } };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    code: EXIT.internal,
    lines: [`floe: internal error: ${escapeControl(e.message)}${debug ? '' : ' (this is a bug; re-run with --debug for the stack trace)'}`, ...(debug && e.stack ? [e.stack] : [])],
    json: { code: 'internal.error', message: `internal error: ${e.message}`, problems: [] },
  };
}
