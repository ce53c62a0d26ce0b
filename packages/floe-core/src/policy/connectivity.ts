import type { ContainerPort } from '../k8s/core.js';
import { compareStrings } from '../util/compare.js';
import type { CompiledPeer, CompiledPolicy, CompiledRule } from './compile.js';
import { cidrRange, familyMax, formatRange, parseIp, type CompiledIpBlock, type IpRange } from './ip.js';
import { PortSets, type Connection } from './ports.js';
import type { CompiledSelector } from './selector.js';
import { decideSide, tierPeerMismatch, type CompiledTierRule, type TierIndex } from './tiers.js';
import type { ClusterModel, Direction, Endpoint, IpBlockPodIps, PodInfo } from './types.js';

/**
 * Connectivity between every workload endpoint and the external ranges that
 * ipBlocks distinguish, computed in phases, one function each:
 *
 * 1. ipBlocks and external intervals (`indexIpBlocks`, `externalIntervals`);
 * 2. pod classes: pods no selector or ipBlock can tell apart (`podClasses`);
 * 3. each direction's admissions per class, sparse (`admissions`);
 * 4. the class pairs with something allowed, packed (`classPairs`);
 * 5. endpoints and merged external ranges (`endpointsOf`, `mergeExternals`);
 *    the allowed pairs between endpoints are then produced one source at a
 *    time, when asked (`Connectivity.rows`), never held all at once.
 *
 * Memory follows the pod classes (and the class pairs), not the endpoint
 * pairs: a dense cluster of 5,000 pods has millions of allowed pairs, which
 * the renderers write out as the rows come.
 *
 * Only the engine's answers are used (its compiled policies, namespace labels
 * and rule port sets), so connectivity and a single `evaluate` cannot differ.
 */

export interface ConnectivityRow {
  from: string;
  to: string;
  connections: 'all' | Connection[];
}

/** The allowed pairs from one source endpoint. The arrays are views into buffers the next row reuses. */
export interface SourceRow {
  from: number;
  /** Destination endpoints, ascending. */
  to: Int32Array;
  /** The port set allowed toward each (an id of `ports`). */
  portSets: Uint32Array;
}

/** Which endpoints a connectivity is about: pairs with at least one workload of these namespaces (all when absent). */
export interface ConnectivityScope {
  namespaces?: readonly string[];
}

/**
 * Allowed connections between workload endpoints and external ranges, computed
 * up to the class pairs; the endpoint pairs are produced one source at a time.
 */
export interface Connectivity {
  /** Workload endpoints (`ns/name[Kind]`, sorted), then external ranges (`cidr[External]` / `first-last[External]`). */
  endpoints: string[];
  workloadCount: number;
  ports: PortSets;
  /** Pod equivalence classes the computation ran on (pods that no selector or ipBlock can tell apart share one). */
  classCount: number;
  /** The class pairs with something allowed. */
  classPairCount: number;
  /** The namespace of each workload endpoint, `null` for an external range. */
  namespaceOf(i: number): string | null;
  /** Is the endpoint a workload of the scope's namespaces (every workload without a scope)? External ranges never are. */
  inScope(i: number): boolean;
  /** Every allowed pair with a workload in scope, from-major in endpoint order: workloads, then external ranges as sources. */
  rows(): Generator<SourceRow>;
  /** The port set allowed from endpoint `i` to endpoint `j`; PortSets.NONE when nothing is (or the pair is out of scope). */
  allowed(i: number, j: number): number;
  /**
   * Namespace-level edges (`External` for every range), sorted, each with the union of the
   * port sets behind it (an id of `ports`), from the class pairs: never a walk over endpoint pairs.
   */
  namespaceEdges(): { from: string; to: string; portSet: number }[];
  /** The internals compact grouping reads (./compact.ts). */
  readonly classes: ConnectivityClasses;
}

/** Class-level results, for grouping endpoints that every policy treats alike. */
export interface ConnectivityClasses {
  /** Per class, its namespace and whether it is in scope. */
  namespace: readonly string[];
  inScope: Uint8Array;
  /** Class pairs, packed: the destinations of class `s` are `to[offsets[s]..offsets[s+1])`, ascending, each with its port set `ids[k]`. */
  offsets: Int32Array;
  to: Int32Array;
  ids: Uint32Array;
  /** Per workload endpoint, its distinct classes. */
  members: readonly (readonly number[])[];
  /** Per external range `x`, per workload `w`: the port set `w` may reach it on (at 2w) and be reached from it on (at 2w + 1). */
  externalSig: readonly Uint32Array[];
}

