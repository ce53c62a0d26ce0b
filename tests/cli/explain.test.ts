import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { floe, tempDir } from './run.ts';

// Stand-in pods for the generated defaults. Polaris carries the labels an exact
// ingress policy may select it by, so the verdicts hold for either generator.
const STAND_INS = `apiVersion: v1
kind: Pod
metadata: {name: a, namespace: floe-jobs, labels: {app: job-a}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: floe-jobs, labels: {app: job-b}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: polaris
  namespace: floe-platform
  labels: {app.kubernetes.io/name: polaris, app.kubernetes.io/component: polaris, app.kubernetes.io/part-of: floe}
spec: {containers: [{name: polaris, image: x, ports: [{name: http, containerPort: 8181}]}]}
`;

let dir: string;
beforeAll(async () => {
  dir = await tempDir('floe-explain-');
  const g = await floe(['network', 'generate', '-d', join(dir, 'generated')], { cwd: dir });
  expect(g.code, g.stderr).toBe(0);
  await mkdir(join(dir, 'stand-ins'));
  await writeFile(join(dir, 'stand-ins/pods.yaml'), STAND_INS);
});

const explain = (...args: string[]) => floe(['network', 'explain', '--from-dir', dir, ...args]);

describe('floe network explain on the generated defaults plus stand-in pods', () => {
  it('denies floe-jobs/a -> floe-jobs/b on 8080 (exit 1), naming the isolating policies and the closest rule', async () => {
    const r = await explain('--from', 'floe-jobs/a', '--to', 'floe-jobs/b', '--port', '8080');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^DENIED {2}floe-jobs\/a\[Pod\] -> floe-jobs\/b\[Pod\] on TCP\/8080\n/);
    expect(r.stdout).toContain('egress at floe-jobs/a[Pod]: DENIED');
    // Which allowance is nearest depends on how the generator splits them; each names what it lacks.
    expect(r.stdout).toMatch(/closest rule: floe-jobs\/floe-allow-egress egress\[\d\]: to .*floe-platform on .*(\n {4}- .*)*\n {4}- TCP\/8080 is not among /);
    expect(r.stdout).toContain('    - namespace floe-jobs needs kubernetes.io/metadata.name=floe-platform, has kubernetes.io/metadata.name=floe-jobs');
    expect(r.stdout).toContain('ingress at floe-jobs/b[Pod]: DENIED\n  isolated by: floe-jobs/floe-default-deny\n');
    expect(r.stdout).toContain('ingress is denied entirely');
    expect(r.stderr).toContain('floe: floe-jobs/a[Pod] -> floe-jobs/b[Pod] is denied');
    console.log(`explain floe-jobs/a -> floe-jobs/b --port 8080 (exit ${r.code}):\n${r.stdout}`);
  });

  it('allows floe-jobs/a -> floe-platform/polaris on 8181 (exit 0), naming the egress and the ingress rule', async () => {
    const r = await explain('--from', 'floe-jobs/a', '--to', 'floe-platform/polaris', '--port', '8181');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ALLOWED {2}floe-jobs\/a\[Pod\] -> floe-platform\/polaris\[Pod\] on TCP\/8181\n/);
    expect(r.stdout).toMatch(/admitted by: floe-jobs\/floe-allow-egress egress\[\d\]: to .*kubernetes\.io\/metadata\.name=floe-platform .*TCP\/8181/);
    expect(r.stdout).toMatch(/admitted by: floe-platform\/floe-allow-ingress\S* ingress\[\d\]: from all pods in namespaces with kubernetes\.io\/metadata\.name=floe-jobs on .*TCP\/8181/);
    console.log(`explain floe-jobs/a -> floe-platform/polaris --port 8181 (exit ${r.code}):\n${r.stdout}`);
  });

  it('says why external HTTPS is allowed and a private address is denied by the except of the ipBlock', async () => {
    const ok = await explain('--from', 'floe-jobs/a', '--to', '203.0.113.7', '--port', '443');
    expect(ok.code).toBe(0);
    const denied = await explain('--from', 'floe-jobs/a', '--to', '10.1.2.3', '--port', '443');
    expect(denied.code).toBe(1);
    expect(denied.stdout).toContain('- 10.1.2.3[External] is in the except 10.0.0.0/8 of ipBlock 0.0.0.0/0');
  });

  it('lists every allowed port without --port, and gives the stable JSON with --output json', async () => {
    const r = await explain('--from', 'floe-jobs/a', '--to', 'floe-platform/polaris', '-o', 'json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as Record<string, unknown> & { egress: Record<string, unknown>; connections: unknown };
    expect(Object.keys(json)).toEqual(['allowed', 'from', 'to', 'port', 'connections', 'egress', 'ingress', 'clusterPolicies', 'determined']);
    expect(json.clusterPolicies).toEqual({ found: 0, policies: [] });
    expect(Object.keys(json.egress)).toEqual(['endpoint', 'isolated', 'isolatedBy', 'allowed', 'allowedBy', 'closest', 'undetermined']);
    expect(json).toMatchObject({ allowed: true, from: 'floe-jobs/a[Pod]', to: 'floe-platform/polaris[Pod]', port: null });
    expect(json.connections).toContainEqual({ protocol: 'TCP', port: 8181 });
  });

  it('exits 2 for a bad --port, an unknown endpoint and a malformed file, and 2 without --from', async () => {
    const port = await explain('--from', 'floe-jobs/a', '--to', 'floe-jobs/b', '--port', '70000');
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port "70000": expected N or N/PROTO');
    const unknown = await explain('--from', 'floe-jobs/zz', '--to', 'floe-jobs/b');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no pod or workload "floe-jobs/zz": floe-jobs has floe-jobs/a[Pod], floe-jobs/b[Pod]');
    const bad = await tempDir('floe-explain-bad-');
    await writeFile(join(bad, 'broken.yaml'), 'kind: Pod\nmetadata:\n  name: [x\n');
    const malformed = await floe(['network', 'explain', '--from-dir', bad, '--from', 'a/b', '--to', 'c/d']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(new RegExp(`${join(bad, 'broken.yaml')}:\\d+:\\d+: YAML syntax error`));
    expect((await floe(['network', 'explain', '--to', 'a/b'])).code).toBe(2);
  });

  it('treats a pod IP as that pod, and matches it against ipBlocks unless --ipblock-pod-ips ignore', async () => {
    const d = await tempDir('floe-explain-ip-');
    await writeFile(
      join(d, 'all.yaml'),
      `apiVersion: v1
kind: Pod
metadata: {name: client, namespace: a}
status: {podIP: 10.4.0.9}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: b, labels: {app: db}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-cidr, namespace: b}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{ipBlock: {cidr: 10.4.0.0/16}}]}]
`,
    );
    const match = await floe(['network', 'explain', '--from-dir', d, '--from', '10.4.0.9', '--to', 'b/db', '--port', '5432']);
    expect(match.code).toBe(0);
    expect(match.stdout).toContain('ALLOWED  a/client[Pod] (pod a/client has 10.4.0.9) -> b/db[Pod]');
    const ignore = await floe(['network', 'explain', '--from-dir', d, '--from', 'a/client', '--to', 'b/db', '--port', '5432', '--ipblock-pod-ips', 'ignore']);
    expect(ignore.code).toBe(1);
    expect(ignore.stdout).toContain('ipBlocks do not match pod IPs here (--ipblock-pod-ips ignore)');
  });

  it("judges files after the API server's defaults: a Job's pods carry its job-name label, a policy port without protocol is TCP only", async () => {
    const d = await tempDir('floe-explain-defaults-');
    await writeFile(
      join(d, 'all.yaml'),
      `apiVersion: batch/v1
kind: Job
metadata: {name: nightly, namespace: etl}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: x}]
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: etl, labels: {app: db}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-nightly, namespace: etl}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{podSelector: {matchLabels: {batch.kubernetes.io/job-name: nightly}}}], ports: [{port: 5432}]}]
`,
    );
    const tcp = await floe(['network', 'explain', '--from-dir', d, '--from', 'etl/nightly[Job]', '--to', 'etl/db', '--port', '5432']);
    expect(tcp.code, tcp.stdout + tcp.stderr).toBe(0);
    const udp = await floe(['network', 'explain', '--from-dir', d, '--from', 'etl/nightly[Job]', '--to', 'etl/db', '--port', '5432/UDP']);
    expect(udp.code, udp.stdout + udp.stderr).toBe(1);
  });

  it('reads an ipBlock ::ffff:0.0.0.0/96 as every IPv4 address, as Kubernetes does (Go\'s net.ParseCIDR gives 0.0.0.0/0)', async () => {
    const d = await tempDir('floe-explain-mapped-');
    await writeFile(
      join(d, 'all.yaml'),
      `apiVersion: v1
kind: Pod
metadata: {name: a, namespace: floe-jobs}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: out, namespace: floe-jobs}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: "::ffff:0.0.0.0/96"}}], ports: [{port: 443}]}]
`,
    );
    for (const to of ['10.0.0.1', '169.254.169.254']) {
      const r = await floe(['network', 'explain', '--from-dir', d, '--from', 'floe-jobs/a', '--to', to, '--port', '443']);
      expect(r.code, r.stdout).toBe(0);
      expect(r.stdout).toContain(`ALLOWED  floe-jobs/a[Pod] -> ${to}[External] on TCP/443`);
    }
    const v6 = await floe(['network', 'explain', '--from-dir', d, '--from', 'floe-jobs/a', '--to', '2001:db8::1', '--port', '443']);
    expect(v6.code).toBe(1);
  });

  it('teaches with --help: endpoint forms, exit codes and examples', async () => {
    const r = await floe(['network', 'explain', '--help']);
    expect(r.code).toBe(0);
    for (const s of ['--from <endpoint>', '--ipblock-pod-ips <mode>', '--kubeconfig', 'Exit codes: 0 allowed, 1 denied', 'Examples:']) expect(r.stdout).toContain(s);
  });
});

