/**
 * Cluster-scoped policy tiers (policy.networking.k8s.io): ClusterNetworkPolicy
 * v1beta1/v1alpha2 (Admin and Baseline tiers), AdminNetworkPolicy and
 * BaselineAdminNetworkPolicy v1alpha1. Compiled once, then one side of a
 * connection (egress at the source, ingress at the destination) is decided:
 *
 *   1. Admin tier (ClusterNetworkPolicy tier Admin, AdminNetworkPolicy), by
 *      priority, rules in written order: the first rule that matches a port
 *      decides it. Accept/Allow allows, Deny denies, Pass sends the port on.
 *   2. NetworkPolicies: a pod they isolate in this direction gets exactly what
 *      they admit of the ports still open; the Baseline tier is not consulted.
 *   3. Baseline tier (ClusterNetworkPolicy tier Baseline, then the
 *      BaselineAdminNetworkPolicy), the same way.
 *   4. Default allow.
 *
 * Where the API leaves it open, floe chooses (docs/cluster-network-policy.md):
 * policies of one tier at the same priority are ordered by kind
 * (ClusterNetworkPolicy first) and then name, in code-unit order; the
 * BaselineAdminNetworkPolicy comes after every Baseline-tier
 * ClusterNetworkPolicy; nodes and domainNames peers match nothing (floe's model
 * has neither Nodes nor DNS), and networks match pod IPs as ipBlocks do.
 */
import { InputError } from '../errors.js';
import { DEFAULT_PROTOCOL } from '../k8s/defaults.js';
import { compareStrings } from '../util/compare.js';
import { shapeProblems, type Shape } from '../util/shape.js';
import { ipBlockCoversHost } from './hostname.js';
import { compileIpBlock, ipBlockContains, parseIp, type CompiledIpBlock } from './ip.js';
import { PortSets, protocolRange, subtractRanges, type PortRange } from './ports.js';
import { compileSelector, type CompiledSelector } from './selector.js';
import { POLICY_PROTOCOLS, type ClusterPolicyObject, type ContainerPort, type Direction, type Endpoint, type IpBlockPodIps, type LabelSelector, type PodInfo, type PolicyProtocol } from './types.js';

export type TierName = 'Admin' | 'Baseline';
export type TierAction = 'allow' | 'deny' | 'pass';

export type TierNamespaces =
  | { kind: 'selector'; selector: CompiledSelector }
  | { kind: 'same'; keys: string[] }
  | { kind: 'notSame'; keys: string[] };

export type TierPeer =
  | { kind: 'namespaces'; namespaces: TierNamespaces; text: string }
  | { kind: 'pods'; namespaces: TierNamespaces; pods: CompiledSelector; text: string }
  | { kind: 'networks'; blocks: CompiledIpBlock[]; text: string }
  | { kind: 'unmodelled'; text: string };

export type TierPort = { kind: 'range'; range: PortRange; text: string } | { kind: 'named'; name: string; text: string };

export interface CompiledTierRule {
  policy: CompiledTierPolicy;
  direction: Direction;
  /** Position in spec.ingress / spec.egress (0-based). */
  index: number;
  name?: string;
  action: TierAction;
  /** As written: Accept, Allow, Deny or Pass. */
  actionText: string;
  peers: TierPeer[];
  /** null: every port of every protocol. */
  ports: TierPort[] | null;
  hasNamedPorts: boolean;
  /** `ClusterNetworkPolicy floe-x egress rule 2`. */
  ref: string;
}

export interface CompiledTierPolicy {
  /** `ClusterNetworkPolicy floe-x`. */
  id: string;
  kind: ClusterPolicyObject['kind'];
  name: string;
  tier: TierName;
  /** null for a BaselineAdminNetworkPolicy, which has none. */
  priority: number | null;
  subjectNamespaces: CompiledSelector;
  /** null: every pod of the selected namespaces. */
  subjectPods: CompiledSelector | null;
  ingress: CompiledTierRule[];
  egress: CompiledTierRule[];
  /** Whether any rule's peer needs the subject's namespace (v1alpha1 sameLabels/notSameLabels). */
  subjectDependent: boolean;
}

