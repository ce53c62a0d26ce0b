import type { KubeObject } from '../k8s/meta.js';
import type { SourcedObject } from '../k8s/objects.js';
import { buildInventory } from './inventory.js';
import { compareStrings } from '../util/compare.js';
import { cidrRange, formatRange, parseIp, type IpRange } from './ip.js';
import { PolicyEngine, type Connectivity } from './engine.js';
import { PortSets, subtractRanges, type Connection, type PortRange } from './ports.js';
import type { IpBlockPodIps, NetworkPolicySpec } from './types.js';

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
}

type Obj = Record<string, unknown>;
const meta = (o: Obj) => (o.metadata ?? {}) as { name?: string; namespace?: string };

function ipBlockCidrs(objects: readonly Obj[]): string[] {
  const out = new Set<string>();
  for (const o of objects) {
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
  const intended: SourcedObject[] = [
    ...live.filter((o) => !(o.object.kind === 'NetworkPolicy' && managed.has(meta(o.object).namespace ?? 'default'))),
    ...intent.filter((o) => o.kind === 'NetworkPolicy').map((o) => ({ object: o, source: 'intent' })),
    ...intent.filter((o) => o.kind === 'Namespace' && !liveNamespaces.has(o.metadata.name)).map((o) => ({ object: o, source: 'intent' })),
  ];
  const externalCuts = ipBlockCidrs([...live.map((o) => o.object), ...intent]);
  const connectivity = (objects: readonly SourcedObject[]) => new PolicyEngine(buildInventory(objects).model, { ...options, externalCuts }).connectivity();
  const liveRows = rowsOf(connectivity(live));
  const intendedRows = rowsOf(connectivity(intended));
  const render = new PortSets();
  const changes = (a: Map<string, readonly PortRange[]>, b: Map<string, readonly PortRange[]>): SemanticChange[] => {
    const out: SemanticChange[] = [];
    for (const [key, ranges] of a) {
      const rest = subtractRanges(ranges, b.get(key) ?? []);
      if (rest.length === 0) continue;
      const [from = '', to = ''] = key.split('\u0000');
      out.push({ from, to, connections: render.connections(render.intern(rest)) });
    }
    return mergeExternal(out).sort((x, y) => compareStrings(x.from, y.from) || compareStrings(x.to, y.to));
  };
  return { widened: changes(liveRows, intendedRows), narrowed: changes(intendedRows, liveRows) };
}

/** `10.0.0.0/8[External]` or `first-last[External]` back to its range. */
function rangeOf(name: string): IpRange | null {
  if (!name.endsWith('[External]')) return null;
  const text = name.slice(0, -'[External]'.length);
  if (text.includes('/')) return cidrRange(text, 'range');
  const dash = text.indexOf('-', text.includes(':') ? text.indexOf(':') : 0);
  const a = parseIp(text.slice(0, dash));
  const b = parseIp(text.slice(dash + 1));
  return a && b ? { family: a.family, first: a.value, last: b.value } : null;
}

/** Adjacent external ranges with the same change to the same workload become one range, as connectivity reports them. */
function mergeExternal(changes: SemanticChange[]): SemanticChange[] {
  const groups = new Map<string, { range: IpRange; change: SemanticChange; external: 'from' | 'to' }[]>();
  const out: SemanticChange[] = [];
  for (const c of changes) {
    const external = rangeOf(c.from) ? 'from' : rangeOf(c.to) ? 'to' : null;
    if (!external) {
      out.push(c);
      continue;
    }
    const range = rangeOf(c[external]) as IpRange;
    const key = `${external}\u0000${external === 'from' ? c.to : c.from}\u0000${range.family}\u0000${JSON.stringify(c.connections)}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push({ range, change: c, external });
  }
  for (const list of groups.values()) {
    list.sort((a, b) => (a.range.first < b.range.first ? -1 : 1));
    let cur: (typeof list)[number] | undefined;
    const flush = () => {
      if (cur) out.push({ ...cur.change, [cur.external]: `${formatRange(cur.range)}[External]` });
    };
    for (const item of list) {
      if (cur && cur.range.last + 1n === item.range.first) cur = { ...cur, range: { ...cur.range, last: item.range.last } };
      else {
        flush();
        cur = item;
      }
    }
    flush();
  }
  return out;
}
