import type { Connectivity } from './connectivity.js';
import { PortSets } from './ports.js';

/**
 * Connectivity grouped by policy-equivalent endpoints (`audit --connectivity
 * --compact`): endpoints that every policy treats alike (the same allowed
 * connections to and from every other endpoint) form one group, and each row
 * says which groups a group reaches on one port set. Lossless: every endpoint
 * of a group may reach every endpoint of each listed group on exactly those
 * ports, and no other pair is allowed.
 *
 * Computed from the class pairs, never the endpoint pairs:
 * 1. pod classes with the same class-pair row and column are unified (then
 *    every pair between their endpoints is the same too);
 * 2. workloads with the same unified classes and the same external row and
 *    column form a group; external ranges with the same column and row do;
 * 3. a group's row is its first endpoint's, spread over the groups; groups
 *    that reach the same groups on the same ports share one row.
 */

export interface CompactGroup {
  /** `g1`, `g2`, ...: workload groups by their first endpoint, then groups of external ranges. */
  id: string;
  endpoints: string[];
}

export interface CompactRow {
  /** Group indexes, ascending: every endpoint of every `from` group may reach every endpoint of every `to` group on `portSet`. */
  from: number[];
  to: number[];
  portSet: number;
}

export interface CompactConnectivity {
  groups: CompactGroup[];
  rows: CompactRow[];
  /** The endpoint pairs the rows stand for. */
  pairs: number;
}

/**
 * Groups integer sequences by exact equality without building a string per
 * sequence: a hash picks the candidates, the stored first sequence of each
 * group decides.
 */
class SequenceGroups {
  private readonly byHash = new Map<number, number[]>();
  private readonly first: Int32Array[] = [];

  get count(): number {
    return this.first.length;
  }

  /** The group of `seq` (its first `length` values), a new one when none has it. */
  groupOf(seq: Int32Array, length: number): number {
    let h = 0x811c9dc5 ^ length;
    for (let i = 0; i < length; i++) h = Math.imul(h ^ (seq[i] as number), 0x01000193);
    const list = this.byHash.get(h);
    if (list) {
      for (const g of list) {
        const f = this.first[g] as Int32Array;
        if (f.length !== length) continue;
        let same = true;
        for (let i = 0; same && i < length; i++) same = f[i] === seq[i];
        if (same) return g;
      }
    }
    const g = this.first.length;
    this.first.push(seq.slice(0, length));
    if (list) list.push(g);
    else this.byHash.set(h, [g]);
    return g;
  }
}

/** A growable scratch sequence. */
class Scratch {
  buf = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new Int32Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
}

/** Unified class per class: classes with the same row and column of class pairs (and scope) share one. */
function unifyClasses(c: Connectivity): Int32Array {
  const { offsets, to, ids, inScope } = c.classes;
  const C = offsets.length - 1;
  // The column of each class: the class pairs transposed.
  const inOffsets = new Int32Array(C + 1);
  for (let k = 0; k < to.length; k++) inOffsets[(to[k] as number) + 1] = (inOffsets[(to[k] as number) + 1] as number) + 1;
  for (let d = 0; d < C; d++) inOffsets[d + 1] = (inOffsets[d + 1] as number) + (inOffsets[d] as number);
  const fill = inOffsets.slice(0, C);
  const inFrom = new Int32Array(to.length);
  const inIds = new Uint32Array(to.length);
  for (let s = 0; s < C; s++) {
    for (let k = offsets[s] as number; k < (offsets[s + 1] as number); k++) {
      const d = to[k] as number;
      const at = fill[d] as number;
      fill[d] = at + 1;
      inFrom[at] = s;
      inIds[at] = ids[k] as number;
    }
  }
  const groups = new SequenceGroups();
  const seq = new Scratch();
  const unified = new Int32Array(C);
  for (let s = 0; s < C; s++) {
    seq.length = 0;
    seq.push(inScope[s] as number);
    seq.push((offsets[s + 1] as number) - (offsets[s] as number));
    for (let k = offsets[s] as number; k < (offsets[s + 1] as number); k++) {
      seq.push(to[k] as number);
      seq.push(ids[k] as number);
    }
    for (let k = inOffsets[s] as number; k < (inOffsets[s + 1] as number); k++) {
      seq.push(inFrom[k] as number);
      seq.push(inIds[k] as number);
    }
    unified[s] = groups.groupOf(seq.buf, seq.length);
  }
  return unified;
}