/** What a rule decided on one side: the ports it took (never empty). */
export interface TierDecision {
  rule: CompiledTierRule;
  ports: number;
}

/** One side after every tier. */
export interface TierSide {
  /** Ports allowed on this side after all tiers. */
  connections: number;
  /** Admin-tier rules that decided ports, in evaluation order. */
  admin: TierDecision[];
  /** Baseline-tier rules that decided ports (none when NetworkPolicies isolate the subject). */
  baseline: TierDecision[];
  /** Ports the Admin tier left to the later tiers (passed or unmatched). */
  undecided: number;
}

/** What the engine answers about labels and ports that the tiers need. */
export interface TierContext {
  readonly ports: PortSets;
  readonly ipBlockPodIps: IpBlockPodIps;
  namespaceLabels(name: string): Record<string, string>;
}

const KIND_ORDER: Record<ClusterPolicyObject['kind'], number> = { ClusterNetworkPolicy: 0, AdminNetworkPolicy: 1, BaselineAdminNetworkPolicy: 2 };

// --- compile ---

const selector: Shape = { object: { matchLabels: { map: 'scalar' }, matchExpressions: { list: { object: { key: 'string', operator: 'string', values: { list: 'scalar' } } } } } };
const nsSelector: Shape = { object: { matchLabels: { map: 'scalar' }, matchExpressions: { list: { object: { key: 'string', operator: 'string', values: { list: 'scalar' } } } }, namespaceSelector: selector, sameLabels: 'strings', notSameLabels: 'strings' } };
const podsPeer: Shape = { object: { namespaceSelector: selector, namespaces: nsSelector, podSelector: selector } };
const peer: Shape = { object: { namespaces: nsSelector, pods: podsPeer, nodes: selector, networks: 'strings', domainNames: 'strings' } };
const portNumber: Shape = { object: { number: 'integer', range: { object: { start: 'integer', end: 'integer' } } } };
const protocol: Shape = { object: { tcp: { object: { destinationPort: portNumber } }, udp: { object: { destinationPort: portNumber } }, sctp: { object: { destinationPort: portNumber } }, destinationNamedPort: 'string' } };
const anpPort: Shape = { object: { portNumber: { object: { protocol: 'string', port: 'integer' } }, portRange: { object: { protocol: 'string', start: 'integer', end: 'integer' } }, namedPort: 'string' } };
const rule = (peers: 'from' | 'to'): Shape => ({ object: { name: 'string', action: 'string', [peers]: { list: peer }, protocols: { list: protocol }, ports: { list: anpPort } } });
const SPEC: Shape = {
  object: {
    tier: 'string',
    priority: 'integer',
    subject: { object: { namespaces: selector, pods: { object: { namespaceSelector: selector, podSelector: selector } } } },
    ingress: { list: rule('from') },
    egress: { list: rule('to') },
  },
};

const isSet = (v: unknown): boolean => v !== undefined && v !== null;

function selectorText(s: CompiledSelector, what: string): string {
  return s.empty ? `every ${what}` : `${what}s with ${s.key}`;
}

function namespacesText(n: TierNamespaces): string {
  if (n.kind === 'selector') return selectorText(n.selector, 'namespace');
  return `namespaces with ${n.kind === 'same' ? 'the same' : 'other'} ${n.keys.join(', ')} as the subject's`;
}

