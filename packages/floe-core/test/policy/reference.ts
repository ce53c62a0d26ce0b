/**
 * A brute-force NetworkPolicy evaluator written straight from the Kubernetes
 * API documentation, sharing no code with the engine: small, slow and
 * obviously correct. CIDR matching is node:net's BlockList.
 */
import { BlockList, isIPv6 } from 'node:net';
import type { ClusterModel, LabelSelector, NetworkPolicyPeer, NetworkPolicyPort, PodInfo, PolicyObject } from '../../src/policy/types.js';

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

export function referenceAllows(m: ClusterModel, src: RefEndpoint, dst: RefEndpoint, protocol: string, port: number, podIps: boolean): boolean {
  return sideAllows(m, 'Egress', src, dst, dst, protocol, port, podIps) && sideAllows(m, 'Ingress', dst, src, dst, protocol, port, podIps);
}
