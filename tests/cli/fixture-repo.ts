import { execFileSync } from 'node:child_process';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO, floe, tempDir } from './run.ts';

/**
 * A repository as floe's users keep one: manifest.yaml (floe's example) and
 * the target/network/ that `floe network generate` wrote from it, committed.
 */
export async function fixtureRepository(): Promise<string> {
  const dir = await tempDir('floe-fixture-repo-');
  await copyFile(join(REPO, 'examples/manifest.yaml'), join(dir, 'manifest.yaml'));
  const r = await floe(['--log-level', 'silent', 'network', 'generate'], { cwd: dir });
  if (r.code !== 0) throw new Error(`floe network generate exited ${r.code}: ${r.stderr}`);
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=floe', '-c', 'user.email=floe@example.invalid', ...args], { cwd: dir, stdio: 'pipe' });
  git('init', '-q');
  git('add', '.');
  git('commit', '-q', '-m', 'platform manifest and its NetworkPolicies');
  return dir;
}

/** Adds a data domain to the fixture's manifest.yaml, so that target/network/ is no longer current. */
export async function addDomain(dir: string, name = 'finance'): Promise<void> {
  const file = join(dir, 'manifest.yaml');
  const text = await readFile(file, 'utf8');
  if (!text.includes('  - name: marketing\n')) throw new Error('examples/manifest.yaml no longer lists the marketing domain: update tests/cli/fixture-repo.ts');
  await writeFile(file, text.replace('  - name: marketing\n', `  - name: marketing\n  - name: ${name}\n`));
}