/** Every allowed connection, from-major in endpoint order, one row object each (for tests and small inputs; renderers read `rows()`). */
export function* connectivityRows(c: Connectivity): Generator<ConnectivityRow> {
  for (const row of c.rows()) {
    const from = c.endpoints[row.from] as string;
    for (let k = 0; k < row.to.length; k++) yield { from, to: c.endpoints[row.to[k] as number] as string, connections: c.ports.connections(row.portSets[k] as number) };
  }
}

/** What connectivity reads of the engine (PolicyEngine is one): its compiled policies and the answers it caches. */
export interface ConnectivitySource {
  readonly model: ClusterModel;
  readonly ports: PortSets;
  readonly ipBlockPodIps: IpBlockPodIps;
  readonly externalCuts: readonly string[] | null;
  readonly policies: readonly CompiledPolicy[];
  /** The cluster-scoped policies, or null when the model has none (then nothing below phase 3 changes). */
  readonly tiers: TierIndex | null;
  namespaceNames(): string[];
  namespaceLabels(name: string): Record<string, string>;
  rulePortSet(rule: CompiledRule, destination: Endpoint): number;
}

export function computeConnectivity(engine: ConnectivitySource, scope: ConnectivityScope = {}): Connectivity {
  const ipBlocks = indexIpBlocks(engine.policies, engine.tiers?.blocks ?? []);
  const externals = externalIntervals(ipBlocks.blocks, engine.externalCuts);
  const classes = podClasses(engine.model.pods, ipBlocks.blocks, engine.ipBlockPodIps === 'match');
  const rows = admissions(engine, ipBlocks, externals, classes);
  const only = scope.namespaces && scope.namespaces.length > 0 ? new Set(scope.namespaces) : null;
  const classInScope = Uint8Array.from(classes.classes, (c) => (!only || only.has(c.namespace) ? 1 : 0));
  const pairs = classPairs(engine.ports, rows, classes.classes.length, only ? classInScope : null);
  const endpoints = endpointsOf(engine.model.pods, classes);
  const merged = mergeExternals(engine.ports, rows, endpoints, externals.intervals, classes.classes.length, engine.externalCuts !== null);
  return pairsOnDemand(engine.ports, classes, classInScope, pairs, endpoints, merged);
}

// --- 1. ipBlocks and external intervals ---

interface IpBlocks {
  /** Every distinct ipBlock (by text), indexed. */
  blocks: CompiledIpBlock[];
  peerBlock: Map<CompiledPeer, number>;
}

