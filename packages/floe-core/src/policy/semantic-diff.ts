import type { KubeObject } from '../k8s/meta.js';
import type { SourcedObject } from '../k8s/objects.js';
import { buildInventory } from './inventory.js';
import { compareStrings } from '../util/compare.js';
import { mergeExternalRows } from './external-ranges.js';
import { PolicyEngine, type Connectivity } from './engine.js';
import { PortSets, subtractRanges, type Connection, type PortRange } from './ports.js';
import type { IpBlockPodIps, NetworkPolicySpec } from './types.js';
import { SELECTOR_KIND, selectorStandIns, withStandIns } from './semantic-selectors.js';

export interface SemanticChange {
  from: string;
  to: string;
  /** The connections that differ: allowed live and not intended (widened), or intended and blocked live (narrowed). */
  connections: 'all' | Connection[];
}

export interface SemanticDiff {
  /** Access the live cluster allows that the intent does not. */
  widened: SemanticChange[];
  /** Access the intent allows that the live cluster blocks. */
  narrowed: SemanticChange[];
  /**
   * What was compared: the cluster's pods and workloads (`pods`), or, when the
   * managed namespaces hold none, the policies' own rules by namespace and
   * selector (`selectors`; endpoints read `ns/{app=web}[Selector]`).
   */
  basis: 'pods' | 'selectors';
}

type Obj = Record<string, unknown>;
const meta = (o: Obj) => (o.metadata ?? {}) as { name?: string; namespace?: string };

function ipBlockCidrs(objects: readonly Obj[]): string[] {
  const out = new Set<string>();
  for (const o of objects) {
    // Cluster-scoped policies' networks cut the address space the same way (both sides see the live ones; an intent may add its own).
    if (o.kind === 'ClusterNetworkPolicy' || o.kind === 'AdminNetworkPolicy' || o.kind === 'BaselineAdminNetworkPolicy') {
      const spec = (o.spec ?? {}) as { egress?: { to?: { networks?: unknown }[] }[] };
      for (const rule of spec.egress ?? []) for (const peer of rule.to ?? []) if (Array.isArray(peer.networks)) for (const c of peer.networks) if (typeof c === 'string') out.add(c);
      continue;
    }
    if (o.kind !== 'NetworkPolicy') continue;
    const spec = (o.spec ?? {}) as NetworkPolicySpec;
    for (const rule of [...(spec.ingress ?? []).map((r) => r.from), ...(spec.egress ?? []).map((r) => r.to)]) {
      for (const peer of rule ?? []) if (peer.ipBlock) for (const c of [peer.ipBlock.cidr, ...(peer.ipBlock.except ?? [])]) out.add(c);
    }
  }
  return [...out].sort(compareStrings);
}

function rowsOf(c: Connectivity): Map<string, readonly PortRange[]> {
  const rows = new Map<string, readonly PortRange[]>();
  for (const row of c.rows()) {
    for (let k = 0; k < row.to.length; k++) rows.set(`${c.endpoints[row.from]}\u0000${c.endpoints[row.to[k] as number]}`, c.ports.ranges(row.portSets[k] as number));
  }
  return rows;
}

/**
 * Connectivity of the live cluster against the intended state: the same
 * namespaces and pods, with the NetworkPolicies of the managed namespaces
 * replaced by the intent's (other teams' policies there are not intended).
 * External addresses are compared over the same elementary ranges.
 */
export function semanticDiff(live: readonly SourcedObject[], intent: readonly KubeObject[], managedNamespaces: readonly string[], options: { ipBlockPodIps?: IpBlockPodIps } = {}): SemanticDiff {
  const managed = new Set(managedNamespaces);
  const liveNamespaces = new Set(live.filter((o) => o.object.kind === 'Namespace').map((o) => meta(o.object).name));
  // Cluster-scoped policies the intent carries (guardrails) replace the live objects of the same kind and name.
  const isClusterPolicy = (kind: unknown) => kind === 'ClusterNetworkPolicy' || kind === 'AdminNetworkPolicy' || kind === 'BaselineAdminNetworkPolicy';
  const intendedClusterPolicies = new Set(intent.filter((o) => isClusterPolicy(o.kind)).map((o) => `${o.kind}/${o.metadata.name}`));
  const intended: SourcedObject[] = [
    ...live.filter((o) => !(o.object.kind === 'NetworkPolicy' && managed.has(meta(o.object).namespace ?? 'default')) && !(isClusterPolicy(o.object.kind) && intendedClusterPolicies.has(`${String(o.object.kind)}/${meta(o.object).name}`))),
    ...intent.filter((o) => o.kind === 'NetworkPolicy' || isClusterPolicy(o.kind)).map((o) => ({ object: o, source: 'intent' })),
    ...intent.filter((o) => o.kind === 'Namespace' && !liveNamespaces.has(o.metadata.name)).map((o) => ({ object: o, source: 'intent' })),
  ];
  const externalCuts = ipBlockCidrs([...live.map((o) => o.object), ...intent]);
  const connectivity = (objects: readonly SourcedObject[]) => new PolicyEngine(buildInventory(objects).model, { ...options, externalCuts }).connectivity();
  // No pod or workload in a managed namespace: every connection would compare equal, which reads as "no access change".
  const hasPods = buildInventory(live).model.pods.some((p) => managed.has(p.namespace));
  let liveSet: readonly SourcedObject[] = live;
  let intendedSet: readonly SourcedObject[] = intended;
  if (!hasPods) {
    const isManagedPolicy = (o: SourcedObject) => o.object.kind === 'NetworkPolicy' && managed.has(meta(o.object).namespace ?? 'default');
    const standIns = selectorStandIns([...live.filter(isManagedPolicy), ...intended.filter(isManagedPolicy)]);
    liveSet = withStandIns(live, standIns);
    intendedSet = withStandIns(intended, standIns);
  }
  const liveRows = rowsOf(connectivity(liveSet));
  const intendedRows = rowsOf(connectivity(intendedSet));
  const render = new PortSets();
  const changes = (a: Map<string, readonly PortRange[]>, b: Map<string, readonly PortRange[]>): SemanticChange[] => {
    const out: SemanticChange[] = [];
    for (const [key, ranges] of a) {
      const rest = subtractRanges(ranges, b.get(key) ?? []);
      if (rest.length === 0) continue;
      const [from = '', to = ''] = key.split('\u0000');
      out.push({ from, to, connections: render.connections(render.intern(rest)) });
    }
    return mergeExternalRows(out).sort((x, y) => compareStrings(x.from, y.from) || compareStrings(x.to, y.to));
  };
  const widened = changes(liveRows, intendedRows);
  const narrowed = changes(intendedRows, liveRows);
  if (hasPods) return { widened, narrowed, basis: 'pods' };
  const rename = (e: string) => (e.endsWith('[Pod]') ? `${e.slice(0, -'[Pod]'.length)}[${SELECTOR_KIND}]` : e);
  const renamed = (list: SemanticChange[]) => list.map((c) => ({ ...c, from: rename(c.from), to: rename(c.to) }));
  return { widened: renamed(widened), narrowed: renamed(narrowed), basis: 'selectors' };
}

/**
 * Does the live version of one policy admit something its intended version does
 * not? Each is evaluated alone over stand-ins for the selectors both name, so a
 * tampered default deny (`ingress: [{}]`, a dropped policy type) or an added port widens.
 */
export function policyWidens(live: KubeObject, intended: KubeObject): boolean {
  const namespace = intended.metadata.namespace ?? 'default';
  return semanticDiff([{ object: live, source: 'cluster' }], [intended], [namespace]).widened.length > 0;
}
