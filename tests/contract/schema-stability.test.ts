import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestJsonSchema, parseManifest } from '@floe/core';
import { REPO } from '../cli/run.ts';

/**
 * The manifest schema is a contract with every platform team's manifest.yaml.
 * Adding an optional field is a MINOR change; removing or renaming one, or
 * making one required, breaks manifests. This snapshot makes every change
 * visible in review. After an intended change:
 *   ./pnpmw -s floe network schema > tests/contract/manifest.schema.json
 */
describe('manifest schema stability', () => {
  it('matches the committed JSON Schema', async () => {
    const committed = JSON.parse(await readFile(join(REPO, 'tests/contract/manifest.schema.json'), 'utf8')) as unknown;
    expect(manifestJsonSchema()).toEqual(committed);
  });

  it('still accepts the example manifest and the empty manifest', async () => {
    const example = await readFile(join(REPO, 'examples/manifest.yaml'), 'utf8');
    expect(() => parseManifest(example, 'examples/manifest.yaml')).not.toThrow();
    expect(parseManifest('', 'empty').namespaces).toEqual({ platform: 'floe-platform', jobs: 'floe-jobs' });
  });
});
