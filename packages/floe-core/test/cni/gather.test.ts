import { describe, expect, it } from 'vitest';
import type { ClusterClient, KubeObject, ListOptions, ResourceRef } from '../../src/cluster/types.js';
import { detectCni } from '../../src/cni/detect.js';
import { gatherCniSnapshot } from '../../src/cni/gather.js';

interface Call {
  verb: string;
  resource: string;
  name?: string;
  options?: ListOptions;
}

/** An in-memory ClusterClient over plain objects: records every call, answers lists by resource and fieldSelector. */
function memoryClient(objects: Record<string, KubeObject[]>): { client: ClusterClient; calls: Call[] } {
  const calls: Call[] = [];
  const reject = (verb: string) => () => Promise.reject(new Error(`check-cni must not ${verb}`));
  const client: ClusterClient = {
    server: 'https://127.0.0.1:6443',
    context: 'memory',
    version: () => Promise.resolve({ gitVersion: 'v1.35.4', major: '1', minor: '35' }),
    dryRunApply: reject('apply'),
    close: () => Promise.resolve(),
    async list(ref: ResourceRef, options?: ListOptions) {
      calls.push({ verb: 'list', resource: ref.resource, ...(options ? { options } : {}) });
      const name = options?.fieldSelector?.replace(/^metadata\.name=/, '');
      return (objects[ref.resource] ?? []).filter((o) => !name || o.metadata.name === name);
    },
    async get(ref: ResourceRef, name: string) {
      calls.push({ verb: 'get', resource: ref.resource, name });
      return (objects[ref.resource] ?? []).find((o) => o.metadata.name === name) ?? null;
    },
  };
  return { client, calls };
}

const obj = (kind: string, name: string, namespace: string | undefined, rest: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  ...rest,
});

