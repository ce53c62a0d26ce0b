import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestJsonSchema } from '@floe/core/config';
import { buildProgram } from '../../packages/floe-cli/src/main.ts';
import { CLI_DIR, cliDocsOnDisk, regenerateCommand, renderDocs } from '../../scripts/docs.ts';
import { REPO } from '../cli/run.ts';

/**
 * docs/cli/ and docs/manifest.md are generated from the commander definitions
 * and the manifest's JSON Schema, so that the docs and `--help` cannot drift:
 * this renders them from the current sources, in memory, and compares them
 * with what is committed.
 */
const generated = renderDocs(await buildProgram(), manifestJsonSchema(), REPO);
const read = (path: string) => (existsSync(join(REPO, path)) ? readFileSync(join(REPO, path), 'utf8') : undefined);

describe('generated docs are current', () => {
  it.each([...generated.keys()])('%s is what scripts/gen-docs.ts writes from the current sources', (path) => {
    expect(read(path), `${path} is stale: run ${regenerateCommand(path)} and commit the result`).toBe(generated.get(path));
  });

  it('docs/cli holds a page for no command that does not exist', () => {
    const extra = cliDocsOnDisk(REPO).filter((path) => !generated.has(path));
    expect(extra, `no command has these pages: run ${regenerateCommand(`${CLI_DIR}/`)} to remove them`).toEqual([]);
  });

  it('renders every command below floe network, nested ones too', () => {
    expect([...generated.keys()].filter((p) => p.startsWith(`${CLI_DIR}/`)).sort()).toEqual(
      ['README', 'audit', 'check-cni', 'diff', 'explain', 'generate', 'job-run-policy', 'pss', 'pss-check', 'schema', 'validate'].map((p) => `${CLI_DIR}/${p}.md`).sort(),
    );
  });
});