function compileNamespaces(raw: Record<string, unknown> | undefined, where: string): TierNamespaces {
  const r = raw ?? {};
  const old = ['namespaceSelector', 'sameLabels', 'notSameLabels'].filter((k) => isSet(r[k]));
  if (old.length > 1) throw new InputError(`${where}: set exactly one of namespaceSelector, sameLabels and notSameLabels, not ${old.join(' and ')}`);
  if (old.length === 1 && (isSet(r.matchLabels) || isSet(r.matchExpressions))) throw new InputError(`${where}: ${old[0]} cannot be combined with matchLabels or matchExpressions`);
  if (old[0] === 'sameLabels') return { kind: 'same', keys: [...(r.sameLabels as string[])].sort(compareStrings) };
  if (old[0] === 'notSameLabels') return { kind: 'notSame', keys: [...(r.notSameLabels as string[])].sort(compareStrings) };
  if (old[0] === 'namespaceSelector') return { kind: 'selector', selector: compileSelector(r.namespaceSelector as LabelSelector, `${where}.namespaceSelector`) };
  return { kind: 'selector', selector: compileSelector(r as LabelSelector, where) };
}

function compilePeer(raw: Record<string, unknown>, direction: Direction, where: string): TierPeer {
  const set = ['namespaces', 'pods', 'nodes', 'networks', 'domainNames'].filter((k) => isSet(raw[k]));
  if (set.length !== 1) throw new InputError(`${where}: a peer needs exactly one of namespaces, pods${direction === 'egress' ? ', nodes, networks and domainNames' : ''}${set.length ? `, not ${set.join(' and ')}` : ''}`);
  const kind = set[0] as string;
  if (direction === 'ingress' && kind !== 'namespaces' && kind !== 'pods') throw new InputError(`${where}: ${kind} is an egress peer only`);
  if (kind === 'namespaces') {
    const namespaces = compileNamespaces(raw.namespaces as Record<string, unknown>, `${where}.namespaces`);
    return { kind: 'namespaces', namespaces, text: `pods in ${namespacesText(namespaces)}` };
  }
  if (kind === 'pods') {
    const p = raw.pods as Record<string, unknown>;
    if (isSet(p.namespaceSelector) && isSet(p.namespaces)) throw new InputError(`${where}.pods: set namespaceSelector or namespaces, not both`);
    const namespaces = isSet(p.namespaces)
      ? compileNamespaces(p.namespaces as Record<string, unknown>, `${where}.pods.namespaces`)
      : { kind: 'selector' as const, selector: compileSelector((p.namespaceSelector ?? {}) as LabelSelector, `${where}.pods.namespaceSelector`) };
    const pods = compileSelector((p.podSelector ?? {}) as LabelSelector, `${where}.pods.podSelector`);
    return { kind: 'pods', namespaces, pods, text: `${selectorText(pods, 'pod')} in ${namespacesText(namespaces)}` };
  }
  if (kind === 'networks') {
    const cidrs = raw.networks as string[];
    if (cidrs.length === 0) throw new InputError(`${where}.networks: needs at least one CIDR`);
    const blocks = cidrs.map((c, i) => compileIpBlock({ cidr: c }, `${where}.networks[${i}]`));
    return { kind: 'networks', blocks, text: `networks ${cidrs.join(', ')}` };
  }
  // Nodes and DNS names are not in floe's model: such a peer matches nothing here, and explain says so.
  return { kind: 'unmodelled', text: kind === 'nodes' ? 'nodes (not modelled: floe reads no Nodes, so this peer matches nothing)' : `domainNames ${(raw.domainNames as string[]).join(', ')} (not modelled: matches nothing)` };
}

function portRange(protocol: PolicyProtocol, start: number, end: number, where: string): TierPort {
  if (!Number.isInteger(start) || start < 1 || start > 65535) throw new InputError(`${where}: port ${start} is not 1–65535`);
  if (!Number.isInteger(end) || end < start || end > 65535) throw new InputError(`${where}: end ${end} must be ${start}–65535`);
  return { kind: 'range', range: protocolRange(protocol, start, end), text: start === end ? `${protocol}/${start}` : `${protocol}/${start}-${end}` };
}

function toProtocol(p: unknown, where: string): PolicyProtocol {
  const v = p ?? DEFAULT_PROTOCOL;
  if (!(POLICY_PROTOCOLS as readonly unknown[]).includes(v)) throw new InputError(`${where}: protocol "${String(v)}" is not TCP, UDP or SCTP`);
  return v as PolicyProtocol;
}

