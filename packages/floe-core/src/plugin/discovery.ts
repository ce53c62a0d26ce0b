import { readdir, readFile, realpath } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { compareStrings } from '../util/compare.js';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../errors.js';
import { FLOE_API_VERSION, isApiCompatible, type NetworkSecurityPlugin } from './plugin.js';
import { SHIPPED_PLUGINS } from './shipped.js';

/**
 * Plugin discovery. A package declares its plugins in package.json:
 *   "floe": { "network_security": { "k8s": "./dist/index.js" } }
 * and the entry module's default export is the plugin class (or an instance).
 * We look in every node_modules directory from the given start directories up
 * to the root (Node's own resolution order), plus FLOE_PLUGIN_PATH.
 */
export interface DiscoveredPlugin {
  name: string;
  packageName: string;
  packageVersion: string;
  packageDir: string;
  entry: string;
}

export const DEFAULT_PLUGIN = 'k8s';

/**
 * Plugins floe ships, by name: resolved with Node's own module resolution
 * from the search directories, without listing every node_modules up to /
 * (0.4 s with 2,000 packages installed). Other names are discovered by scanning.
 */
export const KNOWN_PLUGIN_PACKAGES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(SHIPPED_PLUGINS).map(([name, p]) => [name, p.packageName]),
);

function nodeModulesChain(start: string): string[] {
  const dirs: string[] = [];
  let dir = resolve(start);
  for (;;) {
    if (!dir.endsWith('/node_modules')) dirs.push(join(dir, 'node_modules'));
    const parent = dirname(dir);
    if (parent === dir) return dirs;
    dir = parent;
  }
}

async function listPackageDirs(nodeModules: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(nodeModules, { withFileTypes: true });
  } catch {
    return [];
  }
  const dirs: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    if (e.name.startsWith('@')) {
      const scoped = await readdir(join(nodeModules, e.name)).catch(() => [] as string[]);
      dirs.push(...scoped.filter((s) => !s.startsWith('.')).map((s) => join(nodeModules, e.name, s)));
    } else {
      dirs.push(join(nodeModules, e.name));
    }
  }
  return dirs;
}

interface PackageJson {
  name?: string;
  version?: string;
  floe?: { network_security?: Record<string, unknown> };
}

export async function discoverPlugins(searchFrom: readonly string[]): Promise<DiscoveredPlugin[]> {
  const extra = (process.env.FLOE_PLUGIN_PATH ?? '').split(':').filter(Boolean);
  const nodeModulesDirs = [...new Set([...extra, ...searchFrom.flatMap(nodeModulesChain)])];
  const seen = new Set<string>();
  const found: DiscoveredPlugin[] = [];
  for (const nm of nodeModulesDirs) {
    for (const dir of await listPackageDirs(nm)) {
      let pkg: PackageJson;
      try {
        pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as PackageJson;
      } catch {
        continue;
      }
      const declared = pkg.floe?.network_security;
      if (!declared || typeof declared !== 'object') continue;
      const real = await realpath(dir);
      if (seen.has(real)) continue;
      seen.add(real);
      for (const [name, rel] of Object.entries(declared)) {
        if (typeof rel !== 'string') continue;
        found.push({ name, packageName: pkg.name ?? dir, packageVersion: pkg.version ?? '0.0.0', packageDir: real, entry: resolve(real, rel) });
      }
    }
  }
  return found.sort((a, b) => compareStrings(a.name, b.name) || compareStrings(a.packageName, b.packageName));
}

function describe(p: DiscoveredPlugin): string {
  return `${p.name} (${p.packageName}@${p.packageVersion})`;
}

function metadataOf(value: unknown): { name: string; floeApiVersion: string } | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const meta = (value as Record<string, unknown>).metadata as Record<string, unknown> | undefined;
  return typeof meta?.name === 'string' && typeof meta.floeApiVersion === 'string' ? { name: meta.name, floeApiVersion: meta.floeApiVersion } : undefined;
}

