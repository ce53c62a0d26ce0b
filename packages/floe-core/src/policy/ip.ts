import { isIPv4, isIPv6 } from 'node:net';
import { InputError } from '../errors.js';
import { formatAddress, parseCidr, parseKubernetesCidr } from '../util/cidr.js';
import type { IPBlock } from './types.js';

/** An inclusive range of addresses of one family. */
export interface IpRange {
  family: 4 | 6;
  first: bigint;
  last: bigint;
}

export const bitsOf = (family: 4 | 6): number => (family === 4 ? 32 : 128);
export const familyMax = (family: 4 | 6): bigint => (1n << BigInt(bitsOf(family))) - 1n;

/**
 * A CIDR as Kubernetes reads it: host bits are masked, not refused (older
 * objects carry them), and an IPv4-mapped ::ffff:a.b.c.d/n (n >= 96) is the
 * IPv4 range a.b.c.d/(n-96), as Go's net.ParseCIDR returns it.
 */
export function cidrRange(text: string, where: string): IpRange {
  const r = parseKubernetesCidr(text);
  if (!r.ok) throw new InputError(`${where}: ipBlock "${text}": ${r.reason}`);
  const size = 1n << BigInt(bitsOf(r.cidr.family) - r.cidr.prefix);
  return { family: r.cidr.family, first: r.cidr.address, last: r.cidr.address + size - 1n };
}

/**
 * An address (`10.1.2.3`, `2001:db8::1`), or null when the text is not one.
 * An IPv4-mapped address (`::ffff:10.1.2.3`) is the IPv4 address, as Go's To4 makes it when Kubernetes matches an ipBlock.
 */
export function parseIp(text: string): { family: 4 | 6; value: bigint } | null {
  if (isIPv4(text)) return { family: 4, value: BigInt(text.split('.').reduce((acc, part) => acc * 256 + Number(part), 0)) };
  if (!isIPv6(text)) return null;
  const r = parseCidr(`${text}/128`);
  if (!r.ok) return null;
  if (r.cidr.address >> 32n === 0xffffn) return { family: 4, value: r.cidr.address & 0xffffffffn };
  return { family: 6, value: r.cidr.address };
}

export function formatIp(family: 4 | 6, value: bigint): string {
  return formatAddress(family, value);
}

/** An ipBlock compiled to the disjoint ranges it admits: `cidr` minus every `except`. */
export interface CompiledIpBlock {
  family: 4 | 6;
  cidr: IpRange;
  except: IpRange[];
  /** Sorted, disjoint. */
  ranges: IpRange[];
  text: string;
}

export function compileIpBlock(block: IPBlock, where: string): CompiledIpBlock {
  if (typeof block.cidr !== 'string') throw new InputError(`${where}: ipBlock has no cidr`);
  const cidr = cidrRange(block.cidr, where);
  const except = (block.except ?? []).map((e) => cidrRange(e, where)).filter((e) => e.family === cidr.family);
  let ranges: IpRange[] = [cidr];
  for (const e of except) {
    const next: IpRange[] = [];
    for (const r of ranges) {
      if (e.last < r.first || e.first > r.last) { next.push(r); continue; }
      if (e.first > r.first) next.push({ family: r.family, first: r.first, last: e.first - 1n });
      if (e.last < r.last) next.push({ family: r.family, first: e.last + 1n, last: r.last });
    }
    ranges = next;
  }
  const text = block.except?.length ? `${block.cidr} except ${block.except.join(', ')}` : block.cidr;
  return { family: cidr.family, cidr, except, ranges, text };
}

export function ipBlockContains(b: CompiledIpBlock, family: 4 | 6, value: bigint): boolean {
  return b.family === family && b.ranges.some((r) => r.first <= value && value <= r.last);
}

/** `10.0.0.0/8` when the range is exactly one CIDR block, else `first-last`. */
export function formatRange(r: IpRange): string {
  const size = r.last - r.first + 1n;
  const isPow2 = (size & (size - 1n)) === 0n;
  if (isPow2 && r.first % size === 0n) {
    let prefix = bitsOf(r.family);
    for (let s = size; s > 1n; s >>= 1n) prefix--;
    return `${formatIp(r.family, r.first)}/${prefix}`;
  }
  return `${formatIp(r.family, r.first)}-${formatIp(r.family, r.last)}`;
}
