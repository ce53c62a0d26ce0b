import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAction } from './action-runner.ts';
import { addDomain, fixtureRepository } from './fixture-repo.ts';
import { FLOE_BIN, floe } from './run.ts';

/** floe from this repository's build, as a workflow that checked floe out and built it would pass it. */
const FROM_REPO = { 'floe-command': `${process.execPath} ${FLOE_BIN}` };

interface Sarif {
  runs: { results: { ruleId: string; level: string; locations?: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
}

describe('the GitHub Action (action.yml), its steps run as the runner runs them', () => {
  it('passes on a repository whose target/network/ is current, and outputs the SARIF path', async () => {
    const workspace = await fixtureRepository();
    const r = await runAction({ workspace, inputs: FROM_REPO });
    expect(r.code, JSON.stringify(r.steps, null, 2)).toBe(0);
    expect(r.steps.map((s) => [s.name, s.ran, s.code])).toEqual([
      ['Set up Node.js', 'skipped', 0],
      ['Install floe', 'run', 0],
      ['floe network validate', 'run', 0],
      ['floe network generate', 'run', 0],
    ]);
    expect(r.outputs).toEqual({ sarif: 'floe-network.sarif' });
    const sarif = JSON.parse(await readFile(join(workspace, 'floe-network.sarif'), 'utf8')) as Sarif;
    expect(sarif.runs[0]?.results.filter((x) => x.level === 'error')).toEqual([]);
  });

  it('fails when target/network/ is not current with the manifest, with the findings in the SARIF and the fix in an ::error:: line', async () => {
    const workspace = await fixtureRepository();
    await addDomain(workspace);
    const r = await runAction({ workspace, inputs: { ...FROM_REPO, sarif: 'reports/floe.sarif' } });
    expect(r.code).toBe(1);
    const [, , validate, generate] = r.steps;
    expect(validate?.code).toBe(0);
    expect(generate?.code).toBe(1);
    expect(generate?.stdout).toContain(
      '::error title=floe network::target/network/ failed floe network validate (the findings are in reports/floe.sarif and above). If it is not current with manifest.yaml, run: floe network generate --manifest manifest.yaml --output-dir target/network, and commit the result.',
    );
    // What a reviewer needs: the files the manifest change adds, from git.
    expect(generate?.stdout).toMatch(/^\?\? target\/network\/floe-finance/m);
    const sarif = JSON.parse(await readFile(join(workspace, 'reports/floe.sarif'), 'utf8')) as Sarif;
    const errors = sarif.runs[0]?.results.filter((x) => x.level === 'error') ?? [];
    expect(errors.map((x) => x.ruleId)).toContain('current');
    // generate has run: the directory is what the manifest says now.
    expect((await floe(['--log-level', 'silent', 'network', 'validate'], { cwd: workspace })).code).toBe(0);
  });

  it('fails at validate with floe\'s own message, leaving no empty SARIF, when the manifest or the directory is missing', async () => {
    const workspace = await fixtureRepository();
    await rm(join(workspace, 'target'), { recursive: true });
    const r = await runAction({ workspace, inputs: FROM_REPO });
    expect(r.code).toBe(2);
    expect(r.steps.at(-1)).toMatchObject({ name: 'floe network validate', code: 2 });
    expect(r.steps.at(-1)?.stderr).toMatch(/^floe: error: .*target\/network/m);
    expect(existsSync(join(workspace, 'floe-network.sarif'))).toBe(false);

    const other = await runAction({ workspace: await fixtureRepository(), inputs: { ...FROM_REPO, manifest: 'platform/manifest.yaml' } });
    expect(other.code).toBe(2);
    expect(other.steps.at(-1)?.stderr).toContain('floe: error: manifest not found: platform/manifest.yaml');
  });
});