describe('gatherCniSnapshot', () => {
  const { client, calls } = memoryClient({
    daemonsets: [
      obj('DaemonSet', 'cilium', 'kube-system', {
        metadata: { name: 'cilium', namespace: 'kube-system', ownerReferences: [{ apiVersion: 'example.io/v1', kind: 'Owner', name: 'o', uid: 'u-1', controller: true, blockOwnerDeletion: true }] },
        status: { currentNumberScheduled: 2, desiredNumberScheduled: 2, numberMisscheduled: 0, numberReady: 1, numberAvailable: 1 },
        spec: { template: { spec: { initContainers: [{ name: 'config', image: 'quay.io/cilium/cilium:v1.16.1' }], containers: [{ name: 'cilium-agent', image: 'quay.io/cilium/cilium:v1.16.1', command: ['cilium-agent'], args: ['--config-dir=/tmp/cilium/config-map'] }] } } },
      }),
    ],
    configmaps: [obj('ConfigMap', 'cilium-config', 'kube-system', { data: { 'enable-policy': 'never' } }), obj('ConfigMap', 'unrelated', 'kube-system', { data: { secret: 'x' } })],
    customresourcedefinitions: [obj('CustomResourceDefinition', 'ciliumnetworkpolicies.cilium.io', undefined)],
    nodes: [obj('Node', 'n0', undefined, { metadata: { name: 'n0', labels: { a: 'b' }, annotations: { 'k3s.io/node-args': '["server"]' } }, status: { nodeInfo: { kubeletVersion: 'v1.31.4+k3s1' } } })],
    installations: [obj('Installation', 'default', undefined, { apiVersion: 'operator.tigera.io/v1', metadata: { name: 'default', uid: 'u-2' }, spec: { cni: { type: 'Calico' } }, status: { variant: 'Calico' } })],
  });

  it('only gets and lists, every namespaced list across all namespaces, ConfigMaps by name, the Installation API as optional', async () => {
    await gatherCniSnapshot(client);
    expect(new Set(calls.map((c) => c.verb))).toEqual(new Set(['get', 'list']));
    expect(calls.filter((c) => c.verb === 'list' && c.options?.namespace)).toEqual([]);
    expect(calls.filter((c) => c.resource === 'configmaps').map((c) => c.options?.fieldSelector)).toEqual(['metadata.name=cilium-config', 'metadata.name=amazon-vpc-cni']);
    expect(calls.find((c) => c.resource === 'installations')?.options).toEqual({ optional: true });
  });

  it('reduces objects to what detection reads: containers (not init containers), owners, DaemonSet status, ConfigMap data, node labels, annotations and kubelet version', async () => {
    const s = await gatherCniSnapshot(client);
    expect(s.daemonSets).toEqual([
      {
        kind: 'DaemonSet',
        namespace: 'kube-system',
        name: 'cilium',
        containers: [{ name: 'cilium-agent', image: 'quay.io/cilium/cilium:v1.16.1', command: ['cilium-agent'], args: ['--config-dir=/tmp/cilium/config-map'] }],
        owners: [{ apiVersion: 'example.io/v1', kind: 'Owner', name: 'o', uid: 'u-1', controller: true }],
        status: { desiredNumberScheduled: 2, numberReady: 1 },
      },
    ]);
    expect(s.configMaps).toEqual([{ namespace: 'kube-system', name: 'cilium-config', data: { 'enable-policy': 'never' } }]);
    expect(s.crds).toEqual(['ciliumnetworkpolicies.cilium.io']);
    expect(s.nodes).toEqual([{ name: 'n0', labels: { a: 'b' }, annotations: { 'k3s.io/node-args': '["server"]' }, kubeletVersion: 'v1.31.4+k3s1' }]);
    expect(s.customObjects).toEqual([{ apiVersion: 'operator.tigera.io/v1', kind: 'Installation', name: 'default', uid: 'u-2', spec: { cni: { type: 'Calico' } }, status: { variant: 'Calico' } }]);
  });

  it('reads a DaemonSet without status (no controller has seen it) as nothing scheduled', async () => {
    const { client: bare } = memoryClient({ daemonsets: [obj('DaemonSet', 'x', 'kube-system', { spec: { template: { spec: { containers: [] } } } })] });
    expect((await gatherCniSnapshot(bare)).daemonSets[0]).toMatchObject({ owners: [], status: { desiredNumberScheduled: 0, numberReady: 0 } });
  });

  it('records each read with what it found', async () => {
    const s = await gatherCniSnapshot(client);
    expect(s.lookedAt).toEqual([
      { resource: 'daemonsets.apps', scope: 'all namespaces', found: 1 },
      { resource: 'deployments.apps', scope: 'all namespaces', found: 0 },
      { resource: 'configmaps', scope: 'named cilium-config, all namespaces', found: 1 },
      { resource: 'configmaps', scope: 'named amazon-vpc-cni, all namespaces', found: 0 },
      {
        resource: 'customresourcedefinitions.apiextensions.k8s.io',
        scope: 'named adminnetworkpolicies.policy.networking.k8s.io, antreaagentinfos.crd.antrea.io, baselineadminnetworkpolicies.policy.networking.k8s.io, ciliumnetworkpolicies.cilium.io, clusternetworkpolicies.policy.networking.k8s.io, egressfirewalls.k8s.ovn.org, felixconfigurations.crd.projectcalico.org, installations.operator.tigera.io, policyendpoints.networking.k8s.aws',
        found: 1,
      },
      { resource: 'nodes', scope: 'cluster (labels, annotations, kubelet version)', found: 1 },
      { resource: 'installations.operator.tigera.io', scope: 'cluster', found: 1 },
    ]);
  });

  it('feeds detectCni end to end', async () => {
    const r = detectCni(await gatherCniSnapshot(client));
    expect(r.plugins.map((p) => [p.name, p.enforcesPolicy])).toEqual([
      ['calico', true],
      ['k3s', true],
      ['cilium', false],
    ]);
  });
});
