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
});
