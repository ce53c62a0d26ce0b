/**
 * Writes the generated documentation (see scripts/docs.ts) from the built
 * packages: `./pnpmw docs:all` (everything), `./pnpmw docs:cli` (docs/cli/),
 * `./pnpmw docs:manifest` (docs/manifest.md). Those scripts build first, so
 * the pages describe the current sources. Removes docs/cli pages of commands
 * that no longer exist. `--check` writes nothing and exits 1 when a file differs.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI_DIR, cliDocsOnDisk, regenerateCommand, renderDocs } from './docs.ts';
import type * as Main from '../packages/floe-cli/src/main.ts';
import type * as Config from '@floe/core/config';


const REPO = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const targets = args.filter((a) => a !== '--check');
const TARGETS = ['cli', 'manifest', 'plugins'];
for (const t of targets) {
  if (!TARGETS.includes(t)) {
    process.stderr.write(`gen-docs: unknown target ${t}; targets: ${TARGETS.join(', ')} (none: all)\n`);
    process.exit(2);
  }
}
const wanted = (path: string) => {
  if (targets.length === 0) return true;
  const target = path.startsWith(`${CLI_DIR}/`) ? 'cli' : path.endsWith('manifest.md') ? 'manifest' : 'plugins';
  return targets.includes(target);
};

const built = (path: string) => {
  const file = join(REPO, path);
  if (!existsSync(file)) {
    process.stderr.write(`gen-docs: ${path} is missing: run ./pnpmw build first (./pnpmw docs:all does)\n`);
    process.exit(3);
  }
  return pathToFileURL(file).href;
};
const { buildProgram } = (await import(built('packages/floe-cli/dist/main.js'))) as typeof Main;
const { manifestJsonSchema } = (await import(built('packages/floe-core/dist/config/index.js'))) as typeof Config;

// No argv: every command is loaded (commandsFor), so every page is rendered.
const docs = renderDocs(await buildProgram(), manifestJsonSchema(), REPO);

const stale: string[] = [];
for (const [path, content] of docs) {
  if (!wanted(path)) continue;
  const file = join(REPO, path);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (current === content) continue;
  stale.push(path);
  if (check) continue;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  process.stderr.write(`gen-docs: wrote ${path}\n`);
}
if (wanted(`${CLI_DIR}/`)) {
  for (const path of cliDocsOnDisk(REPO)) {
    if (docs.has(path)) continue;
    stale.push(path);
    if (check) continue;
    rmSync(join(REPO, path));
    process.stderr.write(`gen-docs: removed ${path} (no such command)\n`);
  }
}
if (check && stale.length > 0) {
  for (const path of stale) process.stderr.write(`gen-docs: ${path} is stale: run ${regenerateCommand(path)}\n`);
  process.exit(1);
}
if (!check && stale.length === 0) process.stderr.write('gen-docs: every generated file is current\n');
