import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ClusterError } from '../../src/cluster/errors.js';
import type { ClusterClient, KubeObject, ListOptions, ResourceRef } from '../../src/cluster/types.js';
import { parseManifest } from '../../src/config/load.js';
import { checkFiles, type DirEntry } from '../../src/validate/files.js';
import { checkCni, checkKubernetesApiEgress, checkServerDryRun, fieldInMessage, parseFieldPath } from '../../src/validate/server.js';
import { MAX_FILE_BYTES } from '../../src/validate/source.js';
import { defaultDeny, namespace, networkPolicy } from './fixtures.js';

/**
 * An in-memory ClusterClient (the plain-data interface, not an HTTP mock):
 * namespaces that exist, objects by kind/namespace/name, and a rule that
 * decides which dry runs the "API server" refuses.
 */
class FakeCluster implements ClusterClient {
  readonly server = 'https://127.0.0.1:6443';
  readonly context = 'test';
  readonly namespaces = new Set(['default', 'kube-public', 'kube-system']);
  readonly existing = new Set<string>();
  readonly sent: { kind: string; namespace?: string; name: string }[] = [];
  slices: KubeObject[] = [];
  clusterIps: string[] = ['10.96.0.1'];
  constructor(private readonly refuse: (obj: KubeObject) => ClusterError | undefined = () => undefined) {}

  async close() {}
  async version() {
    return { gitVersion: 'v1.35.4', major: '1', minor: '35' };
  }
  async list(ref: ResourceRef, options: ListOptions = {}): Promise<KubeObject[]> {
    if (ref.resource === 'endpointslices' && options.namespace === 'default' && options.labelSelector === 'kubernetes.io/service-name=kubernetes') return this.slices;
    return [];
  }
  async get(ref: ResourceRef, name: string, ns?: string): Promise<KubeObject | null> {
    if (ref.resource === 'namespaces') return this.namespaces.has(name) ? { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } : null;
    if (ref.resource === 'services' && name === 'kubernetes') return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { clusterIPs: this.clusterIps } };
    return this.existing.has(`${ref.kind}/${ns}/${name}`) ? { apiVersion: 'v1', kind: ref.kind, metadata: { name, namespace: ns } } : null;
  }
  async dryRunApply(ref: ResourceRef, object: KubeObject, fieldManager?: string): Promise<KubeObject> {
    expect(fieldManager).toBe('floe');
    this.sent.push({ kind: ref.kind, name: object.metadata.name, ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}) });
    const err = this.refuse(object);
    if (err) throw err;
    return object;
  }
}

function loaded(...objs: object[]) {
  const entries: DirEntry[] = objs.map((o, i) => {
    const content = stringify(o);
    return { name: `${i}.yaml`, type: 'file', size: content.length, content };
  });
  return checkFiles('net', entries, MAX_FILE_BYTES).objects;
}

const invalid = (message: string) => new ClusterError('server', `the API server answered 422: ${message}`, 422, message);

describe('API server messages', () => {
  it('finds the first field an API server message names and splits it into path segments', () => {
    expect(fieldInMessage('NetworkPolicy.networking.k8s.io "x" is invalid: [spec.egress[1].ports[0].port: Invalid value: 70000: must be ..., spec.y: ...]')).toBe('spec.egress[1].ports[0].port');
    expect(fieldInMessage('Namespace "floe-jobs" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict"')).toBe('metadata.labels[pod-security.kubernetes.io/enforce]');
    expect(fieldInMessage('Internal error occurred: something')).toBeUndefined();
    expect(parseFieldPath('metadata.labels[pod-security.kubernetes.io/enforce]')).toEqual(['metadata', 'labels', 'pod-security.kubernetes.io/enforce']);
    expect(parseFieldPath('spec.egress[1].to[0].ipBlock.cidr')).toEqual(['spec', 'egress', 1, 'to', 0, 'ipBlock', 'cidr']);
  });
});

