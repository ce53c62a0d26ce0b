import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { floe, tempDir } from './run.ts';

// CiliumNetworkPolicies in the shape floe's Cilium plugin writes (a default deny, DNS with the
// DNS-proxy rule, toFQDNs egress, pod-to-pod by namespace label), plus one L7 policy floe does
// not evaluate, and the pods they select.
const OBJECTS = `apiVersion: v1
kind: Namespace
metadata: {name: floe-jobs}
---
apiVersion: v1
kind: Namespace
metadata: {name: floe-platform}
---
apiVersion: v1
kind: Pod
metadata: {name: job-a, namespace: floe-jobs, labels: {floe.dev/role: job}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: polaris, namespace: floe-platform, labels: {app: polaris}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 8181}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: minio, namespace: floe-platform, labels: {app: minio}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 9000}]}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: floe-default-deny, namespace: floe-jobs}
spec:
  endpointSelector: {}
  ingress: [{}]
  egress: [{}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: floe-allow-egress, namespace: floe-jobs}
spec:
  endpointSelector: {}
  egress:
  - toEndpoints:
    - matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system, k8s:k8s-app: kube-dns}
    toPorts:
    - ports: [{port: "53", protocol: ANY}]
      rules:
        dns: [{matchPattern: "*"}]
  - toFQDNs: [{matchPattern: "*.snowflakecomputing.com"}]
    toPorts:
    - ports: [{port: "443", protocol: TCP}]
  - toEndpoints:
    - matchLabels: {k8s:io.kubernetes.pod.namespace: floe-platform, k8s:app: polaris}
    toPorts:
    - ports: [{port: "8181", protocol: TCP}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: floe-allow-ingress-polaris, namespace: floe-platform}
spec:
  endpointSelector: {matchLabels: {k8s:app: polaris}}
  ingress:
  - fromEndpoints:
    - matchLabels: {k8s:io.kubernetes.pod.namespace: floe-jobs}
    toPorts:
    - ports: [{port: "8181", protocol: TCP}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: minio-l7, namespace: floe-platform}
spec:
  endpointSelector: {matchLabels: {app: minio}}
  ingress:
  - fromEndpoints: [{}]
    toPorts:
    - ports: [{port: "9000", protocol: TCP}]
      rules:
        http: [{method: GET}]
`;

let dir: string;
beforeAll(async () => {
  dir = await tempDir('floe-cilium-');
  await writeFile(join(dir, 'objects.yaml'), OBJECTS);
});

const explain = (...args: string[]) => floe(['network', 'explain', '--from-dir', dir, ...args]);

