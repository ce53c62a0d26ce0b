/**
 * The cluster guardrails need their CustomResourceDefinitions: without them
 * the API server has no such resource, and applying target/network/ fails
 * half-way. validate --server checks, before any dry run, that each guardrail
 * kind's CRD is installed and serves the version floe writes, and names the
 * network-policy-api release that carries it.
 */
import { RESOURCES } from '../cluster/resources.js';
import type { ClusterClient } from '../cluster/types.js';
import { isRecord } from '../util/shape.js';
import type { LoadedObject } from './files.js';
import { problem, type Problem } from './types.js';

const CRDS: Record<string, { crd: string; release: string }> = {
  ClusterNetworkPolicy: { crd: 'clusternetworkpolicies.policy.networking.k8s.io', release: 'network-policy-api v0.3.0 or later (config/crd/standard)' },
  AdminNetworkPolicy: { crd: 'adminnetworkpolicies.policy.networking.k8s.io', release: 'network-policy-api v0.1.5 to v0.1.7, or your CNI\'s own copy (OVN-Kubernetes, Antrea, Calico ship it)' },
  BaselineAdminNetworkPolicy: { crd: 'baselineadminnetworkpolicies.policy.networking.k8s.io', release: 'network-policy-api v0.1.5 to v0.1.7, or your CNI\'s own copy (OVN-Kubernetes, Antrea, Calico ship it)' },
};

/** The versions a CRD object serves. */
function servedVersions(crd: unknown): string[] {
  const spec = isRecord(crd) && isRecord(crd.spec) ? crd.spec : {};
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  return versions.flatMap((v: unknown) => (isRecord(v) && v.served === true && typeof v.name === 'string' ? [v.name] : []));
}

const at = (v: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((o, k) => (isRecord(o) ? o[k] : undefined), v);

/**
 * What the served version's schema lacks of the shape floe writes: egress
 * `networks` peers and `namespaces` peers that are label selectors. The
 * v1alpha1 CRDs before network-policy-api v0.1.5 have neither (their
 * namespaces peer is `{namespaceSelector, sameLabels, notSameLabels}`), and
 * the API server then refuses the object with a 500, not a field error.
 */
function missingFields(crd: unknown, version: string): string[] {
  const versions = at(crd, 'spec', 'versions');
  const served = Array.isArray(versions) ? versions.find((v: unknown) => at(v, 'name') === version) : undefined;
  const spec = at(served, 'schema', 'openAPIV3Schema', 'properties', 'spec', 'properties');
  if (!isRecord(spec)) return [];
  const missing: string[] = [];
  const egressPeer = at(spec, 'egress', 'items', 'properties', 'to', 'items', 'properties');
  if (isRecord(egressPeer) && !isRecord(egressPeer.networks)) missing.push('spec.egress[].to[].networks');
  const ingressNamespaces = at(spec, 'ingress', 'items', 'properties', 'from', 'items', 'properties', 'namespaces', 'properties');
  if (isRecord(ingressNamespaces) && !isRecord(ingressNamespaces.matchExpressions)) missing.push('spec.ingress[].from[].namespaces as a label selector (matchExpressions)');
  return missing;
}

/**
 * One problem per guardrail object whose CRD is missing or does not serve its
 * version; those objects are not sent to the dry run (a 404 says less).
 */
export async function missingGuardrailCrds(client: ClusterClient, objects: readonly LoadedObject[]): Promise<{ problems: Problem[]; unsendable: Set<LoadedObject> }> {
  const problems: Problem[] = [];
  const unsendable = new Set<LoadedObject>();
  const guardrails = objects.filter((o) => Object.hasOwn(CRDS, o.kind));
  const found = new Map<string, Promise<unknown>>();
  for (const obj of guardrails) {
    const want = CRDS[obj.kind] as { crd: string; release: string };
    let p = found.get(want.crd);
    if (!p) found.set(want.crd, (p = client.get(RESOURCES.customResourceDefinitions, want.crd)));
    const crd = await p;
    const version = String(obj.value.apiVersion).split('/')[1] ?? '';
    const served = crd === null ? [] : servedVersions(crd);
    const lacking = crd !== null && served.includes(version) ? missingFields(crd, version) : [];
    if (crd !== null && served.includes(version) && lacking.length === 0) continue;
    unsendable.add(obj);
    problems.push(
      problem({
        file: obj.file,
        line: 1,
        col: 1,
        message:
          lacking.length > 0
            ? `not sent: CustomResourceDefinition ${want.crd} has no ${lacking.join(' and no ')} in ${version}, which floe writes (it is older than the release floe writes for). Install ${want.release}, or choose the other cluster_guardrails API`
            : crd === null
            ? `not sent: the cluster has no ${obj.kind} API (CustomResourceDefinition ${want.crd} is not installed), so applying this guardrail would fail. Install it from ${want.release}, use a CNI that installs it, or set security.network_policies.cluster_guardrails: off`
            : `not sent: CustomResourceDefinition ${want.crd} serves ${served.join(', ') || 'no version'}, not ${version}. Install ${want.release}, or choose the other cluster_guardrails API`,
      }),
    );
  }
  return { problems, unsendable };
}