/** Every distinct ipBlock, indexed: a pod's class and the external intervals both depend on which blocks contain them. */
function indexIpBlocks(policies: readonly CompiledPolicy[], tierBlocks: readonly CompiledIpBlock[]): IpBlocks {
  const blockIndex = new Map<string, number>();
  const blocks: CompiledIpBlock[] = [];
  // Cluster-scoped networks peers cut pods and external ranges as ipBlocks do.
  for (const b of tierBlocks) {
    if (blockIndex.has(b.text)) continue;
    blockIndex.set(b.text, blocks.length);
    blocks.push(b);
  }
  const peerBlock = new Map<CompiledPeer, number>();
  for (const p of policies) {
    for (const d of ['ingress', 'egress'] as const) {
      for (const r of p[d] ?? []) {
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
    }
  }
  return { blocks, peerBlock };
}

interface Externals {
  /** IPv4 intervals, then IPv6 ones, each family in address order. */
  intervals: IpRange[];
  /** Per block, the intervals it contains. */
  blockExternals: number[][];
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

/** External intervals: the address space of each family cut at every ipBlock boundary (and at `externalCuts`). */
function externalIntervals(blocks: readonly CompiledIpBlock[], externalCuts: readonly string[] | null): Externals {
  const intervals: IpRange[] = [];
  for (const family of [4, 6] as const) {
    const cuts = new Set<bigint>([0n, familyMax(family) + 1n]);
    for (const b of blocks) if (b.family === family) for (const r of [b.cidr, ...b.except]) { cuts.add(r.first); cuts.add(r.last + 1n); }
    for (const text of externalCuts ?? []) {
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
  return { intervals, blockExternals };
}

// --- 2. pod classes ---

interface PodClass {
  namespace: string;
  labels: Record<string, string>;
  ports: readonly ContainerPort[];
  /** Classes with equal named container ports share this id. */
  portsId: number;
  rep: PodInfo;
}

interface PodClasses {
  classes: PodClass[];
  /** Per class, the blocks containing its pods' IPs. */
  classHits: number[][];
  classOfPod: Int32Array;
  /** How many distinct sets of named container ports the classes have. */
  portsIdCount: number;
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

/** Per pod, the blocks containing one of its IPs (in block order). */
function podBlockHits(pods: readonly PodInfo[], blocks: readonly CompiledIpBlock[]): number[][] {
  const podHits: number[][] = pods.map(() => []);
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
  return podHits;
}

/** Pod classes: pods with the same namespace, labels, named ports and ipBlock hits are indistinguishable to every policy. */
function podClasses(pods: readonly PodInfo[], blocks: readonly CompiledIpBlock[], matchPodIps: boolean): PodClasses {
  const classes: PodClass[] = [];
  const classHits: number[][] = [];
  const classKey = new Map<string, number>();
  const portsIds = new Map<string, number>();
  const classOfPod = new Int32Array(pods.length);
  const podHits = matchPodIps ? podBlockHits(pods, blocks) : pods.map(() => []);
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
  return { classes, classHits, classOfPod, portsIdCount: portsIds.size };
}

// --- 3. each direction's admissions ---

/**
 * Per-column port sets of one row: a Map while few columns are set, an array
 * over every column once that takes less memory (a Map entry costs several
 * array slots); PortSets.NONE (0) where nothing is.
 */
class RowColumns {
  private map: Map<number, number> | null = new Map();
  private dense: Uint32Array | null = null;
  constructor(private readonly width: number) {}

  get size(): number {
    if (this.map) return this.map.size;
    let n = 0;
    for (const v of this.dense as Uint32Array) if (v !== PortSets.NONE) n++;
    return n;
  }

  get(col: number): number {
    return this.map ? (this.map.get(col) ?? PortSets.NONE) : ((this.dense as Uint32Array)[col] as number);
  }

  set(col: number, id: number): void {
    if (this.dense) {
      this.dense[col] = id;
      return;
    }
    const map = this.map as Map<number, number>;
    map.set(col, id);
    if (map.size * 8 > this.width) {
      this.dense = new Uint32Array(this.width);
      for (const [c, v] of map) this.dense[c] = v;
      this.map = null;
    }
  }

  /** Every column with a port set, and the set. */
  *entries(): Generator<[number, number]> {
    if (this.map) yield* this.map;
    else {
      const dense = this.dense as Uint32Array;
      for (let c = 0; c < dense.length; c++) if (dense[c] !== PortSets.NONE) yield [c, dense[c] as number];
    }
  }
}

/**
 * One direction's admissions for one class, sparse: what whole-cluster rules
 * admit (`allPods`, `allExternal`) plus per-column port sets. A class the
 * direction does not isolate has no row (null: everything admitted). Memory
 * and time follow the rules, and never exceed one array over the columns per row.
 */
interface Row {
  allPods: number;
  allExternal: number;
  cols: RowColumns;
}

interface Admissions {
  egress: (Row | null)[];
  ingress: (Row | null)[];
}

/** What a row admits toward column `col` (a class below `classCount`, else `classCount` + an external interval). */
function rowValue(ports: PortSets, row: Row | null | undefined, col: number, classCount: number): number {
  if (!row) return PortSets.ALL;
  const base = col < classCount ? row.allPods : row.allExternal;
  return ports.union(base, row.cols.get(col));
}

/** Which columns a rule's peers match and which port set a rule admits toward a column, with indexes so selectors visit candidates only. */
interface Columns {
  /** The classes of namespace `ns` that `sel` selects. */
  podsIn(ns: string, sel: CompiledSelector): number[];
  /** Columns (classes, then classCount + interval) a rule's peers match, each once. */
  ruleTargets(rule: CompiledRule): number[];
  /** The port set `rule` admits toward column `column` (a class or an external interval). */
  rulePortsFor(rule: CompiledRule, column: number): number;
}

function columnIndex(engine: ConnectivitySource, ipBlocks: IpBlocks, externals: Externals, pc: PodClasses): Columns {
  const { classes, classHits } = pc;
  const C = classes.length;
  const E = externals.intervals.length;
  // Classes by namespace, and by namespace and `key=value` label.
  const byNs = new Map<string, number[]>();
  const postings = new Map<string, number[]>();
  classes.forEach((c, i) => {
    (byNs.get(c.namespace) ?? byNs.set(c.namespace, []).get(c.namespace)!).push(i);
    for (const [k, v] of Object.entries(c.labels)) {
      const key = `${c.namespace}\u0000${k}=${v}`;
      (postings.get(key) ?? postings.set(key, []).get(key)!).push(i);
    }
  });
  const blockClasses: number[][] = ipBlocks.blocks.map(() => []);
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
      const b = ipBlocks.peerBlock.get(peer) as number;
      // A Cilium CIDR rule never matches pod addresses (policy/cilium.ts).
      return { classes: peer.pods === false ? emptyList : (blockClasses[b] ?? emptyList), externals: externals.blockExternals[b] ?? emptyList };
    }
    // Host names and Cilium entities are no column of the matrix: connectivity lists pods and address ranges.
    if (peer.kind !== 'pods') return { classes: emptyList, externals: emptyList };
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
  const stamp = new Int32Array(C + E).fill(-1);
  let stampNo = 0;
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

  const externalDest: Endpoint = { kind: 'external', family: 4, value: 0n, text: '' };
  const namedCache = new Map<CompiledRule, Int32Array>();
  const rulePortsFor = (rule: CompiledRule, column: number): number => {
    if (!rule.hasNamedPorts || column >= C) return engine.rulePortSet(rule, externalDest);
    const cls = classes[column] as PodClass;
    let cache = namedCache.get(rule);
    if (!cache) {
      cache = new Int32Array(pc.portsIdCount).fill(-1);
      namedCache.set(rule, cache);
    }
    let id = cache[cls.portsId] as number;
    if (id < 0) {
      id = engine.rulePortSet(rule, { kind: 'pod', pod: cls.rep });
      cache[cls.portsId] = id;
    }
    return id;
  };
  return { podsIn, ruleTargets, rulePortsFor };
}

/**
 * One direction's rows. `needed`: the subjects whose pod columns are ever read
 * (all when null); the others keep only external columns.
 */
function directionRows(engine: ConnectivitySource, columns: Columns, selected: ReadonlyMap<CompiledPolicy, number[]>, classCount: number, width: number, direction: Direction, needed: Uint8Array | null): (Row | null)[] {
  const C = classCount;
  const ports = engine.ports;
  const { ruleTargets, rulePortsFor } = columns;
  const rows: (Row | null)[] = new Array<Row | null>(C).fill(null);
  for (const p of engine.policies) if (p[direction]) for (const c of selected.get(p) ?? []) rows[c] ??= { allPods: PortSets.NONE, allExternal: PortSets.NONE, cols: new RowColumns(width) };
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
          const cur = row.cols.get(t);
          if (cur !== pid && cur !== PortSets.ALL) row.cols.set(t, cur === PortSets.NONE ? pid : ports.union(cur, pid));
        }
      }
    }
  }
  return rows;
}