describe('explain with CiliumNetworkPolicies and host names', () => {
  it('floe-jobs/job-a may reach *.snowflakecomputing.com:443, naming the toFQDNs rule (exit 0)', async () => {
    const r = await explain('--from', 'floe-jobs/job-a', '--to', '*.snowflakecomputing.com:443');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ALLOWED {2}floe-jobs\/job-a\[Pod\] -> \*\.snowflakecomputing\.com\[Host\] on TCP\/443\n/);
    expect(r.stdout).toContain('admitted by: floe-jobs/floe-allow-egress[CiliumNetworkPolicy] egress[1]: to names *.snowflakecomputing.com on TCP/443');
    expect(r.stdout).toContain('ingress at *.snowflakecomputing.com[Host]: allowed (outside the cluster');
    console.log(`explain floe-jobs/job-a -> *.snowflakecomputing.com:443 (exit ${r.code}):\n${r.stdout}`);
  });

  it('a concrete name under the pattern is allowed too, with --port', async () => {
    const r = await explain('--from', 'floe-jobs/job-a', '--to', 'acme.snowflakecomputing.com', '--port', '443');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ALLOWED {2}floe-jobs\/job-a\[Pod\] -> acme\.snowflakecomputing\.com\[Host\] on TCP\/443/);
  });

  it('floe-jobs/job-a may not reach example.com:443 (exit 1), naming the closest rule and why', async () => {
    const r = await explain('--from', 'floe-jobs/job-a', '--to', 'example.com:443');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^DENIED {2}floe-jobs\/job-a\[Pod\] -> example\.com\[Host\] on TCP\/443\n/);
    expect(r.stdout).toContain('isolated by: floe-jobs/floe-allow-egress[CiliumNetworkPolicy], floe-jobs/floe-default-deny[CiliumNetworkPolicy]');
    expect(r.stdout).toContain('closest rule: floe-jobs/floe-allow-egress[CiliumNetworkPolicy] egress[1]: to names *.snowflakecomputing.com on TCP/443');
    expect(r.stdout).toContain('- example.com matches none of toFQDNs *.snowflakecomputing.com');
    expect(r.stderr).toContain('floe: floe-jobs/job-a[Pod] -> example.com[Host] is denied');
    console.log(`explain floe-jobs/job-a -> example.com:443 (exit ${r.code}):\n${r.stdout}`);
  });

  it('JSON carries determined and each side\'s undetermined list', async () => {
    const r = await explain('--from', 'floe-jobs/job-a', '--to', 'example.com:443', '-o', 'json');
    const j = JSON.parse(r.stdout) as { allowed: boolean; determined: boolean; to: string; egress: { undetermined: string[]; closest: { rule: string } } };
    expect(j).toMatchObject({ allowed: false, determined: true, to: 'example.com[Host]', egress: { undetermined: [], closest: { rule: 'floe-jobs/floe-allow-egress[CiliumNetworkPolicy] egress[1]' } } });
  });

  it('a pod selected by a CiliumNetworkPolicy floe does not evaluate gets UNDETERMINED (exit 1), never an allow or a deny', async () => {
    const r = await explain('--from', 'floe-platform/polaris', '--to', 'floe-platform/minio', '--port', '9000');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^UNDETERMINED {2}floe-platform\/polaris\[Pod\] -> floe-platform\/minio\[Pod\] on TCP\/9000\n/);
    expect(r.stdout).toContain('not determined: floe-platform/minio-l7[CiliumNetworkPolicy] selects floe-platform/minio[Pod] for ingress and is not evaluated (spec.ingress[0].toPorts[0].rules.http (L7 policy))');
    expect(r.stderr).toContain('cannot be determined');
  });

  it('the port given twice differently is bad input (exit 2)', async () => {
    const r = await explain('--from', 'floe-jobs/job-a', '--to', 'example.com:443', '--port', '80');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--to "example.com:443" names port 443 and --port says 80: give the port once');
  });

  it('a malformed CiliumNetworkPolicy is bad input naming the file, line and field (exit 2)', async () => {
    const bad = await tempDir('floe-cilium-bad-');
    await writeFile(join(bad, 'p.yaml'), 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  endpointSelector: {}\n  egress:\n  - toCIDRSet: [{cidr: 10.0.0.0/40}]\n');
    const r = await floe(['network', 'explain', '--from-dir', bad, '--from', 'a/x', '--to', 'example.com:443']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/p\.yaml:1: .*spec\.egress\[0\]\.toCIDRSet\[0\]/);
  });
});

