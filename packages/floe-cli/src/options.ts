import { InputError } from '@floe/core/errors';
import type { LevelWithSilent } from '@floe/core/telemetry';

/** The options every command inherits from `floe`. */
export interface GlobalOptions {
  debug?: boolean;
  logLevel?: LevelWithSilent;
}

/** The levels --log-level and FLOE_LOG_LEVEL accept. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const satisfies readonly LevelWithSilent[];

/** FLOE_LOG_LEVEL, checked: any other value is bad input (exit 2), not a crash in the logger. */
export function logLevelFromEnv(): LevelWithSilent | undefined {
  const value = process.env.FLOE_LOG_LEVEL;
  if (value === undefined || value === '') return undefined;
  if ((LOG_LEVELS as readonly string[]).includes(value)) return value as LevelWithSilent;
  throw new InputError(`FLOE_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(value)})`, { code: 'input.log_level' });
}
