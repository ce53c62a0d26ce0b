/**
 * Orphans: objects floe once wrote (labelled `app.kubernetes.io/managed-by:
 * floe`) that the intent no longer has, anywhere in the cluster: the policies
 * of a removed domain stay live, with their allow rules, until someone deletes
 * them. Reading them takes a cluster-wide list with a label selector; a user
 * who may not make it (403) gets a report that says orphans were not checked,
 * never a silent "no drift".
 *
 * A Namespace floe created for a removed domain is reported but never offered
 * for deletion: deleting a namespace deletes every workload in it.
 */
import { ClusterError } from '../cluster/errors.js';
import { RESOURCES, resourceName } from '../cluster/resources.js';
import type { ClusterClient, KubeObject, ResourceRef } from '../cluster/types.js';
import { MANAGED_BY_LABEL } from '../network/labels.js';
import { compareStrings } from '../util/compare.js';
import type { Intent, ObjectRef, OrphanCheck, OrphanedNamespace, OrphanedObject } from './types.js';

export const FLOE_SELECTOR = `${MANAGED_BY_LABEL}=floe`;

/** The namespaced kinds floe writes; a floe-labelled one the intent lacks is an orphan. */
const ORPHAN_RESOURCES: readonly ResourceRef[] = [RESOURCES.networkPolicies, RESOURCES.podTemplates];

/** What the cluster-wide read found: floe's objects, or why they could not be listed. */
export type FloeManagedObjects = { checked: true; objects: KubeObject[] } | { checked: false; reason: string };

/**
 * Every floe-labelled Namespace, NetworkPolicy and PodTemplate in the cluster
 * (list with a label selector); with `cilium` (the intent holds
 * CiliumNetworkPolicies) the CiliumNetworkPolicies too.
 */
export async function readFloeManaged(client: ClusterClient, options: { cilium?: boolean } = {}): Promise<FloeManagedObjects> {
  const refs = [RESOURCES.namespaces, ...ORPHAN_RESOURCES, ...(options.cilium ? [RESOURCES.ciliumNetworkPolicies] : [])];
  try {
    const lists = await Promise.all(refs.map((ref) => client.list(ref, { labelSelector: FLOE_SELECTOR })));
    return { checked: true, objects: lists.flat() };
  } catch (err) {
    if (err instanceof ClusterError && err.fault === 'forbidden') {
      const needs = refs.map(resourceName).join(', ');
      return { checked: false, reason: `orphans were not checked: listing floe's objects needs "list" on ${needs} in all namespaces (a ClusterRole with a ClusterRoleBinding, see examples/rbac/), and the API server refused it` };
    }
    throw err;
  }
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

const RESOURCE_OF: Record<string, string> = { NetworkPolicy: 'networkpolicy.networking.k8s.io', CiliumNetworkPolicy: 'ciliumnetworkpolicy.cilium.io', PodTemplate: 'podtemplate' };

/** One `kubectl delete` per namespace, naming each object: never a label selector, which could match more. */
export function removeCommands(orphans: readonly ObjectRef[]): string[] {
  const byNamespace = new Map<string, string[]>();
  for (const o of orphans) {
    const ns = o.namespace as string;
    const list = byNamespace.get(ns) ?? [];
    list.push(`${RESOURCE_OF[o.kind] ?? o.kind.toLowerCase()}/${o.name}`);
    byNamespace.set(ns, list);
  }
  return [...byNamespace].sort(([a], [b]) => compareStrings(a, b)).map(([ns, names]) => `kubectl delete -n ${ns} ${names.join(' ')}`);
}

export const NAMESPACE_KEPT_REASON =
  'floe never deletes a namespace: deleting it deletes every workload in it. Move or delete its workloads, then delete it yourself, or keep it and remove floe\'s label';

/**
 * The orphans among floe's objects. NetworkPolicies (and CiliumNetworkPolicies,
 * when the intent has them) in a namespace the intent manages are not orphans
 * here: diff reports them as `extra` already.
 */
export function findOrphans(intent: Intent, managed: FloeManagedObjects | undefined): { check: OrphanCheck; orphaned: OrphanedObject[]; orphanedNamespaces: OrphanedNamespace[] } {
  // Not asked (--no-orphans, or a library caller without the cluster-wide read): the user knows.
  if (managed === undefined) return { check: { checked: false, removeCommands: [] }, orphaned: [], orphanedNamespaces: [] };
  if (!managed.checked) return { check: { checked: false, note: managed.reason, removeCommands: [] }, orphaned: [], orphanedNamespaces: [] };
  const namespaces = new Set(intent.namespaces);
  const intended = new Set(intent.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`));
  // diff reads the live CiliumNetworkPolicies of managed namespaces (and reports extras) only when the intent has some.
  const extraKinds = new Set(['NetworkPolicy', ...(intent.objects.some((o) => o.kind === 'CiliumNetworkPolicy') ? ['CiliumNetworkPolicy'] : [])]);
  const orphaned: OrphanedObject[] = [];
  const orphanedNamespaces: OrphanedNamespace[] = [];
  for (const o of managed.objects) {
    if (o.metadata.labels?.[MANAGED_BY_LABEL] !== 'floe') continue;
    if (o.kind === 'Namespace') {
      if (!namespaces.has(o.metadata.name)) {
        const domain = o.metadata.labels?.['floe.dev/domain'];
        orphanedNamespaces.push({ name: o.metadata.name, ...(domain ? { domain } : {}), kept: true, reason: NAMESPACE_KEPT_REASON });
      }
      continue;
    }
    const ns = o.metadata.namespace ?? '';
    if (intended.has(`${o.kind}/${ns}/${o.metadata.name}`)) continue;
    if (extraKinds.has(o.kind) && namespaces.has(ns)) continue;
    orphaned.push({ kind: o.kind, namespace: ns, name: o.metadata.name });
  }
  const order = (a: ObjectRef, b: ObjectRef) => compareStrings(a.namespace ?? '', b.namespace ?? '') || compareStrings(a.kind, b.kind) || compareStrings(a.name, b.name);
  orphaned.sort(order);
  orphanedNamespaces.sort((a, b) => compareStrings(a.name, b.name));
  return { check: { checked: true, removeCommands: removeCommands(orphaned) }, orphaned, orphanedNamespaces };
}

/** The text lines for orphans: each object, the commands that remove them, kept namespaces, or why nothing was checked. */
export function orphanLines(check: OrphanCheck, orphaned: readonly OrphanedObject[], orphanedNamespaces: readonly OrphanedNamespace[]): string[] {
  if (!check.checked) return check.note ? [`note: ${check.note}`] : [];
  const out = orphaned.map((o) => `orphaned: ${o.kind}/${o.namespace}/${o.name} (labelled managed-by floe, no longer in the intent)`);
  if (orphaned.length) {
    out.push(`note: ${plural(orphaned.length, 'orphaned object still applies', 'orphaned objects still apply')}; remove ${orphaned.length === 1 ? 'it' : 'them'} with the prune flow (docs/pruning.md) or:`);
    for (const c of check.removeCommands) out.push(`  ${c}`);
  }
  for (const n of orphanedNamespaces) {
    out.push(`note: namespace ${n.name} was created by floe${n.domain ? ` for domain ${n.domain}` : ''}, which the intent no longer has; it is kept, not drift: ${n.reason} (kubectl label namespace ${n.name} ${MANAGED_BY_LABEL}-)`);
  }
  return out;
}