export function compactConnectivity(c: Connectivity): CompactConnectivity {
  const { members, externalSig, offsets, to, ids } = c.classes;
  const N = c.workloadCount;
  const X = externalSig.length;
  const ports = c.ports;
  const unified = unifyClasses(c);

  // 2. Groups: workloads by unified classes and external signature, ranges by signature.
  const groupOf = new Int32Array(N + X);
  const firsts: number[] = [];
  const sequences = new SequenceGroups();
  const seq = new Scratch();
  const join = (endpoint: number) => {
    const g = sequences.groupOf(seq.buf, seq.length);
    if (g === firsts.length) firsts.push(endpoint);
    groupOf[endpoint] = g;
  };
  for (let a = 0; a < N; a++) {
    seq.length = 0;
    seq.push(0);
    const classes = [...new Set((members[a] as number[]).map((s) => unified[s] as number))].sort((x, y) => x - y);
    seq.push(classes.length);
    for (const u of classes) seq.push(u);
    for (let x = 0; x < X; x++) {
      const sig = externalSig[x] as Uint32Array;
      if (sig[2 * a] === PortSets.NONE && sig[2 * a + 1] === PortSets.NONE) continue;
      seq.push(x);
      seq.push(sig[2 * a] as number);
      seq.push(sig[2 * a + 1] as number);
    }
    join(a);
  }
  for (let x = 0; x < X; x++) {
    const sig = externalSig[x] as Uint32Array;
    seq.length = 0;
    seq.push(1);
    for (let a = 0; a < N; a++) {
      if (!c.inScope(a) || (sig[2 * a] === PortSets.NONE && sig[2 * a + 1] === PortSets.NONE)) continue;
      seq.push(a);
      seq.push(sig[2 * a] as number);
      seq.push(sig[2 * a + 1] as number);
    }
    join(N + x);
  }
  const G = firsts.length;

  // 3. Each group's row, from its first endpoint: class pairs spread over the groups whose first endpoint has the class.
  const classGroups = new Map<number, number[]>();
  firsts.forEach((e, g) => {
    if (e >= N) return;
    for (const d of members[e] as number[]) (classGroups.get(d) ?? classGroups.set(d, []).get(d)!).push(g);
  });
  const size = new Int32Array(G);
  for (let e = 0; e < N + X; e++) size[groupOf[e] as number] = (size[groupOf[e] as number] as number) + 1;
  // Rows by port set and destination groups: sources with the same ones share a row.
  const rowOf = new Map<string, CompactRow>();
  const rows: CompactRow[] = [];
  let pairs = 0;
  const acc = new Uint32Array(G);
  const stamp = new Int32Array(G).fill(-1);
  for (let g = 0; g < G; g++) {
    const a = firsts[g] as number;
    const touched: number[] = [];
    const add = (h: number, id: number) => {
      if (id === PortSets.NONE) return;
      if (stamp[h] !== g) {
        stamp[h] = g;
        acc[h] = id;
        touched.push(h);
      } else acc[h] = ports.union(acc[h] as number, id);
    };
    if (a < N) {
      for (const s of members[a] as number[]) for (let k = offsets[s] as number; k < (offsets[s + 1] as number); k++) for (const h of classGroups.get(to[k] as number) ?? []) add(h, ids[k] as number);
      if (c.inScope(a)) for (let x = 0; x < X; x++) add(groupOf[N + x] as number, (externalSig[x] as Uint32Array)[2 * a] as number);
    } else {
      const sig = externalSig[a - N] as Uint32Array;
      for (let h = 0; h < G; h++) {
        const b = firsts[h] as number;
        if (b < N && c.inScope(b)) add(h, sig[2 * b + 1] as number);
      }
    }
    const byPorts = new Map<number, number[]>();
    for (const h of touched.sort((x, y) => x - y)) (byPorts.get(acc[h] as number) ?? byPorts.set(acc[h] as number, []).get(acc[h] as number)!).push(h);
    for (const [portSet, list] of [...byPorts].sort((x, y) => (x[1][0] as number) - (y[1][0] as number))) {
      const key = `${portSet}:${list.join(',')}`;
      const row = rowOf.get(key);
      if (row) row.from.push(g);
      else {
        const fresh = { from: [g], to: list, portSet };
        rowOf.set(key, fresh);
        rows.push(fresh);
      }
      for (const h of list) pairs += (size[g] as number) * (size[h] as number);
    }
  }

  // Only groups with an endpoint in scope or in some row are listed; ids follow that order.
  const listed = new Uint8Array(G);
  for (let e = 0; e < N; e++) if (c.inScope(e)) listed[groupOf[e] as number] = 1;
  for (const r of rows) for (const h of [...r.from, ...r.to]) listed[h] = 1;
  const renumber = new Int32Array(G).fill(-1);
  const groups: CompactGroup[] = [];
  for (let g = 0; g < G; g++) {
    if (!listed[g]) continue;
    renumber[g] = groups.length;
    groups.push({ id: `g${groups.length + 1}`, endpoints: [] });
  }
  for (let e = 0; e < N + X; e++) {
    const g = renumber[groupOf[e] as number] as number;
    if (g >= 0) (groups[g] as CompactGroup).endpoints.push(c.endpoints[e] as string);
  }
  return { groups, rows: rows.map((r) => ({ from: r.from.map((h) => renumber[h] as number), to: r.to.map((h) => renumber[h] as number), portSet: r.portSet })), pairs };
}
