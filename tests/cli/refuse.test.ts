import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { floe, REPO, snapshotDir, tempDir } from './run.ts';

const EXAMPLE = join(REPO, 'examples/manifest.yaml');

/** Writes `lines` as a manifest beside an output directory that holds the example's tree. */
async function setUp(lines: string[]) {
  const dir = await tempDir('floe-refuse-');
  const out = join(dir, 'network');
  expect((await floe(['network', 'generate', '-m', EXAMPLE, '-d', out, '--log-level', 'silent'])).code).toBe(0);
  const manifest = join(dir, 'manifest.yaml');
  await writeFile(manifest, `${lines.join('\n')}\n`);
  return { dir, out, manifest, before: await snapshotDir(out) };
}

describe('floe network generate refuses a manifest it cannot honour', () => {
  it.each([
    [
      'the ingress controller in the platform namespace',
      ['security:', '  network_policies:', '    ingress_controller_namespace: floe-platform'],
      '3:35 security.network_policies.ingress_controller_namespace: must not be a namespace floe manages: floe-platform is the platform namespace (namespaces.platform), and every pod there would be trusted as the ingress controller and admitted into the platform and the domains',
    ],
    [
      'kube-system as a domain namespace',
      ['domains:', '  - name: ops', '    namespace: kube-system'],
      '3:16 domains[0].namespace: must not be kube-system: it runs cluster DNS, the CNI and the other cluster add-ons, and floe writes default-deny NetworkPolicies and Pod Security labels into every namespace it manages',
    ],
    [
      'the DNS namespace equal to the jobs namespace',
      ['security:', '  network_policies:', '    dns:', '      namespace: floe-jobs'],
      '4:18 security.network_policies.dns.namespace: must not be a namespace floe manages: floe-jobs is the jobs namespace (namespaces.jobs), and every managed namespace would reach pods there on port 53, a flow across domains',
    ],
    [
      'an empty DNS pod selector',
      ['security:', '  network_policies:', '    dns:', '      pod_labels: {}'],
      '4:19 security.network_policies.dns.pod_labels: must name at least one label: an empty selector matches every pod in kube-system, and every managed namespace would reach all of them on port 53',
    ],
    [
      'run_as_user 0 under runAsNonRoot',
      ['security:', '  pod_security:', '    platform_level: baseline', '    run_as_user: 0'],
      '4:18 security.pod_security.run_as_user: must not be 0: the floe-hardened template sets runAsNonRoot: true, and the kubelet refuses to start a container that would run as root under it; choose a non-root UID (a workload that must run as root cannot use the hardened template)',
    ],
  ])('refuses %s: exit 2, located, and the output directory untouched', { timeout: 90_000 }, async (_what, lines, problem) => {
    const { out, manifest, before } = await setUp(lines);
    const r = await floe(['network', 'generate', '-m', manifest, '-d', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('floe: error: 1 problem in the manifest; nothing was written');
    expect(r.stderr).toContain(`${manifest}:${problem}\n`);
    expect(await snapshotDir(out)).toEqual(before);
  });

  it('reports every refusal and field error of a manifest in one run, and creates no output directory', async () => {
    const dir = await tempDir('floe-refuse-');
    const manifest = join(dir, 'manifest.yaml');
    await writeFile(
      manifest,
      [
        'namespaces:',
        '  jobs: default',
        'domains:',
        '  - name: web',
        '    namespace: ingress-nginx',
        'security:',
        '  network_policies:',
        '    jobs_egress_allow:',
        '      - {name: anywhere, to_cidr: 0.0.0.0/0, port: 22}',
        '      - {name: kube, to_namespace: kube-system, port: 10250}',
        '  pod_security:',
        '    domain_level: privileged',
        '    version: v2',
        '',
      ].join('\n'),
    );
    const out = join(dir, 'network');
    const r = await floe(['network', 'generate', '-m', manifest, '-d', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('floe: error: 6 problems in the manifest; nothing was written');
    const located = r.stderr.split('\n').filter((l) => l.startsWith(`${manifest}:`)).map((l) => l.slice(manifest.length + 1).split(': ')[0]);
    expect(located).toEqual([
      '2:9 namespaces.jobs',
      '5:16 domains[0].namespace',
      '9:35 security.network_policies.jobs_egress_allow[0].to_cidr',
      '10:36 security.network_policies.jobs_egress_allow[1].to_namespace',
      '12:19 security.pod_security.domain_level',
      '13:14 security.pod_security.version',
    ]);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses the IPv4-mapped to_cidr ::ffff:0.0.0.0/96 (exit 2), naming the IPv4 range 0.0.0.0/0 Kubernetes reads it as', async () => {
    const dir = await tempDir('floe-refuse-');
    const manifest = join(dir, 'manifest.yaml');
    await writeFile(manifest, 'security:\n  network_policies:\n    jobs_egress_allow:\n      - {name: anywhere, to_cidr: "::ffff:0.0.0.0/96", port: 443}\n');
    const out = join(dir, 'network');
    const r = await floe(['network', 'generate', '-m', manifest, '-d', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${manifest}:4:35 security.network_policies.jobs_egress_allow[0].to_cidr: ::ffff:0.0.0.0/96 is the IPv4 range 0.0.0.0/0`);
    expect(existsSync(out)).toBe(false);
  });

  it('still generates the example manifest', async () => {
    const out = join(await tempDir('floe-refuse-'), 'network');
    expect((await floe(['network', 'generate', '-m', EXAMPLE, '-d', out])).code).toBe(0);
  });
});
