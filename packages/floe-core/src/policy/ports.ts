import { POLICY_PROTOCOLS, type PolicyProtocol } from './types.js';

/**
 * Sets of (protocol, port) as interned ids, so the connectivity matrices hold
 * small integers and unions/intersections are computed once per pair of sets.
 * A protocol's ports are encoded as `p * 65536 + port`; the gap at each
 * multiple of 65536 keeps ranges of different protocols from ever merging.
 */
export type PortRange = readonly [lo: number, hi: number];

const SPAN = 65536;

export interface Connection {
  protocol: PolicyProtocol;
  port: number;
  endPort?: number;
}

export function encode(protocol: PolicyProtocol, port: number): number {
  return POLICY_PROTOCOLS.indexOf(protocol) * SPAN + port;
}

export function protocolRange(protocol: PolicyProtocol, lo = 1, hi = 65535): PortRange {
  const base = POLICY_PROTOCOLS.indexOf(protocol) * SPAN;
  return [base + lo, base + hi];
}

function normalise(ranges: PortRange[]): PortRange[] {
  const sorted = ranges.filter(([lo, hi]) => lo <= hi).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

export class PortSets {
  static readonly NONE = 0;
  static readonly ALL = 1;
  private readonly ids = new Map<string, number>();
  private readonly sets: PortRange[][] = [];
  private readonly unions = new Map<number, number>();
  private readonly intersections = new Map<number, number>();

  constructor() {
    this.intern([]);
    this.intern(POLICY_PROTOCOLS.map((p) => protocolRange(p)));
  }

  intern(ranges: PortRange[]): number {
    const norm = normalise(ranges);
    const key = norm.map(([lo, hi]) => `${lo}-${hi}`).join(',');
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.ids.set(key, id);
      this.sets.push(norm);
    }
    return id;
  }

  ranges(id: number): readonly PortRange[] {
    return this.sets[id] ?? [];
  }

  get size(): number {
    return this.sets.length;
  }

  union(a: number, b: number): number {
    if (a === b || b === PortSets.NONE || a === PortSets.ALL) return a;
    if (a === PortSets.NONE || b === PortSets.ALL) return b;
    const k = a < b ? a * 0x100000 + b : b * 0x100000 + a;
    let id = this.unions.get(k);
    if (id === undefined) {
      id = this.intern([...this.ranges(a), ...this.ranges(b)]);
      this.unions.set(k, id);
    }
    return id;
  }

  intersect(a: number, b: number): number {
    if (a === b || b === PortSets.ALL) return a;
    if (a === PortSets.ALL) return b;
    if (a === PortSets.NONE || b === PortSets.NONE) return PortSets.NONE;
    const k = a < b ? a * 0x100000 + b : b * 0x100000 + a;
    let id = this.intersections.get(k);
    if (id === undefined) {
      const out: PortRange[] = [];
      const ra = this.ranges(a);
      const rb = this.ranges(b);
      let i = 0;
      let j = 0;
      while (i < ra.length && j < rb.length) {
        const [alo, ahi] = ra[i] as PortRange;
        const [blo, bhi] = rb[j] as PortRange;
        const lo = Math.max(alo, blo);
        const hi = Math.min(ahi, bhi);
        if (lo <= hi) out.push([lo, hi]);
        if (ahi < bhi) i++;
        else j++;
      }
      id = this.intern(out);
      this.intersections.set(k, id);
    }
    return id;
  }

  has(id: number, protocol: PolicyProtocol, port: number): boolean {
    const x = encode(protocol, port);
    return this.ranges(id).some(([lo, hi]) => lo <= x && x <= hi);
  }

  /** `all`, or the connections in protocol then port order. */
  connections(id: number): 'all' | Connection[] {
    if (id === PortSets.ALL) return 'all';
    return this.ranges(id).map(([lo, hi]) => {
      const protocol = POLICY_PROTOCOLS[Math.floor(lo / SPAN)] as PolicyProtocol;
      const port = lo % SPAN;
      const end = hi % SPAN;
      return end === port ? { protocol, port } : { protocol, port, endPort: end };
    });
  }
}

/** `TCP/80`, `UDP/53`, `TCP/8000-8080`, `TCP` (every port), or `all`. */
export function connectionsText(c: 'all' | readonly Connection[]): string {
  if (c === 'all') return 'all ports';
  if (c.length === 0) return 'nothing';
  return c
    .map((x) => (x.port === 1 && x.endPort === 65535 ? `${x.protocol} (all ports)` : `${x.protocol}/${x.port}${x.endPort !== undefined ? `-${x.endPort}` : ''}`))
    .join(', ');
}

/** `a` minus `b`, both normalised range lists of the same encoding. */
export function subtractRanges(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  const out: PortRange[] = [];
  for (const [lo0, hi] of a) {
    let lo = lo0;
    for (const [blo, bhi] of b) {
      if (bhi < lo || blo > hi) continue;
      if (blo > lo) out.push([lo, blo - 1]);
      lo = Math.max(lo, bhi + 1);
      if (lo > hi) break;
    }
    if (lo <= hi) out.push([lo, hi]);
  }
  return out;
}