/** Egress rows, then ingress rows: when every source's egress is narrow, ingress needs pod columns only at the destinations egress admits. */
function admissions(engine: ConnectivitySource, ipBlocks: IpBlocks, externals: Externals, pc: PodClasses): Admissions {
  const C = pc.classes.length;
  const columns = columnIndex(engine, ipBlocks, externals, pc);
  const selected = new Map<CompiledPolicy, number[]>();
  for (const p of engine.policies) selected.set(p, columns.podsIn(p.namespace, p.podSelector));
  const width = C + externals.intervals.length;
  const tiers = engine.tiers ? new TierColumns(engine, pc, externals) : null;
  const egress = directionRows(engine, columns, selected, C, width, 'egress', null);
  if (tiers) tiers.rewrite(egress, 'egress');
  let needed: Uint8Array | null = new Uint8Array(C);
  for (const row of egress) {
    if (!row || row.allPods !== PortSets.NONE) {
      needed = null;
      break;
    }
    for (const [d] of row.cols.entries()) if (d < C) needed[d] = 1;
  }
  const ingress = directionRows(engine, columns, selected, C, width, 'ingress', needed);
  if (tiers) tiers.rewrite(ingress, 'ingress');
  return { egress, ingress };
}

/**
 * Cluster-scoped tiers over one direction's rows: the row of every class that a
 * ClusterNetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy selects
 * is decided again, column by column, by the same function `evaluate` uses
 * (policy/tiers.ts decideSide), with the NetworkPolicy row as the middle tier.
 * Classes no such policy selects keep their row untouched.
 */
