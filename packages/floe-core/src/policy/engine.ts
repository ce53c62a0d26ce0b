import { namespaceLabels } from '../k8s/defaults.js';
import { NAMESPACE_NAME_LABEL } from '../k8s/meta.js';
import { compareStrings } from '../util/compare.js';
import { compilePolicy, describeRule, resolveRulePorts, type CompiledPeer, type CompiledPolicy, type CompiledRule } from './compile.js';
import { computeConnectivity, type Connectivity, type ConnectivityScope } from './connectivity.js';
import { compileIpBlock, formatIp, formatRange, ipBlockContains, parseIp, type CompiledIpBlock } from './ip.js';
import { PortSets, connectionsText, type Connection } from './ports.js';
import { compileCiliumPolicy, notEvaluatedSelects, type NotEvaluatedPolicy } from './cilium.js';
import { ipBlockCoversHost, parseHostName } from './hostname.js';
import { decideSide, directMatch, TierIndex, tierVerdict, type TierVerdict } from './tiers.js';
import type { CiliumPolicyObject, ClusterModel, Direction, Endpoint, EngineOptions, IpBlockPodIps, NamespaceInfo, PodInfo, PolicyObject, PolicyProtocol } from './types.js';

export { NAMESPACE_NAME_LABEL };
// Connectivity is computed in its own module; these stay importable from the engine.
export { connectivityRows, type Connectivity, type ConnectivityRow, type ConnectivityScope, type SourceRow } from './connectivity.js';
export type { Endpoint };

export interface PortQuery {
  protocol: PolicyProtocol;
  port: number;
}

export interface RuleVerdict {
  /** `ns/policy ingress[0]`. */
  rule: string;
  description: string;
  /** What this rule admits between the two endpoints. */
  connections: 'all' | Connection[];
}

export interface ClosestRule {
  rule: string;
  description: string;
  /** What would have to change for the rule to admit the connection. */
  reasons: string[];
}

/** The verdict of one side: egress at the source, ingress at the destination. */
export interface SideVerdict {
  direction: Direction;
  /** The endpoint whose policies decide this side. */
  subject: string;
  /** False for an external address or a pod that no policy isolates in this direction. */
  isolated: boolean;
  /** The policies that select the subject for this direction (`ns/name`). */
  isolatedBy: string[];
  /** Rules that admit the connection (empty when not isolated or when denied). */
  allowedBy: RuleVerdict[];
  allowed: boolean;
  /** Port set id of everything this side admits between the pair. */
  connections: number;
  /** When denied: the rule nearest to admitting it, and what it lacks. */
  closest: ClosestRule | null;
  /**
   * Why floe cannot stand behind this side's verdict: a Cilium policy it does not
   * evaluate selects the subject, or an ipBlock's verdict on a host name depends
   * on the address the name resolves to. Empty: the verdict holds.
   */
  undetermined: string[];
  /**
   * Present when a cluster-scoped policy (ClusterNetworkPolicy, AdminNetworkPolicy,
   * BaselineAdminNetworkPolicy) selects the subject in this direction: which tier decided.
   * `allowed` and `connections` are then the result after every tier; the fields above
   * describe the NetworkPolicy tier alone.
   */
  tiers?: TierVerdict;
}

export interface Verdict {
  /** Admitted at both sides. When `determined` is false, floe cannot stand behind this (see the sides' `undetermined`). */
  allowed: boolean;
  /** False when a side whose verdict decides the outcome is undetermined. */
  determined: boolean;
  /** Port set id admitted end to end (both sides). */
  connections: number;
  egress: SideVerdict;
  ingress: SideVerdict;
}

export function endpointName(e: Endpoint): string {
  return e.kind === 'pod' ? e.pod.endpoint : e.text;
}

/**
 * The NetworkPolicy engine: policies compiled once, then verdicts for one
 * pair (`evaluate`, which explains itself) or for every pair (`connectivity`).
 */
