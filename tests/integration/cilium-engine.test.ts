// explain and audit read CiliumNetworkPolicies from the real kube-apiserver with Cilium's own CRDs
// installed (tests/harness/crds.ts): the Cilium plugin's output for a manifest with a to_fqdn rule is
// applied, then judged as read back from the cluster; a CNP outside the subset floe evaluates is
// listed with the pod it selects, and verdicts for that pod are undetermined.
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floe } from '../cli/run.ts';
import { serverSideApply } from '../harness/apply.ts';
import { connect, type Connection } from '../harness/context.ts';
import { Namespaces } from '../harness/namespaces.ts';

let conn: Connection;
let ns: Namespaces;
let platform: string;
let jobs: string;

async function create(path: string, body: object): Promise<void> {
  const r = await conn.api.request('POST', path, { body });
  if (r.status !== 201) throw new Error(`POST ${path}: ${r.status} ${r.text.slice(0, 300)}`);
}

// The jobs and platform namespaces enforce Pod Security restricted.
const restrictedPod = (name: string, labels: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: {
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
  },
});

beforeAll(async () => {
  conn = await connect();
  ns = new Namespaces(conn);
  const crd = await conn.api.request('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/ciliumnetworkpolicies.cilium.io');
  if (crd.status !== 200) throw new Error('the CiliumNetworkPolicy CRD is not installed on the test cluster: the harness installs Cilium\'s CRDs (tests/harness/crds.ts); build them with `./pnpmw cluster:build`');
  platform = ns.reserve('floe-it-cil-platform');
  jobs = ns.reserve('floe-it-cil-jobs');
  const work = await mkdtemp(join(conn.info.workDir, 'cilium-engine-'));
  const manifest = join(work, 'manifest.yaml');
  await writeFile(
    manifest,
    `name: floe-integration
namespaces: {platform: ${platform}, jobs: ${jobs}}
domains: []
security:
  network_policies:
    allow_external_https: false
    jobs_egress_allow:
      - {name: snowflake, to_fqdn: ["*.snowflakecomputing.com"], ports: [443]}
`,
  );
  const out = join(work, 'out');
  const g = await floe(['network', 'generate', '--plugin', 'cilium', '-m', manifest, '-d', out], { cwd: work });
  expect(g.code, g.stderr).toBe(0);
  const files = (await readdir(out)).filter((f) => f.endsWith('.yaml')).map((f) => join(out, f));
  expect((await serverSideApply(conn.kubectl, files.filter((f) => f.includes('-namespace.yaml')))).code).toBe(0);
  const applied = await serverSideApply(conn.kubectl, files.filter((f) => !f.includes('-namespace.yaml')));
  expect(applied.code, applied.stderr).toBe(0);
  await create(`/api/v1/namespaces/${jobs}/pods`, restrictedPod('job-a', { app: 'job-a' }));
  await create(`/api/v1/namespaces/${platform}/pods`, restrictedPod('minio', { 'app.kubernetes.io/name': 'minio' }));
  // Outside floe's subset: an L7 HTTP rule on MinIO's ingress.
  await create(`/apis/cilium.io/v2/namespaces/${platform}/ciliumnetworkpolicies`, {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumNetworkPolicy',
    metadata: { name: 'minio-l7' },
    spec: {
      endpointSelector: { matchLabels: { 'app.kubernetes.io/name': 'minio' } },
      ingress: [{ fromEndpoints: [{}], toPorts: [{ ports: [{ port: '9000', protocol: 'TCP' }], rules: { http: [{ method: 'GET' }] } }] }],
    },
  });
});

afterAll(async () => {
  await ns.cleanup();
});

const kube = () => ['--kubeconfig', conn.info.kubeconfig];

describe('explain reads CiliumNetworkPolicies from the cluster', () => {
  it('says job-a may reach *.snowflakecomputing.com:443, naming the toFQDNs rule (exit 0)', async () => {
    const r = await floe(['network', 'explain', ...kube(), '--from', `${jobs}/job-a`, '--to', '*.snowflakecomputing.com:443']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`ALLOWED  ${jobs}/job-a[Pod] -> *.snowflakecomputing.com[Host] on TCP/443`);
    expect(r.stdout).toMatch(new RegExp(`admitted by: ${jobs}/floe-allow-egress\\[CiliumNetworkPolicy\\] egress\\[\\d+\\]: to names \\*\\.snowflakecomputing\\.com on TCP/443`));
    console.log(`explain (live cluster) ${jobs}/job-a -> *.snowflakecomputing.com:443 (exit ${r.code}):\n${r.stdout}`);
  });

  it('says job-a may not reach example.com:443, naming the closest rule (exit 1)', async () => {
    const r = await floe(['network', 'explain', ...kube(), '--from', `${jobs}/job-a`, '--to', 'example.com:443']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`DENIED  ${jobs}/job-a[Pod] -> example.com[Host] on TCP/443`);
    expect(r.stdout).toMatch(new RegExp(`closest rule: ${jobs}/floe-allow-egress\\[CiliumNetworkPolicy\\] egress\\[\\d+\\]: to names \\*\\.snowflakecomputing\\.com on TCP/443`));
    expect(r.stdout).toContain('- example.com matches none of toFQDNs *.snowflakecomputing.com');
    console.log(`explain (live cluster) ${jobs}/job-a -> example.com:443 (exit ${r.code}):\n${r.stdout}`);
  });

  it('a pod a not-evaluated CNP selects gets UNDETERMINED (exit 1)', async () => {
    const r = await floe(['network', 'explain', ...kube(), '--from', `${jobs}/job-a`, '--to', `${platform}/minio`, '--port', '9000']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`UNDETERMINED  ${jobs}/job-a[Pod] -> ${platform}/minio[Pod] on TCP/9000`);
    expect(r.stdout).toContain(`not determined: ${platform}/minio-l7[CiliumNetworkPolicy] selects ${platform}/minio[Pod] for ingress and is not evaluated`);
  });
});

describe('audit reads CiliumNetworkPolicies from the cluster', () => {
  it('lists them, evaluates the subset, and names the one it does not evaluate with the pod it selects', async () => {
    const r = await floe(['network', 'audit', ...kube(), '-n', jobs, '-n', platform, '-o', 'json', '--fail-on', 'never']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as {
      policies: { id: string; kind?: string }[];
      cilium: { policies: number; notEvaluated: { id: string; selected: string[] }[] };
      findings: { id: string; object: string; endpoints?: string[] }[];
    };
    expect(j.policies.filter((p) => p.kind === 'CiliumNetworkPolicy').map((p) => p.id)).toContain(`${jobs}/floe-allow-egress[CiliumNetworkPolicy]`);
    expect(j.cilium.policies).toBeGreaterThanOrEqual(4);
    expect(j.cilium.notEvaluated).toEqual([expect.objectContaining({ id: `${platform}/minio-l7[CiliumNetworkPolicy]`, selected: [`${platform}/minio[Pod]`] })]);
    expect(j.findings).toContainEqual(expect.objectContaining({ id: 'policy-not-evaluated', object: `CiliumNetworkPolicy ${platform}/minio-l7`, endpoints: [`${platform}/minio[Pod]`] }));
    // The generated default deny is a CNP: the namespaces are not reported as lacking one.
    expect(j.findings.filter((f) => f.id.startsWith('namespace-without-default-deny'))).toEqual([]);
  });
});
