// The API server's defaults floe applies to objects read from files (k8s/defaults.ts), each
// checked against the real kube-apiserver: the object is created without the field, read
// back, and the field compared with floe's defaulting of the same object. Then the case the
// defaults exist for: a pod with `volumes: [{name: v}]` passes restricted, judged from a file
// and from the cluster.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_DEFAULTS, applyDefaults, type ApiDefault } from '@floe/core/k8s';
import { effectivePolicyTypes } from '@floe/core/policy';
import { floe, tempDir } from '../cli/run.ts';
import { connect, type Connection } from '../harness/context.ts';
import { Namespaces, uniqueName } from '../harness/namespaces.ts';

type Obj = Record<string, unknown>;
const image = 'registry.k8s.io/pause:3.10';
const HARDENED_SC = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
const POD_SC = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };

interface ServerCase {
  /** The collection to POST to, `{ns}` for the test namespace; the object is read back from `<collection>/<name>`. */
  collection: string;
  object: Obj;
  /** Where the default lands in the stored object. */
  field: (string | number)[];
  /** Labels the server adds that floe cannot know before the object exists (a Job's controller-uid): left out of the comparison. */
  unknowable?: string[];
}

const pod = (name: string, spec: Obj): Obj => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec });
const deployment = (name: string, spec: Obj): Obj => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec } } });

/** Every default floe applies, with the objects that prove it on the server. */
const SERVER_CASES: Record<string, ServerCase[]> = {
  'volume-source': [
    { collection: '/api/v1/namespaces/{ns}/pods', object: pod('volume', { containers: [{ name: 'c', image }], volumes: [{ name: 'v' }] }), field: ['spec', 'volumes'] },
    { collection: '/apis/apps/v1/namespaces/{ns}/deployments', object: deployment('volume', { containers: [{ name: 'c', image }], volumes: [{ name: 'v' }, { name: 'c', configMap: { name: 'x' } }] }), field: ['spec', 'template', 'spec', 'volumes', 0] },
  ],
  'container-port-protocol': [
    { collection: '/api/v1/namespaces/{ns}/pods', object: pod('ports', { containers: [{ name: 'c', image, ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 53, protocol: 'UDP' }] }] }), field: ['spec', 'containers', 0, 'ports'] },
    { collection: '/apis/apps/v1/namespaces/{ns}/deployments', object: deployment('ports', { containers: [{ name: 'c', image, ports: [{ name: 'http', containerPort: 8080 }] }] }), field: ['spec', 'template', 'spec', 'containers', 0, 'ports'] },
  ],
  'host-network-host-port': [
    { collection: '/api/v1/namespaces/{ns}/pods', object: pod('hostnet', { hostNetwork: true, containers: [{ name: 'c', image, ports: [{ containerPort: 9090 }, { containerPort: 9091, hostPort: 0 }] }] }), field: ['spec', 'containers', 0, 'ports'] },
    // A template is not defaulted this way (the comparison shows floe leaves it alone too).
    { collection: '/apis/apps/v1/namespaces/{ns}/deployments', object: deployment('hostnet', { hostNetwork: true, containers: [{ name: 'c', image, ports: [{ containerPort: 9090 }] }] }), field: ['spec', 'template', 'spec', 'containers', 0, 'ports'] },
  ],
  'network-policy-port-protocol': [
    {
      collection: '/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies',
      object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'ports' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ ports: [{ port: 80 }, { port: 'http' }] }], egress: [{ ports: [{ port: 53, protocol: 'UDP' }, { port: 53 }] }] } },
      field: ['spec'],
    },
  ],
  'network-policy-types': [
    { collection: '/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies', object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'ingress-only' }, spec: { podSelector: {}, ingress: [{}] } }, field: ['spec', 'policyTypes'] },
    { collection: '/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies', object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'with-egress' }, spec: { podSelector: {}, egress: [{ ports: [{ port: 443 }] }] } }, field: ['spec', 'policyTypes'] },
    { collection: '/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies', object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'empty-egress' }, spec: { podSelector: {}, egress: [] } }, field: ['spec', 'policyTypes'] },
  ],
  'namespace-name-label': [{ collection: '/api/v1/namespaces', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: uniqueName('floe-it-defaults-ns'), labels: { team: 'a' } } }, field: ['metadata', 'labels'] }],
  'job-name-labels': [
    {
      collection: '/apis/batch/v1/namespaces/{ns}/jobs',
      object: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'nightly' }, spec: { template: { metadata: { labels: { app: 'etl' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image }] } } } },
      field: ['spec', 'template', 'metadata', 'labels'],
      unknowable: ['controller-uid', 'batch.kubernetes.io/controller-uid'],
    },
  ],
};

