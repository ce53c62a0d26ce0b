import { NAMESPACE_NAME_LABEL } from '../k8s/meta.js';
import { compareStrings } from '../util/compare.js';
import { compilePolicy, describeRule, resolveRulePorts, type CompiledPeer, type CompiledPolicy, type CompiledRule } from './compile.js';
import { cidrRange, familyMax, formatIp, formatRange, ipBlockContains, parseIp, type CompiledIpBlock, type IpRange } from './ip.js';
import { PortSets, connectionsText, type Connection } from './ports.js';
import type { CompiledSelector } from './selector.js';
import type { ClusterModel, ContainerPort, Direction, EngineOptions, IpBlockPodIps, NamespaceInfo, PodInfo, PolicyObject, PolicyProtocol } from './types.js';

export { NAMESPACE_NAME_LABEL };

/** One side of a connection: a pod (or a workload's pod template), or an address outside the cluster. */
export type Endpoint = { kind: 'pod'; pod: PodInfo } | { kind: 'external'; family: 4 | 6; value: bigint; text: string };

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
}

export interface Verdict {
  allowed: boolean;
  /** Port set id admitted end to end (both sides). */
  connections: number;
  egress: SideVerdict;
  ingress: SideVerdict;
}

export interface ConnectivityRow {
  from: string;
  to: string;
  connections: 'all' | Connection[];
}

/** Allowed connections between workload endpoints and external ranges, as sparse (from, to, port set) triples. */
export interface Connectivity {
  /** Workload endpoints (`ns/name[Kind]`), then external ranges (`cidr[External]` / `first-last[External]`). */
  endpoints: string[];
  workloadCount: number;
  /** Every allowed pair, from-major: `endpoints[from[k]]` may reach `endpoints[to[k]]` on port set `portSets[k]` of `ports`. */
  from: Int32Array;
  to: Int32Array;
  portSets: Uint32Array;
  ports: PortSets;
  /** Pod equivalence classes the computation ran on (pods that no selector or ipBlock can tell apart share one). */
  classCount: number;
  /** The port set allowed from endpoint `i` to endpoint `j`; PortSets.NONE when nothing is. */
  allowed(i: number, j: number): number;
}

/** Every allowed connection, from-major in endpoint order. */
export function* connectivityRows(c: Connectivity): Generator<ConnectivityRow> {
  for (let k = 0; k < c.from.length; k++) {
    yield { from: c.endpoints[c.from[k] as number] as string, to: c.endpoints[c.to[k] as number] as string, connections: c.ports.connections(c.portSets[k] as number) };
  }
}

const labelsKey = (labels: Record<string, string>): string =>
  Object.keys(labels)
    .sort(compareStrings)
    .map((k) => `${k}=${labels[k]}`)
    .join('\u0001');