export class PolicyEngine {
  readonly ports = new PortSets();
  readonly ipBlockPodIps: IpBlockPodIps;
  readonly externalCuts: readonly string[] | null;
  private readonly sourceByNamespace = new Map<string, PolicyObject[]>();
  private readonly byNamespace = new Map<string, CompiledPolicy[]>();
  private all: CompiledPolicy[] | null = null;
  private readonly namespaces = new Map<string, NamespaceInfo>();
  private readonly fixedRulePorts = new Map<CompiledRule, number>();
  /** The cluster-scoped policies, compiled and ordered; null when the model has none. */
  readonly tiers: TierIndex | null;
  private readonly ciliumByNamespace = new Map<string | null, CiliumPolicyObject[]>();
  private readonly notEvaluatedByNamespace = new Map<string | null, NotEvaluatedPolicy[]>();
  private readonly kubeApiserver: CompiledIpBlock[];

  constructor(
    readonly model: ClusterModel,
    options: EngineOptions = {},
  ) {
    this.ipBlockPodIps = options.ipBlockPodIps ?? 'match';
    this.externalCuts = options.externalCuts ?? null;
    this.tiers = model.clusterPolicies && model.clusterPolicies.length > 0 ? new TierIndex(model.clusterPolicies) : null;
    for (const p of model.policies) {
      const list = this.sourceByNamespace.get(p.namespace);
      if (list) list.push(p);
      else this.sourceByNamespace.set(p.namespace, [p]);
    }
    for (const c of model.ciliumPolicies ?? []) {
      const list = this.ciliumByNamespace.get(c.namespace);
      if (list) list.push(c);
      else this.ciliumByNamespace.set(c.namespace, [c]);
      if (c.namespace !== null && !this.sourceByNamespace.has(c.namespace)) this.sourceByNamespace.set(c.namespace, []);
    }
    this.kubeApiserver = (options.kubeApiserverCidrs ?? []).map((c) => compileIpBlock({ cidr: c }, 'kube-apiserver addresses'));
    for (const ns of model.namespaces) this.namespaces.set(ns.name, { name: ns.name, labels: namespaceLabels(ns.name, ns.labels) });
    // Namespaces referenced but not given exist implicitly, with the label the API server always sets.
    for (const name of [...model.pods.map((p) => p.namespace), ...model.policies.map((p) => p.namespace), ...[...this.ciliumByNamespace.keys()].filter((n): n is string => n !== null)]) {
      if (!this.namespaces.has(name)) this.namespaces.set(name, { name, labels: namespaceLabels(name) });
    }
  }

  namespaceLabels(name: string): Record<string, string> {
    return this.namespaces.get(name)?.labels ?? namespaceLabels(name);
  }

  namespaceNames(): string[] {
    return [...this.namespaces.keys()].sort(compareStrings);
  }

  /** The compiled policies of one namespace; compiled on first use, so one explain compiles only the two namespaces it reads. */
  policiesIn(namespace: string): readonly CompiledPolicy[] {
    let list = this.byNamespace.get(namespace);
    if (!list) {
      list = (this.sourceByNamespace.get(namespace) ?? []).map(compilePolicy);
      const notEvaluated: NotEvaluatedPolicy[] = [];
      for (const c of this.ciliumByNamespace.get(namespace) ?? []) {
        const compiled = compileCiliumPolicy(c);
        list.push(...compiled.policies);
        if (compiled.notEvaluated) notEvaluated.push(compiled.notEvaluated);
      }
      this.notEvaluatedByNamespace.set(namespace, notEvaluated);
      this.byNamespace.set(namespace, list);
    }
    return list;
  }

  /** Every policy, compiled, in model order by namespace. */
  get policies(): readonly CompiledPolicy[] {
    if (!this.all) this.all = [...this.sourceByNamespace.keys()].flatMap((ns) => this.policiesIn(ns));
    return this.all;
  }