/** v1beta1/v1alpha2 `protocols`. */
function compileProtocols(raw: Record<string, unknown>[], where: string): TierPort[] {
  return raw.map((p, i) => {
    const at = `${where}.protocols[${i}]`;
    const set = ['tcp', 'udp', 'sctp', 'destinationNamedPort'].filter((k) => isSet(p[k]));
    if (set.length !== 1) throw new InputError(`${at}: set exactly one of tcp, udp, sctp and destinationNamedPort${set.length ? `, not ${set.join(' and ')}` : ''}`);
    const key = set[0] as string;
    if (key === 'destinationNamedPort') return { kind: 'named', name: p.destinationNamedPort as string, text: `port ${String(p.destinationNamedPort)}` };
    const protocol = key.toUpperCase() as PolicyProtocol;
    const dp = (p[key] as { destinationPort?: { number?: number; range?: { start: number; end: number } } }).destinationPort;
    if (!dp) return { kind: 'range', range: protocolRange(protocol), text: `${protocol} (all ports)` };
    if (isSet(dp.number) === isSet(dp.range)) throw new InputError(`${at}.${key}.destinationPort: set exactly one of number and range`);
    if (dp.range) return portRange(protocol, dp.range.start, dp.range.end, `${at}.${key}.destinationPort.range`);
    return portRange(protocol, dp.number as number, dp.number as number, `${at}.${key}.destinationPort.number`);
  });
}

/** v1alpha1 `ports`. */
function compileAnpPorts(raw: Record<string, unknown>[], where: string): TierPort[] {
  return raw.map((p, i) => {
    const at = `${where}.ports[${i}]`;
    const set = ['portNumber', 'portRange', 'namedPort'].filter((k) => isSet(p[k]));
    if (set.length !== 1) throw new InputError(`${at}: set exactly one of portNumber, portRange and namedPort${set.length ? `, not ${set.join(' and ')}` : ''}`);
    if (p.namedPort !== undefined) return { kind: 'named', name: p.namedPort as string, text: `port ${String(p.namedPort)}` };
    if (p.portNumber) {
      const n = p.portNumber as { protocol?: string; port: number };
      return portRange(toProtocol(n.protocol, `${at}.portNumber`), n.port, n.port, `${at}.portNumber`);
    }
    const r = p.portRange as { protocol?: string; start: number; end: number };
    return portRange(toProtocol(r.protocol, `${at}.portRange`), r.start, r.end, `${at}.portRange`);
  });
}

const ACTIONS: Record<ClusterPolicyObject['kind'], Record<string, TierAction>> = {
  ClusterNetworkPolicy: { Accept: 'allow', Deny: 'deny', Pass: 'pass' },
  AdminNetworkPolicy: { Allow: 'allow', Deny: 'deny', Pass: 'pass' },
  BaselineAdminNetworkPolicy: { Allow: 'allow', Deny: 'deny' },
};