describe('the server-dry-run check', () => {
  it('sends Namespaces first, then objects whose namespace does not exist yet to a stand-in namespace that has no such object', async () => {
    const cluster = new FakeCluster();
    cluster.existing.add('NetworkPolicy/default/floe-default-deny');
    const result = await checkServerDryRun(cluster, loaded(defaultDeny('floe-jobs'), namespace('floe-jobs'), networkPolicy('kube-system')));
    expect(result).toMatchObject({ status: 'pass', problems: [] });
    expect(result.summary).toContain('accepts 3 of 3 objects (1 sent to a stand-in namespace because theirs does not exist yet); nothing was stored');
    expect(cluster.sent[0]).toEqual({ kind: 'Namespace', name: 'floe-jobs' });
    expect(cluster.sent.slice(1)).toEqual(
      expect.arrayContaining([
        { kind: 'NetworkPolicy', namespace: 'kube-public', name: 'floe-default-deny' },
        { kind: 'NetworkPolicy', namespace: 'kube-system', name: 'floe-allow-egress' },
      ]),
    );
    expect(cluster.sent).toHaveLength(3);
  });

  it('reports the API server\'s own message per refused file, located at the field it names', async () => {
    const bad = networkPolicy('default');
    (bad.spec.egress as { ports: { port: unknown }[] }[])[0]!.ports[0]!.port = 70000;
    const message = 'NetworkPolicy.networking.k8s.io "floe-allow-egress" is invalid: spec.egress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive';
    const cluster = new FakeCluster((o) => (o.kind === 'NetworkPolicy' ? invalid(message) : undefined));
    const objects = loaded(bad);
    const result = await checkServerDryRun(cluster, objects);
    expect(result.status).toBe('fail');
    expect(result.problems).toEqual([
      expect.objectContaining({ file: 'net/0.yaml', ...objects[0]!.source.position(['spec', 'egress', 0, 'ports', 0, 'port']), path: 'spec.egress[0].ports[0].port', message: `the API server refused it (422 Invalid): ${message}` }),
    ]);
  });

  it('treats an admission denial (403 without RBAC wording) as a finding and an RBAC 403 as a cluster error', async () => {
    const denied = new FakeCluster(() => new ClusterError('forbidden', 'forbidden', 403, 'admission webhook "policy.example.com" denied the request: no'));
    expect((await checkServerDryRun(denied, loaded(namespace('floe-jobs')))).problems[0]?.message).toBe(
      'the API server refused it (403 Forbidden): admission webhook "policy.example.com" denied the request: no',
    );
    const rbac = new FakeCluster(() => new ClusterError('forbidden', 'forbidden: floe network validate needs "patch" on namespaces', 403, 'namespaces "floe-jobs" is forbidden: User "ci" cannot patch resource "namespaces" in API group "" at the cluster scope'));
    await expect(checkServerDryRun(rbac, loaded(namespace('floe-jobs')))).rejects.toThrow(/needs "patch" on namespaces/);
  });

  it('lets connection failures and 5xx through as cluster errors (exit 3)', async () => {
    const down = new FakeCluster(() => new ClusterError('unreachable', 'cannot reach the API server at https://127.0.0.1:6443: connection refused'));
    await expect(checkServerDryRun(down, loaded(namespace('floe-jobs')))).rejects.toBeInstanceOf(ClusterError);
    const broken = new FakeCluster(() => new ClusterError('server', 'the API server answered 500', 500, 'etcd down'));
    await expect(checkServerDryRun(broken, loaded(namespace('floe-jobs')))).rejects.toThrow('answered 500');
  });

  it('warns when no stand-in namespace is free for an object whose namespace does not exist', async () => {
    const cluster = new FakeCluster();
    for (const ns of ['default', 'kube-public', 'kube-system']) cluster.existing.add(`NetworkPolicy/${ns}/floe-default-deny`);
    const result = await checkServerDryRun(cluster, loaded(defaultDeny('floe-jobs')));
    expect(result.status).toBe('warn');
    expect(result.problems[0]?.message).toMatch(/^not checked: namespace floe-jobs does not exist yet/);
  });
});

describe('the cni check', () => {
  const cluster = new FakeCluster();
  it('passes when enforced, fails when not enforced (policies inert), warns when unknown, skips without detection', async () => {
    expect(await checkCni(cluster, async () => ({ verdict: 'enforced', summary: 'calico v3.29.1' }))).toMatchObject({ status: 'pass', summary: 'NetworkPolicies are enforced: calico v3.29.1' });
    const inert = await checkCni(cluster, async () => ({ verdict: 'not-enforced', summary: 'flannel only' }));
    expect(inert.status).toBe('fail');
    expect(inert.summary).toBe('NetworkPolicies are NOT enforced: every policy would be inert');
    // The problem adds what the summary does not say, instead of repeating it.
    expect(inert.problems[0]?.message).toBe('flannel only (details: floe network check-cni)');
    expect((await checkCni(cluster, async () => ({ verdict: 'unknown', summary: 'no known plugin' }))).status).toBe('warn');
    expect((await checkCni(cluster, undefined)).status).toBe('skip');
  });
});

