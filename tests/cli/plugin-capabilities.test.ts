// A manifest that needs a capability the selected plugin lacks (host-name egress with
// --plugin k8s) is refused before anything is rendered: exit 2, the rule, the plugin
// and the plugin that can render it named, the output directory untouched. The same
// manifest with --plugin cilium is written.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { floe, REPO, snapshotDir, tempDir } from './run.ts';

async function manifestWithFqdn(dir: string): Promise<string> {
  const example = await readFile(join(REPO, 'examples/manifest.yaml'), 'utf8');
  const withRule = example.replace(
    '    platform_egress_allow:',
    ['      - name: snowflake', '        to_fqdn: ["*.snowflakecomputing.com"]', '        port: 443', '    platform_egress_allow:'].join('\n'),
  );
  expect(withRule).not.toBe(example);
  const file = join(dir, 'manifest.yaml');
  await writeFile(file, withRule);
  return file;
}

describe('plugin capabilities', () => {
  it('refuses to_fqdn with --plugin k8s: exit 2 naming the rule, the capability and --plugin cilium; an existing tree is untouched', { timeout: 90_000 }, async () => {
    const dir = await tempDir('floe-capability-');
    const out = join(dir, 'network');
    expect((await floe(['network', 'generate', '-m', join(REPO, 'examples/manifest.yaml'), '-d', out, '--log-level', 'silent'])).code).toBe(0);
    const before = await snapshotDir(out);
    const manifest = await manifestWithFqdn(dir);
    const r = await floe(['network', 'generate', '-m', manifest, '-d', out, '--plugin', 'k8s', '--log-level', 'silent']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('floe: error: egress rule jobs_egress_allow[2] "snowflake" (to_fqdn) needs a plugin with fqdn-egress, which plugin k8s does not have: try --plugin cilium\n');
    expect(await snapshotDir(out)).toEqual(before);
    const json = await floe(['network', 'generate', '-m', manifest, '-d', join(dir, 'never'), '--log-level', 'silent', '-o', 'json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'input.capability' } });
  });

  it('writes the same manifest with --plugin cilium: CiliumNetworkPolicies with toFQDNs', { timeout: 90_000 }, async () => {
    const dir = await tempDir('floe-cilium-');
    const out = join(dir, 'network');
    const r = await floe(['network', 'generate', '-m', await manifestWithFqdn(dir), '-d', out, '--plugin', 'cilium', '--log-level', 'silent']);
    expect(r.code, r.stderr).toBe(0);
    const egress = await readFile(join(out, 'floe-jobs-allow-egress.yaml'), 'utf8');
    expect(egress).toContain('kind: CiliumNetworkPolicy');
    expect(egress).toContain('    - toFQDNs:\n        - matchPattern: "*.snowflakecomputing.com"\n      toPorts:\n        - ports:\n            - port: "443"\n              protocol: TCP\n');
  });
});