/** One cluster-scoped policy, checked as the API server would (the fields the engine reads) and compiled. */
export function compileTierPolicy(p: ClusterPolicyObject): CompiledTierPolicy {
  const id = `${p.kind} ${p.name}`;
  const malformed = shapeProblems(p.spec, SPEC, 'spec');
  if (malformed.length > 0) throw new InputError(`${id}: ${malformed.slice(0, 3).map((m) => `${m.path} ${m.message}`).join('; ')}`);
  const spec = (p.spec ?? {}) as Record<string, unknown>;
  let tier: TierName;
  let priority: number | null;
  if (p.kind === 'ClusterNetworkPolicy') {
    if (spec.tier !== 'Admin' && spec.tier !== 'Baseline') throw new InputError(`${id}: spec.tier must be Admin or Baseline, not ${JSON.stringify(spec.tier)}`);
    tier = spec.tier;
  } else tier = p.kind === 'AdminNetworkPolicy' ? 'Admin' : 'Baseline';
  if (p.kind === 'BaselineAdminNetworkPolicy') priority = null;
  else {
    if (typeof spec.priority !== 'number' || spec.priority < 0 || spec.priority > 1000) throw new InputError(`${id}: spec.priority must be an integer 0–1000${spec.priority === undefined ? ' (it is missing)' : `, not ${JSON.stringify(spec.priority)}`}`);
    priority = spec.priority;
  }
  const subject = (spec.subject ?? {}) as { namespaces?: LabelSelector; pods?: { namespaceSelector?: LabelSelector; podSelector?: LabelSelector } };
  if (isSet(subject.namespaces) === isSet(subject.pods)) throw new InputError(`${id}: spec.subject needs exactly one of namespaces and pods`);
  const policy: CompiledTierPolicy = {
    id,
    kind: p.kind,
    name: p.name,
    tier,
    priority,
    subjectNamespaces: compileSelector(subject.namespaces ?? subject.pods?.namespaceSelector ?? {}, `${id} spec.subject`),
    subjectPods: subject.pods ? compileSelector(subject.pods.podSelector ?? {}, `${id} spec.subject.pods.podSelector`) : null,
    ingress: [],
    egress: [],
    subjectDependent: false,
  };
  const actions = ACTIONS[p.kind];
  for (const direction of ['ingress', 'egress'] as const) {
    const raw = (spec[direction] ?? []) as Record<string, unknown>[];
    policy[direction] = raw.map((r, index) => {
      const at = `${id} spec.${direction}[${index}]`;
      const actionText = String(r.action);
      const action = actions[actionText];
      if (!action || !Object.hasOwn(actions, actionText)) throw new InputError(`${at}.action: ${JSON.stringify(r.action)} is not one of ${Object.keys(actions).join(', ')}`);
      if (p.kind === 'ClusterNetworkPolicy' && tier === 'Baseline' && action === 'pass') throw new InputError(`${at}.action: Pass is not allowed in the Baseline tier`);
      const peersKey = direction === 'ingress' ? 'from' : 'to';
      const peersRaw = (r[peersKey] ?? []) as Record<string, unknown>[];
      if (peersRaw.length === 0) throw new InputError(`${at}.${peersKey}: needs at least one peer`);
      const peers = peersRaw.map((x, i) => compilePeer(x, direction, `${at}.${peersKey}[${i}]`));
      const protocols = r.protocols as Record<string, unknown>[] | undefined;
      const anpPorts = r.ports as Record<string, unknown>[] | undefined;
      if (p.kind === 'ClusterNetworkPolicy' && anpPorts !== undefined) throw new InputError(`${at}: ClusterNetworkPolicy rules take protocols, not ports (ports is v1alpha1 AdminNetworkPolicy)`);
      if (p.kind !== 'ClusterNetworkPolicy' && protocols !== undefined) throw new InputError(`${at}: ${p.kind} rules take ports, not protocols (protocols is ClusterNetworkPolicy)`);
      const ports = protocols && protocols.length > 0 ? compileProtocols(protocols, at) : anpPorts && anpPorts.length > 0 ? compileAnpPorts(anpPorts, at) : null;
      if (peers.some((x) => x.kind === 'pods' || x.kind === 'namespaces' ? x.namespaces.kind !== 'selector' : false)) policy.subjectDependent = true;
      const name = typeof r.name === 'string' && r.name !== '' ? r.name : undefined;
      return {
        policy,
        direction,
        index,
        ...(name ? { name } : {}),
        action,
        actionText,
        peers,
        ports,
        hasNamedPorts: ports?.some((x) => x.kind === 'named') ?? false,
        ref: `${id} ${direction} rule ${index + 1}${name ? ` (${name})` : ''}`,
      };
    });
  }
  return policy;
}

/** The rules of one tier that apply to one subject, in evaluation order. */
export interface SubjectRules {
  admin: CompiledTierRule[];
  baseline: CompiledTierRule[];
}

/**
 * Every cluster-scoped policy of a model, compiled and ordered once: Admin tier,
 * then Baseline tier, each by priority, then kind, then name.
 */
export class TierIndex {
  readonly policies: readonly CompiledTierPolicy[];
  /** Every networks CIDR, so connectivity cuts pods and external ranges at them. */
  readonly blocks: readonly CompiledIpBlock[];