  /** The Cilium policies floe does not evaluate: every namespace's, then the clusterwide ones. */
  get notEvaluated(): readonly NotEvaluatedPolicy[] {
    const out: NotEvaluatedPolicy[] = [];
    for (const ns of this.ciliumByNamespace.keys()) {
      if (ns === null) continue;
      this.policiesIn(ns);
      out.push(...(this.notEvaluatedByNamespace.get(ns) ?? []));
    }
    return [...out, ...this.clusterwideNotEvaluated()];
  }

  private clusterwideNotEvaluated(): NotEvaluatedPolicy[] {
    let list = this.notEvaluatedByNamespace.get(null);
    if (!list) {
      list = (this.ciliumByNamespace.get(null) ?? []).flatMap((c) => compileCiliumPolicy(c).notEvaluated ?? []);
      this.notEvaluatedByNamespace.set(null, list);
    }
    return list;
  }

  /** The policies floe does not evaluate that select `pod` and may decide `direction`. */
  notEvaluatedFor(pod: PodInfo, direction: Direction): NotEvaluatedPolicy[] {
    // Most inputs have no Cilium policy: every verdict asks this, so it costs nothing then.
    if (this.ciliumByNamespace.size === 0) return [];
    this.policiesIn(pod.namespace);
    const nsLabels = this.namespaceLabels(pod.namespace);
    return [...(this.notEvaluatedByNamespace.get(pod.namespace) ?? []), ...this.clusterwideNotEvaluated()].filter((n) => n.directions.includes(direction) && notEvaluatedSelects(n, pod, nsLabels));
  }

  /** Selection: the policies that isolate `pod` for `direction` (selected by podSelector in its namespace, direction in policyTypes). */
  isolating(pod: PodInfo, direction: Direction): CompiledPolicy[] {
    // NetworkPolicy does not apply to hostNetwork pods: they are the node, not policy subjects.
    if (pod.hostNetwork) return [];
    return this.policiesIn(pod.namespace).filter((p) => p[direction] !== null && p.podSelector.matches(pod.labels));
  }

  /** Admission, one peer: [] when `peer` (of a rule in `policyNs`) matches `other`, else the reasons it does not. */
  peerMismatch(peer: CompiledPeer, policyNs: string, other: Endpoint): string[] {
    if (peer.kind === 'fqdn') {
      if (other.kind === 'host') return peer.names.some((m) => m.matches(other.name)) ? [] : [`${other.name} matches none of toFQDNs ${peer.names.map((m) => m.text).join(', ')}`];
      if (other.kind === 'external') return [`${other.text} is an address: toFQDNs matches the names a pod looked up, so ask about the host name`];
      return [`${other.pod.endpoint} is a pod: toFQDNs matches names outside the cluster`];
    }
    if (peer.kind === 'entity') return this.entityMismatch(peer.entity, other);
    if (peer.kind === 'ipBlock') {
      const b = peer.block;
      if (other.kind === 'external') return ipMismatch(b, other.family, other.value, other.text);
      if (other.kind === 'host') return hostIpMismatch(b, peer.text, other.name);
      if (peer.pods === false) return [`${other.pod.endpoint} is a pod: a Cilium ${peer.text} never matches the address of a pod or node`];
      if (this.ipBlockPodIps === 'ignore') return [`${other.pod.endpoint} is a pod and ipBlocks do not match pod IPs here (--ipblock-pod-ips ignore)`];
      if (other.pod.ips.length === 0) return [`${other.pod.endpoint} has no pod IP (read from files): an ipBlock matches pods only by IP`];
      const reasons: string[] = [];
      for (const ipText of other.pod.ips) {
        const ip = parseIp(ipText);
        if (!ip) continue;
        const r = ipMismatch(b, ip.family, ip.value, ipText);
        if (r.length === 0) return [];
        reasons.push(...r);
      }
      return reasons;
    }
    if (other.kind !== 'pod') return [`${other.text} is not a pod: ${peer.text} matches pods only`];
    const pod = other.pod;
    if (pod.hostNetwork) return [`${pod.endpoint} uses hostNetwork: its traffic has the node's address, which no podSelector matches (an ipBlock of the node's IP does)`];
    const reasons: string[] = [];
    if (!peer.namespaces) {
      if (pod.namespace !== policyNs) reasons.push(`namespace ${pod.namespace} is not ${policyNs} (a podSelector without namespaceSelector means the policy's own namespace)`);
    } else {
      const why = peer.namespaces.mismatch(this.namespaceLabels(pod.namespace));
      if (why) reasons.push(`namespace ${pod.namespace} ${why}`);
    }
    const why = peer.pods.mismatch(pod.labels);
    if (why) reasons.push(`pod ${pod.name} ${why}`);
    return reasons;
  }