const portsKey = (ports: readonly ContainerPort[]): string =>
  ports
    .filter((p) => p.name)
    .map((p) => `${p.name}/${p.protocol ?? 'TCP'}/${p.containerPort}`)
    .sort(compareStrings)
    .join(',');

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

  constructor(
    readonly model: ClusterModel,
    options: EngineOptions = {},
  ) {
    this.ipBlockPodIps = options.ipBlockPodIps ?? 'match';
    this.externalCuts = options.externalCuts ?? null;
    for (const p of model.policies) {
      const list = this.sourceByNamespace.get(p.namespace);
      if (list) list.push(p);
      else this.sourceByNamespace.set(p.namespace, [p]);
    }
    for (const ns of model.namespaces) this.namespaces.set(ns.name, { name: ns.name, labels: { ...ns.labels, [NAMESPACE_NAME_LABEL]: ns.name } });
    // Namespaces referenced but not given exist implicitly, with the label the API server always sets.
    for (const name of [...model.pods.map((p) => p.namespace), ...model.policies.map((p) => p.namespace)]) {
      if (!this.namespaces.has(name)) this.namespaces.set(name, { name, labels: { [NAMESPACE_NAME_LABEL]: name } });
    }
  }

  namespaceLabels(name: string): Record<string, string> {
    return this.namespaces.get(name)?.labels ?? { [NAMESPACE_NAME_LABEL]: name };
  }

  namespaceNames(): string[] {
    return [...this.namespaces.keys()].sort(compareStrings);
  }

  /** The compiled policies of one namespace; compiled on first use, so one explain compiles only the two namespaces it reads. */
  policiesIn(namespace: string): readonly CompiledPolicy[] {
    let list = this.byNamespace.get(namespace);
    if (!list) {
      list = (this.sourceByNamespace.get(namespace) ?? []).map(compilePolicy);
      this.byNamespace.set(namespace, list);
    }
    return list;
  }

  /** Every policy, compiled, in model order by namespace. */
  get policies(): readonly CompiledPolicy[] {
    if (!this.all) this.all = [...this.sourceByNamespace.keys()].flatMap((ns) => this.policiesIn(ns));
    return this.all;
  }

  /** Selection: the policies that isolate `pod` for `direction` (selected by podSelector in its namespace, direction in policyTypes). */
  isolating(pod: PodInfo, direction: Direction): CompiledPolicy[] {
    return this.policiesIn(pod.namespace).filter((p) => p[direction] !== null && p.podSelector.matches(pod.labels));
  }

  /** Admission, one peer: [] when `peer` (of a rule in `policyNs`) matches `other`, else the reasons it does not. */
  peerMismatch(peer: CompiledPeer, policyNs: string, other: Endpoint): string[] {
    if (peer.kind === 'ipBlock') {
      const b = peer.block;
      if (other.kind === 'external') return ipMismatch(b, other.family, other.value, other.text);
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
    if (other.kind === 'external') return [`${other.text} is not a pod: ${peer.text} matches pods only`];
    const pod = other.pod;
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

  private side(direction: Direction, subject: Endpoint, peer: Endpoint, destination: Endpoint, query: PortQuery | undefined): SideVerdict {
    const base = { direction, subject: endpointName(subject), allowedBy: [] as RuleVerdict[], closest: null };
    if (subject.kind === 'external') return { ...base, isolated: false, isolatedBy: [], allowed: true, connections: PortSets.ALL };
    const policies = this.isolating(subject.pod, direction);
    if (policies.length === 0) return { ...base, isolated: false, isolatedBy: [], allowed: true, connections: PortSets.ALL };
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
    return { ...base, isolated: true, isolatedBy: policies.map((p) => p.id), allowedBy, allowed, connections, closest: allowed ? null : closest };
  }

  /** Is `source` → `destination` allowed (on `query`, or on any port)? Egress at the source AND ingress at the destination. */
  evaluate(source: Endpoint, destination: Endpoint, query?: PortQuery): Verdict {
    const egress = this.side('egress', source, destination, destination, query);
    const ingress = this.side('ingress', destination, source, destination, query);
    const connections = this.ports.intersect(egress.connections, ingress.connections);
    const allowed = query ? egress.allowed && ingress.allowed : connections !== PortSets.NONE;
    return { allowed, connections, egress, ingress };
  }

  /** Connectivity between every workload endpoint and the external ranges that ipBlocks distinguish. */
  connectivity(): Connectivity {
    return computeConnectivity(this);
  }
}

/**
 * How far a peer is from matching, for naming the closest rule: each selector
 * requirement to change counts 2 (a port 1); an ipBlock against a pod it can
 * never match by IP counts 4, since no edit of that rule reaches the pod.
 */
function peerScore(peer: CompiledPeer, other: Endpoint, reasons: readonly string[]): number {
  if (reasons.length === 0) return 0;
  if (peer.kind === 'ipBlock' && other.kind === 'pod') return 4;
  return 2 * reasons.length;
}

function ipMismatch(b: CompiledIpBlock, family: 4 | 6, value: bigint, text: string): string[] {
  if (ipBlockContains(b, family, value)) return [];
  if (b.family !== family) return [`${text} is IPv${family}, ipBlock ${b.text} is IPv${b.family}`];
  const ex = b.except.find((e) => e.first <= value && value <= e.last);
  if (ex) return [`${text} is in the except ${formatRange(ex)} of ipBlock ${formatRange(b.cidr)}`];
  return [`${text} is outside ipBlock ${b.text}`];
}

interface PodClass {
  namespace: string;
  labels: Record<string, string>;
  ports: readonly ContainerPort[];
  /** Classes with equal named container ports share this id. */
  portsId: number;
  rep: PodInfo;
}

function lowerBound(ranges: readonly IpRange[], value: bigint): number {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((ranges[mid] as IpRange).first < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function computeConnectivity(engine: PolicyEngine): Connectivity {
  const ports = engine.ports;
  const { pods } = engine.model;
  const matchPodIps = engine.ipBlockPodIps === 'match';

  // Every distinct ipBlock, indexed: a pod's class and the external intervals both depend on which blocks contain them.
  const blockIndex = new Map<string, number>();
  const blocks: CompiledIpBlock[] = [];
  const peerBlock = new Map<CompiledPeer, number>();
  const allRules: CompiledRule[] = [];
  for (const p of engine.policies) for (const d of ['ingress', 'egress'] as const) for (const r of p[d] ?? []) allRules.push(r);
  for (const r of allRules) {
    for (const peer of r.peers ?? []) {
      if (peer.kind !== 'ipBlock') continue;
      let i = blockIndex.get(peer.block.text);
      if (i === undefined) {
        i = blocks.length;
        blockIndex.set(peer.block.text, i);
        blocks.push(peer.block);
      }
      peerBlock.set(peer, i);
    }
  }

  // External intervals: the address space of each family cut at every ipBlock boundary.
  const intervals: IpRange[] = [];
  for (const family of [4, 6] as const) {
    const cuts = new Set<bigint>([0n, familyMax(family) + 1n]);
    for (const b of blocks) if (b.family === family) for (const r of [b.cidr, ...b.except]) { cuts.add(r.first); cuts.add(r.last + 1n); }
    for (const text of engine.externalCuts ?? []) {
      const r = cidrRange(text, 'externalCuts');
      if (r.family === family) { cuts.add(r.first); cuts.add(r.last + 1n); }
    }
    const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (let i = 0; i + 1 < sorted.length; i++) intervals.push({ family, first: sorted[i] as bigint, last: (sorted[i + 1] as bigint) - 1n });
  }
  const v4 = intervals.filter((r) => r.family === 4);
  const v6 = intervals.filter((r) => r.family === 6);
  const blockExternals: number[][] = blocks.map((b) => {
    const list = b.family === 4 ? v4 : v6;
    const offset = b.family === 4 ? 0 : v4.length;
    const out: number[] = [];
    for (const r of b.ranges) for (let i = lowerBound(list, r.first); i < list.length && (list[i] as IpRange).last <= r.last; i++) out.push(offset + i);
    return out;
  });

  // Pod classes: pods with the same namespace, labels, named ports and ipBlock hits are indistinguishable to every policy.
  const classes: PodClass[] = [];
  const classHits: number[][] = [];
  const classKey = new Map<string, number>();
  const portsIds = new Map<string, number>();
  const classOfPod = new Int32Array(pods.length);
  const podHits: number[][] = pods.map(() => []);
  if (matchPodIps) {
    const addrs: { family: 4 | 6; value: bigint; pod: number }[] = [];
    pods.forEach((pod, i) => {
      for (const text of pod.ips) {
        const ip = parseIp(text);
        if (ip) addrs.push({ ...ip, pod: i });
      }
    });
    addrs.sort((a, b) => a.family - b.family || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    const first = (family: 4 | 6, value: bigint): number => {
      let lo = 0;
      let hi = addrs.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const a = addrs[mid] as (typeof addrs)[number];
        if (a.family < family || (a.family === family && a.value < value)) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    blocks.forEach((b, bi) => {
      for (const r of b.ranges) {
        for (let i = first(b.family, r.first); i < addrs.length; i++) {
          const a = addrs[i] as (typeof addrs)[number];
          if (a.family !== b.family || a.value > r.last) break;
          const hits = podHits[a.pod] as number[];
          if (hits[hits.length - 1] !== bi) hits.push(bi);
        }
      }
    });
  }
  pods.forEach((pod, i) => {
    const hits = podHits[i] as number[];
    const pk = portsKey(pod.ports);
    const key = `${pod.namespace}\u0000${labelsKey(pod.labels)}\u0000${pk}\u0000${hits.join(',')}`;
    let c = classKey.get(key);
    if (c === undefined) {
      c = classes.length;
      classKey.set(key, c);
      let portsId = portsIds.get(pk);
      if (portsId === undefined) {
        portsId = portsIds.size;
        portsIds.set(pk, portsId);
      }
      classes.push({ namespace: pod.namespace, labels: pod.labels, ports: pod.ports, portsId, rep: pod });
      classHits.push(hits);
    }
    classOfPod[i] = c;
  });
  const C = classes.length;
  const E = intervals.length;
  const W = C + E;

  // Indexes: classes by namespace, and by namespace and `key=value` label, so selectors visit candidates only.
  const byNs = new Map<string, number[]>();
  const postings = new Map<string, number[]>();
  classes.forEach((c, i) => {
    (byNs.get(c.namespace) ?? byNs.set(c.namespace, []).get(c.namespace)!).push(i);
    for (const [k, v] of Object.entries(c.labels)) {
      const key = `${c.namespace}\u0000${k}=${v}`;
      (postings.get(key) ?? postings.set(key, []).get(key)!).push(i);
    }
  });
  const blockClasses: number[][] = blocks.map(() => []);
  classHits.forEach((hits, c) => hits.forEach((b) => blockClasses[b]?.push(c)));

  const podsIn = (ns: string, sel: CompiledSelector): number[] => {
    let candidates = byNs.get(ns) ?? [];
    for (const eq of sel.equalities) {
      const list = postings.get(`${ns}\u0000${eq}`) ?? [];
      if (list.length < candidates.length) candidates = list;
    }
    return sel.empty ? candidates : candidates.filter((c) => sel.matches((classes[c] as PodClass).labels));
  };
  const nsCache = new Map<string, string[]>();
  const allNs = engine.namespaceNames();
  const namespacesMatching = (sel: CompiledSelector): string[] => {
    let r = nsCache.get(sel.key);
    if (!r) {
      r = allNs.filter((n) => sel.matches(engine.namespaceLabels(n)));
      nsCache.set(sel.key, r);
    }
    return r;
  };
  const peerCache = new Map<string, { classes: number[]; externals: number[] }>();
  const emptyList: number[] = [];
  const peerTargets = (peer: CompiledPeer, policyNs: string) => {
    if (peer.kind === 'ipBlock') {
      const b = peerBlock.get(peer) as number;
      return { classes: blockClasses[b] ?? emptyList, externals: blockExternals[b] ?? emptyList };
    }
    const key = `${peer.namespaces ? peer.namespaces.key : `@${policyNs}`}\u0000${peer.pods.key}`;
    let r = peerCache.get(key);
    if (!r) {
      const nss = peer.namespaces ? namespacesMatching(peer.namespaces) : [policyNs];
      r = { classes: nss.flatMap((n) => podsIn(n, peer.pods)), externals: emptyList };
      peerCache.set(key, r);
    }
    return r;
  };
  const allClasses = Array.from({ length: C }, (_, i) => i);
  const allExternals = Array.from({ length: E }, (_, i) => C + i);
  const everyColumn = [...allClasses, ...allExternals];
  const stamp = new Int32Array(W).fill(-1);
  let stampNo = 0;
  /** Columns (classes, then C + interval) a rule's peers match, each once. */
  const ruleTargets = (rule: CompiledRule): number[] => {
    if (!rule.peers) return everyColumn;
    const mark = stampNo++;
    const out: number[] = [];
    for (const peer of rule.peers) {
      const t = peerTargets(peer, rule.policy.namespace);
      for (const c of t.classes) if (stamp[c] !== mark) { stamp[c] = mark; out.push(c); }
      for (const e of t.externals) { const col = peer.kind === 'ipBlock' ? C + e : e; if (stamp[col] !== mark) { stamp[col] = mark; out.push(col); } }
    }
    return out;
  };

  const selected = new Map<CompiledPolicy, number[]>();
  for (const p of engine.policies) selected.set(p, podsIn(p.namespace, p.podSelector));

  const externalDest: Endpoint = { kind: 'external', family: 4, value: 0n, text: '' };
  const namedCache = new Map<CompiledRule, Int32Array>();
  /** The port set `rule` admits toward column `column` (a class or an external interval). */
  const rulePortsFor = (rule: CompiledRule, column: number): number => {
    if (!rule.hasNamedPorts || column >= C) return engine.rulePortSet(rule, externalDest);
    const cls = classes[column] as PodClass;
    let cache = namedCache.get(rule);
    if (!cache) {
      cache = new Int32Array(portsIds.size).fill(-1);
      namedCache.set(rule, cache);
    }
    let id = cache[cls.portsId] as number;
    if (id < 0) {
      id = engine.rulePortSet(rule, { kind: 'pod', pod: cls.rep });
      cache[cls.portsId] = id;
    }
    return id;
  };

  /**
   * One direction's admissions, sparse: null for a class that direction does
   * not isolate (everything admitted); else what whole-cluster rules admit
   * (`allPods`, `allExternal`) plus per-column port sets. Memory and time
   * follow the rules, not classes × classes.
   */
  interface Row {
    allPods: number;
    allExternal: number;
    cols: Map<number, number>;
  }
  /** `needed`: the subjects whose pod columns are ever read (all when null); the others keep only external columns. */
  const build = (direction: Direction, needed: Uint8Array | null): (Row | null)[] => {
    const rows: (Row | null)[] = new Array<Row | null>(C).fill(null);
    for (const p of engine.policies) if (p[direction]) for (const c of selected.get(p) ?? []) rows[c] ??= { allPods: PortSets.NONE, allExternal: PortSets.NONE, cols: new Map() };
    for (const p of engine.policies) {
      const rules = p[direction];
      const subjects = selected.get(p) ?? [];
      if (!rules || rules.length === 0 || subjects.length === 0) continue;
      for (const rule of rules) {
        // Egress named ports resolve per destination pod, so those rules keep explicit columns.
        const perDestination = direction === 'egress' && rule.hasNamedPorts;
        const everyPod = !perDestination && (!rule.peers || rule.peers.some((x) => x.kind === 'pods' && x.namespaces?.empty === true && x.pods.empty));
        const everyExternal = !rule.peers;
        const targets = everyPod ? ruleTargets(rule).filter((t) => t >= C && !everyExternal) : ruleTargets(rule).filter((t) => !(everyExternal && t >= C));
        const podTargets = targets.filter((t) => t < C);
        const externalTargets = podTargets.length === targets.length ? [] : targets.filter((t) => t >= C);
        const fixed = rule.hasNamedPorts ? -1 : rulePortsFor(rule, C);
        const external = rulePortsFor(rule, C);
        for (const s of subjects) {
          const row = rows[s] as Row;
          // Ingress named ports resolve against the subject, the destination of ingress.
          const subjectPorts = fixed >= 0 ? fixed : direction === 'ingress' ? rulePortsFor(rule, s) : -1;
          const podColumns = !needed || needed[s] === 1;
          if (everyPod && podColumns) row.allPods = ports.union(row.allPods, subjectPorts);
          if (everyExternal) row.allExternal = ports.union(row.allExternal, direction === 'ingress' ? subjectPorts : external);
          for (const t of podColumns ? targets : externalTargets) {
            const pid = subjectPorts >= 0 ? subjectPorts : rulePortsFor(rule, t);
            const cur = row.cols.get(t) ?? PortSets.NONE;
            if (cur !== pid && cur !== PortSets.ALL) row.cols.set(t, cur === PortSets.NONE ? pid : ports.union(cur, pid));
          }
        }
      }
    }
    return rows;
  };
  const EG = build('egress', null);
  // When every source's egress is narrow, ingress needs pod columns only at the destinations egress admits.
  let needed: Uint8Array | null = new Uint8Array(C);
  for (const row of EG) {
    if (!row || row.allPods !== PortSets.NONE) {
      needed = null;
      break;
    }
    for (const d of row.cols.keys()) if (d < C) needed[d] = 1;
  }
  const IN = build('ingress', needed);
  const value = (row: Row | null | undefined, col: number): number => {
    if (!row) return PortSets.ALL;
    const base = col < C ? row.allPods : row.allExternal;
    const own = row.cols.get(col);
    return own === undefined ? base : ports.union(base, own);
  };

  // Class pairs with something allowed: candidates come from the sparse sides, never all C × C.
  const openIngress: number[] = [];
  const wideIngress: number[] = [];
  const ingressFrom: number[][] = Array.from({ length: C }, () => []);
  IN.forEach((row, d) => {
    if (!row) openIngress.push(d);
    else {
      if (row.allPods !== PortSets.NONE) wideIngress.push(d);
      for (const s of row.cols.keys()) if (s < C) (ingressFrom[s] as number[]).push(d);
    }
  });
  const classOut: { to: number[]; id: number[] }[] = [];
  const seen = new Int32Array(C).fill(-1);
  for (let s = 0; s < C; s++) {
    const out = { to: [] as number[], id: [] as number[] };
    const eg = EG[s];
    const consider = (d: number) => {
      if (seen[d] === s) return;
      seen[d] = s;
      const e = value(eg, d);
      if (e === PortSets.NONE) return;
      const id = ports.intersect(e, value(IN[d], s));
      if (id !== PortSets.NONE) {
        out.to.push(d);
        out.id.push(id);
      }
    };
    if (!eg || eg.allPods !== PortSets.NONE) {
      for (const d of openIngress) consider(d);
      for (const d of wideIngress) consider(d);
      for (const d of ingressFrom[s] as number[]) consider(d);
    } else {
      for (const d of eg.cols.keys()) if (d < C) consider(d);
    }
    classOut.push(out);
  }

  // Endpoints: workloads with their distinct classes; a class may stand in several endpoints.
  const members = new Map<string, Set<number>>();
  pods.forEach((pod, i) => {
    const set = members.get(pod.endpoint) ?? members.set(pod.endpoint, new Set()).get(pod.endpoint)!;
    set.add(classOfPod[i] as number);
  });
  const workloads = [...members.keys()].sort(compareStrings);
  const memberLists = workloads.map((w) => [...(members.get(w) as Set<number>)]);
  const N = workloads.length;
  const classEndpoints: number[][] = Array.from({ length: C }, () => []);
  memberLists.forEach((cs, a) => cs.forEach((c) => (classEndpoints[c] as number[]).push(a)));

  // External ranges: merge adjacent intervals that every workload treats alike, in both directions.
  const merged: { range: IpRange; interval: number }[] = [];
  const columnOf = (col: number, into: Uint32Array) => {
    memberLists.forEach((cs, w) => {
      let out: number = PortSets.NONE;
      let inn: number = PortSets.NONE;
      for (const c of cs) {
        out = ports.union(out, value(EG[c], col));
        inn = ports.union(inn, value(IN[c], col));
      }
      into[2 * w] = out;
      into[2 * w + 1] = inn;
    });
  };
  let prevSig = new Uint32Array(2 * N);
  let sig = new Uint32Array(2 * N);
  const mergedSig: Uint32Array[] = [];
  for (let e = 0; e < E; e++) {
    columnOf(C + e, sig);
    const r = intervals[e] as IpRange;
    const prev = merged[merged.length - 1];
    let same = engine.externalCuts === null && prev !== undefined && prev.range.family === r.family && prev.range.last + 1n === r.first;
    for (let i = 0; same && i < sig.length; i++) same = sig[i] === prevSig[i];
    if (same && prev) prev.range = { ...prev.range, last: r.last };
    else {
      merged.push({ range: { ...r }, interval: e });
      mergedSig.push(sig.slice());
    }
    [prevSig, sig] = [sig, prevSig];
  }
  const X = merged.length;

  // Allowed pairs in from-major order: workload -> workloads, workload -> ranges, then range -> workloads.
  const from: number[] = [];
  const to: number[] = [];
  const ids: number[] = [];
  const push = (a: number, b: number, id: number) => {
    from.push(a);
    to.push(b);
    ids.push(id);
  };
  const acc = new Map<number, number>();
  for (let a = 0; a < N; a++) {
    acc.clear();
    for (const s of memberLists[a] as number[]) {
      const out = classOut[s] as { to: number[]; id: number[] };
      for (let k = 0; k < out.to.length; k++) {
        const id = out.id[k] as number;
        for (const b of classEndpoints[out.to[k] as number] as number[]) acc.set(b, ports.union(acc.get(b) ?? PortSets.NONE, id));
      }
    }
    for (const b of [...acc.keys()].sort((x, y) => x - y)) push(a, b, acc.get(b) as number);
    for (let x = 0; x < X; x++) {
      const id = (mergedSig[x] as Uint32Array)[2 * a] as number;
      if (id !== PortSets.NONE) push(a, N + x, id);
    }
  }
  for (let x = 0; x < X; x++) {
    const sigX = mergedSig[x] as Uint32Array;
    for (let a = 0; a < N; a++) {
      const id = sigX[2 * a + 1] as number;
      if (id !== PortSets.NONE) push(N + x, a, id);
    }
  }
  const M = N + X;
  const index = new Map<number, number>();
  ids.forEach((id, k) => index.set((from[k] as number) * M + (to[k] as number), id));
  const externals = merged.map((m) => `${formatRange(m.range)}[External]`);
  return {
    endpoints: [...workloads, ...externals],
    workloadCount: N,
    from: Int32Array.from(from),
    to: Int32Array.from(to),
    portSets: Uint32Array.from(ids),
    ports,
    classCount: C,
    allowed: (i, j) => index.get(i * M + j) ?? PortSets.NONE,
  };
}

/** An address as an endpoint; a pod's own IP is that pod. */
export function externalEndpoint(text: string): Endpoint | null {
  const ip = parseIp(text);
  return ip ? { kind: 'external', family: ip.family, value: ip.value, text: `${formatIp(ip.family, ip.value)}[External]` } : null;
}