/** The object as floe judges it: applyDefaults, or for a default the engine applies, the policyTypes it compiles. */
function asFloeSees(d: ApiDefault, object: Obj): Obj {
  if (d.appliedBy === 'objects') return applyDefaults(object);
  const spec = object.spec as Obj;
  const types = effectivePolicyTypes(spec, 'test').types.map((t) => (t === 'ingress' ? 'Ingress' : 'Egress'));
  return { ...object, spec: { ...spec, policyTypes: types } };
}

const at = (o: unknown, path: (string | number)[]): unknown => path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], o);
const without = (v: unknown, keys: string[] = []): unknown => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([k]) => !keys.includes(k))) : v);

let conn: Connection;
let ns: Namespaces;
let namespace: string;

beforeAll(async () => {
  conn = await connect();
  ns = new Namespaces(conn);
  namespace = await ns.create('floe-it-defaults');
});

afterAll(async () => {
  await ns?.cleanup();
});

describe("the API server's defaults floe applies to objects from files", () => {
  it('has a server case for every default floe applies', () => {
    expect(Object.keys(SERVER_CASES).sort()).toEqual(API_DEFAULTS.map((d) => d.id).sort());
  });

  for (const d of API_DEFAULTS) {
    it(`${d.id}: the object read back from the API server has the field floe's defaulting gives it (${d.upstream})`, async () => {
      for (const c of SERVER_CASES[d.id] ?? []) {
        const collection = c.collection.replace('{ns}', namespace);
        const name = (c.object.metadata as { name: string }).name;
        if (c.object.kind === 'Namespace') ns.track(name);
        const created = await conn.api.request('POST', collection, { body: c.object });
        expect(created.status, `create ${c.object.kind} ${name}: ${created.text.slice(0, 300)}`).toBe(201);
        const read = await conn.api.request('GET', `${collection}/${name}`);
        expect(read.status).toBe(200);
        const server = without(at(read.body, c.field), c.unknowable);
        expect(at(asFloeSees(d, c.object), c.field), `${c.object.kind} ${name} ${c.field.join('.')}`).toEqual(server);
        // The field was not written: it is the server's default, not an echo of the input.
        expect(at(c.object, c.field), `${c.object.kind} ${name}: the case must leave the field to the server`).not.toEqual(server);
      }
    });
  }
});

describe('a volume with no source passes restricted, as the emptyDir the API server makes of it', () => {
  const scratch = pod('scratch', { securityContext: POD_SC, containers: [{ name: 'app', image, securityContext: HARDENED_SC }], volumes: [{ name: 'v' }] });

  it('from a file: pss check admits it at restricted, and so does the API server in an enforce=restricted namespace', async () => {
    const dir = await tempDir('floe-it-defaults-');
    const file = join(dir, 'scratch.yaml');
    await writeFile(file, JSON.stringify(scratch));
    const r = await floe(['network', 'pss', 'check', '-f', file, '--level', 'restricted']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Pod scratch: allowed at restricted:latest');
    const strict = await ns.create('floe-it-defaults-restricted', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    const created = await conn.api.request('POST', `/api/v1/namespaces/${strict}/pods`, { body: scratch, query: { dryRun: 'All' } });
    expect(created.status, created.text.slice(0, 300)).toBe(201);
  });

  it('from the cluster: audit reports no Pod Security finding for the live pod, and the API server agrees (--pss-server-check)', async () => {
    const live = await ns.create('floe-it-defaults-live', { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted' });
    const created = await conn.api.request('POST', `/api/v1/namespaces/${live}/pods`, { body: scratch });
    expect(created.status, created.text.slice(0, 300)).toBe(201);
    expect(created.warnings).toEqual([]);
    const r = await floe(['network', 'audit', '--kubeconfig', conn.info.kubeconfig, '-n', live, '--output', 'json', '--pss-server-check', '--fail-on', 'warning']);
    const findings = (JSON.parse(r.stdout) as { findings: { id: string; object: string }[] }).findings;
    expect(findings.filter((f) => f.id === 'pss-violation')).toEqual([]);
    expect(r.stderr).toContain('floe: Pod Security: the API server agrees with floe on 1 namespace check');
  });
});