  private entityMismatch(entity: string, other: Endpoint): string[] {
    if (entity === 'host' || entity === 'remote-node') {
      // floe does not know which node a pod runs on: host and remote-node both stand for the nodes' addresses, as hostNetwork pods have them.
      return other.kind === 'pod' && other.pod.hostNetwork ? [] : [`${endpointName(other)} is not a node: entity ${entity} matches nodes (and hostNetwork pods)`];
    }
    if (entity === 'kube-apiserver') {
      if (other.kind === 'external' && this.kubeApiserver.some((b) => ipBlockContains(b, other.family, other.value))) return [];
      if (this.kubeApiserver.length === 0) return [`entity kube-apiserver: the API server's addresses are not known here, so ${endpointName(other)} is not counted as it`];
      return [`${endpointName(other)} is not among the API server's addresses (${this.kubeApiserver.map((b) => b.text).join(', ')})`];
    }
    return [`entity ${entity}: floe models no endpoint as it`];
  }

  /** The port set a rule admits toward `destination` (named ports resolve against the destination pod's containers). */
  rulePortSet(rule: CompiledRule, destination: Endpoint): number {
    if (!rule.hasNamedPorts) {
      let id = this.fixedRulePorts.get(rule);
      if (id === undefined) {
        id = this.ports.intern(resolveRulePorts(rule, null));
        this.fixedRulePorts.set(rule, id);
      }
      return id;
    }
    return this.ports.intern(resolveRulePorts(rule, destination.kind === 'pod' ? destination.pod.ports : null));
  }

  /** One side: the NetworkPolicy tier, then, when a cluster-scoped policy selects the subject, every tier (policy/tiers.ts). */
  private side(direction: Direction, subject: Endpoint, peer: Endpoint, destination: Endpoint, query: PortQuery | undefined): SideVerdict {
    const np = this.networkPolicySide(direction, subject, peer, destination, query);
    const rules = this.tiers && subject.kind === 'pod' ? this.tiers.rulesFor(this, subject.pod, direction) : null;
    if (!rules || subject.kind !== 'pod') return np;
    const npState = { isolated: np.isolated, connections: np.connections };
    const t = decideSide(this, rules, directMatch(this, subject.pod.namespace), peer, destination, npState);
    const allowed = query ? this.ports.has(t.connections, query.protocol, query.port) : t.connections !== PortSets.NONE;
    const tiers = tierVerdict(this.ports, t, npState, query);
    // An Admin-tier rule decided before any namespace policy was consulted: a Cilium policy floe does not evaluate cannot change that.
    return { ...np, allowed, connections: t.connections, tiers, ...(tiers.stage === 'admin' ? { undetermined: [] } : {}) };
  }

