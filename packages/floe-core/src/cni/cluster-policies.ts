/**
 * Whether the detected CNI enforces the network-policy-api's cluster-scoped
 * policies, which floe writes as cluster guardrails
 * (security.network_policies.cluster_guardrails): ClusterNetworkPolicy and
 * AdminNetworkPolicy / BaselineAdminNetworkPolicy. One table, with where each
 * row comes from; a plugin or version the table does not know is reported
 * as unknown, never guessed. Whether the CRDs are installed is read too: an
 * API without its CRD cannot be applied at all.
 */
import type { ClusterPolicyApi, ClusterPolicyReport, ClusterPolicySupport, CniPlugin } from './types.js';

/** The CRDs of the network-policy-api, read by check-cni beside the CNI's own. */
export const POLICY_API_CRDS: Record<string, ClusterPolicyApi | 'BaselineAdminNetworkPolicy'> = {
  'clusternetworkpolicies.policy.networking.k8s.io': 'ClusterNetworkPolicy',
  'adminnetworkpolicies.policy.networking.k8s.io': 'AdminNetworkPolicy',
  'baselineadminnetworkpolicies.policy.networking.k8s.io': 'BaselineAdminNetworkPolicy',
};

interface Known {
  /** First release that enforces it; null: enforced, no version known. */
  since: string | null;
  /** Last release that does (the API was replaced), when there is one. */
  until?: string;
  note: string;
  source: string;
}

const IMPLEMENTATIONS = 'network-policy-api v0.3.1 site-src/implementations.md (updated 21 April 2026)';

/** What is known per plugin (check-cni's plugin names) and API; absent: nothing known, or known not to. */
const SUPPORT: Record<string, { ClusterNetworkPolicy: Known | false | null; AdminNetworkPolicy: Known | false | null }> = {
  calico: {
    ClusterNetworkPolicy: { since: 'v3.32', note: 'standard fields, and the networks peer and named ports of the experimental channel', source: `${IMPLEMENTATIONS}; kubernetes-sigs/network-policy-api pull request 376` },
    AdminNetworkPolicy: { since: 'v3.29', until: 'v3.31', note: 'standard fields, and the networks peer of the experimental channel', source: IMPLEMENTATIONS },
  },
  cilium: {
    ClusterNetworkPolicy: { since: 'v1.20', note: 'off by default: --enable-k8s-cluster-network-policy (Helm k8sClusterNetworkPolicy.enabled=true); v1.20 documents the v1alpha2 CRD (network-policy-api v0.2.0)', source: 'cilium/cilium pull request 47227 (docs), issue 23380' },
    AdminNetworkPolicy: false,
  },
  'ovn-kubernetes': {
    ClusterNetworkPolicy: null,
    AdminNetworkPolicy: { since: null, note: 'standard fields, and nodes and networks peers of the experimental channel; at most 100 AdminNetworkPolicies, priorities 0-99, one per priority', source: `${IMPLEMENTATIONS}; OVN-Kubernetes admin_network_policy controller (ErrorANPPriorityUnsupported)` },
  },
  antrea: {
    ClusterNetworkPolicy: null,
    AdminNetworkPolicy: { since: 'v1.13', note: 'standard fields (Antrea\'s own ClusterNetworkPolicy, crd.antrea.io, is a different API)', source: `Antrea v1.13.0 release notes; ${IMPLEMENTATIONS}` },
  },
  'kube-network-policies': {
    ClusterNetworkPolicy: { since: null, note: 'conformance report for network-policy-api v0.2.0 (v1alpha2)', source: IMPLEMENTATIONS },
    AdminNetworkPolicy: { since: 'v0.8.1', note: 'v1alpha1', source: IMPLEMENTATIONS },
  },
  'kube-router': { ClusterNetworkPolicy: false, AdminNetworkPolicy: false },
  flannel: { ClusterNetworkPolicy: false, AdminNetworkPolicy: false },
  kindnet: { ClusterNetworkPolicy: false, AdminNetworkPolicy: false },
  'weave-net': { ClusterNetworkPolicy: false, AdminNetworkPolicy: false },
};

/** v1.2.3 / 1.2 / v3.30.1-0.dev -> [major, minor, patch]; null when it is no version. */
function parseVersion(v: string): number[] | null {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/** What the table says about `plugin` at `version` for `api`. */
export function clusterPolicySupport(plugin: CniPlugin, api: ClusterPolicyApi): ClusterPolicySupport {
  const row = SUPPORT[plugin.name];
  const base = { plugin: plugin.name, api };
  if (!row) return { ...base, enforced: null, detail: `nothing is known about ${plugin.title} and ${api}`, source: null };
  const known = row[api];
  if (known === false) return { ...base, enforced: false, detail: `${plugin.title} does not enforce ${api}`, source: 'the plugin\'s documentation lists no support' };
  if (known === null) return { ...base, enforced: null, detail: `no support for ${api} in ${plugin.title} is documented`, source: IMPLEMENTATIONS };
  const range = known.since ? `${known.since}${known.until ? ` to ${known.until}` : ' and later'}` : 'a documented implementation (no first version stated)';
  const detail = `${plugin.title} ${range}: ${known.note}`;
  const have = plugin.version ? parseVersion(plugin.version) : null;
  const since = known.since ? parseVersion(known.since) : null;
  if (!since) return { ...base, enforced: true, detail, source: known.source };
  if (!have) return { ...base, enforced: null, detail: `${detail}; the running version is not known`, source: known.source };
  const until = known.until ? parseVersion(known.until) : null;
  const inRange = compare(have, since) >= 0 && (!until || compare([have[0] ?? 0, have[1] ?? 0, 0], until) <= 0);
  return { ...base, enforced: inRange, detail: inRange ? detail : `${detail}; ${plugin.version} is outside that range`, source: known.source };
}

export function clusterPolicyReport(plugins: readonly CniPlugin[], crds: readonly string[]): ClusterPolicyReport {
  const installed = new Set(crds);
  return {
    crds: Object.fromEntries(Object.entries(POLICY_API_CRDS).map(([name, kind]) => [kind, installed.has(name)])),
    support: plugins.flatMap((p) => (['ClusterNetworkPolicy', 'AdminNetworkPolicy'] as const).map((api) => clusterPolicySupport(p, api))),
  };
}
