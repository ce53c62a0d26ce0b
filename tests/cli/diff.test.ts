// `floe network diff` input handling and cluster faults, without a cluster:
// bad input is exit 2 before any request; an unreachable server is exit 3 in one line.
import { createServer } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { floe, tempDir } from './run.ts';

const TOKEN = 'floe-test-token-do-not-print-3c1e9a';

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

async function deadKubeconfig(dir: string): Promise<string> {
  const file = join(dir, 'kubeconfig');
  const server = `https://127.0.0.1:${await closedPort()}`;
  await writeFile(
    file,
    `apiVersion: v1
kind: Config
clusters: [{name: dead, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: ${TOKEN}}}]
contexts: [{name: dead, context: {cluster: dead, user: u}}]
current-context: dead
`,
  );
  return file;
}

describe('floe network diff: input', () => {
  it('exits 2 when both --manifest and --dir are given', async () => {
    const cwd = await tempDir();
    const r = await floe(['network', 'diff', '--manifest', 'manifest.yaml', '--dir', 'target/network'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('floe: error: --manifest and --dir are alternatives: pass one');
  });

  it('exits 2 for a directory that does not exist, naming it', async () => {
    const cwd = await tempDir();
    const r = await floe(['network', 'diff', '--dir', 'nowhere'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('floe: error: cannot read nowhere: no such directory\n');
  });

  it('exits 2 for a directory holding a file that is not one object, naming the file', async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'two.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n');
    const r = await floe(['network', 'diff', '--dir', '.'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('floe: error: two.yaml: holds 2 objects; floe writes exactly one object per file\n');
  });

  it('exits 2 for an invalid manifest, before talking to any cluster', async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'manifest.yaml'), 'domains:\n  - name: Not_Valid\n');
    const r = await floe(['network', 'diff', '--kubeconfig', join(cwd, 'none')], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('problem');
    expect(r.stderr).not.toContain('kubeconfig');
  });

  it('teaches in --help: what drift is, exit codes and examples', async () => {
    const r = await floe(['network', 'diff', '--help']);
    expect(r.code).toBe(0);
    for (const text of ['--manifest', '--dir', '--kubeconfig', '--context', '--request-timeout', 'Exit codes: 0 no drift, 1 drift', 'widens access', 'Examples:']) expect(r.stdout).toContain(text);
  });
});

describe('floe network diff: cluster faults', () => {
  it('exits 3 in one line naming the server when nothing listens, and never prints the token', async () => {
    const cwd = await tempDir();
    const kubeconfig = await deadKubeconfig(cwd);
    const started = Date.now();
    const r = await floe(['network', 'diff', '--kubeconfig', kubeconfig, '--request-timeout', '5s'], { cwd });
    expect(r.code).toBe(3);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('floe: error:'));
    expect(errors).toEqual([expect.stringMatching(/^floe: error: cannot reach the API server at https:\/\/127\.0\.0\.1:\d+: connection refused/)]);
    expect(r.stdout).toBe('');
    expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
