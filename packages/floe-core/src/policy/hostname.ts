import { cidrRange, type CompiledIpBlock, type IpRange } from './ip.js';

/**
 * Host names as endpoints: `example.com`, or `*.example.com` standing for
 * every name that pattern covers. Their addresses are unknown to floe (DNS
 * is resolved at run time), which decides how each kind of rule judges them:
 * a name rule (Cilium toFQDNs) by the name, an ipBlock by whether it admits
 * every public address (docs/cilium-policies.md, "Host names").
 */

const LABEL = '(?:[a-z0-9_](?:[-a-z0-9_]{0,61}[a-z0-9_])?)';
const NAME = new RegExp(`^(?:\\*{1,2}\\.)?(?:${LABEL}\\.)+${LABEL}\\.?$`);

/** `Example.COM.` → `example.com`; `*.x.com`, `**.x.com` kept; null when the text is no host name (an IP address, `ns/pod`, a word without a dot). */
export function parseHostName(text: string): string | null {
  const t = text.trim().toLowerCase();
  if (!t.includes('.') || t.includes('/') || !NAME.test(t) || /^[\d.]+$/.test(t.replace(/\.$/, ''))) return null;
  return t.replace(/\.$/, '');
}

/** A compiled Cilium FQDN selector: `matchName` exact, `matchPattern` with `*` wildcards. */
export interface NameMatcher {
  text: string;
  /** Does it admit this host endpoint (a name, or every name of a `*.` pattern)? */
  matches(host: string): boolean;
}

const escape = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/**
 * Cilium's FQDNSelector (pkg/policy/api/fqdn.go): matchName is one name, case-insensitive, trailing dot optional;
 * in matchPattern `*` is any run of DNS characters within one label, a lone `*` every name, a leading `**.`
 * any number of labels. A pattern destination (`*.x.com`) is admitted only when the selector covers every
 * name it stands for: the `*` of the destination is matched as a literal character that only a wildcard admits.
 */
export function nameMatcher(sel: { matchName?: string; matchPattern?: string }): NameMatcher {
  if (sel.matchName !== undefined) {
    const name = sel.matchName.toLowerCase().replace(/\.$/, '');
    return { text: name, matches: (host) => host === name };
  }
  const pattern = (sel.matchPattern ?? '').toLowerCase().replace(/\.$/, '');
  if (pattern === '*') return { text: '*', matches: () => true };
  const multi = pattern.startsWith('**.');
  const rest = multi ? pattern.slice(3) : pattern;
  const body = rest.split('*').map(escape).join('[-a-z0-9_*]*');
  const re = new RegExp(`^${multi ? '(?:[-a-z0-9_*]+\\.)+' : ''}${body}$`);
  return { text: pattern, matches: (host) => re.test(host) };
}

/** Addresses no public DNS name resolves to (RFC 1918, loopback, link-local, CGNAT, multicast, reserved; IPv6 outside 2000::/3). */
const NOT_PUBLIC = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '224.0.0.0/3'].map((c) => cidrRange(c, 'public ranges'));
const PUBLIC_V6 = cidrRange('2000::/3', 'public ranges');

function publicRanges(family: 4 | 6): IpRange[] {
  if (family === 6) return [PUBLIC_V6];
  const out: IpRange[] = [];
  let next = 0n;
  for (const r of [...NOT_PUBLIC].sort((a, b) => (a.first < b.first ? -1 : 1))) {
    if (r.first > next) out.push({ family: 4, first: next, last: r.first - 1n });
    if (r.last + 1n > next) next = r.last + 1n;
  }
  return out;
}

/**
 * How an ipBlock judges a host name: `all` when it admits every public address of its family
 * (whatever the name resolves to, if public), `none` when it admits no public address, else
 * `some`: the verdict depends on the address, which floe does not know.
 */
export function ipBlockCoversHost(b: CompiledIpBlock): 'all' | 'some' | 'none' {
  const pub = publicRanges(b.family);
  let covered = true;
  let touches = false;
  for (const p of pub) {
    let at = p.first;
    for (const r of b.ranges) {
      if (r.last < p.first || r.first > p.last) continue;
      touches = true;
      if (r.first > at) covered = false;
      if (r.last + 1n > at) at = r.last + 1n;
    }
    if (at <= p.last) covered = false;
  }
  return covered ? 'all' : touches ? 'some' : 'none';
}
