import { describe, expect, it } from 'vitest';
import { cidrContains, embeddedIpv4, formatAddress, parseCidr, parseKubernetesCidr, type Cidr } from '../../src/util/cidr.js';

function cidr(text: string): Cidr {
  const r = parseCidr(text);
  if (!r.ok) throw new Error(`${text}: ${r.reason}`);
  return r.cidr;
}

function canonical(text: string): string {
  const r = parseCidr(text);
  if (!r.ok) throw new Error(`${text}: ${r.reason}`);
  return r.canonical;
}

describe('parseCidr', () => {
  it('parses an IPv4 network into family, address and prefix', () => {
    expect(parseCidr('10.20.0.0/16')).toEqual({ ok: true, cidr: { family: 4, address: 0x0a140000n, prefix: 16 }, canonical: '10.20.0.0/16' });
  });

  it('parses an IPv6 network into family, address and prefix', () => {
    expect(parseCidr('2001:db8::/32')).toEqual({ ok: true, cidr: { family: 6, address: 0x20010db8n << 96n, prefix: 32 }, canonical: '2001:db8::/32' });
  });

  it.each(['0.0.0.0/0', '10.96.0.1/32', '192.168.0.0/16', '::/0', '::1/128', 'fe80::/10', 'fc00::/7', '1:2:3:4:5:6:7:8/128'])('accepts %s', (text) => {
    expect(parseCidr(text).ok).toBe(true);
  });

  it.each([
    ['10.0.0.0', /missing \/prefix/],
    ['10.0.0/8', /not an IPv4 or IPv6 address/],
    ['256.0.0.0/8', /not an IPv4 or IPv6 address/],
    ['010.0.0.0/8', /not an IPv4 or IPv6 address/],
    ['db.internal/32', /not an IPv4 or IPv6 address/],
    ['gggg::/16', /not an IPv4 or IPv6 address/],
    ['1:2:3:4:5:6:7:8:9/128', /not an IPv4 or IPv6 address/],
    ['fe80::1%eth0/64', /not an IPv4 or IPv6 address/],
    ['/8', /not an IPv4 or IPv6 address/],
  ])('rejects the malformed address %s', (text, reason) => {
    const r = parseCidr(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it.each([
    ['10.0.0.0/33', /prefix length must be 0–32 \(got "33"\)/],
    ['10.0.0.0/-1', /0–32/],
    ['10.0.0.0/', /0–32/],
    ['10.0.0.0/8a', /0–32/],
    ['10.0.0.0/ 8', /0–32/],
    ['10.0.0.0/8/8', /0–32/],
    ['::/129', /prefix length must be 0–128 \(got "129"\)/],
    ['::/1000', /0–128/],
  ])('rejects the prefix of %s', (text, reason) => {
    const r = parseCidr(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('accepts the prefix bounds 0 and 32 for IPv4, 0 and 128 for IPv6', () => {
    expect([cidr('0.0.0.0/0').prefix, cidr('10.0.0.1/32').prefix, cidr('::/0').prefix, cidr('::1/128').prefix]).toEqual([0, 32, 0, 128]);
  });

  it.each([
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['192.168.1.77/24', '192.168.1.0/24'],
    ['0.0.0.1/0', '0.0.0.0/0'],
    ['10.96.0.1/31', '10.96.0.0/31'],
    ['2001:db8::1/32', '2001:db8::/32'],
    ['fe80::1/10', 'fe80::/10'],
    ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff/48', '2001:db8:ffff::/48'],
  ])('rejects %s with host bits set and names the network %s', (text, network) => {
    expect(parseCidr(text)).toEqual({ ok: false, reason: `host bits are set; the network is ${network}`, corrected: network });
  });
});

describe('canonical form', () => {
  it.each([
    ['2001:0DB8::/32', '2001:db8::/32'],
    ['2001:db8:0:0:0:0:0:0/32', '2001:db8::/32'],
    ['0:0:0:0:0:0:0:1/128', '::1/128'],
    ['0:0:0:0:0:0:0:0/0', '::/0'],
    ['2001:db8:0:0:1:0:0:1/128', '2001:db8::1:0:0:1/128'],
    ['2001:db8:0:0:1:0:0:0/128', '2001:db8:0:0:1::/128'],
    ['2001:db8:0:1:1:1:1:1/128', '2001:db8:0:1:1:1:1:1/128'],
    ['1:2:3:4:5:6:7::/128', '1:2:3:4:5:6:7:0/128'],
    ['::ffff:10.0.0.1/128', '::ffff:a00:1/128'],
  ])('writes %s as %s (RFC 5952: lowercase, no leading zeros, longest zero run compressed, leftmost on ties, never a single zero)', (text, expected) => {
    expect(canonical(text)).toBe(expected);
  });

  it('formats IPv4 addresses as dotted quads', () => {
    expect(formatAddress(4, 0xc0a80101n)).toBe('192.168.1.1');
    expect(formatAddress(4, 0n)).toBe('0.0.0.0');
  });
});

describe('cidrContains', () => {
  it('contains a narrower network inside it', () => {
    expect(cidrContains(cidr('10.0.0.0/8'), cidr('10.1.0.0/16'))).toBe(true);
    expect(cidrContains(cidr('2001:db8::/32'), cidr('2001:db8:1::/48'))).toBe(true);
  });

  it('contains itself', () => {
    expect(cidrContains(cidr('10.0.0.0/8'), cidr('10.0.0.0/8'))).toBe(true);
  });

  it('does not contain a wider network', () => {
    expect(cidrContains(cidr('10.1.0.0/16'), cidr('10.0.0.0/8'))).toBe(false);
  });

  it('does not contain a disjoint network of the same size or smaller', () => {
    expect(cidrContains(cidr('10.0.0.0/8'), cidr('11.0.0.0/8'))).toBe(false);
    expect(cidrContains(cidr('172.16.0.0/12'), cidr('172.32.0.0/16'))).toBe(false);
  });

  it('lets /0 contain every network of its family and none of the other', () => {
    expect(cidrContains(cidr('0.0.0.0/0'), cidr('203.0.113.7/32'))).toBe(true);
    expect(cidrContains(cidr('::/0'), cidr('2001:db8::1/128'))).toBe(true);
    expect(cidrContains(cidr('0.0.0.0/0'), cidr('::/0'))).toBe(false);
    expect(cidrContains(cidr('::/0'), cidr('10.0.0.0/8'))).toBe(false);
  });

  it('treats an IPv4-mapped IPv6 network as IPv6', () => {
    expect(cidrContains(cidr('10.0.0.0/8'), cidr('::ffff:10.0.0.1/128'))).toBe(false);
  });
});

describe('parseKubernetesCidr', () => {
  // Printed by Go 1.26 net.ParseCIDR and k8s.io/utils/net ParseCIDRSloppy (v0.0.0-20251002143259), which agree on every row.
  it.each([
    ['::ffff:0.0.0.0/96', '0.0.0.0/0'],
    ['::ffff:0:0/96', '0.0.0.0/0'],
    ['::ffff:10.0.0.0/96', '0.0.0.0/0'],
    ['::ffff:10.0.0.1/104', '10.0.0.0/8'],
    ['::ffff:a00:0/104', '10.0.0.0/8'],
    ['0:0:0:0:0:ffff:10.0.0.0/104', '10.0.0.0/8'],
    ['::FFFF:1.2.3.0/120', '1.2.3.0/24'],
    ['::ffff:169.254.169.254/128', '169.254.169.254/32'],
    ['::ffff:0.0.0.0/97', '0.0.0.0/1'],
    ['::ffff:0.0.0.0/95', '::fffe:0:0/95'],
    ['::ffff:0.0.0.0/80', '::/80'],
    ['::ffff:0.0.0.0/0', '::/0'],
    ['::10.0.0.0/104', '::a00:0/104'],
    ['::1.2.3.4/128', '::102:304/128'],
    ['::fffe:0.0.0.0/96', '::fffe:0:0/96'],
    ['64:ff9b::/96', '64:ff9b::/96'],
    ['10.0.0.1/8', '10.0.0.0/8'],
  ])('reads %s as Go does: %s', (text, expected) => {
    const r = parseKubernetesCidr(text);
    if (!r.ok) throw new Error(r.reason);
    expect(`${formatAddress(r.cidr.family, r.cidr.address)}/${r.cidr.prefix}`).toBe(expected);
  });
});

describe('embeddedIpv4', () => {
  it.each([
    ['::ffff:0.0.0.0/96', { kind: 'mapped', ipv4: '0.0.0.0/0', ipv6: '::ffff:0:0/96' }],
    ['::ffff:10.0.0.1/104', { kind: 'mapped', ipv4: '10.0.0.0/8', ipv6: '::ffff:a00:0/104' }],
    ['::10.0.0.0/104', { kind: 'compatible', ipv4: '10.0.0.0/8', ipv6: '::a00:0/104' }],
  ])('finds the IPv4 range that %s writes as IPv6', (text, expected) => {
    expect(embeddedIpv4(text)).toEqual(expected);
  });

  it.each(['::/96', '::1/128', '::/0', '::/80', '::ffff:0.0.0.0/95', '64:ff9b::/96', '10.0.0.0/8', 'nonsense'])('finds none in %s', (text) => {
    expect(embeddedIpv4(text)).toBeNull();
  });
});
