/**
 * A brute-force NetworkPolicy evaluator written straight from the Kubernetes
 * API documentation, sharing no code with the engine: small, slow and
 * obviously correct. CIDR matching is node:net's BlockList. With cluster-scoped
 * policies (network-policy-api), each side is walked port by port: the Admin
 * tier's first matching rule, then NetworkPolicies when they isolate the side,
 * then the Baseline tier's first matching rule, then allow.
 */
import { BlockList, isIPv6 } from 'node:net';
import type { ClusterModel, ClusterPolicyObject, LabelSelector, NetworkPolicyPeer, NetworkPolicyPort, PodInfo, PolicyObject } from '../../src/policy/types.js';

export type RefEndpoint = { pod: PodInfo } | { ip: string };

function selects(sel: LabelSelector | undefined, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel?.matchExpressions ?? []) {
    const has = k(labels, e.key);
    const value = labels[e.key];
    if (e.operator === 'In' && !(has && (e.values ?? []).includes(value as string))) return false;
    if (e.operator === 'NotIn' && has && (e.values ?? []).includes(value as string)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
const k = (labels: Record<string, string>, key: string) => Object.prototype.hasOwnProperty.call(labels, key);

function inCidr(ip: string, cidr: string): boolean {
  const [addr = '', prefix = ''] = cidr.split('/');
  const type = isIPv6(addr) ? 'ipv6' : 'ipv4';
  if ((type === 'ipv6') !== isIPv6(ip)) return false;
  const list = new BlockList();
  list.addSubnet(addr, Number(prefix), type);
  return list.check(ip, type);
}

function nsLabels(m: ClusterModel, ns: string): Record<string, string> {
  const given = m.namespaces.find((n) => n.name === ns)?.labels ?? {};
  return { ...given, 'kubernetes.io/metadata.name': ns };
}

function policyTypes(p: PolicyObject): string[] {
  if (p.spec.policyTypes && p.spec.policyTypes.length > 0) return p.spec.policyTypes;
  return p.spec.egress && p.spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

function peerMatches(m: ClusterModel, p: PolicyObject, peer: NetworkPolicyPeer, other: RefEndpoint, podIps: boolean): boolean {
  if (peer.ipBlock) {
    const ips = 'ip' in other ? [other.ip] : podIps ? other.pod.ips : [];
    return ips.some((ip) => inCidr(ip, peer.ipBlock!.cidr) && !(peer.ipBlock!.except ?? []).some((e) => inCidr(ip, e)));
  }
  if ('ip' in other) return false;
  const nsOk = peer.namespaceSelector ? selects(peer.namespaceSelector, nsLabels(m, other.pod.namespace)) : other.pod.namespace === p.namespace;
  return nsOk && selects(peer.podSelector, other.pod.labels);
}

function portMatches(ports: NetworkPolicyPort[] | undefined, dst: RefEndpoint, protocol: string, port: number): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((pp) => {
    if ((pp.protocol ?? 'TCP') !== protocol) return false;
    if (pp.port === undefined) return true;
    if (typeof pp.port === 'number') return pp.endPort !== undefined ? pp.port <= port && port <= pp.endPort : pp.port === port;
    return 'pod' in dst && dst.pod.ports.some((c) => c.name === pp.port && (c.protocol ?? 'TCP') === protocol && c.containerPort === port);
  });
}

function sideAllows(m: ClusterModel, dir: 'Ingress' | 'Egress', subject: RefEndpoint, peer: RefEndpoint, dst: RefEndpoint, protocol: string, port: number, podIps: boolean): boolean {
  if (!('pod' in subject)) return true;
  const s = subject.pod;
  const isolating = m.policies.filter((p) => p.namespace === s.namespace && selects(p.spec.podSelector, s.labels) && policyTypes(p).includes(dir));
  if (isolating.length === 0) return true;
  return isolating.some((p) => {
    const rules = dir === 'Ingress' ? (p.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports })) : (p.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }));
    return rules.some((r) => (!r.peers || r.peers.length === 0 || r.peers.some((x) => peerMatches(m, p, x, peer, podIps))) && portMatches(r.ports, dst, protocol, port));
  });
}

function isolatedBy(m: ClusterModel, dir: 'Ingress' | 'Egress', s: PodInfo): boolean {
  return m.policies.some((p) => p.namespace === s.namespace && selects(p.spec.podSelector, s.labels) && policyTypes(p).includes(dir));
}

// --- cluster-scoped tiers, from the network-policy-api documentation ---