describe('audit with CiliumNetworkPolicies', () => {
  it('text lists CNPs with their kind and a policy-not-evaluated finding with the pods it selects', async () => {
    const r = await floe(['network', 'audit', '--from-dir', dir]);
    expect(r.stdout).toContain('4 CiliumNetworkPolicy objects read, 1 not evaluated');
    expect(r.stdout).toContain('  floe-allow-egress [CiliumNetworkPolicy]: every pod in namespace floe-jobs (1 endpoint); isolates egress');
    expect(r.stdout).toContain('policy-not-evaluated  CiliumNetworkPolicy floe-platform/minio-l7');
    expect(r.stdout).toMatch(/floe does not evaluate spec\.ingress\[0\]\.toPorts\[0\]\.rules\.http \(L7 policy\): the ingress verdicts of the 1 endpoint it selects are undetermined \(floe-platform\/minio\[Pod\]\)/);
  });

  it('JSON states the Cilium policies read and those not evaluated; with none, it says 0', async () => {
    const r = await floe(['network', 'audit', '--from-dir', dir, '-o', 'json']);
    const j = JSON.parse(r.stdout) as { cilium: { policies: number; notEvaluated: { id: string; selected: string[]; directions: string[] }[] }; policies: { id: string; kind?: string }[] };
    expect(j.cilium.policies).toBe(4);
    expect(j.cilium.notEvaluated).toMatchObject([{ id: 'floe-platform/minio-l7[CiliumNetworkPolicy]', selected: ['floe-platform/minio[Pod]'], directions: ['ingress'] }]);
    expect(j.policies.find((p) => p.id === 'floe-jobs/floe-allow-egress[CiliumNetworkPolicy]')?.kind).toBe('CiliumNetworkPolicy');
    const none = await tempDir('floe-cilium-none-');
    await writeFile(join(none, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: x, namespace: a}\nspec: {containers: [{name: c, image: x}]}\n');
    const n = await floe(['network', 'audit', '--from-dir', none, '-o', 'json']);
    expect((JSON.parse(n.stdout) as { cilium: unknown }).cilium).toEqual({ policies: 0, notEvaluated: [] });
  });

  it('SARIF locates the policy-not-evaluated finding at the file and line of the CNP', async () => {
    const r = await floe(['network', 'audit', '--from-dir', dir, '-o', 'sarif']);
    const log = JSON.parse(r.stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    const result = log.runs[0]?.results.find((x) => x.ruleId === 'policy-not-evaluated');
    expect(result?.locations[0]?.physicalLocation?.artifactLocation.uri).toMatch(/objects\.yaml$/);
    // The object's first line (apiVersion), two lines above its metadata; lines count from 1.
    const metadata = OBJECTS.split('\n').findIndex((l) => l === 'metadata: {name: minio-l7, namespace: floe-platform}');
    expect(result?.locations[0]?.physicalLocation?.region.startLine).toBe(metadata - 1);
  });

    it('markdown names the count and the finding', async () => {
    const r = await floe(['network', 'audit', '--from-dir', dir, '-o', 'markdown']);
    expect(r.stdout).toContain('4 CiliumNetworkPolicy objects read, 1 not evaluated');
    expect(r.stdout).toContain('| warning | `policy-not-evaluated` | floe-platform | CiliumNetworkPolicy floe-platform/minio-l7 |');
  });

  it('--connectivity evaluates CNPs and lists what it could not (JSON notEvaluated, text notes)', async () => {
    const r = await floe(['network', 'audit', '--from-dir', dir, '--connectivity', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { connectivity: { from: string; to: string }[]; notEvaluated: { id: string }[] };
    expect(j.connectivity).toContainEqual(expect.objectContaining({ from: 'floe-jobs/job-a[Pod]', to: 'floe-platform/polaris[Pod]' }));
    expect(j.connectivity.some((c) => c.from === 'floe-platform/polaris[Pod]' && c.to === 'floe-jobs/job-a[Pod]')).toBe(false);
    expect(j.notEvaluated.map((n) => n.id)).toEqual(['floe-platform/minio-l7[CiliumNetworkPolicy]']);
    expect(r.stderr).toContain('floe: warning: note: floe-platform/minio-l7[CiliumNetworkPolicy] is not evaluated');
    const t = await floe(['network', 'audit', '--from-dir', dir, '--connectivity']);
    expect(t.stdout).toContain('note: floe-platform/minio-l7[CiliumNetworkPolicy] is not evaluated (spec.ingress[0].toPorts[0].rules.http (L7 policy)): the ingress connections of floe-platform/minio[Pod] are not determined');
  });
});
