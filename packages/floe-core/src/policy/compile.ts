import { InputError } from '../errors.js';
import { DEFAULT_PROTOCOL, defaultPolicyTypes } from '../k8s/defaults.js';
import { shapeProblems, type Shape } from '../util/shape.js';
import { compileIpBlock, type CompiledIpBlock } from './ip.js';
import type { NameMatcher } from './hostname.js';
import { compileSelector, type CompiledSelector } from './selector.js';
import { protocolRange, type PortRange } from './ports.js';
import { POLICY_PROTOCOLS, type ContainerPort, type Direction, type NetworkPolicyPeer, type NetworkPolicyPort, type PolicyObject, type PolicyProtocol } from './types.js';

/**
 * A NetworkPolicy compiled once into its two halves, as cyclonus separates
 * them: the target (which pods it isolates, for which directions) and the
 * rules (which peers and ports it admits).
 */
export interface CompiledPolicy {
  /** `ns/name`. */
  id: string;
  namespace: string;
  name: string;
  /** Selection: the pods of `namespace` this policy isolates. */
  podSelector: CompiledSelector;
  /** null when the policy does not isolate for ingress (Ingress not in the effective policyTypes). */
  ingress: CompiledRule[] | null;
  egress: CompiledRule[] | null;
  /** The effective policyTypes, after the API server's defaulting. */
  policyTypes: Direction[];
  /** True when policyTypes was defaulted rather than written. */
  policyTypesDefaulted: boolean;
  /** The kind, when not NetworkPolicy (policy/cilium.ts compiles CiliumNetworkPolicies into this shape). */
  kind?: 'CiliumNetworkPolicy';
}

export type CompiledPeer =
  | { kind: 'pods'; index: number; namespaces: CompiledSelector | null; pods: CompiledSelector; text: string }
  /** `pods: false`: a Cilium CIDR rule, which never matches a pod's or a node's address (policy/cilium.ts). */
  | { kind: 'ipBlock'; index: number; block: CompiledIpBlock; text: string; pods?: false }
  /** Cilium toFQDNs: host names only, never an address (the name-to-address mapping is learned at run time). */
  | { kind: 'fqdn'; index: number; names: NameMatcher[]; text: string }
  /** A Cilium entity floe models apart from pods and addresses: `host`/`remote-node` (hostNetwork pods), `kube-apiserver`. */
  | { kind: 'entity'; index: number; entity: string; text: string };

export type CompiledPort =
  | { kind: 'range'; protocol: PolicyProtocol; range: PortRange; text: string }
  | { kind: 'named'; protocol: PolicyProtocol; name: string; text: string };

export interface CompiledRule {
  policy: CompiledPolicy;
  direction: Direction;
  /** Position in spec.ingress / spec.egress. */
  index: number;
  /** null: `from`/`to` absent or empty, so every peer (pods, namespaces and IPs) is admitted. */
  peers: CompiledPeer[] | null;
  /** null: `ports` absent or empty, so every port of every protocol. */
  ports: CompiledPort[] | null;
  hasNamedPorts: boolean;
  /** `ns/name ingress[0]`. */
  ref: string;
}

/** Effective policyTypes exactly as the API server defaults them (SetDefaults_NetworkPolicy). */
export function effectivePolicyTypes(spec: PolicyObject['spec'], where: string): { types: Direction[]; defaulted: boolean } {
  const written = spec.policyTypes ?? [];
  if (written.length > 0) {
    const types = new Set<Direction>();
    for (const t of written) {
      if (t === 'Ingress') types.add('ingress');
      else if (t === 'Egress') types.add('egress');
      else throw new InputError(`${where}: policyTypes "${String(t)}" is not Ingress or Egress`);
    }
    return { types: (['ingress', 'egress'] as const).filter((d) => types.has(d)), defaulted: false };
  }
  return { types: defaultPolicyTypes(spec).map((t) => (t === 'Ingress' ? 'ingress' : 'egress')), defaulted: true };
}

// The API server's defaulting rule is k8s/defaults.ts's, written once; re-exported for the policy entry.
export { defaultPolicyTypes };

function compileProtocol(p: string | undefined, where: string): PolicyProtocol {
  const protocol = p ?? DEFAULT_PROTOCOL;
  if (!(POLICY_PROTOCOLS as readonly string[]).includes(protocol)) throw new InputError(`${where}: protocol "${protocol}" is not TCP, UDP or SCTP`);
  return protocol as PolicyProtocol;
}