class TierColumns {
  private readonly C: number;
  private readonly width: number;
  private readonly endpoints: Endpoint[];
  private readonly matches = new Map<CompiledTierRule, Int8Array>();

  constructor(
    private readonly engine: ConnectivitySource,
    private readonly pc: PodClasses,
    externals: Externals,
  ) {
    this.C = pc.classes.length;
    this.width = this.C + externals.intervals.length;
    this.endpoints = [
      ...pc.classes.map((c): Endpoint => ({ kind: 'pod', pod: c.rep })),
      ...externals.intervals.map((r): Endpoint => ({ kind: 'external', family: r.family, value: r.first, text: formatRange(r) })),
    ];
  }

  /** Whether `rule`'s peers match column `col`; cached per rule unless a peer depends on the subject's namespace. */
  private match(rule: CompiledTierRule, col: number, subjectNs: string): boolean {
    const other = this.endpoints[col] as Endpoint;
    const test = () => rule.peers.some((p) => tierPeerMismatch(this.engine, p, subjectNs, other) === null);
    if (rule.policy.subjectDependent) return test();
    let cache = this.matches.get(rule);
    if (!cache) this.matches.set(rule, (cache = new Int8Array(this.width).fill(-1)));
    if (cache[col] === -1) cache[col] = test() ? 1 : 0;
    return cache[col] === 1;
  }

  rewrite(rows: (Row | null)[], direction: Direction): void {
    const { C, width, engine } = this;
    const tiers = engine.tiers as TierIndex;
    // A side's verdict depends only on which of the subject's rules match the column, what the
    // NetworkPolicies admit there and (named ports) the destination's container ports: decided
    // once per distinct combination, per list of rules.
    const memos = new Map<string, Map<string, number>>();
    for (let s = 0; s < C; s++) {
      const cls = this.pc.classes[s] as PodClass;
      const subject = cls.rep;
      const rules = tiers.rulesFor(engine, subject, direction);
      if (!rules) continue;
      const all = [...rules.admin, ...rules.baseline];
      const named = all.some((r) => r.hasNamedPorts);
      const dependent = all.some((r) => r.policy.subjectDependent);
      const old = rows[s];
      const isolated = old !== null;
      const signature = `${all.map((r) => r.ref).join('\u0000')}\u0001${named && direction === 'ingress' ? cls.portsId : ''}\u0001${dependent ? subject.namespace : ''}`;
      let memo = memos.get(signature);
      if (!memo) memos.set(signature, (memo = new Map()));
      const me: Endpoint = { kind: 'pod', pod: subject };
      const cols = new RowColumns(width);
      for (let t = 0; t < width; t++) {
        let mask = '';
        for (const r of all) mask += this.match(r, t, subject.namespace) ? '1' : '0';
        const np = rowValue(engine.ports, old, t, C);
        const key = `${mask}:${isolated ? np : -1}:${named && direction === 'egress' ? (t < C ? (this.pc.classes[t] as PodClass).portsId : -1) : ''}`;
        let v = memo.get(key);
        if (v === undefined) {
          const other = this.endpoints[t] as Endpoint;
          v = decideSide(engine, rules, (rule) => this.match(rule, t, subject.namespace), other, direction === 'egress' ? other : me, { isolated, connections: np }).connections;
          memo.set(key, v);
        }
        if (v !== PortSets.NONE) cols.set(t, v);
      }
      rows[s] = { allPods: PortSets.NONE, allExternal: PortSets.NONE, cols };
    }
  }
}