  constructor(objects: readonly ClusterPolicyObject[]) {
    const compiled = objects.map(compileTierPolicy);
    compiled.sort(
      (a, b) =>
        (a.tier === b.tier ? 0 : a.tier === 'Admin' ? -1 : 1) ||
        (a.priority ?? 1001) - (b.priority ?? 1001) ||
        KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
        compareStrings(a.name, b.name),
    );
    this.policies = compiled;
    const seen = new Set<string>();
    const blocks: CompiledIpBlock[] = [];
    for (const p of compiled) {
      for (const r of [...p.ingress, ...p.egress]) {
        for (const peer of r.peers) {
          if (peer.kind !== 'networks') continue;
          for (const b of peer.blocks) {
            if (seen.has(b.text)) continue;
            seen.add(b.text);
            blocks.push(b);
          }
        }
      }
    }
    this.blocks = blocks;
  }

  /** Does `policy` select `pod` as its subject? Host-network pods are never subjects. */
  selects(ctx: TierContext, policy: CompiledTierPolicy, pod: PodInfo): boolean {
    if (pod.hostNetwork) return false;
    if (!policy.subjectNamespaces.matches(ctx.namespaceLabels(pod.namespace))) return false;
    return policy.subjectPods === null || policy.subjectPods.matches(pod.labels);
  }

  /** The rules that apply to `pod` in `direction`; null when no cluster-scoped policy does. */
  rulesFor(ctx: TierContext, pod: PodInfo, direction: Direction): SubjectRules | null {
    const admin: CompiledTierRule[] = [];
    const baseline: CompiledTierRule[] = [];
    for (const p of this.policies) {
      if (p[direction].length === 0 || !this.selects(ctx, p, pod)) continue;
      (p.tier === 'Admin' ? admin : baseline).push(...p[direction]);
    }
    return admin.length || baseline.length ? { admin, baseline } : null;
  }
}

// --- matching ---

function namespacesMismatch(ctx: TierContext, n: TierNamespaces, peerNs: string, subjectNs: string): string | null {
  if (n.kind === 'selector') {
    const why = n.selector.mismatch(ctx.namespaceLabels(peerNs));
    return why ? `namespace ${peerNs} ${why}` : null;
  }
  const mine = ctx.namespaceLabels(subjectNs);
  const theirs = ctx.namespaceLabels(peerNs);
  // As the API defines them: sameLabels needs every key on both with equal values; notSameLabels needs every key on both with different values.
  for (const k of n.keys) {
    const both = Object.hasOwn(mine, k) && Object.hasOwn(theirs, k);
    if (!both) return `namespace ${peerNs} or ${subjectNs} has no label ${k}`;
    if ((mine[k] === theirs[k]) !== (n.kind === 'same')) return `namespace ${peerNs} has ${n.kind === 'same' ? 'another' : 'the same'} ${k} as ${subjectNs}`;
  }
  return null;
}

/** [] when `peer` (of a rule whose subject is in `subjectNs`) matches `other`, else why not. */
export function tierPeerMismatch(ctx: TierContext, peer: TierPeer, subjectNs: string, other: Endpoint): string | null {
  if (peer.kind === 'unmodelled') return `${peer.text}`;
  if (peer.kind === 'networks') {
    const hit = (family: 4 | 6, value: bigint) => peer.blocks.some((b) => ipBlockContains(b, family, value));
    if (other.kind === 'external') return hit(other.family, other.value) ? null : `${other.text} is outside ${peer.text}`;
    if (other.kind === 'host') {
      // A host name's address is unknown to floe: matched only when the networks hold every public address.
      const covers = peer.blocks.map(ipBlockCoversHost);
      if (covers.includes('all')) return null;
      return covers.includes('some') ? `the address of ${other.name} is unknown to floe: ${peer.text} holds some public addresses, not all` : `${other.name} is a public host name and ${peer.text} holds no public address`;
    }
    if (ctx.ipBlockPodIps === 'ignore') return `${other.pod.endpoint} is a pod and networks do not match pod IPs here (--ipblock-pod-ips ignore)`;
    for (const text of other.pod.ips) {
      const ip = parseIp(text);
      if (ip && hit(ip.family, ip.value)) return null;
    }
    return other.pod.ips.length === 0 ? `${other.pod.endpoint} has no pod IP (read from files): networks match pods only by IP` : `${other.pod.endpoint}'s IPs are outside ${peer.text}`;
  }
  if (other.kind !== 'pod') return `${other.text} is not a pod`;
  const pod = other.pod;
  if (pod.hostNetwork) return `${pod.endpoint} uses hostNetwork: its traffic has the node's address`;
  const ns = namespacesMismatch(ctx, peer.namespaces, pod.namespace, subjectNs);
  if (ns) return ns;
  if (peer.kind === 'pods') {
    const why = peer.pods.mismatch(pod.labels);
    if (why) return `pod ${pod.name} ${why}`;
  }
  return null;
}

