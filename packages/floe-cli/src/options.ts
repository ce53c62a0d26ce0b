import { InputError } from '@floe/core/errors';
import type { LevelWithSilent } from '@floe/core/telemetry';

/** The options every command inherits from `floe`. */
export interface GlobalOptions {
  debug?: boolean;
  logLevel?: LevelWithSilent;
  logFormat?: LogFormat;
}

/** The levels --log-level and FLOE_LOG_LEVEL accept. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const satisfies readonly LevelWithSilent[];

/** The formats --log-format and FLOE_LOG_FORMAT accept: JSON lines for machines, one short line per record for people. */
export const LOG_FORMATS = ['json', 'text'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** FLOE_LOG_LEVEL, checked: any other value is bad input (exit 2), not a crash in the logger. */
export function logLevelFromEnv(): LevelWithSilent | undefined {
  const value = process.env.FLOE_LOG_LEVEL;
  if (value === undefined || value === '') return undefined;
  if ((LOG_LEVELS as readonly string[]).includes(value)) return value as LevelWithSilent;
  throw new InputError(`FLOE_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(value)})`, { code: 'input.log_level' });
}

/** FLOE_LOG_FORMAT, checked like FLOE_LOG_LEVEL. */
export function logFormatFromEnv(): LogFormat | undefined {
  const value = process.env.FLOE_LOG_FORMAT;
  if (value === undefined || value === '') return undefined;
  if ((LOG_FORMATS as readonly string[]).includes(value)) return value as LogFormat;
  throw new InputError(`FLOE_LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')} (got ${JSON.stringify(value)})`, { code: 'input.log_format' });
}

/**
 * How and what a run logs on stderr. The format: --log-format, else
 * FLOE_LOG_FORMAT, else text when stderr is a terminal and json otherwise (a
 * pipe, a file, CI). The level: --log-level, else FLOE_LOG_LEVEL, else debug
 * with --debug, else warn at a terminal with no format chosen (a person there
 * already reads the result on stdout: the audit event would only repeat it),
 * else info.
 */
export function logSettings(opts: GlobalOptions, stderrIsTty: boolean): { format: LogFormat; level: LevelWithSilent } {
  const chosen = opts.logFormat ?? logFormatFromEnv();
  const format = chosen ?? (stderrIsTty ? 'text' : 'json');
  const level = opts.logLevel ?? logLevelFromEnv() ?? (opts.debug ? 'debug' : chosen === undefined && stderrIsTty ? 'warn' : 'info');
  return { format, level };
}
