import { access } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_PLUGIN,
  InputError,
  createLogger,
  defaultManifest,
  loadManifestFile,
  loadPlugin,
  type LevelWithSilent,
  type LoadedManifest,
  type Logger,
  type NetworkSecurityPlugin,
} from '@floe/core';

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

export function logger(opts: GlobalOptions): Logger {
  return createLogger(opts.logLevel ?? logLevelFromEnv() ?? (opts.debug ? 'debug' : 'info'));
}

/** --manifest PATH, else ./manifest.yaml, else the built-in defaults (said on stderr). */
export async function resolveManifest(path: string | undefined): Promise<LoadedManifest> {
  if (path) return loadManifestFile(path);
  const local = resolve('manifest.yaml');
  const exists = await access(local).then(() => true, () => false);
  if (exists) return loadManifestFile('manifest.yaml');
  process.stderr.write('floe: no --manifest given and no ./manifest.yaml: using the built-in defaults\n');
  return defaultManifest();
}

/** Plugins are looked up from the CLI's own install and from the working directory. */
export function loadNetworkPlugin(name: string = DEFAULT_PLUGIN): Promise<NetworkSecurityPlugin> {
  const here = dirname(fileURLToPath(import.meta.url));
  return loadPlugin(name, [here, process.cwd()]);
}
