import { ClusterError } from '../cluster/errors.js';
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

/**
 * The cluster-scoped policy APIs the engine reads when the cluster serves them, each a
 * list of versions tried in order (the first one served is read: every version of a
 * CRD lists the same objects). A cluster without the CRD is skipped quietly.
 */
export const LIVE_CLUSTER_POLICY_RESOURCES: readonly (readonly ResourceRef[])[] = [
  [RESOURCES.clusterNetworkPolicies, RESOURCES.clusterNetworkPoliciesV1alpha2],
  [RESOURCES.adminNetworkPolicies],
  [RESOURCES.baselineAdminNetworkPolicies],
];

/** Which cluster-scoped policy APIs a live read found. */
export interface ClusterPolicyApis {
  /** `ClusterNetworkPolicy policy.networking.k8s.io/v1beta1`: the APIs served and read. */
  served: string[];
  /** The kinds whose API the cluster does not serve (no CRD): skipped. */
  unavailable: string[];
  /** The kinds the credentials may not list (403): skipped, so the verdicts cover NetworkPolicies only; the CLI warns. */
  forbidden: string[];
}

const toSourced = (ref: ResourceRef) => (o: Record<string, unknown>): SourcedObject => ({ object: { ...o, kind: o.kind || ref.kind }, source: `cluster ${ref.kind}` });

/**
 * The first served version of one cluster-scoped policy API; null when none is (404: no CRD),
 * 'forbidden' when the credentials may not list it (403: a user with rights in a few
 * namespaces only, as `explain` allows).
 */
async function readFirstServed(client: ClusterClient, versions: readonly ResourceRef[]): Promise<{ ref: ResourceRef; objects: SourcedObject[] } | null | 'forbidden'> {
  for (const ref of versions) {
    try {
      const items = await client.list(ref);
      return { ref, objects: items.map((o) => toSourced(ref)(o as Record<string, unknown>)) };
    } catch (err) {
      if (err instanceof ClusterError && err.status === 404) continue;
      if (err instanceof ClusterError && err.status === 403) return 'forbidden';
      throw err;
    }
  }
  return null;
}

/** Everything the engine reads, and which cluster-scoped policy APIs were there. */
export async function readLiveInput(client: ClusterClient, namespaces?: readonly string[]): Promise<{ objects: SourcedObject[]; clusterPolicyApis: ClusterPolicyApis }> {
  // Each resource in the namespaces asked for (or cluster-wide); `optional`: a 404 (no CRD) lists as none.
  const read = async (ref: ResourceRef, optional: boolean) => {
    const scopes = ref.namespaced && namespaces && namespaces.length > 0 ? namespaces.map((n) => ({ namespace: n, optional })) : [{ optional }];
    const parts = await Promise.all(scopes.map((s) => client.list(ref, s)));
    return parts.flat().map((o) => toSourced(ref)(o as Record<string, unknown>));
  };
  const [lists, tiers] = await Promise.all([
    Promise.all([...LIVE_RESOURCES.map((ref) => read(ref, false)), ...CILIUM_RESOURCES.map((ref) => read(ref, true))]),
    Promise.all(LIVE_CLUSTER_POLICY_RESOURCES.map((versions) => readFirstServed(client, versions))),
  ]);
  const clusterPolicyApis: ClusterPolicyApis = { served: [], unavailable: [], forbidden: [] };
  const objects = lists.flat();
  tiers.forEach((t, i) => {
    const first = (LIVE_CLUSTER_POLICY_RESOURCES[i] as readonly ResourceRef[])[0] as ResourceRef;
    if (t === 'forbidden') clusterPolicyApis.forbidden.push(first.kind);
    else if (t) {
      clusterPolicyApis.served.push(`${t.ref.kind} ${t.ref.group}/${t.ref.version}`);
      objects.push(...t.objects);
    } else clusterPolicyApis.unavailable.push(first.kind);
  });
  return { objects, clusterPolicyApis };
}

/** Lists the resources in parallel; `namespaces` limits namespaced reads (namespaces themselves are always read for their labels). */
export async function readLiveObjects(client: ClusterClient, namespaces?: readonly string[]): Promise<SourcedObject[]> {
  return (await readLiveInput(client, namespaces)).objects;
}