describe('floe network explain and audit --connectivity with a hostNetwork DaemonSet', () => {
  const FLANNEL = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: kube-flannel-ds, namespace: kube-system}
spec:
  selector: {matchLabels: {app: flannel}}
  template:
    metadata: {labels: {app: flannel}}
    spec: {hostNetwork: true, containers: [{name: c, image: x}]}
`;
  let hostDir: string;
  beforeAll(async () => {
    hostDir = await tempDir('floe-explain-host-');
    await writeFile(join(hostDir, 'flannel.yaml'), FLANNEL);
    await writeFile(join(hostDir, 'pods.yaml'), STAND_INS);
  });

  it('says a hostNetwork endpoint is the node\'s address, not a policy subject, in explain and in connectivity', async () => {
    const r = await floe(['network', 'explain', '--from-dir', hostDir, '--from', 'kube-system/kube-flannel-ds[DaemonSet]', '--to', 'floe-jobs/b', '--port', '8080']);
    expect(r.stdout).toContain("(kube-system/kube-flannel-ds[DaemonSet] uses hostNetwork: it is its node's address, not a policy subject: no NetworkPolicy isolates it, and peers see its traffic as the node's IP, which only an ipBlock matches)");
    const c = await floe(['network', 'audit', '--from-dir', hostDir, '--connectivity']);
    expect(c.stdout).toContain("note: kube-system/kube-flannel-ds[DaemonSet] uses hostNetwork: it is its node's address, not a policy subject");
  });
});
