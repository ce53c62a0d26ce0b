import { cidrRange, formatRange, parseIp, type IpRange } from './ip.js';
import type { Connection } from './ports.js';

/** A connection between two endpoints, as connectivity and the semantic diff list them. */
export interface EndpointRow {
  from: string;
  to: string;
  connections: 'all' | Connection[];
}

/** `10.0.0.0/8[External]` or `first-last[External]` back to its range; null for a workload. */
export function externalRange(name: string): IpRange | null {
  if (!name.endsWith('[External]')) return null;
  const text = name.slice(0, -'[External]'.length);
  if (text.includes('/')) return cidrRange(text, 'range');
  const dash = text.indexOf('-', text.includes(':') ? text.indexOf(':') : 0);
  const a = parseIp(text.slice(0, dash));
  const b = parseIp(text.slice(dash + 1));
  return a && b ? { family: a.family, first: a.value, last: b.value } : null;
}

/**
 * Per workload, direction and address family, adjacent external ranges with the
 * same connections become one range (an unpoliced pod: 0.0.0.0/0 and ::/0). Rows
 * keep their order: a merged range stands where its first part stood.
 */
export function mergeExternalRows<T extends EndpointRow>(rows: Iterable<T>): T[] {
  const placed: { at: number; first: bigint; row: T }[] = [];
  const groups = new Map<string, { at: number; external: 'from' | 'to'; items: { range: IpRange; row: T }[] }>();
  let at = 0;
  for (const row of rows) {
    const external = externalRange(row.from) ? 'from' : externalRange(row.to) ? 'to' : null;
    if (!external) {
      placed.push({ at: at++, first: 0n, row });
      continue;
    }
    const range = externalRange(row[external]) as IpRange;
    const key = `${external}\u0000${external === 'from' ? row.to : row.from}\u0000${range.family}\u0000${JSON.stringify(row.connections)}`;
    let group = groups.get(key);
    if (!group) {
      group = { at, external, items: [] };
      groups.set(key, group);
    }
    group.items.push({ range, row });
    at++;
  }
  for (const group of groups.values()) {
    group.items.sort((a, b) => (a.range.first < b.range.first ? -1 : a.range.first > b.range.first ? 1 : 0));
    let cur: { range: IpRange; row: T } | undefined;
    const flush = () => {
      if (cur) placed.push({ at: group.at, first: cur.range.first, row: { ...cur.row, [group.external]: `${formatRange(cur.range)}[External]` } });
    };
    for (const item of group.items) {
      if (cur && cur.range.last + 1n === item.range.first) cur = { ...cur, range: { ...cur.range, last: item.range.last } };
      else {
        flush();
        cur = item;
      }
    }
    flush();
  }
  return placed.sort((a, b) => a.at - b.at || (a.first < b.first ? -1 : a.first > b.first ? 1 : 0)).map((p) => p.row);
}
