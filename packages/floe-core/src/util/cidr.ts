import { isIPv4, isIPv6 } from 'node:net';

/** A parsed CIDR block. `address` is the network address as a bigint. */
export interface Cidr {
  family: 4 | 6;
  address: bigint;
  prefix: number;
}

export type CidrParse =
  | { ok: true; cidr: Cidr; canonical: string }
  | { ok: false; reason: string; corrected?: string };

function parseV4(ip: string): bigint {
  return ip.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function parseV6(ip: string): bigint {
  let text = ip;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1]) {
    const n = parseV4(v4[1]);
    text = text.slice(0, -v4[1].length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].reduce((acc, part) => (acc << 16n) | BigInt(parseInt(part, 16)), 0n);
}

export function formatAddress(family: 4 | 6, address: bigint): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => ((address >> s) & 0xffn).toString()).join('.');
  }
  const parts = Array.from({ length: 8 }, (_, i) => Number((address >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: compress the longest run (length >= 2) of zero hextets, leftmost on ties.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (parts[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && parts[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = parts.map((p) => p.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Parses `a.b.c.d/n` or `x:y::/n`; host bits set is an error that names the corrected network. */
export function parseCidr(text: string): CidrParse {
  const slash = text.indexOf('/');
  if (slash < 0) return { ok: false, reason: 'must be a CIDR such as 10.0.0.0/8 or 2001:db8::/32 (missing /prefix)' };
  const ip = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const family = isIPv4(ip) ? 4 : isIPv6(ip) && !ip.includes('%') ? 6 : 0;
  if (family === 0) return { ok: false, reason: `"${ip}" is not an IPv4 or IPv6 address` };
  const bits = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
    return { ok: false, reason: `prefix length must be 0–${bits} (got "${prefixText}")` };
  }
  const prefix = Number(prefixText);
  const address = family === 4 ? parseV4(ip) : parseV6(ip);
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  const network = address & ~hostMask & ((1n << BigInt(bits)) - 1n);
  const canonical = `${formatAddress(family, network)}/${prefix}`;
  if (network !== address) {
    return { ok: false, reason: `host bits are set; the network is ${canonical}`, corrected: canonical };
  }
  return { ok: true, cidr: { family, address: network, prefix }, canonical };
}

/** True when `inner` lies entirely inside `outer` (same family). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || inner.prefix < outer.prefix) return false;
  const bits = outer.family === 4 ? 32 : 128;
  const shift = BigInt(bits - outer.prefix);
  return inner.address >> shift === outer.address >> shift;
}

/** The network of `text` with host bits cleared, as the API server accepts it (older objects carry host bits). */
function maskedCidr(text: string): Cidr | null {
  let r = parseCidr(text);
  if (!r.ok && r.corrected) r = parseCidr(r.corrected);
  return r.ok ? r.cidr : null;
}

/**
 * A network as Kubernetes reads it. Go's net.ParseCIDR, behind k8s.io/utils/net
 * ParseCIDRSloppy (the API server, kube-router, the Go CNIs), returns for an
 * IPv4-mapped IPv6 network ::ffff:a.b.c.d/n with n >= 96 the IPv4 network
 * a.b.c.d/(n-96): ::ffff:0.0.0.0/96 is 0.0.0.0/0. Every other IPv6 network,
 * IPv4-compatible ::a.b.c.d included, stays IPv6 and matches no IPv4 address.
 */
export function asKubernetesReads(c: Cidr): Cidr {
  if (c.family === 6 && c.prefix >= 96 && c.address >> 32n === 0xffffn) {
    return { family: 4, address: c.address & 0xffffffffn, prefix: c.prefix - 96 };
  }
  return c;
}

/** `text` as Kubernetes reads it (host bits masked, IPv4-mapped as IPv4), or the reason it is no CIDR. */
export function parseKubernetesCidr(text: string): { ok: true; cidr: Cidr } | { ok: false; reason: string } {
  const c = maskedCidr(text);
  if (c) return { ok: true, cidr: asKubernetesReads(c) };
  const r = parseCidr(text);
  return { ok: false, reason: r.ok ? 'not a CIDR' : r.reason };
}

/** An IPv6 network that embeds an IPv4 one (prefix >= 96), and the IPv4 network it stands for. */
export interface EmbeddedIpv4 {
  /** mapped: ::ffff:a.b.c.d, which Kubernetes reads as IPv4; compatible: ::a.b.c.d (deprecated), which it reads as IPv6. */
  kind: 'mapped' | 'compatible';
  ipv4: string;
  ipv6: string;
}

/**
 * Whether `text` writes an IPv4 range as IPv6: IPv4-mapped (in ::ffff:0:0/96)
 * or IPv4-compatible (in ::/96 with a nonzero IPv4 part; :: and the loopback
 * ::1/128 are not). Readers disagree about these, so floe's own input refuses them.
 */
export function embeddedIpv4(text: string): EmbeddedIpv4 | null {
  const c = maskedCidr(text);
  if (!c || c.family !== 6 || c.prefix < 96) return null;
  const high = c.address >> 32n;
  const low = c.address & 0xffffffffn;
  const ipv4 = `${formatAddress(4, low)}/${c.prefix - 96}`;
  const ipv6 = `${formatAddress(6, c.address)}/${c.prefix}`;
  if (high === 0xffffn) return { kind: 'mapped', ipv4, ipv6 };
  if (high === 0n && low !== 0n && !(low === 1n && c.prefix === 128)) return { kind: 'compatible', ipv4, ipv6 };
  return null;
}
