import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultManifest, loadManifestFile, type LoadedManifest } from '@floe/core/config';
import { DEFAULT_PLUGIN, loadPlugin, type NetworkSecurityPlugin } from '@floe/core/plugin';
import { createLogger, type Logger } from '@floe/core/telemetry';
import { boundYoungGeneration, LARGE_MANIFEST_BYTES } from './heap.js';
import { textToStderr } from './log-text.js';
import { logSettings, type GlobalOptions } from './options.js';

export { LOG_LEVELS, logLevelFromEnv, type GlobalOptions } from './options.js';

/** The run's logger on stderr: JSON lines, or at a terminal (or with --log-format text) one short line per record. */
export function logger(opts: GlobalOptions): Logger {
  const { format, level } = logSettings(opts, Boolean(process.stderr.isTTY));
  return createLogger(level, format === 'text' ? textToStderr : undefined);
}

/** The --strict option of every command that reads manifest.yaml. */
export const STRICT_FLAG = ['--strict', 'refuse every unknown top-level key of the manifest, not only near misses of floe network\'s (recommended in CI; or floe.dev/strict: true in the manifest)'] as const;

/** --manifest PATH, else ./manifest.yaml, else the built-in defaults (said on stderr). */
export async function resolveManifest(path: string | undefined, strict = false): Promise<LoadedManifest> {
  const file = path ?? 'manifest.yaml';
  const size = await stat(resolve(file)).then((info) => (info.isFile() ? info.size : 0), () => undefined);
  if (size === undefined && !path) {
    process.stderr.write('floe: no --manifest given and no ./manifest.yaml: using the built-in defaults\n');
    return defaultManifest();
  }
  // Before parsing: the YAML document of a large manifest is what first grows the heap.
  if (size !== undefined && size >= LARGE_MANIFEST_BYTES) boundYoungGeneration();
  return loadManifestFile(file, { strict });
}

/** Plugins are looked up from the CLI's own install and from the working directory. */
export function loadNetworkPlugin(name: string = DEFAULT_PLUGIN): Promise<NetworkSecurityPlugin> {
  const here = dirname(fileURLToPath(import.meta.url));
  return loadPlugin(name, [here, process.cwd()]);
}