/** The ports `rule` names toward `destination`: its ranges, and its named ports resolved against the destination pod's containers. */
export function tierRulePorts(ports: PortSets, rule: CompiledTierRule, destination: Endpoint): number {
  if (!rule.ports) return PortSets.ALL;
  const out: PortRange[] = [];
  const containers: readonly ContainerPort[] = destination.kind === 'pod' ? destination.pod.ports : [];
  for (const p of rule.ports) {
    if (p.kind === 'range') out.push(p.range);
    else for (const c of containers) if (c.name === p.name) out.push(protocolRange(c.protocol ?? DEFAULT_PROTOCOL, c.containerPort, c.containerPort));
  }
  return ports.intern(out);
}

/** The ports of `a` not in `b`. */
export function subtractPortSet(ports: PortSets, a: number, b: number): number {
  if (b === PortSets.NONE || a === PortSets.NONE) return a;
  if (b === PortSets.ALL) return PortSets.NONE;
  return ports.intern(subtractRanges(ports.ranges(a), ports.ranges(b)));
}

/** Whether a rule's peers match `other` (the peer of the side), with a per-rule cache the caller may keep. */
export type PeerMatch = (rule: CompiledTierRule, other: Endpoint) => boolean;

function walk(ctx: TierContext, rules: readonly CompiledTierRule[], match: PeerMatch, other: Endpoint, destination: Endpoint, open: number): { decisions: TierDecision[]; open: number } {
  const decisions: TierDecision[] = [];
  for (const rule of rules) {
    if (open === PortSets.NONE) break;
    if (!match(rule, other)) continue;
    const taken = ctx.ports.intersect(tierRulePorts(ctx.ports, rule, destination), open);
    if (taken === PortSets.NONE) continue;
    decisions.push({ rule, ports: taken });
    open = subtractPortSet(ctx.ports, open, taken);
  }
  return { decisions, open };
}

const union = (ports: PortSets, ds: readonly TierDecision[], action: TierAction): number =>
  ds.reduce((acc, d) => (d.rule.action === action ? ports.union(acc, d.ports) : acc), PortSets.NONE as number);

/**
 * One side of a connection through the tiers. `np`: whether NetworkPolicies
 * isolate the subject in this direction, and the ports they admit toward the peer.
 */
export function decideSide(ctx: TierContext, rules: SubjectRules, match: PeerMatch, other: Endpoint, destination: Endpoint, np: { isolated: boolean; connections: number }): TierSide {
  const ports = ctx.ports;
  const admin = walk(ctx, rules.admin, match, other, destination, PortSets.ALL);
  const allowed = union(ports, admin.decisions, 'allow');
  const undecided = ports.union(admin.open, union(ports, admin.decisions, 'pass'));
  if (np.isolated) return { connections: ports.union(allowed, ports.intersect(np.connections, undecided)), admin: admin.decisions, baseline: [], undecided };
  const baseline = walk(ctx, rules.baseline, match, other, destination, undecided);
  const denied = union(ports, baseline.decisions, 'deny');
  return { connections: ports.union(allowed, subtractPortSet(ports, undecided, denied)), admin: admin.decisions, baseline: baseline.decisions, undecided };
}

