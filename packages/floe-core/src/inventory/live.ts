import { RESOURCES } from '../cluster/resources.js';
import type { ClusterClient, ResourceRef } from '../cluster/types.js';
import type { SourcedObject } from '../k8s/objects.js';

/** What the engine reads from a live cluster (read-only, every page). */
export const LIVE_RESOURCES: readonly ResourceRef[] = [
  RESOURCES.namespaces,
  RESOURCES.pods,
  RESOURCES.networkPolicies,
  RESOURCES.deployments,
  RESOURCES.statefulSets,
  RESOURCES.daemonSets,
  RESOURCES.replicaSets,
  { group: '', version: 'v1', resource: 'replicationcontrollers', kind: 'ReplicationController', namespaced: true },
  RESOURCES.jobs,
  RESOURCES.cronJobs,
];

/** Cilium's policies: read when the CRDs are installed, else none (a 404 is not an error: the cluster simply has no Cilium). */
export const CILIUM_RESOURCES: readonly ResourceRef[] = [RESOURCES.ciliumNetworkPolicies, RESOURCES.ciliumClusterwideNetworkPolicies];

/** Lists the resources in parallel; `namespaces` limits namespaced reads (namespaces themselves are always read for their labels). */
export async function readLiveObjects(client: ClusterClient, namespaces?: readonly string[]): Promise<SourcedObject[]> {
  const lists = await Promise.all([
    ...LIVE_RESOURCES.map(async (ref) => {
      const scopes = ref.namespaced && namespaces && namespaces.length > 0 ? namespaces.map((n) => ({ namespace: n })) : [{}];
      const parts = await Promise.all(scopes.map((s) => client.list(ref, s)));
      return parts.flat().map((o) => ({ object: { ...o, kind: o.kind || ref.kind } as Record<string, unknown>, source: `cluster ${ref.kind}` }));
    }),
    ...CILIUM_RESOURCES.map(async (ref) => {
      const scopes = ref.namespaced && namespaces && namespaces.length > 0 ? namespaces.map((n) => ({ namespace: n, optional: true })) : [{ optional: true }];
      const parts = await Promise.all(scopes.map((s) => client.list(ref, s)));
      return parts.flat().map((o) => ({ object: { ...o, kind: o.kind || ref.kind } as Record<string, unknown>, source: `cluster ${ref.kind}` }));
    }),
  ]);
  return lists.flat();
}
