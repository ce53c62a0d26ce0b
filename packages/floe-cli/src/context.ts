import { access } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultManifest, loadManifestFile, type LoadedManifest } from '@floe/core/config';
import { DEFAULT_PLUGIN, loadPlugin, type NetworkSecurityPlugin } from '@floe/core/plugin';
import { createLogger, type Logger } from '@floe/core/telemetry';
import { logLevelFromEnv, type GlobalOptions } from './options.js';

export { LOG_LEVELS, logLevelFromEnv, type GlobalOptions } from './options.js';

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
