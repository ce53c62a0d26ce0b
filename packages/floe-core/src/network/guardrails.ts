/**
 * Cluster guardrails (security.network_policies.cluster_guardrails): the
 * cluster-scoped policies of the network-policy-api project that floe writes
 * beside the NetworkPolicies, opt-in. Rendered by the core, not a plugin:
 * they are the same for every CNI that enforces the API, and the plugin API
 * stays as it is.
 *
 * Admin tier (before any NetworkPolicy, so a namespace owner cannot reopen it):
 * - `floe-metadata-endpoints`: egress from every managed namespace to the
 *   cloud metadata endpoints is denied;
 * - `floe-jobs-isolation`: ingress into the jobs namespace from every
 *   namespace outside the platform is denied;
 * - `floe-domain-isolation-<namespace>`: ingress into a domain namespace from
 *   every other domain namespace (those carrying floe's `floe.dev/domain`
 *   label) is denied.
 * Baseline tier (after the NetworkPolicies): `floe-default-deny` (a
 * BaselineAdminNetworkPolicy, a singleton named `default`, with v1alpha1)
 * denies what no NetworkPolicy decided, so a managed namespace that loses its
 * floe policies fails closed.
 *
 * Exact: the manifest's intents never reach what these deny (the schema
 * refuses a manifest whose intents reach a metadata endpoint, domain rules
 * never reach another domain, and nothing outside the platform is meant to
 * reach the jobs namespace); the intent proof and a property test check it.
 */
import { METADATA_ENDPOINTS, type ClusterGuardrailMode, type ClusterGuardrailPriorities } from '../config/guardrails.js';
import type { ManagedNamespace } from '../intent/types.js';
import { NAMESPACE_NAME_LABEL, type LabelSelector, type ObjectMeta } from '../k8s/meta.js';
import type {
  AdminNetworkPolicy,
  BaselineAdminNetworkPolicy,
  ClusterNetworkPolicy,
  ClusterNetworkPolicySubject as ClusterPolicySubject,
} from '../k8s/cluster-network.js';
import { compareStrings } from '../util/compare.js';
import { COMPONENT_LABEL, MANAGED_BY_LABEL } from './labels.js';

/** The namespace label floe sets on every domain namespace (labels.ts): the mark of "a domain" in a selector. */
export const DOMAIN_LABEL = 'floe.dev/domain';
/** The label on every guardrail naming which one it is, so diff and audit can tell them apart from foreign policies. */
export const GUARDRAIL_LABEL = 'floe.dev/guardrail';

export interface GuardrailSettings {
  mode: ClusterGuardrailMode;
  priorities: ClusterGuardrailPriorities;
}

export type ClusterScopedPolicy = ClusterNetworkPolicy | AdminNetworkPolicy | BaselineAdminNetworkPolicy;

/** BaselineAdminNetworkPolicy is a cluster singleton: the API accepts only this name. */
const BASELINE_ADMIN_NETWORK_POLICY_NAME = 'default';

/** One guardrail object and the file it goes to. */
export interface RenderedGuardrail {
  path: string;
  object: ClusterScopedPolicy;
  /** Which guardrail it is, for the summary: metadata-endpoints, jobs-isolation, domain-isolation, default-deny. */
  guardrail: 'metadata-endpoints' | 'jobs-isolation' | 'domain-isolation' | 'default-deny';
  tier: 'Admin' | 'Baseline';
}

const namesIn = (names: readonly string[]): LabelSelector => ({ matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...names] }] });
const namesNotIn = (names: readonly string[]): LabelSelector => ({ matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: [...names] }] });

function meta(name: string, guardrail: RenderedGuardrail['guardrail']): ObjectMeta {
  return { name, labels: { [MANAGED_BY_LABEL]: 'floe', [COMPONENT_LABEL]: 'network-security', [GUARDRAIL_LABEL]: guardrail } };
}

/** A guardrail as the API of `mode` spells it: the rules are the same, the field names and actions differ. */
interface Spec {
  name: string;
  guardrail: RenderedGuardrail['guardrail'];
  tier: 'Admin' | 'Baseline';
  priority: number;
  subject: ClusterPolicySubject;
  ingress?: { name: string; from: LabelSelector };
  egress?: { name: string; toNamespaces?: LabelSelector; networks?: readonly string[] };
}