export function compilePort(p: NetworkPolicyPort, where: string): CompiledPort {
  const protocol = compileProtocol(p.protocol, where);
  if (p.port === undefined || p.port === null) return { kind: 'range', protocol, range: protocolRange(protocol), text: `${protocol} (all ports)` };
  if (typeof p.port === 'string') {
    // The API refuses both: a port name needs a letter, and a range needs numbers.
    if (/^\d+$/.test(p.port)) throw new InputError(`${where}: port "${p.port}" is a string; write it as a number (${p.port})`);
    if (p.endPort !== undefined && p.endPort !== null) throw new InputError(`${where}: endPort needs a numeric port, not the named port "${p.port}"`);
    return { kind: 'named', protocol, name: p.port, text: `${protocol}/${p.port}` };
  }
  const port = Number(p.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InputError(`${where}: port ${String(p.port)} is not 1–65535`);
  if (p.endPort !== undefined && p.endPort !== null) {
    const end = Number(p.endPort);
    if (!Number.isInteger(end) || end < port || end > 65535) throw new InputError(`${where}: endPort ${String(p.endPort)} must be ${port}–65535`);
    return { kind: 'range', protocol, range: protocolRange(protocol, port, end), text: `${protocol}/${port}-${end}` };
  }
  return { kind: 'range', protocol, range: protocolRange(protocol, port, port), text: `${protocol}/${port}` };
}

function peerText(namespaces: CompiledSelector | null, pods: CompiledSelector, policyNs: string): string {
  const who = pods.empty ? 'all pods' : `pods with ${pods.key}`;
  if (!namespaces) return `${who} in namespace ${policyNs}`;
  if (namespaces.empty) return `${who} in every namespace`;
  return `${who} in namespaces with ${namespaces.key}`;
}

function compilePeer(peer: NetworkPolicyPeer, index: number, policyNs: string, where: string): CompiledPeer {
  const at = `${where} peer ${index}`;
  if (peer.ipBlock) {
    if (peer.podSelector || peer.namespaceSelector) throw new InputError(`${at}: ipBlock cannot be combined with podSelector or namespaceSelector`);
    const block = compileIpBlock(peer.ipBlock, at);
    return { kind: 'ipBlock', index, block, text: `ipBlock ${block.text}` };
  }
  if (!peer.podSelector && !peer.namespaceSelector) throw new InputError(`${at}: a peer needs podSelector, namespaceSelector or ipBlock`);
  const namespaces = peer.namespaceSelector ? compileSelector(peer.namespaceSelector, `${at} namespaceSelector`) : null;
  const pods = compileSelector(peer.podSelector ?? {}, `${at} podSelector`);
  return { kind: 'pods', index, namespaces, pods, text: peerText(namespaces, pods, policyNs) };
}

const selector: Shape = { object: { matchLabels: { map: 'scalar' }, matchExpressions: { list: { object: { key: 'string', operator: 'string', values: { list: 'scalar' } } } } } };
const peer: Shape = { object: { podSelector: selector, namespaceSelector: selector, ipBlock: { object: { cidr: 'string', except: 'strings' } } } };
const port: Shape = { object: { protocol: 'string', port: 'intOrString', endPort: 'integer' } };
/** The fields of a NetworkPolicy spec the engine reads, so a malformed file is bad input, not a crash. */
const POLICY_SPEC: Shape = {
  object: {
    podSelector: selector,
    policyTypes: 'strings',
    ingress: { list: { object: { from: { list: peer }, ports: { list: port } } } },
    egress: { list: { object: { to: { list: peer }, ports: { list: port } } } },
  },
};

export function compilePolicy(p: PolicyObject): CompiledPolicy {
  const id = `${p.namespace}/${p.name}`;
  const where = `NetworkPolicy ${id}`;
  const malformed = shapeProblems(p.spec, POLICY_SPEC, 'spec');
  if (malformed.length > 0) throw new InputError(`${where}: ${malformed.slice(0, 3).map((m) => `${m.path} ${m.message}`).join('; ')}`);
  const spec = p.spec ?? {};
  const { types, defaulted } = effectivePolicyTypes(spec, where);
  const policy: CompiledPolicy = {
    id,
    namespace: p.namespace,
    name: p.name,
    podSelector: compileSelector(spec.podSelector ?? {}, `${where} podSelector`),
    ingress: null,
    egress: null,
    policyTypes: types,
    policyTypesDefaulted: defaulted,
  };
  for (const direction of types) {
    const raw = (direction === 'ingress' ? spec.ingress : spec.egress) ?? [];
    policy[direction] = raw.map((r, index) => {
      const at = `${where} ${direction}[${index}]`;
      const peersRaw = direction === 'ingress' ? (r as { from?: NetworkPolicyPeer[] }).from : (r as { to?: NetworkPolicyPeer[] }).to;
      const peers = peersRaw && peersRaw.length > 0 ? peersRaw.map((peer, i) => compilePeer(peer, i, p.namespace, at)) : null;
      const ports = r.ports && r.ports.length > 0 ? r.ports.map((port) => compilePort(port, at)) : null;
      return { policy, direction, index, peers, ports, hasNamedPorts: ports?.some((x) => x.kind === 'named') ?? false, ref: `${id} ${direction}[${index}]` };
    });
  }
  return policy;
}

/** The port ranges a rule admits toward a destination with these container ports; a named port it does not declare admits nothing. */
export function resolveRulePorts(rule: CompiledRule, destinationPorts: readonly ContainerPort[] | null): PortRange[] {
  if (!rule.ports) return POLICY_PROTOCOLS.map((p) => protocolRange(p));
  const out: PortRange[] = [];
  for (const port of rule.ports) {
    if (port.kind === 'range') out.push(port.range);
    else if (destinationPorts) {
      for (const c of destinationPorts) {
        if (c.name === port.name && (c.protocol ?? DEFAULT_PROTOCOL) === port.protocol) out.push(protocolRange(port.protocol, c.containerPort, c.containerPort));
      }
    }
  }
  return out;
}

export function describeRule(rule: CompiledRule): string {
  const peers = rule.peers ? rule.peers.map((p) => p.text).join('; ') : 'every peer';
  const ports = rule.ports ? rule.ports.map((p) => p.text).join(', ') : 'every port';
  return `${rule.direction === 'ingress' ? 'from' : 'to'} ${peers} on ${ports}`;
}