// --- 4. class pairs ---

/** Class pairs, packed (source-major, destinations ascending): memory in class pairs, never endpoint pairs. */
interface ClassPairs {
  offsets: Int32Array;
  to: Int32Array;
  ids: Uint32Array;
}

/** A growable Int32Array or Uint32Array. */
class Packed<T extends Int32Array | Uint32Array> {
  length = 0;
  constructor(private buf: T) {}
  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new (this.buf.constructor as new (n: number) => T)(Math.max(1024, this.buf.length * 2));
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
  done(): T {
    return this.buf.slice(0, this.length) as T;
  }
}

/**
 * Class pairs with something allowed: candidates come from the sparse sides, never all C × C.
 * With a scope (`classInScope`), a source class outside it keeps only destinations inside it.
 */
function classPairs(ports: PortSets, rows: Admissions, classCount: number, classInScope: Uint8Array | null): ClassPairs {
  const C = classCount;
  const { egress: EG, ingress: IN } = rows;
  const openIngress: number[] = [];
  const wideIngress: number[] = [];
  // Per source class, the destinations whose ingress names it, each with what that ingress admits from it (d, id interleaved).
  const ingressFrom: number[][] = Array.from({ length: C }, () => []);
  IN.forEach((row, d) => {
    if (!row) openIngress.push(d);
    else {
      if (row.allPods !== PortSets.NONE) wideIngress.push(d);
      for (const [s, id] of row.cols.entries()) if (s < C) (ingressFrom[s] as number[]).push(d, ports.union(row.allPods, id));
    }
  });
  const offsets = new Int32Array(C + 1);
  const to = new Packed(new Int32Array(1024));
  const ids = new Packed(new Uint32Array(1024));
  const seen = new Int32Array(C).fill(-1);
  const value = new Uint32Array(C);
  const found = new Int32Array(C);
  for (let s = 0; s < C; s++) {
    const eg = EG[s];
    const onlyInScope = classInScope !== null && classInScope[s] === 0;
    // An egress row without columns admits the same toward every class: no lookup per destination.
    const egressToAll = !eg ? PortSets.ALL : eg.cols.size === 0 ? eg.allPods : -1;
    let n = 0;
    /** `d` with what its ingress admits from `s`. */
    const consider = (d: number, ingress: number) => {
      if (seen[d] === s || (onlyInScope && classInScope[d] === 0)) return;
      seen[d] = s;
      const e = egressToAll >= 0 ? egressToAll : rowValue(ports, eg, d, C);
      if (e === PortSets.NONE) return;
      const id = ports.intersect(e, ingress);
      if (id !== PortSets.NONE) {
        value[d] = id;
        found[n++] = d;
      }
    };
    if (!eg || eg.allPods !== PortSets.NONE) {
      const named = ingressFrom[s] as number[];
      for (let k = 0; k < named.length; k += 2) consider(named[k] as number, named[k + 1] as number);
      // Not named by their ingress (those were just seen): what it admits from every pod.
      for (const d of wideIngress) consider(d, (IN[d] as Row).allPods);
      for (const d of openIngress) consider(d, PortSets.ALL);
    } else {
      for (const [d] of eg.cols.entries()) if (d < C) consider(d, rowValue(ports, IN[d], s, C));
    }
    const list = found.subarray(0, n).sort();
    for (const d of list) {
      to.push(d);
      ids.push(value[d] as number);
    }
    offsets[s + 1] = to.length;
  }
  return { offsets, to: to.done(), ids: ids.done() };
}

// --- 5. endpoints, external ranges, allowed pairs ---

interface Endpoints {
  /** Workload endpoints (`ns/name[Kind]`), sorted. */
  workloads: string[];
  /** Per workload, its distinct classes. */
  memberLists: number[][];
  /** Per class, the workloads it stands in. */
  classEndpoints: number[][];
}

/** Endpoints: workloads with their distinct classes; a class may stand in several endpoints. */
function endpointsOf(pods: readonly PodInfo[], pc: PodClasses): Endpoints {
  const members = new Map<string, Set<number>>();
  pods.forEach((pod, i) => {
    const set = members.get(pod.endpoint) ?? members.set(pod.endpoint, new Set()).get(pod.endpoint)!;
    set.add(pc.classOfPod[i] as number);
  });
  const workloads = [...members.keys()].sort(compareStrings);
  const memberLists = workloads.map((w) => [...(members.get(w) as Set<number>)]);
  const classEndpoints: number[][] = Array.from({ length: pc.classes.length }, () => []);
  memberLists.forEach((cs, a) => cs.forEach((c) => (classEndpoints[c] as number[]).push(a)));
  return { workloads, memberLists, classEndpoints };
}