/** A peer matcher without a cache (one explain). */
export function directMatch(ctx: TierContext, subjectNs: string): PeerMatch {
  return (rule, other) => rule.peers.some((p) => tierPeerMismatch(ctx, p, subjectNs, other) === null);
}

// --- explaining ---

/** A rule as explain and JSON name it. */
export interface TierRuleRef {
  kind: ClusterPolicyObject['kind'];
  name: string;
  tier: TierName;
  priority: number | null;
  direction: Direction;
  /** 0-based position in spec.ingress / spec.egress. */
  index: number;
  /** The rule's name, when it has one. */
  ruleName?: string;
  action: string;
}

export function tierRuleRef(rule: CompiledTierRule): TierRuleRef {
  const p = rule.policy;
  return { kind: p.kind, name: p.name, tier: p.tier, priority: p.priority, direction: rule.direction, index: rule.index, ...(rule.name ? { ruleName: rule.name } : {}), action: rule.actionText };
}

/** `ClusterNetworkPolicy `x` (Admin, priority 10, egress rule 2)`. */
export function tierRuleText(rule: CompiledTierRule): string {
  const p = rule.policy;
  const prio = p.priority === null ? '' : `, priority ${p.priority}`;
  return `${p.kind} \`${p.name}\` (${p.tier}${prio}, ${rule.direction} rule ${rule.index + 1}${rule.name ? ` "${rule.name}"` : ''})`;
}

/** Which stage decided a port on one side. */
export type TierStage = 'admin' | 'networkpolicy' | 'baseline' | 'default';

export interface TierVerdict {
  stage: TierStage;
  /** The deciding rule (Admin or Baseline stage), null when NetworkPolicies or the default decided. */
  decidedBy: TierRuleRef | null;
  /** An Admin-tier Pass rule that sent the port on to the later tiers. */
  passedBy: TierRuleRef | null;
  /** One sentence. */
  text: string;
}

/** The stage that decided `port` on this side (or, without a port, the first rule that decided anything). */
export function tierVerdict(ports: PortSets, side: TierSide, np: { isolated: boolean; connections: number }, query: { protocol: PolicyProtocol; port: number } | undefined): TierVerdict {
  const has = (id: number) => (query ? ports.has(id, query.protocol, query.port) : id !== PortSets.NONE);
  const adminHit = side.admin.find((d) => has(d.ports));
  const passed = adminHit?.rule.action === 'pass' ? adminHit : undefined;
  const passedBy = passed ? tierRuleRef(passed.rule) : null;
  const passNote = passed ? `, after ${tierRuleText(passed.rule)} passed it on` : '';
  if (adminHit && !passed) {
    const verb = adminHit.rule.action === 'allow' ? 'allowed' : 'denied';
    return { stage: 'admin', decidedBy: tierRuleRef(adminHit.rule), passedBy: null, text: `${verb} by ${tierRuleText(adminHit.rule)} before any NetworkPolicy was consulted` };
  }
  if (np.isolated) {
    const ok = has(np.connections);
    return { stage: 'networkpolicy', decidedBy: null, passedBy, text: `${ok ? 'allowed' : 'denied'} by NetworkPolicies${passNote}; no Admin-tier rule decided it` };
  }
  const baseHit = side.baseline.find((d) => has(d.ports));
  if (baseHit) {
    const verb = baseHit.rule.action === 'allow' ? 'allowed' : 'denied';
    return { stage: 'baseline', decidedBy: tierRuleRef(baseHit.rule), passedBy, text: `${verb} by ${tierRuleText(baseHit.rule)}: no Admin-tier rule decided it and no NetworkPolicy isolates this side${passNote}` };
  }
  return { stage: 'default', decidedBy: null, passedBy, text: `allowed by default: no cluster-scoped rule decided it and no NetworkPolicy isolates this side${passNote}` };
}
