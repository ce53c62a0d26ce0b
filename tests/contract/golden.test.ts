import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { floe, REPO, snapshotDir, tempDir } from '../cli/run.ts';

/**
 * examples/manifest.yaml must generate exactly the committed tree in
 * examples/expected/network/. After an intended change, regenerate it with
 *   ./pnpmw floe network generate -m examples/manifest.yaml -d examples/expected/network
 * and review the diff like any other change to the intent.
 */
describe('golden output', () => {
  it('generates the committed expected tree from examples/manifest.yaml, byte for byte', async () => {
    const out = join(await tempDir(), 'network');
    const r = await floe(['network', 'generate', '-m', 'examples/manifest.yaml', '-d', out]);
    expect(r.code, r.stderr).toBe(0);
    const expected = await snapshotDir(join(REPO, 'examples/expected/network'));
    const actual = await snapshotDir(out);
    expect(Object.keys(actual)).toEqual(Object.keys(expected));
    for (const name of Object.keys(expected)) expect(actual[name], name).toBe(expected[name]);
  });

  it('generates the committed tree of the opt-in guardrails example (examples/guardrails/), byte for byte', async () => {
    const out = join(await tempDir(), 'network');
    const r = await floe(['network', 'generate', '-m', 'examples/guardrails/manifest.yaml', '-d', out]);
    expect(r.code, r.stderr).toBe(0);
    const expected = await snapshotDir(join(REPO, 'examples/guardrails/expected/network'));
    const actual = await snapshotDir(out);
    expect(Object.keys(actual)).toEqual(Object.keys(expected));
    for (const name of Object.keys(expected)) expect(actual[name], name).toBe(expected[name]);
  });

  it('keeps the guardrails example the main example with cluster_guardrails on, and its other files identical to the main tree', async () => {
    const main = await readFile(join(REPO, 'examples/manifest.yaml'), 'utf8');
    const guarded = await readFile(join(REPO, 'examples/guardrails/manifest.yaml'), 'utf8');
    const body = (text: string) => text.split('\n').filter((l) => !l.startsWith('#') && !l.includes('cluster_guardrails:')).join('\n');
    expect(body(guarded)).toBe(body(main));
    const plain = await snapshotDir(join(REPO, 'examples/expected/network'));
    const withGuardrails = await snapshotDir(join(REPO, 'examples/guardrails/expected/network'));
    const added = Object.keys(withGuardrails).filter((name) => !(name in plain));
    expect(added.every((name) => name.startsWith('cluster-floe-'))).toBe(true);
    const differing = Object.keys(plain).filter((name) => plain[name] !== withGuardrails[name]);
    expect(differing.sort()).toEqual(['.floe-generated', 'Kustomization', 'NETWORK-POLICY-SUMMARY.md']);
  });
});