interface MergedExternals {
  merged: { range: IpRange; interval: number }[];
  /** Per merged range, per workload `w`: egress toward it at 2w, ingress from it at 2w + 1. */
  mergedSig: Uint32Array[];
}

/**
 * External ranges: merge adjacent intervals that every workload treats alike, in both
 * directions; with `keepCuts` (externalCuts given) every elementary interval stays.
 */
function mergeExternals(ports: PortSets, rows: Admissions, endpoints: Endpoints, intervals: readonly IpRange[], classCount: number, keepCuts: boolean): MergedExternals {
  const C = classCount;
  const { egress: EG, ingress: IN } = rows;
  const { memberLists } = endpoints;
  const N = memberLists.length;
  const merged: { range: IpRange; interval: number }[] = [];
  const columnOf = (col: number, into: Uint32Array) => {
    memberLists.forEach((cs, w) => {
      let out: number = PortSets.NONE;
      let inn: number = PortSets.NONE;
      for (const c of cs) {
        out = ports.union(out, rowValue(ports, EG[c], col, C));
        inn = ports.union(inn, rowValue(ports, IN[c], col, C));
      }
      into[2 * w] = out;
      into[2 * w + 1] = inn;
    });
  };
  let prevSig = new Uint32Array(2 * N);
  let sig = new Uint32Array(2 * N);
  const mergedSig: Uint32Array[] = [];
  for (let e = 0; e < intervals.length; e++) {
    columnOf(C + e, sig);
    const r = intervals[e] as IpRange;
    const prev = merged[merged.length - 1];
    let same = !keepCuts && prev !== undefined && prev.range.family === r.family && prev.range.last + 1n === r.first;
    for (let i = 0; same && i < sig.length; i++) same = sig[i] === prevSig[i];
    if (same && prev) prev.range = { ...prev.range, last: r.last };
    else {
      merged.push({ range: { ...r }, interval: e });
      mergedSig.push(sig.slice());
    }
    [prevSig, sig] = [sig, prevSig];
  }
  return { merged, mergedSig };
}

/**
 * The allowed endpoint pairs, produced when asked: a workload's row is the
 * union of its classes' class pairs spread over the workloads those classes
 * stand in, then its external ranges; ranges' rows come last. Rows are built
 * in buffers the size of one row, so nothing grows with the number of pairs.
 */