type AnyRule = { action: string; from?: unknown[]; to?: unknown[]; protocols?: Record<string, unknown>[]; ports?: Record<string, unknown>[] };
type AnySpec = { tier?: string; priority?: number; subject: { namespaces?: LabelSelector; pods?: { namespaceSelector?: LabelSelector; podSelector?: LabelSelector } }; ingress?: AnyRule[]; egress?: AnyRule[] };
const specOf = (p: ClusterPolicyObject): AnySpec => p.spec as AnySpec;
const tierOf = (p: ClusterPolicyObject): string => (p.kind === 'ClusterNetworkPolicy' ? (specOf(p).tier as string) : p.kind === 'AdminNetworkPolicy' ? 'Admin' : 'Baseline');
// floe's documented order where the API leaves it open: priority, then ClusterNetworkPolicy before the v1alpha1 kinds, then name;
// the BaselineAdminNetworkPolicy (no priority) after every Baseline ClusterNetworkPolicy.
const KIND_RANK: Record<string, number> = { ClusterNetworkPolicy: 0, AdminNetworkPolicy: 1, BaselineAdminNetworkPolicy: 2 };
const order = (a: ClusterPolicyObject, b: ClusterPolicyObject) =>
  (specOf(a).priority ?? 1001) - (specOf(b).priority ?? 1001) || KIND_RANK[a.kind]! - KIND_RANK[b.kind]! || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function subjectSelects(m: ClusterModel, p: ClusterPolicyObject, pod: PodInfo): boolean {
  const subj = specOf(p).subject;
  if (subj.namespaces) return selects(subj.namespaces, nsLabels(m, pod.namespace));
  return selects(subj.pods?.namespaceSelector, nsLabels(m, pod.namespace)) && selects(subj.pods?.podSelector, pod.labels);
}

function tierPeerMatches(m: ClusterModel, peer: Record<string, unknown>, other: RefEndpoint, podIps: boolean): boolean {
  if (peer.networks) {
    const ips = 'ip' in other ? [other.ip] : podIps ? other.pod.ips : [];
    return ips.some((ip) => (peer.networks as string[]).some((c) => inCidr(ip, c)));
  }
  if ('ip' in other) return false;
  if (peer.namespaces) return selects(peer.namespaces as LabelSelector, nsLabels(m, other.pod.namespace));
  const pods = peer.pods as { namespaceSelector?: LabelSelector; podSelector?: LabelSelector } | undefined;
  if (pods) return selects(pods.namespaceSelector, nsLabels(m, other.pod.namespace)) && selects(pods.podSelector, other.pod.labels);
  return false;
}

function tierPortMatches(r: AnyRule, dst: RefEndpoint, protocol: string, port: number): boolean {
  const named = (name: string) => 'pod' in dst && dst.pod.ports.some((c) => c.name === name && (c.protocol ?? 'TCP') === protocol && c.containerPort === port);
  if (r.protocols && r.protocols.length > 0) {
    return r.protocols.some((x) => {
      if (typeof x.destinationNamedPort === 'string') return named(x.destinationNamedPort);
      const p = x[protocol.toLowerCase()] as { destinationPort?: { number?: number; range?: { start: number; end: number } } } | undefined;
      if (!p) return false;
      const d = p.destinationPort;
      if (!d) return true;
      return d.number !== undefined ? d.number === port : d.range!.start <= port && port <= d.range!.end;
    });
  }
  if (r.ports && r.ports.length > 0) {
    return r.ports.some((x) => {
      if (typeof x.namedPort === 'string') return named(x.namedPort);
      const n = x.portNumber as { protocol?: string; port: number } | undefined;
      if (n) return (n.protocol ?? 'TCP') === protocol && n.port === port;
      const g = x.portRange as { protocol?: string; start: number; end: number };
      return (g.protocol ?? 'TCP') === protocol && g.start <= port && port <= g.end;
    });
  }
  return true;
}

/** The first rule of `tier` that matches, as its action ('Accept'/'Allow', 'Deny', 'Pass'), or null. */
function tierAction(m: ClusterModel, tier: string, dir: 'Ingress' | 'Egress', subject: PodInfo, peer: RefEndpoint, dst: RefEndpoint, protocol: string, port: number, podIps: boolean): string | null {
  const policies = (m.clusterPolicies ?? []).filter((p) => tierOf(p) === tier && subjectSelects(m, p, subject)).sort(order);
  for (const p of policies) {
    const rules = (dir === 'Ingress' ? specOf(p).ingress : specOf(p).egress) ?? [];
    for (const r of rules) {
      const peers = ((dir === 'Ingress' ? r.from : r.to) ?? []) as Record<string, unknown>[];
      if (peers.some((x) => tierPeerMatches(m, x, peer, podIps)) && tierPortMatches(r, dst, protocol, port)) return r.action;
    }
  }
  return null;
}

function tieredSideAllows(m: ClusterModel, dir: 'Ingress' | 'Egress', subject: RefEndpoint, peer: RefEndpoint, dst: RefEndpoint, protocol: string, port: number, podIps: boolean): boolean {
  if (!('pod' in subject)) return true;
  const admin = tierAction(m, 'Admin', dir, subject.pod, peer, dst, protocol, port, podIps);
  if (admin === 'Accept' || admin === 'Allow') return true;
  if (admin === 'Deny') return false;
  if (isolatedBy(m, dir, subject.pod)) return sideAllows(m, dir, subject, peer, dst, protocol, port, podIps);
  const baseline = tierAction(m, 'Baseline', dir, subject.pod, peer, dst, protocol, port, podIps);
  return baseline !== 'Deny';
}

export function referenceAllows(m: ClusterModel, src: RefEndpoint, dst: RefEndpoint, protocol: string, port: number, podIps: boolean): boolean {
  return tieredSideAllows(m, 'Egress', src, dst, dst, protocol, port, podIps) && tieredSideAllows(m, 'Ingress', dst, src, dst, protocol, port, podIps);
}
