import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { addDomain, fixtureRepository } from './fixture-repo.ts';
import { FLOE_BIN, REPO, tempDir, type RunResult } from './run.ts';

interface Hook {
  id: string;
  entry: string;
  language: string;
  files: string;
  pass_filenames: boolean;
  args?: string[];
}

const hooks = async () => parse(await readFile(join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];

/** A directory holding `floe` (this repository's build), to put on PATH as `npm install -g @floe/cli` would. */
async function floeOnPath(): Promise<string> {
  const bin = await tempDir('floe-path-');
  const floe = join(bin, 'floe');
  await writeFile(floe, `#!/bin/sh\nexec '${process.execPath}' '${FLOE_BIN}' "$@"\n`);
  await chmod(floe, 0o755);
  return bin;
}

/**
 * Runs a hook as pre-commit documents it for `language: system`: the entry
 * split as a shell would (shlex), then `args`, then (pass_filenames) the staged
 * files; in the repository's root, with the user's PATH.
 */
async function runHook(hook: Hook, repo: string, opts: { args?: string[]; staged: string[] }): Promise<RunResult> {
  const matching = opts.staged.filter((f) => new RegExp(hook.files).test(f));
  if (matching.length === 0) throw new Error(`pre-commit would not run ${hook.id} for ${opts.staged.join(', ')}`);
  const [cmd, ...rest] = hook.entry.split(/\s+/);
  const argv = [...rest, ...(opts.args ?? hook.args ?? []), ...(hook.pass_filenames ? matching : [])];
  const bin = await floeOnPath();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('FLOE_') && !k.startsWith('OTEL_')));
  return new Promise((done, fail) => {
    const child = spawn(cmd as string, argv, { cwd: repo, env: { ...env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', fail);
    child.once('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

describe('the pre-commit hook floe-validate (.pre-commit-hooks.yaml)', () => {
  it('runs floe network validate once per commit, without file names, when the manifest or target/network/ changes', async () => {
    const hook = (await hooks()).find((h) => h.id === 'floe-validate');
    expect(hook).toMatchObject({ entry: 'floe network validate', language: 'system', pass_filenames: false });
    const files = new RegExp(hook?.files ?? '');
    for (const f of ['manifest.yaml', 'target/network/00-namespace-floe-jobs.yaml', 'platform/manifest.yaml', 'platform/target/network/x.yaml']) expect(f, f).toMatch(files);
    for (const f of ['README.md', 'src/manifest.yaml.bak', 'target/other/x.yaml']) expect(f, f).not.toMatch(files);
  });

  it('passes when target/network/ is current and fails naming the stale files when the manifest changed without it', async () => {
    const hook = (await hooks()).find((h) => h.id === 'floe-validate') as Hook;
    const repo = await fixtureRepository();
    const current = await runHook(hook, repo, { staged: ['manifest.yaml'] });
    expect(current.code, current.stderr).toBe(0);
    await addDomain(repo);
    const stale = await runHook(hook, repo, { staged: ['manifest.yaml'] });
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/floe-finance/);
    expect(stale.stderr).toContain('floe: validation failed: ');
  });

  it('takes another manifest and directory as args', async () => {
    const hook = (await hooks()).find((h) => h.id === 'floe-validate') as Hook;
    const repo = await fixtureRepository();
    await mkdir(join(repo, 'platform'));
    await rename(join(repo, 'manifest.yaml'), join(repo, 'platform/manifest.yaml'));
    await rename(join(repo, 'target'), join(repo, 'platform/target'));
    const args = ['--manifest', 'platform/manifest.yaml', '--dir', 'platform/target/network'];
    const r = await runHook(hook, repo, { args, staged: ['platform/target/network/00-namespace-floe-jobs.yaml'] });
    expect(r.code, r.stderr).toBe(0);
  });
});