  private networkPolicySide(direction: Direction, subject: Endpoint, peer: Endpoint, destination: Endpoint, query: PortQuery | undefined): SideVerdict {
    const base = { direction, subject: endpointName(subject), allowedBy: [] as RuleVerdict[], closest: null };
    if (subject.kind !== 'pod') return { ...base, isolated: false, isolatedBy: [], allowed: true, connections: PortSets.ALL, undetermined: [] };
    const undetermined = this.notEvaluatedFor(subject.pod, direction).map((n) => `${n.id} selects ${subject.pod.endpoint} for ${direction} and is not evaluated (${n.reasons.join('; ')})`);
    const policies = this.isolating(subject.pod, direction);
    if (policies.length === 0) return { ...base, isolated: false, isolatedBy: [], allowed: true, connections: PortSets.ALL, undetermined };
    let connections: number = PortSets.NONE;
    const allowedBy: RuleVerdict[] = [];
    let closest: ClosestRule | null = null;
    let closestScore = Infinity;
    for (const policy of policies) {
      for (const rule of policy[direction] ?? []) {
        let peerReasons: string[] = [];
        let bestScore = 0;
        if (rule.peers) {
          let best: string[] | null = null;
          for (const p of rule.peers) {
            const r = this.peerMismatch(p, policy.namespace, peer);
            const score = peerScore(p, peer, r);
            if (!best || score < bestScore) {
              best = r;
              bestScore = score;
            }
            if (r.length === 0) break;
          }
          peerReasons = best ?? [];
        }
        const ports = this.rulePortSet(rule, destination);
        const portOk = query ? this.ports.has(ports, query.protocol, query.port) : ports !== PortSets.NONE;
        if (peerReasons.length === 0) connections = this.ports.union(connections, ports);
        if (peerReasons.length === 0 && portOk) {
          allowedBy.push({ rule: rule.ref, description: describeRule(rule), connections: this.ports.connections(ports) });
          continue;
        }
        const reasons = [...peerReasons];
        if (!portOk) {
          const named = rule.ports?.filter((p) => p.kind === 'named') ?? [];
          const unresolved = named.length > 0 && ports === PortSets.NONE ? ` (named port${named.length > 1 ? 's' : ''} ${named.map((p) => p.text).join(', ')} not declared by ${endpointName(destination)})` : '';
          reasons.push(query ? `${query.protocol}/${query.port} is not among ${connectionsText(this.ports.connections(ports))}${unresolved}` : `admits no port${unresolved}`);
        }
        // A rule that already admits the peer and lacks only the port is nearer than one whose selectors miss.
        const score = bestScore + (portOk ? 0 : 1);
        if (score < closestScore) {
          closestScore = score;
          closest = { rule: rule.ref, description: describeRule(rule), reasons };
        }
      }
    }
    const allowed = allowedBy.length > 0;
    if (!allowed && peer.kind !== 'pod') undetermined.push(...this.addressUnknowns(policies, direction, peer, destination, query));
    return { ...base, isolated: true, isolatedBy: policies.map((p) => p.id), allowedBy, allowed, connections, closest: allowed ? null : closest, undetermined };
  }

  /**
   * For a denied peer outside the cluster, the rules that may admit it after all, on what floe cannot know:
   * an ipBlock holding some public addresses against a host name (its address decides); against an address,
   * a Cilium entity standing for addresses floe does not know (the nodes', the API server's when not told).
   */
  private addressUnknowns(policies: readonly CompiledPolicy[], direction: Direction, peer: Endpoint, destination: Endpoint, query: PortQuery | undefined): string[] {
    const out: string[] = [];
    for (const policy of policies) {
      for (const rule of policy[direction] ?? []) {
        const ports = this.rulePortSet(rule, destination);
        if (query ? !this.ports.has(ports, query.protocol, query.port) : ports === PortSets.NONE) continue;
        for (const p of rule.peers ?? []) {
          if (peer.kind === 'host' && p.kind === 'ipBlock' && ipBlockCoversHost(p.block) === 'some') {
            out.push(`${rule.ref} admits ${p.block.text}, which holds some public addresses: whether ${peer.name} is among them depends on its address (explain with the address to judge)`);
          }
          if (peer.kind === 'external' && p.kind === 'entity' && (p.entity === 'host' || p.entity === 'remote-node' || (p.entity === 'kube-apiserver' && this.kubeApiserver.length === 0))) {
            const whose = p.entity === 'kube-apiserver' ? "the API server's" : "the nodes'";
            out.push(`${rule.ref} admits entity ${p.entity}: whether ${peer.text} is one of ${whose} addresses is not known here`);
          }
        }
      }
    }
    return [...new Set(out)];
  }

