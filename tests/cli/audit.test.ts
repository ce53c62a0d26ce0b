import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sarifLog } from '../../packages/floe-core/test/policy/sarif-shape.ts';
import { FLOE_BIN, REPO, floe, tempDir } from './run.ts';

const ALLOW_ALL = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-everything, namespace: shop}
spec:
  podSelector: {}
  ingress:
  - {}
`;

const STAND_INS = `apiVersion: v1
kind: Pod
metadata: {name: a, namespace: floe-jobs, labels: {app: job-a}}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: floe-jobs, labels: {app: job-b}}
---
apiVersion: v1
kind: Pod
metadata:
  name: polaris
  namespace: floe-platform
  labels: {app.kubernetes.io/name: polaris, app.kubernetes.io/component: polaris}
`;

/** `kubectl get pods,replicasets,deployments,daemonsets -n kube-system -o json` of a two-node kubeadm control plane. */
function kubeadmDump(): string {
  const mirror = (component: string, node: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${component}-${node}`,
      namespace: 'kube-system',
      labels: { component, tier: 'control-plane' },
      annotations: { 'kubernetes.io/config.mirror': `${component}${node}`, 'kubernetes.io/config.source': 'file' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node, uid: `uid-${node}`, controller: true }],
    },
    spec: { nodeName: node, hostNetwork: true, containers: [{ name: component, image: `registry.k8s.io/${component}:v1.35.4` }] },
    status: { phase: 'Running', podIP: node === 'cp-1' ? '192.168.0.11' : '192.168.0.12' },
  });
  const owned = (name: string, labels: Record<string, string>, kind: string, owner: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'kube-system', labels, ownerReferences: [{ apiVersion: 'apps/v1', kind, name: owner, uid: `uid-${owner}`, controller: true }] },
    spec: { containers: [{ name: 'c', image: 'x' }] },
  });
  const items = [
    ...['cp-1', 'cp-2'].flatMap((node) => ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((c) => mirror(c, node))),
    owned('coredns-668d6bf9bc-5xk2p', { 'k8s-app': 'kube-dns', 'pod-template-hash': '668d6bf9bc' }, 'ReplicaSet', 'coredns-668d6bf9bc'),
    owned('coredns-668d6bf9bc-q8wzt', { 'k8s-app': 'kube-dns', 'pod-template-hash': '668d6bf9bc' }, 'ReplicaSet', 'coredns-668d6bf9bc'),
    owned('kube-proxy-7tqzl', { 'k8s-app': 'kube-proxy' }, 'DaemonSet', 'kube-proxy'),
    owned('kube-proxy-b2m4x', { 'k8s-app': 'kube-proxy' }, 'DaemonSet', 'kube-proxy'),
  ];
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
}

/** Three namespaces of open pods (`shop` also has a policy): tens of thousands of pairs, megabytes of JSON. */
function crowd(): string {
  const pods = ['shop', 'blog', 'ops'].flatMap((ns) => Array.from({ length: 60 }, (_, i) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: ns, labels: { app: i % 2 ? 'web' : 'db' } } })));
  const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'db', namespace: 'shop' }, spec: { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432 }] }] } };
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...pods, policy] });
}

/** The audit event's counts, from the JSON log lines on stderr. */
const auditCounts = (stderr: string) => (stderr.split('\n').filter((l) => l.includes('"audit"')).map((l) => JSON.parse(l) as { audit: { counts: Record<string, number> } })[0]?.audit.counts);

let open: string;
let generated: string;
beforeAll(async () => {
  open = await tempDir('floe-audit-open-');
  await writeFile(join(open, 'shop.yaml'), ALLOW_ALL);
  generated = await tempDir('floe-audit-gen-');
  expect((await floe(['network', 'generate', '-d', join(generated, 'net')], { cwd: generated })).code).toBe(0);
  await mkdir(join(generated, 'stand-ins'));
  await writeFile(join(generated, 'stand-ins/pods.yaml'), STAND_INS);
});

