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
import { GUARDRAIL_RESOURCES } from './live.js';
import { GUARDRAIL_KINDS, NOT_COMPARED_KINDS, type Intent, type ObjectRef, type OrphanCheck, type OrphanedNamespace, type OrphanedObject } from './types.js';

const GUARD_KINDS: ReadonlySet<string> = new Set(NOT_COMPARED_KINDS);

export const FLOE_SELECTOR = `${MANAGED_BY_LABEL}=floe`;

/** The namespaced kinds floe writes; a floe-labelled one the intent lacks is an orphan. */
const ORPHAN_RESOURCES: readonly ResourceRef[] = [RESOURCES.networkPolicies, RESOURCES.podTemplates];

/**
 * The admission guard's cluster-scoped kinds (security.admission_guard): left live after the
 * guard is turned off, they keep refusing. Optional: a server before 1.30 does not serve them.
 */
const GUARD_RESOURCES: readonly ResourceRef[] = [RESOURCES.validatingAdmissionPolicies, RESOURCES.validatingAdmissionPolicyBindings];

/** What the cluster-wide read found: floe's objects (with a note when the guard's kinds were not readable), or why they could not be listed. */
export type FloeManagedObjects = { checked: true; objects: KubeObject[]; note?: string } | { checked: false; reason: string };

/** floe's admission guard objects, or a note saying why they were not read (403: the documented role before the guard). */
async function readGuardObjects(client: ClusterClient): Promise<{ objects: KubeObject[]; note?: string }> {
  try {
    const lists = await Promise.all(GUARD_RESOURCES.map((ref) => client.list(ref, { labelSelector: FLOE_SELECTOR, optional: true })));
    return { objects: lists.flat() };
  } catch (err) {
    if (err instanceof ClusterError && err.fault === 'forbidden') {
      return { objects: [], note: `the admission guard's objects were not checked for orphans: that needs "list" on ${GUARD_RESOURCES.map(resourceName).join(', ')} (examples/rbac/floe-network-reader.yaml)` };
    }
    throw err;
  }
}

/**
 * Every floe-labelled Namespace, NetworkPolicy, PodTemplate, cluster guardrail and admission
 * guard object in the cluster (list with a label selector); with `cilium` (the intent holds
 * CiliumNetworkPolicies) the CiliumNetworkPolicies too.
 */
export async function readFloeManaged(client: ClusterClient, options: { cilium?: boolean } = {}): Promise<FloeManagedObjects> {
  const refs = [RESOURCES.namespaces, ...ORPHAN_RESOURCES, ...(options.cilium ? [RESOURCES.ciliumNetworkPolicies] : [])];
  try {
    const [lists, guard, guardrails] = await Promise.all([
      Promise.all(refs.map((ref) => client.list(ref, { labelSelector: FLOE_SELECTOR }))),
      readGuardObjects(client),
      readFloeGuardrails(client),
    ]);
    return { checked: true, objects: [...lists.flat(), ...guard.objects, ...guardrails], ...(guard.note ? { note: guard.note } : {}) };
  } catch (err) {
    if (err instanceof ClusterError && err.fault === 'forbidden') {
      const needs = refs.map(resourceName).join(', ');
      return { checked: false, reason: `orphans were not checked: listing floe's objects needs "list" on ${needs} in all namespaces (a ClusterRole with a ClusterRoleBinding, see examples/rbac/), and the API server refused it` };
    }
    throw err;
  }
}

/**
 * floe's cluster guardrails (cluster-scoped): a kind whose CRD is not
 * installed holds none. Reading them needs "list" on the kinds cluster-wide;
 * a user without it, who never turned guardrails on, is not told to get it.
 */