  /** Is `source` → `destination` allowed (on `query`, or on any port)? Egress at the source AND ingress at the destination. */
  evaluate(source: Endpoint, destination: Endpoint, query?: PortQuery): Verdict {
    const egress = this.side('egress', source, destination, destination, query);
    const ingress = this.side('ingress', destination, source, destination, query);
    const connections = this.ports.intersect(egress.connections, ingress.connections);
    const allowed = query ? egress.allowed && ingress.allowed : connections !== PortSets.NONE;
    // A side that denies for certain decides; otherwise every undetermined side leaves the outcome open.
    const certainDeny = [egress, ingress].some((s) => !s.allowed && s.undetermined.length === 0);
    const determined = certainDeny || (egress.undetermined.length === 0 && ingress.undetermined.length === 0);
    return { allowed, determined, connections, egress, ingress };
  }

  /**
   * Connectivity between every workload endpoint and the external ranges that ipBlocks distinguish;
   * with a scope, only the pairs with a workload of its namespaces are computed.
   */
  connectivity(scope?: ConnectivityScope): Connectivity {
    return computeConnectivity(this, scope);
  }
}

/**
 * How far a peer is from matching, for naming the closest rule: each selector
 * requirement to change counts 2 (a port 1); an ipBlock against a pod it can
 * never match by IP counts 4, since no edit of that rule reaches the pod; a
 * toFQDNs rule against a host name counts 1 (one name to add).
 */
function peerScore(peer: CompiledPeer, other: Endpoint, reasons: readonly string[]): number {
  if (reasons.length === 0) return 0;
  if (peer.kind === 'ipBlock' && other.kind === 'pod') return 4;
  // A host name a toFQDNs rule misses is one name away from it: the rule to name first.
  if (peer.kind === 'fqdn' && other.kind === 'host') return 1;
  return 2 * reasons.length;
}

function ipMismatch(b: CompiledIpBlock, family: 4 | 6, value: bigint, text: string): string[] {
  if (ipBlockContains(b, family, value)) return [];
  if (b.family !== family) return [`${text} is IPv${family}, ipBlock ${b.text} is IPv${b.family}`];
  const ex = b.except.find((e) => e.first <= value && value <= e.last);
  if (ex) return [`${text} is in the except ${formatRange(ex)} of ipBlock ${formatRange(b.cidr)}`];
  return [`${text} is outside ipBlock ${b.text}`];
}

/** How an ipBlock judges a host name, whose address floe does not know (policy/hostname.ts). */
function hostIpMismatch(b: CompiledIpBlock, text: string, host: string): string[] {
  const cover = ipBlockCoversHost(b);
  if (cover === 'all') return [];
  if (cover === 'none') return [`${host} is a public host name and ${text} holds no public address`];
  return [`the address of ${host} is unknown to floe: ${text} holds some public addresses, not all`];
}

/** A host name (`example.com`, `*.example.com`) as an endpoint; null when the text is none. */
export function hostEndpoint(text: string): Endpoint | null {
  const name = parseHostName(text);
  return name ? { kind: 'host', name, text: `${name}[Host]` } : null;
}

/** An address as an endpoint; a pod's own IP is that pod. */
export function externalEndpoint(text: string): Endpoint | null {
  const ip = parseIp(text);
  return ip ? { kind: 'external', family: ip.family, value: ip.value, text: `${formatIp(ip.family, ip.value)}[External]` } : null;
}

