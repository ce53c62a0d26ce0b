// `floe network audit` judging pods and workloads by their namespace's Pod Security labels.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sarifLog } from '../../packages/floe-core/test/policy/sarif-shape.ts';
import { floe, tempDir } from './run.ts';

interface Finding {
  id: string;
  severity: string;
  object: string;
  check?: string;
  level?: string;
  version?: string;
  mode?: string;
  message: string;
  remedy: string;
}

// enforce=baseline pinned at v1.30; `hostports` breaks it, `plain` passes it (but not restricted).
const LABELLED = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    pod-security.kubernetes.io/enforce: baseline
    pod-security.kubernetes.io/enforce-version: v1.30
---
apiVersion: v1
kind: Pod
metadata: {name: hostports, namespace: shop}
spec:
  containers:
  - name: proxy
    image: nginx
    ports: [{containerPort: 80, hostPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: plain, namespace: shop}
spec:
  containers: [{name: app, image: nginx}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: agent, namespace: shop}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      hostPID: true
      containers: [{name: agent, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata:
  name: agent-5d9c-x2x
  namespace: shop
  labels: {app: agent}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: agent-5d9c, uid: u1, controller: true}]
spec:
  hostPID: true
  containers: [{name: agent, image: nginx}]
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: agent-5d9c
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: agent, uid: u2, controller: true}]
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      hostPID: true
      containers: [{name: agent, image: nginx}]
`;

const UNLABELLED = `apiVersion: v1
kind: Namespace
metadata: {name: lab}
---
apiVersion: v1
kind: Pod
metadata: {name: root, namespace: lab}
spec:
  containers:
  - name: c
    image: nginx
    securityContext: {privileged: true}
`;

let labelled: string;
let unlabelled: string;
beforeAll(async () => {
  labelled = await tempDir('floe-audit-pss-');
  await writeFile(join(labelled, 'shop.yaml'), LABELLED);
  unlabelled = await tempDir('floe-audit-pss-default-');
  await writeFile(join(unlabelled, 'lab.yaml'), UNLABELLED);
});

const pssOf = (stdout: string): Finding[] => (JSON.parse(stdout) as { findings: Finding[] }).findings.filter((f) => f.id === 'pss-violation');

describe('floe network audit: pss-violation', () => {
  it('reports the pod that breaks its namespace enforce level at the enforce-version with the right check, and none for the pod that passes (exit 1)', async () => {
    const r = await floe(['network', 'audit', '--from-dir', labelled, '--output', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const pss = pssOf(r.stdout);
    const hostports = pss.filter((f) => f.object === 'shop/hostports[Pod]');
    expect(hostports).toEqual([
      expect.objectContaining({
        severity: 'error',
        check: 'hostPorts',
        level: 'baseline',
        version: 'v1.30',
        mode: 'enforce',
        message: 'pod violates PodSecurity "baseline:v1.30": hostPort (container "proxy" uses hostPort 8080)',
      }),
    ]);
    expect(hostports[0]?.remedy).toContain('hostPort');
    expect(pss.filter((f) => f.object === 'shop/plain[Pod]')).toEqual([]);
  });

  it('judges at the enforce-version of the label: a user-namespaced pod unmasking /proc breaks baseline pinned at v1.34, not baseline at latest', async () => {
    const dir = await tempDir('floe-audit-pss-version-');
    const pod = (namespace: string) => `apiVersion: v1
kind: Pod
metadata: {name: userns, namespace: ${namespace}}
spec:
  hostUsers: false
  containers: [{name: c, image: nginx, securityContext: {procMount: Unmasked}}]