function pairsOnDemand(ports: PortSets, pc: PodClasses, classInScope: Uint8Array, cp: ClassPairs, endpoints: Endpoints, externals: MergedExternals): Connectivity {
  const { workloads, memberLists, classEndpoints } = endpoints;
  const { merged, mergedSig } = externals;
  const N = workloads.length;
  const X = merged.length;
  const M = N + X;
  const workloadNs = workloads.map((w) => w.slice(0, w.indexOf('/')));
  // A workload's classes share its namespace, so its first class says whether it is in scope.
  const inScope = (i: number) => i < N && classInScope[(memberLists[i] as number[])[0] as number] === 1;
  const names = [...workloads, ...merged.map((m) => `${formatRange(m.range)}[External]`)];
  // Marks the destinations a row has touched; a fresh mark per row, so rows() may be walked any number of times.
  const stamp = new Int32Array(N).fill(-1);
  let mark = -1;
  const acc = new Uint32Array(N);
  const touched = new Int32Array(N);
  const outTo = new Int32Array(M);
  const outIds = new Uint32Array(M);

  /** Workload `a`'s row into outTo/outIds; returns its length. */
  const workloadRow = (a: number): number => {
    mark = (mark + 1) | 0;
    let n = 0;
    for (const s of memberLists[a] as number[]) {
      for (let k = cp.offsets[s] as number; k < (cp.offsets[s + 1] as number); k++) {
        const id = cp.ids[k] as number;
        for (const b of classEndpoints[cp.to[k] as number] as number[]) {
          if (stamp[b] !== mark) {
            stamp[b] = mark;
            acc[b] = id;
            touched[n++] = b;
          } else acc[b] = ports.union(acc[b] as number, id);
        }
      }
    }
    const sorted = touched.subarray(0, n).sort();
    for (let k = 0; k < n; k++) {
      outTo[k] = sorted[k] as number;
      outIds[k] = acc[sorted[k] as number] as number;
    }
    if (inScope(a)) {
      for (let x = 0; x < X; x++) {
        const id = (mergedSig[x] as Uint32Array)[2 * a] as number;
        if (id !== PortSets.NONE) {
          outTo[n] = N + x;
          outIds[n++] = id;
        }
      }
    }
    return n;
  };
  const externalRow = (x: number): number => {
    const sig = mergedSig[x] as Uint32Array;
    let n = 0;
    for (let a = 0; a < N; a++) {
      const id = sig[2 * a + 1] as number;
      if (id !== PortSets.NONE && inScope(a)) {
        outTo[n] = a;
        outIds[n++] = id;
      }
    }
    return n;
  };
  /** The port set of one class pair (binary search in the packed destinations). */
  const classPair = (s: number, d: number): number => {
    let lo = cp.offsets[s] as number;
    let hi = cp.offsets[s + 1] as number;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cp.to[mid] as number) < d) lo = mid + 1;
      else hi = mid;
    }
    return lo < (cp.offsets[s + 1] as number) && cp.to[lo] === d ? (cp.ids[lo] as number) : PortSets.NONE;
  };
  return {
    endpoints: names,
    workloadCount: N,
    ports,
    classCount: pc.classes.length,
    classPairCount: cp.to.length,
    namespaceOf: (i) => (i < N ? (workloadNs[i] as string) : null),
    inScope,
    *rows() {
      for (let a = 0; a < N; a++) {
        const n = workloadRow(a);
        if (n > 0) yield { from: a, to: outTo.subarray(0, n), portSets: outIds.subarray(0, n) };
      }
      for (let x = 0; x < X; x++) {
        const n = externalRow(x);
        if (n > 0) yield { from: N + x, to: outTo.subarray(0, n), portSets: outIds.subarray(0, n) };
      }
    },
    allowed(i, j) {
      if (i >= N && j >= N) return PortSets.NONE;
      if (i >= N) return inScope(j) ? ((mergedSig[i - N] as Uint32Array)[2 * j + 1] as number) : PortSets.NONE;
      if (j >= N) return inScope(i) ? ((mergedSig[j - N] as Uint32Array)[2 * i] as number) : PortSets.NONE;
      let id: number = PortSets.NONE;
      for (const s of memberLists[i] as number[]) for (const d of memberLists[j] as number[]) id = ports.union(id, classPair(s, d));
      return id;
    },
    namespaceEdges() {
      const edges = new Map<string, number>();
      const add = (key: string, id: number) => {
        const before = edges.get(key);
        edges.set(key, before === undefined ? id : ports.union(before, id));
      };
      for (let s = 0; s < pc.classes.length; s++) {
        const from = (pc.classes[s] as PodClass).namespace;
        for (let k = cp.offsets[s] as number; k < (cp.offsets[s + 1] as number); k++) add(`${from}\u0000${(pc.classes[cp.to[k] as number] as PodClass).namespace}`, cp.ids[k] as number);
      }
      for (let a = 0; a < N; a++) {
        if (!inScope(a)) continue;
        for (const sig of mergedSig) {
          if (sig[2 * a] !== PortSets.NONE) add(`${workloadNs[a]}\u0000External`, sig[2 * a] as number);
          if (sig[2 * a + 1] !== PortSets.NONE) add(`External\u0000${workloadNs[a]}`, sig[2 * a + 1] as number);
        }
      }
      return [...edges.keys()].sort(compareStrings).map((e) => {
        const [from, to] = e.split('\u0000') as [string, string];
        return { from, to, portSet: edges.get(e) as number };
      });
    },
    classes: {
      namespace: pc.classes.map((c) => c.namespace),
      inScope: classInScope,
      offsets: cp.offsets,
      to: cp.to,
      ids: cp.ids,
      members: memberLists,
      externalSig: mergedSig,
    },
  };
}
