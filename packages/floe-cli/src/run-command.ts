import type { FindingError } from '@floe/core/errors';
import { auditEvent, withSpan, type AuditEvent, type Logger } from '@floe/core/telemetry';
import { logger, type GlobalOptions } from './context.js';

/** What a command's action gets from runCommand. */
export interface CommandRun {
  /** The run's logger (JSON or text, at the chosen level); the cluster client logs its requests to it. */
  readonly log: Logger;
  /**
   * Adds fields to this run's audit event as the action learns them (a manifest's
   * hash, the cluster's server), so that a run failing later still records them.
   */
  note(fields: Record<string, unknown>): void;
}

/** How a command's action ended, when it did not throw. */
export interface CommandOutcome {
  /** The audit event's result (default success): validate says failure when a check failed, generate dry-run. */
  result?: AuditEvent['result'];
  /** The audit event's fields beyond operation, result and what was noted: counts, verdicts. */
  audit?: Record<string, unknown>;
  /**
   * The check found something (exit 1). It is thrown once the span has closed: the report
   * is on stdout, and for the span and the audit event the operation succeeded.
   */
  finding?: FindingError | undefined;
}

export interface CommandSpec {
  /** The audit event's operation, e.g. network.generate. */
  operation: string;
  /** The OpenTelemetry span's name; default `floe.<operation>`. */
  span?: string;
  /** The span's attributes. */
  attributes: Parameters<typeof withSpan>[1];
  /** Audit fields known before the action runs (recorded on failure too). */
  audit?: Record<string, unknown>;
}

/**
 * Runs one command's action the way every command runs: inside its span, with
 * one audit event (success or failure, with the first line of the error), the
 * error rethrown for main's one error-to-exit mapping (exit.ts), and a finding
 * thrown last. Flag checks that come before any work stay outside, in the
 * command: a usage error is neither a span nor an audit event.
 */
export async function runCommand(globals: GlobalOptions, spec: CommandSpec, action: (run: CommandRun) => Promise<CommandOutcome | void>): Promise<void> {
  const log = logger(globals);
  const known: Record<string, unknown> = { ...spec.audit };
  const run: CommandRun = { log, note: (fields) => void Object.assign(known, fields) };
  const outcome = await withSpan(spec.span ?? `floe.${spec.operation}`, spec.attributes, async () => {
    let done: CommandOutcome;
    try {
      done = (await action(run)) ?? {};
    } catch (err) {
      auditEvent(log, { operation: spec.operation, result: 'failure', ...known, error: firstLine(err) });
      throw err;
    }
    auditEvent(log, { operation: spec.operation, result: done.result ?? 'success', ...known, ...done.audit });
    return done;
  });
  if (outcome.finding) throw outcome.finding;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}
