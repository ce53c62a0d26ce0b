import { describe, expect, it } from 'vitest';
import { ClusterError } from '../../src/cluster/errors.js';
import type { ClusterClient, KubeObject, ListOptions, ResourceRef } from '../../src/cluster/types.js';
import { readLiveState } from '../../src/diff/live.js';
import { allowAll, defaultDeny, intentOf, namespace } from './fixtures.js';

/** An in-memory cluster behind the ClusterClient interface, recording each call. */
function fakeCluster(objects: KubeObject[], forbidWide = false) {
  const calls: string[] = [];
  const client: ClusterClient = {
    server: 'https://127.0.0.1:6443',
    context: 'test',
    version: async () => ({ gitVersion: 'v1.35.4', major: '1', minor: '35' }),
    async list(ref: ResourceRef, options: ListOptions = {}) {
      calls.push(`list ${ref.resource}${options.namespace ? ` -n ${options.namespace}` : ''}${options.fieldSelector ? ` ${options.fieldSelector}` : ''}`);
      if (forbidWide && !options.namespace) throw new ClusterError('forbidden', `forbidden: list ${ref.resource}`, 403);
      return objects.filter(
        (o) =>
          o.kind === ref.kind &&
          (!options.namespace || o.metadata.namespace === options.namespace) &&
          (!options.fieldSelector || options.fieldSelector === `metadata.name=${o.metadata.name}`),
      );
    },
    async get(ref: ResourceRef, name: string) {
      calls.push(`get ${ref.resource} ${name}`);
      return objects.find((o) => o.kind === ref.kind && o.metadata.name === name) ?? null;
    },
    dryRunApply: async () => {
      throw new Error('diff never writes');
    },
  };
  return { client, calls };
}

const podTemplate = (ns: string): KubeObject => ({ apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 'floe-hardened', namespace: ns }, template: {} });
const intent = intentOf(namespace('a'), defaultDeny('a'), podTemplate('a'), namespace('b'), defaultDeny('b'), podTemplate('b'));
const cluster = [namespace('a'), namespace('other'), defaultDeny('a'), allowAll('a'), allowAll('other'), podTemplate('a'), { ...podTemplate('a'), metadata: { name: 'team-template', namespace: 'a' } }];

describe('readLiveState', () => {
  it('reads each managed namespace when there are few, and only floe-hardened PodTemplates', async () => {
    const { client, calls } = fakeCluster(cluster);
    const live = await readLiveState(client, intent);
    expect(calls.sort()).toEqual([
      'get namespaces a',
      'get namespaces b',
      'list networkpolicies -n a',
      'list networkpolicies -n b',
      'list podtemplates -n a metadata.name=floe-hardened',
      'list podtemplates -n b metadata.name=floe-hardened',
    ]);
    expect(live.namespaces.map((n) => n.metadata.name)).toEqual(['a']);
    expect(live.networkPolicies.map((n) => n.metadata.name)).toEqual(['floe-default-deny', 'allow-all']);
    expect(live.podTemplates.map((n) => n.metadata.name)).toEqual(['floe-hardened']);
  });

  it('lists each resource once across namespaces when there are many, keeping the managed ones', async () => {
    const { client, calls } = fakeCluster(cluster);
    const live = await readLiveState(client, intent, { perNamespaceUpTo: 1 });
    expect(calls.sort()).toEqual(['list namespaces', 'list networkpolicies', 'list podtemplates metadata.name=floe-hardened']);
    expect(live.namespaces.map((n) => n.metadata.name)).toEqual(['a']);
    expect(live.networkPolicies.map((n) => `${n.metadata.namespace}/${n.metadata.name}`)).toEqual(['a/floe-default-deny', 'a/allow-all']);
  });

  it('falls back to per-namespace reads when the cluster-wide list is forbidden', async () => {
    const { client, calls } = fakeCluster(cluster, true);
    const live = await readLiveState(client, intent, { perNamespaceUpTo: 1 });
    expect(calls).toEqual(expect.arrayContaining(['list networkpolicies', 'list networkpolicies -n a', 'list networkpolicies -n b', 'get namespaces a']));
    expect(live.networkPolicies.map((n) => n.metadata.name)).toEqual(['floe-default-deny', 'allow-all']);
  });

  it('passes on other cluster errors', async () => {
    const { client } = fakeCluster(cluster);
    client.list = async () => {
      throw new ClusterError('unreachable', 'cannot reach the API server');
    };
    await expect(readLiveState(client, intent)).rejects.toThrow('cannot reach the API server');
  });
});
