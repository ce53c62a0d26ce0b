import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { floe, tempDir } from './run.ts';

interface JsonError {
  error: { code: string; message: string; problems: { file: string; line: number; col: number; path: string; code: string; message: string }[] };
}

const parse = (stdout: string) => JSON.parse(stdout) as JsonError;

describe('failures under --output json', () => {
  it('prints every manifest problem with a stable code as a JSON error on stdout, and the text on stderr', async () => {
    const dir = await tempDir();
    const manifest = join(dir, 'manifest.yaml');
    await writeFile(manifest, ['namespaces:', '  platfrom: x', 'security:', '  network_policies:', '    kubernetes_api: {cidrs: [10.96.0.1/24]}', ''].join('\n'));
    const r = await floe(['network', 'generate', '-m', manifest, '-d', join(dir, 'out'), '-o', 'json']);
    expect(r.code).toBe(2);
    expect(parse(r.stdout)).toEqual({
      error: {
        code: 'input.manifest',
        message: '2 problems in the manifest; nothing was written',
        problems: [
          { file: manifest, line: 2, col: 3, path: 'namespaces.platfrom', code: 'manifest.unknown_key', message: 'unknown field (did you mean platform? allowed: platform, jobs)' },
          {
            file: manifest, line: 5, col: 30, path: 'security.network_policies.kubernetes_api.cidrs[0]', code: 'manifest.invalid_cidr',
            message: 'host bits are set; the network is 10.96.0.0/24 (got "10.96.0.1/24")',
          },
        ],
      },
    });
    expect(r.stderr).toContain('floe: error: 2 problems in the manifest; nothing was written');
  });

  it('prints an environment failure as a JSON error with exit 3', async () => {
    const out = join(await tempDir(), 'network');
    await mkdir(out);
    await writeFile(join(out, 'notes.txt'), 'mine');
    const r = await floe(['network', 'generate', '-d', out, '-o', 'json']);
    expect(r.code).toBe(3);
    const { error } = parse(r.stdout);
    expect(error).toMatchObject({ code: 'environment.error', problems: [] });
    expect(error.message).toMatch(/holds files floe did not write \(notes\.txt\)/);
  });

  it('prints a usage error as a JSON error with exit 2 when --output json was asked for', async () => {
    const r = await floe(['network', 'generate', '--no-such-flag', '--output=json']);
    expect(r.code).toBe(2);
    expect(parse(r.stdout)).toEqual({ error: { code: 'usage.unknown_option', message: "unknown option '--no-such-flag'", problems: [] } });
  });

  it('prints nothing on stdout for a failure without --output json', async () => {
    const r = await floe(['network', 'generate', '-m', '/nonexistent/manifest.yaml', '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });

  it('is explained in the help of floe network', async () => {
    const r = await floe(['network', '--help']);
    expect(r.stdout).toContain('With -o json, a failure (2, 3, 4) is also printed on stdout as');
  });

  it('names the code of a missing manifest', async () => {
    const r = await floe(['network', 'generate', '-m', '/nonexistent/manifest.yaml', '--dry-run', '-o', 'json']);
    expect(parse(r.stdout).error).toMatchObject({ code: 'input.manifest_not_found', message: expect.stringMatching(/^manifest not found: \/nonexistent\/manifest\.yaml/) });
  });
});

describe('FLOE_LOG_LEVEL', () => {
  it('exits 2 naming the allowed values when it is not a level', async () => {
    const r = await floe(['network', 'generate', '--dry-run'], { env: { FLOE_LOG_LEVEL: 'verbose' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('floe: error: FLOE_LOG_LEVEL must be one of debug, info, warn, error, silent (got "verbose")\n');
    expect(r.stderr).not.toContain('internal error');
  });

  it('is bad input for every command, also with --output json', async () => {
    const schema = await floe(['network', 'schema'], { env: { FLOE_LOG_LEVEL: 'TRACE' } });
    expect(schema.code).toBe(2);
    const json = await floe(['network', 'generate', '--dry-run', '-o', 'json'], { env: { FLOE_LOG_LEVEL: 'verbose' } });
    expect(parse(json.stdout).error).toMatchObject({ code: 'input.log_level' });
  });

  it('accepts a documented level, and an empty value as unset', { timeout: 60_000 }, async () => {
    for (const level of ['warn', '']) {
      expect((await floe(['network', 'generate', '--dry-run'], { env: { FLOE_LOG_LEVEL: level } })).code, level).toBe(0);
    }
  });
});