`;
    const ns = (name: string, version: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels: {pod-security.kubernetes.io/enforce: baseline${version ? `, pod-security.kubernetes.io/enforce-version: ${version}` : ''}}
`;
    await writeFile(join(dir, 'all.yaml'), [ns('pinned', 'v1.34'), pod('pinned'), ns('current', ''), pod('current')].join('---\n'));
    const r = await floe(['network', 'audit', '--from-dir', dir, '--output', 'json']);
    expect(r.code, r.stderr).toBe(1);
    expect(pssOf(r.stdout).map((f) => [f.object, f.check, f.level, f.version, f.mode])).toEqual([['pinned/userns[Pod]', 'procMount', 'baseline', 'v1.34', 'enforce']]);
  });

  it('reports a Deployment once through its template, not again for its ReplicaSet and pods', async () => {
    const r = await floe(['network', 'audit', '--from-dir', labelled, '--output', 'json']);
    const pss = pssOf(r.stdout);
    expect(pss.filter((f) => f.object.includes('agent')).map((f) => [f.object, f.check, f.mode])).toEqual([['shop/agent[Deployment]', 'hostNamespaces', 'enforce']]);
    expect(pss.map((f) => f.object).sort()).toEqual(['shop/agent[Deployment]', 'shop/hostports[Pod]']);
  });

  it('judges an unlabelled namespace at privileged (nothing) by default and at --pss-level when given', async () => {
    const quiet = await floe(['network', 'audit', '--from-dir', unlabelled, '--output', 'json', '--fail-on', 'error']);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(pssOf(quiet.stdout)).toEqual([]);
    const judged = await floe(['network', 'audit', '--from-dir', unlabelled, '--output', 'json', '--pss-level', 'baseline:v1.29']);
    expect(judged.code, judged.stderr).toBe(1);
    expect(pssOf(judged.stdout).map((f) => [f.object, f.check, f.level, f.version, f.mode, f.severity])).toEqual([['lab/root[Pod]', 'privileged', 'baseline', 'v1.29', 'enforce', 'error']]);
  });

  it('judges a version label and a --pss-level newer than floe knows as the newest, warning on stderr with both versions', async () => {
    const dir = await tempDir('floe-audit-pss-newer-');
    await writeFile(
      join(dir, 'all.yaml'),
      `apiVersion: v1
kind: Namespace
metadata:
  name: future
  labels: {pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/enforce-version: v1.38}
---
apiVersion: v1
kind: Pod
metadata: {name: tuned, namespace: future}
spec:
  securityContext: {sysctls: [{name: net.ipv4.tcp_notsent_lowat, value: "16384"}, {name: kernel.msgmax, value: "1"}]}
  containers: [{name: c, image: nginx}]
`,
    );
    const r = await floe(['network', 'audit', '--from-dir', dir, '--output', 'json', '--pss-level', 'restricted:v1.40']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('floe: warning: --pss-level: Pod Security version v1.40 is newer than the newest this floe knows (v1.37): judged as v1.37');
    expect(r.stderr).toContain('floe: warning: namespace future: pod-security.kubernetes.io/enforce-version=v1.38: Pod Security version v1.38 is newer than the newest this floe knows (v1.37): judged as v1.37');
    expect(pssOf(r.stdout).map((f) => [f.object, f.check, f.version, f.message])).toEqual([
      ['future/tuned[Pod]', 'sysctls', 'v1.38', 'pod violates PodSecurity "baseline:v1.38": forbidden sysctls (kernel.msgmax) (Pod Security version v1.38 is newer than the newest this floe knows (v1.37): judged as v1.37, as an API server judges a version newer than its own)'],
    ]);
  });

  it('refuses a --pss-level that is no level (exit 2)', async () => {
    const r = await floe(['network', 'audit', '--from-dir', unlabelled, '--pss-level', 'strict']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid Pod Security level "strict"');
  });

  it('puts the findings in text, markdown and SARIF (a rule with help, one result per finding at its file and line)', async () => {
    const text = await floe(['network', 'audit', '--from-dir', labelled, '--fail-on', 'never']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('error   pss-violation  shop/hostports[Pod] (enforce hostPorts)');
    expect(text.stdout).toContain('pod violates PodSecurity "baseline:v1.30": hostPort (container "proxy" uses hostPort 8080)');
    const md = await floe(['network', 'audit', '--from-dir', labelled, '-o', 'markdown', '--fail-on', 'never']);
    expect(md.stdout).toMatch(/\| error \| `pss-violation` \| shop \| shop\/hostports\[Pod\] \|/);
    const sarif = await floe(['network', 'audit', '--from-dir', labelled, '-o', 'sarif', '--fail-on', 'never']);
    const log = sarifLog.parse(JSON.parse(sarif.stdout));
    const run = log.runs[0];
    const rule = run?.tool.driver.rules.find((x) => x.id === 'pss-violation');
    expect(rule?.help?.text).toContain('pod-security.kubernetes.io/enforce');
    const results = run?.results.filter((x) => x.ruleId === 'pss-violation') ?? [];
    expect(results).toHaveLength(2);
    const hostports = results.find((x) => x.message.text.startsWith('shop/hostports[Pod]'));
    expect(hostports?.level).toBe('error');
    expect(hostports?.locations[0]?.physicalLocation?.region?.startLine).toBe(9);
    expect(new Set(results.map((x) => x.partialFingerprints?.floeFinding)).size).toBe(results.length);
  });
});

describe('floe network audit --pss-server-check', () => {
  it('refuses --from-dir: only a live API server can be asked (exit 2)', async () => {
    const r = await floe(['network', 'audit', '--from-dir', labelled, '--pss-server-check']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--pss-server-check asks a live cluster about its pods: it cannot be used with --from-dir');
  });
});