describe('floe network audit', () => {
  it('refuses -n with a namespace the input does not have (exit 2), naming it and the namespaces there are, also with --connectivity', async () => {
    for (const extra of [[], ['--connectivity']]) {
      const r = await floe(['network', 'audit', '--from-dir', open, '-n', 'does-not-exist', '-n', 'shop', ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`floe: error: namespace does-not-exist is not in ${open} (its namespaces: shop)`);
      expect(r.stdout).toBe('');
    }
  });

  it('gives valid SARIF 2.1.0 for a directory with an allow-all policy, the finding located at its file and line (exit 1)', async () => {
    const r = await floe(['network', 'audit', '--from-dir', open, '-o', 'sarif']);
    expect(r.code).toBe(1);
    const log = sarifLog.parse(JSON.parse(r.stdout));
    const results = log.runs[0]?.results ?? [];
    expect(results.map((x) => x.ruleId)).toEqual(['allow-all-ingress']);
    expect(results[0]).toMatchObject({
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: `file://${join(open, 'shop.yaml')}` }, region: { startLine: 15 } } }],
    });
    expect(results[0]?.message.text).toContain('shop/allow-everything ingress[0] admits every peer (pods of every namespace and every address) on every port');
    expect(r.stderr).toContain('floe: 1 finding at or above --fail-on error');
  });

  it('finds an egress rule to ipBlock ::ffff:0.0.0.0/96 an allow-all to every IPv4 address (exit 1), as Kubernetes reads it', async () => {
    const dir = await tempDir('floe-audit-mapped-');
    await writeFile(
      join(dir, 'np.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: floe-jobs}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: out, namespace: floe-jobs}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{to: [{ipBlock: {cidr: "::ffff:0.0.0.0/96"}}]}]\n',
    );
    const r = await floe(['network', 'audit', '--from-dir', dir, '-o', 'json']);
    expect(r.code).toBe(1);
    const findings = (JSON.parse(r.stdout) as { findings: { id: string; message: string }[] }).findings;
    expect(findings).toContainEqual(expect.objectContaining({ id: 'allow-all-egress', message: expect.stringContaining('every IPv4 address (ipBlock ::ffff:0.0.0.0/96)') }));
  });

  it('exits 2, never 4, for a malformed NetworkPolicy in --from-dir, naming the file, the policy and the field', async () => {
    const dir = await tempDir('floe-audit-bad-');
    await writeFile(join(dir, 'np.yaml'), 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n  podSelector: {}\n  egress: [null]\n');
    const r = await floe(['network', 'audit', '--from-dir', dir, '-o', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'np.yaml')}:1: NetworkPolicy shop/p: spec.egress[0] must be a mapping, not null`);
    expect(JSON.parse(r.stdout).error.code).toMatch(/^input\./);
  });

  it('prints every policy in plain words and the findings as text; exit 0 with --fail-on never', async () => {
    const r = await floe(['network', 'audit', '--from-dir', generated, '--fail-on', 'never']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\d+ NetworkPolicies in 2 namespaces\n/);
    expect(r.stdout).toContain('  floe-default-deny: every pod in namespace floe-jobs (2 endpoints); isolates ingress and egress\n    ingress: nothing: all ingress is denied\n');
    expect(r.stdout).not.toContain('dns-egress-blocked');
    expect(r.stdout).not.toContain('namespace-without-default-deny');
  });

  it('gives the stable JSON {policies, findings}, filters with -n, and gives the JSON error for a namespace the input lacks', async () => {
    const r = await floe(['network', 'audit', '--from-dir', open, '-o', 'json', '-n', 'shop']);
    const json = JSON.parse(r.stdout) as { policies: { id: string }[]; findings: Record<string, unknown>[]; clusterPolicies: unknown };
    expect(Object.keys(json)).toEqual(['policies', 'findings', 'cilium', 'clusterPolicies']);
    // Files hold no ClusterNetworkPolicy here: the JSON says none were found (no API list: nothing was asked of a cluster).
    expect(json.clusterPolicies).toEqual({ found: 0, policies: [] });
    expect(json.policies.map((p) => p.id)).toEqual(['shop/allow-everything', 'shop/deny']);
    expect(Object.keys(json.findings[0] ?? {})).toEqual(['id', 'severity', 'namespace', 'object', 'rule', 'message', 'remedy']);
    const other = await floe(['network', 'audit', '--from-dir', open, '-o', 'json', '-n', 'elsewhere']);
    expect(other.code).toBe(2);
    expect(JSON.parse(other.stdout)).toMatchObject({ error: { code: 'input.unknown_namespace' } });
  });

  it('lists the allowed connections with --connectivity: jobs reach Polaris on 8181, never each other', async () => {
    const r = await floe(['network', 'audit', '--from-dir', generated, '--connectivity', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = (JSON.parse(r.stdout) as { connectivity: { from: string; to: string; connections: unknown }[] }).connectivity;
    const toPolaris = rows.find((x) => x.from === 'floe-jobs/a[Pod]' && x.to === 'floe-platform/polaris[Pod]');
    // Exactly 8181 once ingress is exact per destination; the platform's service ports before.
    expect(toPolaris?.connections).toContainEqual({ protocol: 'TCP', port: 8181 });
    expect(rows.filter((x) => x.from.startsWith('floe-jobs/') && x.to.startsWith('floe-jobs/'))).toEqual([]);
    expect(rows.some((x) => x.from === 'floe-jobs/a[Pod]' && x.to.endsWith('[External]') && x.to.startsWith('10.'))).toBe(false);
    const mermaid = await floe(['network', 'audit', '--from-dir', generated, '--connectivity', '-o', 'mermaid']);
    expect(mermaid.stdout).toMatch(/^flowchart LR\n/);
    const svg = await floe(['network', 'audit', '--from-dir', generated, '--connectivity', '-o', 'svg']);
    expect(svg.code, svg.stderr).toBe(0);
    expect(svg.stdout).toMatch(/<svg[^>]*>[\s\S]*>floe&#45;jobs<[\s\S]*>floe&#45;platform<[\s\S]*<\/svg>/);
  });

  it('names every static pod of a kubeadm-style dump its own [Pod] workload, never the Node', async () => {
    const dir = await tempDir('floe-audit-kubeadm-');
    await writeFile(join(dir, 'kube-system.json'), kubeadmDump());
    const r = await floe(['network', 'audit', '--from-dir', dir, '--connectivity', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = (JSON.parse(r.stdout) as { connectivity: { from: string; to: string }[] }).connectivity;
    expect([...new Set(rows.flatMap((x) => [x.from, x.to]).filter((e) => !e.endsWith('[External]')))].sort()).toEqual([
      'kube-system/coredns[Deployment]',
      'kube-system/etcd-cp-1[Pod]',
      'kube-system/etcd-cp-2[Pod]',
      'kube-system/kube-apiserver-cp-1[Pod]',
      'kube-system/kube-apiserver-cp-2[Pod]',
      'kube-system/kube-controller-manager-cp-1[Pod]',
      'kube-system/kube-controller-manager-cp-2[Pod]',
      'kube-system/kube-proxy[DaemonSet]',
      'kube-system/kube-scheduler-cp-1[Pod]',
      'kube-system/kube-scheduler-cp-2[Pod]',
    ]);
  });

  it('writes the connectivity at the reader\'s pace: a reader that stops for a while still gets every row, as valid JSON', async () => {
    const dir = await tempDir('floe-audit-crowd-');
    await writeFile(join(dir, 'crowd.json'), crowd());
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((done) => {
      const child = spawn(process.execPath, [FLOE_BIN, '--log-level', 'silent', 'network', 'audit', '--connectivity', '--from-dir', dir, '-o', 'json'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const parts: Buffer[] = [];
      child.stdout.pause();
      // The pipe fills (64 KiB) long before the output ends: floe must wait, not buffer it all or drop it.
      setTimeout(() => child.stdout.on('data', (b: Buffer) => parts.push(b)).resume(), 1500);
      child.once('close', (c) => done({ code: c, stdout: Buffer.concat(parts).toString('utf8') }));
    });
    expect(code).toBe(0);
    expect(stdout.length).toBeGreaterThan(1 << 20);
    const rows = (JSON.parse(stdout) as { connectivity: { from: string; to: string }[] }).connectivity;
    // 180 pods: all pairs but the 150 pods other than shop's web pods toward shop's 30 db pods; plus 0.0.0.0/0 and ::/0 both ways (not into shop's db pods).
    expect(rows).toHaveLength(180 * 180 - 150 * 30 + 180 * 2 + 150 * 2);
  });

  it('computes only the pairs that touch --namespace (fewer class pairs), the same rows as filtering the whole output', async () => {
    const dir = await tempDir('floe-audit-scope-');
    await writeFile(join(dir, 'crowd.json'), crowd());
    const all = await floe(['network', 'audit', '--connectivity', '--from-dir', dir, '-o', 'json']);
    const shop = await floe(['network', 'audit', '--connectivity', '--from-dir', dir, '-o', 'json', '-n', 'shop']);
    expect(all.code, all.stderr).toBe(0);
    expect(shop.code, shop.stderr).toBe(0);
    const rows = (r: { stdout: string }) => (JSON.parse(r.stdout) as { connectivity: { from: string; to: string }[] }).connectivity;
    expect(rows(shop)).toEqual(rows(all).filter((r) => r.from.startsWith('shop/') || r.to.startsWith('shop/')));
    expect(auditCounts(shop.stderr)?.classPairs).toBeLessThan(auditCounts(all.stderr)?.classPairs ?? 0);
  });

  it('--compact groups the endpoints every policy treats alike, in text and JSON', async () => {
    const dir = await tempDir('floe-audit-compact-');
    await writeFile(join(dir, 'crowd.json'), crowd());
    const text = await floe(['network', 'audit', '--connectivity', '--compact', '--from-dir', dir]);
    expect(text.code, text.stderr).toBe(0);
    // blog's and ops' pods, shop's db pods, shop's web pods, and the external ranges.
    expect(text.stdout).toMatch(/^4 groups of endpoints that every policy treats alike \(180 workloads, 2 external ranges\):\n {2}g1: blog\/p0\[Pod\], /);
    expect(text.stdout).toContain(`standing for ${180 * 180 - 150 * 30 + 180 * 2 + 150 * 2} allowed pairs`);
    const json = await floe(['network', 'audit', '--connectivity', '--compact', '--from-dir', dir, '-o', 'json']);
    const parsed = JSON.parse(json.stdout) as { groups: { id: string; endpoints: string[] }[]; connectivity: { from: string[]; to: string[]; connections: unknown }[]; pairs: number };
    expect(parsed.groups.map((g) => g.endpoints.length)).toEqual([120, 30, 30, 2]);
    // shop's web pods (g3) reach its db pods (g2) on 5432 only.
    expect(parsed.connectivity).toContainEqual({ from: ['g3'], to: ['g2'], connections: [{ protocol: 'TCP', port: 5432 }] });
    expect((await floe(['network', 'audit', '--compact', '--from-dir', dir])).code).toBe(2);
    expect((await floe(['network', 'audit', '--connectivity', '--compact', '-o', 'dot', '--from-dir', dir])).code).toBe(2);
  });

  it('checks Pod Security labels against --manifest: a weaker enforce level is an error', async () => {
    const dir = await tempDir('floe-audit-pss-');
    await writeFile(
      join(dir, 'ns.yaml'),
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: floe-jobs\n  labels: {pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/audit: restricted, pod-security.kubernetes.io/warn: restricted}\n',
    );
    const r = await floe(['network', 'audit', '--from-dir', dir, '--manifest', join(REPO, 'examples/manifest.yaml'), '-o', 'json']);
    expect(r.code).toBe(1);
    const { findings } = JSON.parse(r.stdout) as { findings: Record<string, unknown>[] };
    expect(findings.filter((f) => String(f.id).startsWith('pss-'))).toEqual([
      expect.objectContaining({ id: 'pss-level-weaker-than-configured', severity: 'error', namespace: 'floe-jobs', label: 'pod-security.kubernetes.io/enforce', expected: 'restricted', actual: 'baseline' }),
    ]);
  });

  it('flags a namespace with no pods and no default deny, and not one with a default deny', async () => {
    const dir = await tempDir('floe-audit-empty-');
    await writeFile(
      join(dir, 'ns.yaml'),
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: empty}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: guarded}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: guarded}\nspec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n',
    );
    const r = await floe(['network', 'audit', '--from-dir', dir, '-o', 'json', '--fail-on', 'warning']);
    expect(r.code).toBe(1);
    const { findings } = JSON.parse(r.stdout) as { findings: { id: string; object: string }[] };
    expect(findings.map((f) => `${f.id} ${f.object}`)).toEqual(['namespace-without-default-deny-egress Namespace empty', 'namespace-without-default-deny-ingress Namespace empty']);
  });

  it('refuses --output svg for a namespace graph Graphviz cannot lay out in reasonable time (exit 2), and draws it once -n narrows it', async () => {
    const dir = await tempDir('floe-audit-svg-');
    const pods = Array.from({ length: 40 }, (_, i) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: `ns-${i}` } }));
    await writeFile(join(dir, 'pods.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: pods }));
    const all = await floe(['network', 'audit', '--connectivity', '--from-dir', dir, '-o', 'svg']);
    expect(all.code).toBe(2);
    // 40 open namespaces and External: every ordered pair but External -> External.
    expect(all.stderr).toContain(`--output svg: the namespace graph has ${41 * 41 - 1} edges, more than the 1000 Graphviz lays out in reasonable time; narrow it with -n`);
    const one = await floe(['network', 'audit', '--connectivity', '--from-dir', dir, '-o', 'svg', '-n', 'ns-1']);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/<svg[\s\S]*<\/svg>/);
  });

  it('exits 2 for a graph format without --connectivity and for SARIF with it', async () => {
    expect((await floe(['network', 'audit', '--from-dir', open, '-o', 'dot'])).code).toBe(2);
    expect((await floe(['network', 'audit', '--from-dir', open, '--connectivity', '-o', 'sarif'])).code).toBe(2);
  });
});
