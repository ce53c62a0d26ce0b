/**
 * A small NetworkPolicy evaluator, written from the networking.k8s.io/v1 API
 * reference, for tests: does this set of policies admit a connection from
 * one endpoint to another on one port? (When the policy-engine issue lands,
 * its engine replaces this.)
 *
 * The rules it implements:
 * - A pod is isolated for egress (ingress) when at least one policy in its
 *   namespace selects it (spec.podSelector) and lists Egress (Ingress) in
 *   policyTypes. A pod no policy isolates allows everything in that direction.
 *   policyTypes left out means Ingress, plus Egress when the policy has egress rules.
 * - An isolated pod allows a connection when any selecting policy has any rule
 *   in that direction that matches both the peer and the port. Policies and
 *   rules are additive; nothing denies.
 * - A rule without `to`/`from` (or with an empty list) matches every peer; a
 *   rule without `ports` (or an empty list) matches every port.
 * - A peer with only podSelector matches pods of the policy's own namespace;
 *   only namespaceSelector matches every pod of the selected namespaces; both
 *   in one peer match pods that satisfy both (AND). ipBlock matches addresses
 *   in cidr and not in except; here it never matches a pod (the API leaves pod
 *   IPs in ipBlocks implementation-defined, and floe never relies on them).
 * - A port entry matches its protocol (default TCP) and, when `port` is set,
 *   port..endPort (endPort defaults to port); without `port` every port of the
 *   protocol. Named ports are not supported (floe never writes them).
 * - A connection is admitted when the source's egress AND the destination's
 *   ingress allow it; an external address has no policies of its own.
 * - A label selector matches when every matchLabels entry is equal and every
 *   matchExpressions requirement holds (In, NotIn, Exists, DoesNotExist); the
 *   empty selector matches everything.
 */
import { isIP } from 'node:net';
import { type LabelSelector, type NetworkPolicy, type NetworkPolicyPeer, type NetworkPolicyPort } from '@floe/core';
import { cidrContains, parseCidr, type Cidr } from '@floe/core/util';

export type Labels = Record<string, string>;
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface Pod {
  kind: 'pod';
  namespace: string;
  labels: Labels;
  /** Unique in the cluster: messages, set keys and the evaluator's cache use it. */
  name: string;
}

export interface Address {
  kind: 'ip';
  ip: string;
}

export type Endpoint = Pod | Address;

export interface PortProbe {
  protocol: Protocol;
  port: number;
}

export function selectorMatches(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, req.key);
    const value = labels[req.key];
    switch (req.operator) {
      case 'In':
        if (!has || !(req.values ?? []).includes(value as string)) return false;
        break;
      case 'NotIn':
        if (has && (req.values ?? []).includes(value as string)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** policyTypes as written, or as the API defaults them when left out. */
function policyTypesOf(p: NetworkPolicy): ('Ingress' | 'Egress')[] {
  if (p.spec.policyTypes && p.spec.policyTypes.length > 0) return p.spec.policyTypes;
  return p.spec.egress && p.spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

const parsed = new Map<string, Cidr>();
function cidrOf(text: string): Cidr {
  let c = parsed.get(text);
  if (!c) {
    const r = parseCidr(text);
    if (!r.ok) throw new Error(`bad CIDR ${text}: ${r.reason}`);
    parsed.set(text, (c = r.cidr));
  }
  return c;
}

function ipInBlock(ip: string, cidr: string, except: readonly string[]): boolean {
  const host = cidrOf(`${ip}/${isIP(ip) === 4 ? 32 : 128}`);
  const block = cidrOf(cidr);
  if (host.family !== block.family || !cidrContains(block, host)) return false;
  return !except.some((e) => {
    const x = cidrOf(e);
    return x.family === host.family && cidrContains(x, host);
  });
}

export class Cluster {
  private readonly byNamespace = new Map<string, NetworkPolicy[]>();
  private readonly selectingCache = new Map<string, NetworkPolicy[]>();

  /** `namespaceLabels`: every namespace's labels, including kubernetes.io/metadata.name as the API server sets it. */
  private readonly namespaceLabels: ReadonlyMap<string, Labels>;

  constructor(policies: readonly NetworkPolicy[], namespaceLabels: ReadonlyMap<string, Labels>) {
    this.namespaceLabels = namespaceLabels;
    for (const p of policies) {
      const ns = p.metadata.namespace;
      if (!ns) throw new Error(`NetworkPolicy ${p.metadata.name} has no namespace`);
      const list = this.byNamespace.get(ns) ?? [];
      list.push(p);
      this.byNamespace.set(ns, list);
    }
  }

  private peerMatches(peer: NetworkPolicyPeer, policyNamespace: string, other: Endpoint): boolean {
    if (peer.ipBlock) return other.kind === 'ip' && ipInBlock(other.ip, peer.ipBlock.cidr, peer.ipBlock.except ?? []);
    if (other.kind !== 'pod') return false;
    if (peer.namespaceSelector) {
      const nsLabels = this.namespaceLabels.get(other.namespace);
      if (!nsLabels) throw new Error(`namespace ${other.namespace} has no labels in the test cluster`);
      if (!selectorMatches(peer.namespaceSelector, nsLabels)) return false;
    } else if (other.namespace !== policyNamespace) {
      return false;
    }
    return selectorMatches(peer.podSelector, other.labels);
  }

  private portMatches(ports: readonly NetworkPolicyPort[] | undefined, probe: PortProbe): boolean {
    if (!ports || ports.length === 0) return true;
    return ports.some((p) => {
      if ((p.protocol ?? 'TCP') !== probe.protocol) return false;
      if (p.port === undefined) return true;
      if (typeof p.port === 'string') throw new Error('named ports are not supported by this evaluator');
      return probe.port >= p.port && probe.port <= (p.endPort ?? p.port);
    });
  }

  /** Whether `pod`'s side allows the connection in `direction` with `other` on `probe`. */
  private sideAllows(pod: Pod, direction: 'Egress' | 'Ingress', other: Endpoint, probe: PortProbe): boolean {
    const cacheKey = `${direction}|${pod.name}`;
    let selecting = this.selectingCache.get(cacheKey);
    if (!selecting) {
      selecting = (this.byNamespace.get(pod.namespace) ?? []).filter(
        (p) => policyTypesOf(p).includes(direction) && selectorMatches(p.spec.podSelector, pod.labels),
      );
      this.selectingCache.set(cacheKey, selecting);
    }
    if (selecting.length === 0) return true;
    return selecting.some((p) => {
      const rules = (direction === 'Egress' ? p.spec.egress : p.spec.ingress) ?? [];
      return rules.some((r) => {
        const peers = direction === 'Egress' ? (r as { to?: NetworkPolicyPeer[] }).to : (r as { from?: NetworkPolicyPeer[] }).from;
        const peerOk = !peers || peers.length === 0 || peers.some((peer) => this.peerMatches(peer, pod.namespace, other));
        return peerOk && this.portMatches(r.ports, probe);
      });
    });
  }

  /** Whether a connection from `src` to `dst` on `probe` is admitted. */
  admits(src: Endpoint, dst: Endpoint, probe: PortProbe): boolean {
    if (src.kind === 'pod' && !this.sideAllows(src, 'Egress', dst, probe)) return false;
    if (dst.kind === 'pod' && !this.sideAllows(dst, 'Ingress', src, probe)) return false;
    return true;
  }
}
