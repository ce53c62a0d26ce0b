/**
 * The Node.js floe needs (package.json engines), checked by the entry points
 * before anything else is imported. This module and the entry points must
 * parse and run on any Node.js: no imports, nothing newer than ES2020.
 */
export const MIN_NODE = '22.12';

/** The one line an unsupported Node.js gets, or undefined when `version` (process.versions.node) will do. */
export function unsupportedNode(version: string): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  const [minMajor = 0, minMinor = 0] = MIN_NODE.split('.').map(Number);
  if (major > minMajor || (major === minMajor && minor >= minMinor)) return undefined;
  return `floe: needs Node.js >= ${MIN_NODE} (this is v${version})`;
}

/**
 * What both entry points do: refuse an unsupported Node.js in one line (exit 2),
 * else load the CLI (start.js may use all of Node.js 22.12) and run it as `name`.
 */
export async function launch(name: string): Promise<void> {
  const refusal = unsupportedNode(process.versions.node);
  if (refusal) {
    process.stderr.write(`${refusal}\n`);
    process.exit(2);
  }
  const { start } = await import('./start.js');
  await start(name);
}
