import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const HEAP = pathToFileURL(join(import.meta.dirname, '../../packages/floe-cli/src/heap.ts')).href;

/**
 * The young generation's size (MiB) after a child process has built 60 MB of
 * long-lived objects, with or without boundYoungGeneration() first.
 */
function youngGenerationAfterWork(bound: boolean, nodeArgs: string[] = []): number {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { boundYoungGeneration } from ${JSON.stringify(HEAP)};
    if (${bound}) boundYoungGeneration();
    const keep = [];
    for (let i = 0; i < 600_000; i++) keep.push({ i, name: 'object-' + i, tags: [i, i + 1] });
    const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    process.stdout.write(String(space.space_size / 1048576) + ' ' + keep.length);`;
  const out = execFileSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  return Number(out.split(' ')[0]);
}

describe('boundYoungGeneration', () => {
  it('keeps the young generation at its starting size while long-lived objects are built (V8 reads the flag at run time)', () => {
    const grown = youngGenerationAfterWork(false);
    const bounded = youngGenerationAfterWork(true);
    expect(bounded).toBeLessThanOrEqual(4);
    expect(grown).toBeGreaterThan(bounded * 4);
  });

  it("leaves a user's own young-generation setting alone", () => {
    expect(youngGenerationAfterWork(true, ['--max-semi-space-size=32'])).toBeGreaterThan(4);
  });
});