describe('the kubernetes-api-egress check', () => {
  const slice = (addresses: string[], port = 6443, ready: boolean | null = true): KubeObject => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default' },
    addressType: addresses[0]?.includes(':') ? 'IPv6' : 'IPv4',
    endpoints: [{ addresses, conditions: { ready } }],
    ports: [{ name: 'https', port, protocol: 'TCP' }],
  });
  const manifest = (api: string) => parseManifest(`security: { network_policies: { kubernetes_api: ${api} } }\n`, 'manifest.yaml');

  it('passes when the cidrs and ports cover every ready endpoint', async () => {
    const cluster = new FakeCluster();
    cluster.slices = [slice(['172.18.0.2', '172.18.0.3']), slice(['fd00::5'])];
    const result = await checkKubernetesApiEgress(cluster, manifest('{ cidrs: [172.18.0.0/24, "fd00::/64"], ports: [6443] }'));
    expect(result).toMatchObject({ status: 'pass', summary: 'kubernetes_api covers the API server endpoints 172.18.0.2, 172.18.0.3, fd00::5 on TCP 6443' });
  });

  it('fails when only the ClusterIP is allowed, explaining DNAT, and names the missing port', async () => {
    const cluster = new FakeCluster();
    cluster.slices = [slice(['172.18.0.2'], 16443)];
    const result = await checkKubernetesApiEgress(cluster, manifest('{ cidrs: [10.96.0.1/32] }'));
    expect(result.status).toBe('fail');
    expect(result.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'security.network_policies.kubernetes_api.cidrs: the API server endpoint 172.18.0.2 (EndpointSlice of default/kubernetes) is not inside kubernetes_api.cidrs ([10.96.0.1/32]): platform pods cannot reach the API server once default-deny applies; add 172.18.0.2/32. It covers the Service ClusterIP 10.96.0.1, but CNIs that apply policy after DNAT (Calico, Cilium) see the endpoint address. For this cluster: kubernetes_api.cidrs: [172.18.0.2/32, 10.96.0.1/32] (floe network init writes it).',
      'security.network_policies.kubernetes_api.ports: the API server endpoints listen on TCP 16443, which is not in kubernetes_api.ports [443, 6443]; add 16443',
    ]);
  });

  it('without an EndpointSlice, fails when the kubernetes Service ClusterIP lies outside kubernetes_api.cidrs', async () => {
    const cluster = new FakeCluster();
    cluster.slices = [];
    cluster.clusterIps = ['10.0.0.1'];
    const result = await checkKubernetesApiEgress(cluster, manifest('{ cidrs: [10.96.0.1/32] }'));
    expect(result.status).toBe('fail');
    expect(result.problems.map((p) => p.message)).toContain('the kubernetes Service ClusterIP 10.0.0.1 is not inside kubernetes_api.cidrs ([10.96.0.1/32]): platform pods cannot reach the API server through it once default-deny applies; add 10.0.0.1/32');
    cluster.clusterIps = ['10.96.0.1'];
    expect((await checkKubernetesApiEgress(cluster, manifest('{ cidrs: [10.96.0.1/32] }'))).status).toBe('warn');
  });

  it('fails with empty cidrs, ignores endpoints that are not ready, and warns when there is no endpoint at all (the ClusterIP covered)', async () => {
    const cluster = new FakeCluster();
    cluster.slices = [slice(['172.18.0.2']), slice(['172.18.0.9'], 6443, false)];
    const empty = await checkKubernetesApiEgress(cluster, manifest('{ cidrs: [] }'));
    expect(empty.problems.map((p) => p.message)).toEqual([expect.stringContaining('endpoint 172.18.0.2 (EndpointSlice of default/kubernetes) is not inside kubernetes_api.cidrs (empty)')]);
    cluster.slices = [];
    expect((await checkKubernetesApiEgress(cluster, manifest('{ cidrs: [10.96.0.1/32] }'))).status).toBe('warn');
    expect((await checkKubernetesApiEgress(cluster, parseManifest('security: { network_policies: { enabled: false } }\n', 'm.yaml'))).status).toBe('skip');
  });
});