export async function instantiate(p: DiscoveredPlugin): Promise<NetworkSecurityPlugin> {
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(p.entry).href)) as { default?: unknown };
  } catch (err) {
    throw new InputError(`plugin ${describe(p)} could not be loaded from ${p.entry}: ${(err as Error).message}`, { cause: err });
  }
  const exported = mod.default;
  const plugin: unknown = typeof exported === 'function' ? new (exported as new () => unknown)() : exported;
  const meta = metadataOf(plugin);
  if (!meta) throw new InputError(`plugin ${describe(p)}: ${p.entry} must default-export a NetworkSecurityPlugin class or instance`);
  // The version first: a plugin built for another API has other methods, and "wrong API" is the useful message.
  if (!isApiCompatible(meta.floeApiVersion)) {
    const major = FLOE_API_VERSION.split('.')[0];
    const older = Number(meta.floeApiVersion.split('.')[0]) < Number(major);
    throw new InputError(
      `plugin ${describe(p)} implements floe plugin API ${meta.floeApiVersion}, which this floe (API ${FLOE_API_VERSION}) cannot run; ${older ? `it was built for an older floe: upgrade the plugin to a version built for API ${major}.x` : `install a plugin version built for API ${major}.x, or upgrade floe`}`,
    );
  }
  if (typeof (plugin as Record<string, unknown>).render !== 'function') {
    throw new InputError(`plugin ${describe(p)}: ${p.entry} declares floe plugin API ${meta.floeApiVersion} but has no render(plan) method`);
  }
  if (meta.name !== p.name) {
    throw new InputError(`plugin ${describe(p)}: package.json declares "${p.name}" but the plugin's metadata.name is "${meta.name}"`);
  }
  return plugin as NetworkSecurityPlugin;
}

/** A plugin floe ships, found by Node's resolution of its package name from one of `searchFrom`. */
async function resolveKnown(name: string, searchFrom: readonly string[]): Promise<DiscoveredPlugin | undefined> {
  const packageName = KNOWN_PLUGIN_PACKAGES[name];
  if (!packageName) return undefined;
  for (const from of searchFrom) {
    let pkgPath: string;
    try {
      pkgPath = createRequire(join(resolve(from), 'noop.js')).resolve(`${packageName}/package.json`);
    } catch {
      continue;
    }
    let pkg: PackageJson;
    try {
      pkg = JSON.parse(await readFile(pkgPath, 'utf8')) as PackageJson;
    } catch {
      continue;
    }
    const rel = pkg.floe?.network_security?.[name];
    if (typeof rel !== 'string') continue;
    const dir = await realpath(dirname(pkgPath));
    return { name, packageName, packageVersion: pkg.version ?? '0.0.0', packageDir: dir, entry: resolve(dir, rel) };
  }
  return undefined;
}

/**
 * Finds and loads the plugin called `name`; every way this can fail is an
 * InputError (exit 2). A plugin floe ships is resolved directly unless
 * FLOE_PLUGIN_PATH is set; everything else is discovered by scanning.
 */
export async function loadPlugin(name: string, searchFrom: readonly string[]): Promise<NetworkSecurityPlugin> {
  if (!process.env.FLOE_PLUGIN_PATH) {
    const known = await resolveKnown(name, searchFrom);
    if (known) return instantiate(known);
  }
  const all = await discoverPlugins(searchFrom);
  if (all.length === 0) {
    throw new InputError('no network security plugin is installed; install @floe/network-security-k8s (or set FLOE_PLUGIN_PATH to a node_modules directory that holds one)');
  }
  const matches = all.filter((p) => p.name === name);
  if (matches.length === 0) {
    throw new InputError(`unknown network security plugin "${name}"; installed: ${all.map(describe).join(', ')}`);
  }
  if (matches.length > 1) {
    throw new InputError(`plugin name "${name}" is ambiguous; it is provided by ${matches.map((m) => `${m.packageName}@${m.packageVersion} (${m.packageDir})`).join(' and ')}; uninstall one`);
  }
  return instantiate(matches[0] as DiscoveredPlugin);
}
