import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { floe, FLOE_BIN, REPO, snapshotDir, tempDir } from './run.ts';

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
        // The loser names the owner, or, when it looks between the owner's create and write, "a run that is starting".
        if (r.code === 3) expect(r.stderr).toMatch(/^floe: error: another generate is running on .*network \((pid \d+ on |a run that is starting\))/m);
      }
      expect(runs.some((r) => r.code === 0)).toBe(true);
      expect(await snapshotDir(out)).toEqual(expected);
      // No staging tree, old tree or lock is left beside the output.
      expect(await readdir(join(root, `r${round >> 1}`))).toEqual(['network']);
    }
    expect(seen[4]).toBeUndefined();
  }, 180_000);
});

describe('a generate killed while it writes', () => {
  it('leaves a lock that the next run takes over, and the next run leaves one complete tree and nothing else', async () => {
    const dir = await tempDir('floe-crash-');
    const big = join(dir, 'big.yaml');
    // 2,000 domains: 10,000 files, seconds of writing, so the kill lands mid-write.
    await writeFile(big, `domains:\n${Array.from({ length: 2000 }, (_, i) => `  - name: d${i}`).join('\n')}\n`);
    const out = join(dir, 'network');
    const lock = join(dir, '.network.floe.lock');
    const child = spawn(process.execPath, [FLOE_BIN, 'network', 'generate', '-m', big, '-d', out, '--log-level', 'silent'], { stdio: 'ignore' });
    let running = true;
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => ((running = false), done(signal))));
    // Killed once its staging tree holds files: the lock and a half-written tree stay behind.
    const staging = async () => (await readdir(dir)).find((n) => n.startsWith('.network.floe-new-'));
    for (;;) {
      if (!running) throw new Error('generate ended before it could be killed mid-write');
      const name = await staging();
      if (name && (await readdir(join(dir, name))).length > 100) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(existsSync(lock)).toBe(true);
    expect(await staging()).toBeDefined();

    const manifest = join(REPO, 'examples/manifest.yaml');
    const r = await floe(['network', 'generate', '-m', manifest, '-d', out, '--log-level', 'silent']);
    expect(r.code, r.stderr).toBe(0);
    const reference = join(dir, 'reference');
    expect((await floe(['network', 'generate', '-m', manifest, '-d', reference, '--log-level', 'silent'])).code).toBe(0);
    expect(await snapshotDir(out)).toEqual(await snapshotDir(reference));
    expect((await readdir(dir)).sort()).toEqual(['big.yaml', 'network', 'reference']);
  }, 120_000);
});