function render(mode: Exclude<ClusterGuardrailMode, 'off'>, s: Spec): ClusterScopedPolicy {
  const egressPeers = s.egress ? [...(s.egress.toNamespaces ? [{ namespaces: s.egress.toNamespaces }] : []), ...(s.egress.networks ? [{ networks: [...s.egress.networks] }] : [])] : [];
  if (mode === 'cluster-network-policy') {
    const cnp: ClusterNetworkPolicy = {
      apiVersion: 'policy.networking.k8s.io/v1beta1',
      kind: 'ClusterNetworkPolicy',
      metadata: meta(s.name, s.guardrail),
      spec: {
        tier: s.tier,
        priority: s.priority,
        subject: s.subject,
        ...(s.ingress ? { ingress: [{ name: s.ingress.name, action: 'Deny', from: [{ namespaces: s.ingress.from }] }] } : {}),
        ...(s.egress ? { egress: [{ name: s.egress.name, action: 'Deny', to: egressPeers }] } : {}),
      },
    };
    return cnp;
  }
  const rules = {
    ...(s.ingress ? { ingress: [{ name: s.ingress.name, action: 'Deny' as const, from: [{ namespaces: s.ingress.from }] }] } : {}),
    ...(s.egress ? { egress: [{ name: s.egress.name, action: 'Deny' as const, to: egressPeers }] } : {}),
  };
  if (s.tier === 'Baseline') {
    const banp: BaselineAdminNetworkPolicy = {
      apiVersion: 'policy.networking.k8s.io/v1alpha1',
      kind: 'BaselineAdminNetworkPolicy',
      metadata: meta(BASELINE_ADMIN_NETWORK_POLICY_NAME, s.guardrail),
      spec: { subject: s.subject, ...rules },
    };
    return banp;
  }
  const anp: AdminNetworkPolicy = {
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'AdminNetworkPolicy',
    metadata: meta(s.name, s.guardrail),
    spec: { priority: s.priority, subject: s.subject, ...rules },
  };
  return anp;
}

/** The file a guardrail goes to: `cluster-<name>.yaml`, apart from the per-namespace files. */
export function guardrailPath(object: ClusterScopedPolicy): string {
  return object.kind === 'BaselineAdminNetworkPolicy' ? `cluster-baseline-${object.metadata.name}.yaml` : `cluster-${object.metadata.name}.yaml`;
}

/** The guardrail objects for the managed namespaces; none when they are off. Pure and deterministic. */
export function renderGuardrails(settings: GuardrailSettings, namespaces: readonly ManagedNamespace[]): RenderedGuardrail[] {
  if (settings.mode === 'off') return [];
  const mode = settings.mode;
  const p = settings.priorities;
  const managed = namespaces.map((n) => n.name).sort(compareStrings);
  const platformNs = namespaces.filter((n) => n.role !== 'domain').map((n) => n.name);
  const jobs = namespaces.filter((n) => n.role === 'jobs').map((n) => n.name);
  const domains = namespaces.filter((n) => n.role === 'domain').map((n) => n.name).sort(compareStrings);
  const specs: Spec[] = [
    {
      name: 'floe-metadata-endpoints',
      guardrail: 'metadata-endpoints',
      tier: 'Admin',
      priority: p.metadata_endpoints,
      subject: { namespaces: namesIn(managed) },
      egress: { name: 'deny-cloud-metadata', networks: METADATA_ENDPOINTS },
    },
    {
      name: 'floe-jobs-isolation',
      guardrail: 'jobs-isolation',
      tier: 'Admin',
      priority: p.jobs_isolation,
      subject: { namespaces: namesIn(jobs) },
      // Outside the platform: not the platform or jobs namespace, and not a domain (by name: exact, whatever labels a namespace carries).
      ingress: { name: 'deny-from-outside-the-platform', from: namesNotIn([...new Set([...platformNs, ...domains])].sort(compareStrings)) },
    },
    ...domains.map(
      (ns, i): Spec => ({
        name: `floe-domain-isolation-${ns}`,
        guardrail: 'domain-isolation',
        tier: 'Admin',
        // One AdminNetworkPolicy per priority (OVN-Kubernetes); ClusterNetworkPolicies whose subjects never overlap may share one.
        priority: mode === 'admin-network-policy' ? p.domain_isolation + i : p.domain_isolation,
        subject: { namespaces: namesIn([ns]) },
        ingress: {
          name: 'deny-from-other-domains',
          from: { matchExpressions: [{ key: DOMAIN_LABEL, operator: 'Exists' }, { key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: [ns] }] },
        },
      }),
    ),
    {
      name: 'floe-default-deny',
      guardrail: 'default-deny',
      tier: 'Baseline',
      priority: p.baseline,
      subject: { namespaces: namesIn(managed) },
      ingress: { name: 'default-deny-ingress', from: {} },
      egress: { name: 'default-deny-egress', toNamespaces: {}, networks: ['0.0.0.0/0', '::/0'] },
    },
  ];
  return specs.map((s) => {
    const object = render(mode, s);
    return { path: guardrailPath(object), object, guardrail: s.guardrail, tier: s.tier };
  });
}
