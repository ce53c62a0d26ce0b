import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { floe, REPO, snapshotDir, tempDir } from './run.ts';

const manifest = join(REPO, 'examples/manifest.yaml');

async function setUp() {
  const dir = await tempDir('floe-parallel-');
  const reference = join(dir, 'reference');
  expect((await floe(['network', 'generate', '-m', manifest, '-d', reference])).code).toBe(0);
  return { dir, expected: await snapshotDir(reference) };
}

describe.each([4, 8])('%i floe network generate runs in parallel on one output directory', (parallel) => {
  it('each succeed or exit 3 saying another generate is running, never 4, and leave one complete tree and nothing else', async () => {
    const { dir, expected } = await setUp();
    const root = join(dir, 'runs');
    const seen: Record<number, number> = {};
    for (let round = 0; round < 4; round++) {
      // Even rounds start from nothing, odd rounds replace the tree of the round before.
      const out = join(root, `r${round >> 1}`, 'network');
      const runs = await Promise.all(Array.from({ length: parallel }, () => floe(['network', 'generate', '-m', manifest, '-d', out, '--log-level', 'silent'])));
      for (const r of runs) {
        seen[r.code] = (seen[r.code] ?? 0) + 1;
        expect([0, 3], r.stderr).toContain(r.code);
        if (r.code === 3) expect(r.stderr).toMatch(/^floe: error: another generate is running on .*network \(pid \d+ on /m);
      }
      expect(runs.some((r) => r.code === 0)).toBe(true);
      expect(await snapshotDir(out)).toEqual(expected);
      // No staging tree, old tree or lock is left beside the output.
      expect(await readdir(join(root, `r${round >> 1}`))).toEqual(['network']);
    }
    expect(seen[4]).toBeUndefined();
  }, 180_000);
});
