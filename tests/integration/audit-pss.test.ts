// `floe network audit` against the real kube-apiserver: pods and workloads created
// through the API in a namespace labelled enforce=baseline, warn=restricted pass
// admission with warnings; the audit reports the same violations as warn findings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floe } from '../cli/run.ts';
import { connect, type Connection } from '../harness/context.ts';
import { Namespaces } from '../harness/namespaces.ts';

interface Finding {
  id: string;
  severity: string;
  object: string;
  check: string;
  level: string;
  version: string;
  mode: string;
  message: string;
}

let conn: Connection;
let ns: Namespaces;
let namespace: string;
/** The API server's `Warning` header texts per object created. */
const warnings = new Map<string, string[]>();

async function create(object: string, path: string, body: object): Promise<void> {
  const r = await conn.api.request('POST', path, { body });
  if (r.status !== 201) throw new Error(`POST ${path}: ${r.status} ${r.text.slice(0, 300)}`);
  warnings.set(object, r.warnings);
}

const image = 'registry.k8s.io/pause:3.10';

beforeAll(async () => {
  conn = await connect();
  ns = new Namespaces(conn);
  namespace = await ns.create('floe-it-audit-pss', {
    'pod-security.kubernetes.io/enforce': 'baseline',
    'pod-security.kubernetes.io/warn': 'restricted',
  });
  // Passes baseline, fails four restricted checks.
  await create(`${namespace}/plain[Pod]`, `/api/v1/namespaces/${namespace}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'plain' }, spec: { containers: [{ name: 'app', image }] } });
  // Two more pods failing alike: the server groups them in its namespace warnings.
  for (const name of ['plain-b', 'plain-c']) {
    await create(`${namespace}/${name}[Pod]`, `/api/v1/namespaces/${namespace}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image }] } });
  }
  // Passes baseline; fails only seccompProfile and capabilities under restricted.
  await create(`${namespace}/web[Deployment]`, `/apis/apps/v1/namespaces/${namespace}/deployments`, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { securityContext: { runAsNonRoot: true }, containers: [{ name: 'web', image, securityContext: { allowPrivilegeEscalation: false } }] },
      },
    },
  });
  // Passes restricted: no warning, no finding.
  await create(`${namespace}/tight[Pod]`, `/api/v1/namespaces/${namespace}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'tight' },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'app', image, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    },
  });
});

afterAll(async () => {
  await ns.cleanup();
});

describe('floe network audit: pss-violation on the live cluster', () => {
  it('refuses -n with a namespace the cluster does not have (exit 2), naming it and the namespaces there are', async () => {
    const r = await floe(['network', 'audit', '--kubeconfig', conn.info.kubeconfig, '-n', 'does-not-exist']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/floe: error: namespace does-not-exist is not in cluster .* \(its namespaces: default, /);
  });

  it('reports the restricted violations of pods and workloads that pass baseline as warn warnings, as the API server warned at creation', async () => {
    const r = await floe(['network', 'audit', '--kubeconfig', conn.info.kubeconfig, '-n', namespace, '--output', 'json', '--fail-on', 'warning']);
    expect(r.code, r.stderr).toBe(1);
    const pss = (JSON.parse(r.stdout) as { findings: Finding[] }).findings.filter((f) => f.id === 'pss-violation');
    expect(pss.length).toBeGreaterThan(0);
    for (const f of pss) expect([f.mode, f.severity, f.level, f.version]).toEqual(['warn', 'warning', 'restricted', 'latest']);
    const checks = (object: string) => pss.filter((f) => f.object === object).map((f) => f.check);
    expect(checks(`${namespace}/plain[Pod]`)).toEqual(['allowPrivilegeEscalation', 'capabilities_restricted', 'runAsNonRoot', 'seccompProfile_restricted']);
    expect(checks(`${namespace}/web[Deployment]`)).toEqual(['capabilities_restricted', 'seccompProfile_restricted']);
    expect(checks(`${namespace}/tight[Pod]`)).toEqual([]);
    expect(warnings.get(`${namespace}/tight[Pod]`)).toEqual([]);
    // Each finding's violation is word for word in the API server's warning for that object.
    for (const f of pss) {
      const said = (warnings.get(f.object) ?? []).join('\n');
      expect(said).toContain('would violate PodSecurity "restricted:latest"');
      expect(said).toContain(f.message.slice(f.message.indexOf('": ') + 3));
    }
  });

  it('--pss-server-check: the API server, asked by a dry-run of the enforce label change, agrees with floe at both levels', async () => {
    const r = await floe(['network', 'audit', '--kubeconfig', conn.info.kubeconfig, '-n', namespace, '--output', 'json', '--pss-server-check']);
    expect(r.code, r.stderr).toBe(0);
    // restricted: the heading and `plain (and 2 other pods): ...` (the Deployment has no pods here); baseline: no warning.
    expect(r.stderr).toContain('floe: Pod Security: the API server agrees with floe on 2 namespace checks (2 server warnings compared)');
    // The dry-run changed nothing.
    const stored = await conn.api.request('GET', `/api/v1/namespaces/${namespace}`);
    expect((stored.body as { metadata: { labels: Record<string, string> } }).metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' });
    expect((stored.body as { metadata: { labels: Record<string, string> } }).metadata.labels['pod-security.kubernetes.io/enforce-version']).toBeUndefined();
  });

  it('--pss-server-check on pods that break the current pinned enforce level: asked in another spelling, the server names them as floe does', async () => {
    // Pods created first, the labels after: the API server admits the label change with warnings only.
    const late = await ns.create('floe-it-audit-pss-late');
    for (const name of ['root-a', 'root-b']) {
      await create(`${late}/${name}[Pod]`, `/api/v1/namespaces/${late}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { hostNetwork: true, containers: [{ name: 'c', image, securityContext: { privileged: true } }] } });
    }
    const labelled = await conn.api.request('PATCH', `/api/v1/namespaces/${late}`, {
      body: { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.30' } } },
      contentType: 'application/merge-patch+json',
    });
    expect(labelled.status, labelled.text).toBe(200);
    const r = await floe(['network', 'audit', '--kubeconfig', conn.info.kubeconfig, '-n', late, '--output', 'json', '--pss-server-check']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('floe: Pod Security: the API server agrees with floe on 1 namespace check (2 server warnings compared)');
    const pss = (JSON.parse(r.stdout) as { findings: Finding[] }).findings.filter((f) => f.id === 'pss-violation');
    expect(pss.map((f) => [f.object, f.check, f.mode, f.version])).toEqual([
      [`${late}/root-a[Pod]`, 'hostNamespaces', 'enforce', 'v1.30'],
      [`${late}/root-a[Pod]`, 'privileged', 'enforce', 'v1.30'],
      [`${late}/root-b[Pod]`, 'hostNamespaces', 'enforce', 'v1.30'],
      [`${late}/root-b[Pod]`, 'privileged', 'enforce', 'v1.30'],
    ]);
  });

  it('exits 0 at --fail-on error: warn violations are warnings', async () => {
    const r = await floe(['network', 'audit', '--kubeconfig', conn.info.kubeconfig, '-n', namespace, '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
  });
});