async function readFloeGuardrails(client: ClusterClient): Promise<KubeObject[]> {
  const lists = await Promise.all(
    GUARDRAIL_RESOURCES.map(async (ref) => {
      try {
        return await client.list(ref, { labelSelector: FLOE_SELECTOR, optional: true });
      } catch (err) {
        if (err instanceof ClusterError && err.fault === 'forbidden') return [];
        throw err;
      }
    }),
  );
  return lists.flat();
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

const RESOURCE_OF: Record<string, string> = {
  NetworkPolicy: 'networkpolicy.networking.k8s.io',
  CiliumNetworkPolicy: 'ciliumnetworkpolicy.cilium.io',
  PodTemplate: 'podtemplate',
  ClusterNetworkPolicy: 'clusternetworkpolicy.policy.networking.k8s.io',
  AdminNetworkPolicy: 'adminnetworkpolicy.policy.networking.k8s.io',
  BaselineAdminNetworkPolicy: 'baselineadminnetworkpolicy.policy.networking.k8s.io',
  ValidatingAdmissionPolicy: 'validatingadmissionpolicy.admissionregistration.k8s.io',
  ValidatingAdmissionPolicyBinding: 'validatingadmissionpolicybinding.admissionregistration.k8s.io',
};

/**
 * One `kubectl delete` per namespace, naming each object: never a label selector, which could match more.
 * Cluster-scoped objects (the guardrails, the admission guard's) come first, in one command without -n.
 */
export function removeCommands(orphans: readonly ObjectRef[]): string[] {
  const byNamespace = new Map<string, string[]>();
  const cluster: string[] = [];
  for (const o of orphans) {
    if (o.namespace === null) {
      cluster.push(`${RESOURCE_OF[o.kind] ?? o.kind.toLowerCase()}/${o.name}`);
      continue;
    }
    const ns = o.namespace;
    const list = byNamespace.get(ns) ?? [];
    list.push(`${RESOURCE_OF[o.kind] ?? o.kind.toLowerCase()}/${o.name}`);
    byNamespace.set(ns, list);
  }
  const namespaced = [...byNamespace].sort(([a], [b]) => compareStrings(a, b)).map(([ns, names]) => `kubectl delete -n ${ns} ${names.join(' ')}`);
  return cluster.length ? [`kubectl delete ${cluster.join(' ')}`, ...namespaced] : namespaced;
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
  const guarded = new Set((intent.notCompared ?? []).map((o) => `${o.kind}/${o.name}`));
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
    if (GUARD_KINDS.has(o.kind)) {
      if (!guarded.has(`${o.kind}/${o.metadata.name}`)) orphaned.push({ kind: o.kind, namespace: null, name: o.metadata.name });
      continue;
    }
    const ns = o.metadata.namespace ?? '';
    if (intended.has(`${o.kind}/${ns}/${o.metadata.name}`)) continue;
    if (extraKinds.has(o.kind) && namespaces.has(ns)) continue;
    orphaned.push({ kind: o.kind, namespace: GUARDRAIL_KINDS.includes(o.kind) ? null : ns, name: o.metadata.name });
  }
  const order = (a: ObjectRef, b: ObjectRef) => compareStrings(a.namespace ?? '', b.namespace ?? '') || compareStrings(a.kind, b.kind) || compareStrings(a.name, b.name);
  orphaned.sort(order);
  orphanedNamespaces.sort((a, b) => compareStrings(a.name, b.name));
  return { check: { checked: true, ...(managed.note ? { note: managed.note } : {}), removeCommands: removeCommands(orphaned) }, orphaned, orphanedNamespaces };
}

/** The text lines for orphans: each object, the commands that remove them, kept namespaces, or why nothing was checked. */
export function orphanLines(check: OrphanCheck, orphaned: readonly OrphanedObject[], orphanedNamespaces: readonly OrphanedNamespace[]): string[] {
  if (!check.checked) return check.note ? [`note: ${check.note}`] : [];
  const out = orphaned.map((o) => `orphaned: ${o.kind}/${o.namespace === null ? '' : `${o.namespace}/`}${o.name} (labelled managed-by floe, no longer in the intent${GUARD_KINDS.has(o.kind) ? '; the admission guard keeps judging requests until it is deleted' : ''})`);
  if (check.note) out.push(`note: ${check.note}`);
  if (orphaned.length) {
    out.push(`note: ${plural(orphaned.length, 'orphaned object still applies', 'orphaned objects still apply')}; remove ${orphaned.length === 1 ? 'it' : 'them'} with the prune flow (docs/pruning.md) or:`);
    for (const c of check.removeCommands) out.push(`  ${c}`);
  }
  for (const n of orphanedNamespaces) {
    out.push(`note: namespace ${n.name} was created by floe${n.domain ? ` for domain ${n.domain}` : ''}, which the intent no longer has; it is kept, not drift: ${n.reason} (kubectl label namespace ${n.name} ${MANAGED_BY_LABEL}-)`);
  }
  return out;
}
