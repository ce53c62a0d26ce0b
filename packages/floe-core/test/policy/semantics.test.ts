import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { PolicyEngine, connectivityRows } from '../../src/policy/engine.js';
import { allowed, check, model, np, pod } from './helpers.js';

const web = pod('app/web', { app: 'web' });
const api = pod('app/api', { app: 'api' });
const other = pod('other/api', { app: 'api' });

describe('isolation (selection)', () => {
  it('allows everything between pods that no policy selects', () => {
    expect(allowed(model({ pods: [web, api] }), 'app/api', 'app/web', '80')).toBe(true);
  });

  it('denies ingress to a pod selected by a policy with Ingress and no rules', () => {
    const m = model({ pods: [web, api], policies: [np('app/deny', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] })] });
    expect(allowed(m, 'app/api', 'app/web', '80')).toBe(false);
    expect(allowed(m, 'app/web', 'app/api', '80')).toBe(true);
  });

  it('does not isolate pods of another namespace, even with matching labels', () => {
    const m = model({ pods: [api, other, web], policies: [np('app/deny', { podSelector: {}, policyTypes: ['Ingress'] })] });
    expect(allowed(m, 'app/web', 'other/api', '80')).toBe(true);
    expect(allowed(m, 'app/web', 'app/api', '80')).toBe(false);
  });

  it('does not isolate pods the podSelector does not select', () => {
    const m = model({ pods: [web, api], policies: [np('app/deny', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] })] });
    expect(allowed(m, 'app/web', 'app/api', '80')).toBe(true);
  });
});

describe('policyTypes defaulting', () => {
  it('defaults to Ingress even when the policy has only egress rules (the common mistake: egress-only)', () => {
    const m = model({ pods: [web, api], policies: [np('app/p', { podSelector: { matchLabels: { app: 'web' } }, egress: [{}] })] });
    expect(allowed(m, 'app/api', 'app/web', '80')).toBe(false);
    expect(check(m, 'app/api', 'app/web', '80').ingress.isolatedBy).toEqual(['app/p']);
  });

  it('adds Egress when spec.egress has rules', () => {
    const m = model({ pods: [web, api], policies: [np('app/p', { podSelector: { matchLabels: { app: 'web' } }, egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] })] });
    expect(allowed(m, 'app/web', 'app/api', '80')).toBe(false);
    expect(allowed(m, 'app/web', 'app/api', '53/UDP')).toBe(true);
  });

  it('does not add Egress for an empty egress list, as the API server defaults len(egress) != 0', () => {
    const m = model({ pods: [web, api], policies: [np('app/p', { podSelector: { matchLabels: { app: 'web' } }, egress: [] })] });
    expect(allowed(m, 'app/web', 'app/api', '80')).toBe(true);
    expect(allowed(m, 'app/api', 'app/web', '80')).toBe(false);
  });

  it('does not isolate egress when only ingress rules are written', () => {
    const m = model({ pods: [web, api], policies: [np('app/p', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })] });
    expect(check(m, 'app/web', 'app/api', '80').egress.isolated).toBe(false);
  });

  it('ignores the rules of a direction that explicit policyTypes leave out', () => {
    const m = model({ pods: [web, api], policies: [np('app/p', { podSelector: {}, policyTypes: ['Egress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'none' } } }] }] })] });
    expect(check(m, 'app/web', 'app/api', '80').ingress.isolated).toBe(false);
    expect(check(m, 'app/web', 'app/api', '80').egress.isolated).toBe(true);
  });
});

describe('a connection needs egress at the source AND ingress at the destination', () => {
  const egressOnly = np('app/egress', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'web' } } }] }] });
  const denyIngress = np('app/deny-in', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] });

  it('denies when the source allows egress but the destination denies ingress', () => {
    const v = check(model({ pods: [web, api], policies: [egressOnly, denyIngress] }), 'app/api', 'app/web', '80');
    expect(v.egress.allowed).toBe(true);
    expect(v.ingress.allowed).toBe(false);
    expect(v.allowed).toBe(false);
  });

  it('denies when the destination allows ingress but the source denies egress', () => {
    const denyEgress = np('app/deny-out', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Egress'] });
    const allowIn = np('app/allow-in', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{}] });
    const v = check(model({ pods: [web, api], policies: [denyEgress, allowIn] }), 'app/api', 'app/web', '80');
    expect(v.ingress.allowed).toBe(true);
    expect(v.allowed).toBe(false);
  });

  it('unions the policies that select a pod: one admitting rule is enough', () => {
    const m = model({ pods: [web, api], policies: [denyIngress, np('app/allow', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }] }] })] });
    const v = check(m, 'app/api', 'app/web', '80');
    expect(v.allowed).toBe(true);
    expect(v.ingress.isolatedBy).toEqual(['app/deny-in', 'app/allow']);
    expect(v.ingress.allowedBy.map((r) => r.rule)).toEqual(['app/allow ingress[0]']);
  });
});

describe('peers', () => {
  const namespaces = [
    { name: 'app', labels: { team: 'a' } },
    { name: 'other', labels: { team: 'b' } },
  ];
  const client = pod('other/client', { role: 'client' });
  const stranger = pod('other/stranger', { role: 'stranger' });
  const localClient = pod('app/client', { role: 'client' });
  const pods = [web, client, stranger, localClient];
  const ingressFrom = (from: object[]) => np('app/p', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from }] });

  it('reads a podSelector alone as pods of the policy namespace only', () => {
    const m = model({ namespaces, pods, policies: [ingressFrom([{ podSelector: { matchLabels: { role: 'client' } } }])] });
    expect(allowed(m, 'app/client', 'app/web', '80')).toBe(true);
    expect(allowed(m, 'other/client', 'app/web', '80')).toBe(false);
  });

  it('reads a namespaceSelector alone as every pod of the matching namespaces', () => {
    const m = model({ namespaces, pods, policies: [ingressFrom([{ namespaceSelector: { matchLabels: { team: 'b' } } }])] });
    expect(allowed(m, 'other/client', 'app/web', '80')).toBe(true);
    expect(allowed(m, 'other/stranger', 'app/web', '80')).toBe(true);
    expect(allowed(m, 'app/client', 'app/web', '80')).toBe(false);
  });

  it('ANDs namespaceSelector and podSelector in one peer (the common mistake is OR)', () => {
    const m = model({ namespaces, pods, policies: [ingressFrom([{ namespaceSelector: { matchLabels: { team: 'b' } }, podSelector: { matchLabels: { role: 'client' } } }])] });
    expect(allowed(m, 'other/client', 'app/web', '80')).toBe(true);
    expect(allowed(m, 'other/stranger', 'app/web', '80')).toBe(false);
    expect(allowed(m, 'app/client', 'app/web', '80')).toBe(false);
  });

  it('ORs separate peers of one rule', () => {
    const m = model({ namespaces, pods, policies: [ingressFrom([{ namespaceSelector: { matchLabels: { team: 'b' } } }, { podSelector: { matchLabels: { role: 'client' } } }])] });
    expect(allowed(m, 'other/stranger', 'app/web', '80')).toBe(true);
    expect(allowed(m, 'app/client', 'app/web', '80')).toBe(true);
  });

  it('reads podSelector {} as every pod of the policy namespace and namespaceSelector {} as every namespace', () => {
    const own = model({ namespaces, pods, policies: [ingressFrom([{ podSelector: {} }])] });
    expect(allowed(own, 'app/client', 'app/web', '80')).toBe(true);
    expect(allowed(own, 'other/client', 'app/web', '80')).toBe(false);
    const every = model({ namespaces, pods, policies: [ingressFrom([{ namespaceSelector: {} }])] });
    expect(allowed(every, 'other/stranger', 'app/web', '80')).toBe(true);
    expect(allowed(every, '203.0.113.9', 'app/web', '80')).toBe(false);
  });

  it('selects namespaces by the kubernetes.io/metadata.name label, also for namespaces given only implicitly', () => {
    const m = model({ pods, policies: [ingressFrom([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'other' } } }])] });
    expect(allowed(m, 'other/client', 'app/web', '80')).toBe(true);
    expect(allowed(m, 'app/client', 'app/web', '80')).toBe(false);
  });

  it.each([
    ['In', { key: 'role', operator: 'In', values: ['client', 'x'] }, { client: true, stranger: false }],
    ['NotIn', { key: 'role', operator: 'NotIn', values: ['client'] }, { client: false, stranger: true }],
    ['Exists', { key: 'role', operator: 'Exists' }, { client: true, stranger: true }],
    ['DoesNotExist', { key: 'role', operator: 'DoesNotExist' }, { client: false, stranger: false }],
  ])('evaluates matchExpressions %s', (_op, expr, expected) => {
    const m = model({ namespaces, pods, policies: [ingressFrom([{ namespaceSelector: {}, podSelector: { matchExpressions: [expr] } }])] });
    expect(allowed(m, 'other/client', 'app/web', '80')).toBe(expected.client);
    expect(allowed(m, 'other/stranger', 'app/web', '80')).toBe(expected.stranger);
  });

  it('matches a pod without the key under NotIn and DoesNotExist, as apimachinery does', () => {
    const bare = pod('other/bare');
    const notIn = model({ namespaces, pods: [web, bare], policies: [ingressFrom([{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'role', operator: 'NotIn', values: ['client'] }] } }])] });
    expect(allowed(notIn, 'other/bare', 'app/web', '80')).toBe(true);
    const dne = model({ namespaces, pods: [web, bare], policies: [ingressFrom([{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'role', operator: 'DoesNotExist' }] } }])] });
    expect(allowed(dne, 'other/bare', 'app/web', '80')).toBe(true);
  });

  it('ANDs matchLabels with matchExpressions', () => {
    const m = model({ namespaces, pods, policies: [ingressFrom([{ namespaceSelector: {}, podSelector: { matchLabels: { role: 'client' }, matchExpressions: [{ key: 'role', operator: 'NotIn', values: ['client'] }] } }])] });
    expect(allowed(m, 'other/client', 'app/web', '80')).toBe(false);
  });

  it('refuses an unknown operator and a peer without any selector (exit 2)', () => {
    expect(() => new PolicyEngine(model({ policies: [ingressFrom([{ podSelector: { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['b'] }] } }])] })).policies).toThrow(InputError);
    expect(() => new PolicyEngine(model({ policies: [ingressFrom([{}])] })).policies).toThrow(/needs podSelector, namespaceSelector or ipBlock/);
  });
});

describe('ipBlock', () => {
  const db = pod('app/db', { app: 'db' });
  const from = (ipBlock: { cidr: string; except?: string[] }) => np('app/p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ ipBlock }] }] });

  it('admits addresses in the cidr and not in an except (the common mistake ignores except)', () => {
    const m = model({ pods: [db], policies: [from({ cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] })] });
    expect(allowed(m, '172.17.0.9', 'app/db', '5432')).toBe(true);
    expect(allowed(m, '172.17.1.9', 'app/db', '5432')).toBe(false);
    expect(allowed(m, '172.18.0.1', 'app/db', '5432')).toBe(false);
    expect(check(m, '172.17.1.9', 'app/db', '5432').ingress.closest?.reasons).toEqual(['172.17.1.9[External] is in the except 172.17.1.0/24 of ipBlock 172.17.0.0/16']);
  });

  it('handles IPv6 blocks and never matches an IPv6 address with an IPv4 block', () => {
    const m = model({ pods: [db], policies: [from({ cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] })] });
    expect(allowed(m, '2001:db8::5', 'app/db', '80')).toBe(true);
    expect(allowed(m, '2001:db8:1::5', 'app/db', '80')).toBe(false);
    const v4 = model({ pods: [db], policies: [from({ cidr: '0.0.0.0/0' })] });
    expect(allowed(v4, '2001:db8::5', 'app/db', '80')).toBe(false);
  });

  it('matches a pod IP inside the block by default, and not with ipBlockPodIps ignore', () => {
    const client = pod('other/client', {}, { ips: ['10.1.2.3'] });
    const m = model({ pods: [db, client], policies: [from({ cidr: '10.0.0.0/8' })] });
    expect(allowed(m, 'other/client', 'app/db', '80')).toBe(true);
    expect(allowed(m, 'other/client', 'app/db', '80', { ipBlockPodIps: 'ignore' })).toBe(false);
  });

  it('matches pods without IPs (read from files) only through selectors', () => {
    const m = model({ pods: [db, pod('other/client')], policies: [from({ cidr: '0.0.0.0/0' })] });
    expect(allowed(m, 'other/client', 'app/db', '80')).toBe(false);
  });

  it('masks host bits in a cidr as the API server accepts it', () => {
    const m = model({ pods: [db], policies: [from({ cidr: '10.1.2.3/8' })] });
    expect(allowed(m, '10.200.0.1', 'app/db', '80')).toBe(true);
  });

  // Go's net.ParseCIDR (and k8s.io/utils/net ParseCIDRSloppy, which the API server,
  // kube-router and the CNIs use) returns an IPv4 network for ::ffff:a.b.c.d/n with
  // n >= 96: a.b.c.d/(n-96). Verified with Go 1.26 and k8s.io/utils 2025-10-02.
  it('reads the IPv4-mapped ::ffff:0.0.0.0/96 as every IPv4 address, as Kubernetes does, and no IPv6 address', () => {
    const m = model({ pods: [db], policies: [from({ cidr: '::ffff:0.0.0.0/96' })] });
    expect(allowed(m, '10.0.0.1', 'app/db', '443')).toBe(true);
    expect(allowed(m, '169.254.169.254', 'app/db', '443')).toBe(true);
    expect(allowed(m, '2001:db8::1', 'app/db', '443')).toBe(false);
  });

  it.each([
    ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
    ['::ffff:a00:0/104', '10.0.0.0/8'],
    ['::ffff:10.1.2.3/104', '10.0.0.0/8'],
    ['0:0:0:0:0:ffff:169.254.169.254/128', '169.254.169.254/32'],
  ])('reads the IPv4-mapped %s as the IPv4 range %s, also in an except', (cidr, v4) => {
    const inside = v4.split('/')[0] as string;
    const m = model({ pods: [db], policies: [from({ cidr })] });
    expect(allowed(m, inside, 'app/db', '80')).toBe(true);
    expect(allowed(m, '11.0.0.1', 'app/db', '80')).toBe(false);
    const cut = model({ pods: [db], policies: [from({ cidr: '0.0.0.0/0', except: [cidr] })] });
    expect(allowed(cut, inside, 'app/db', '80')).toBe(false);
    expect(allowed(cut, '11.0.0.1', 'app/db', '80')).toBe(true);
  });

  it('reads an IPv4-mapped address as the IPv4 address (Go\'s To4)', () => {
    const m = model({ pods: [db], policies: [from({ cidr: '10.0.0.0/8' })] });
    expect(allowed(m, '::ffff:10.0.0.1', 'app/db', '80')).toBe(true);
  });

  it('keeps IPv6 ranges below /96 and IPv4-compatible ranges IPv6, as Go does: they match no IPv4 address', () => {
    for (const cidr of ['::/80', '::ffff:0.0.0.0/95', '::10.0.0.0/104']) {
      const m = model({ pods: [db], policies: [from({ cidr })] });
      expect(allowed(m, '10.0.0.1', 'app/db', '80'), cidr).toBe(false);
    }
  });
});

describe('ports', () => {
  const dst = pod('app/web', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 5353, protocol: 'UDP' }] });
  const src = pod('app/api', { app: 'api' });
  const ingress = (ports?: object[]) => np('app/p', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: {} }], ...(ports ? { ports } : {}) }] });

  it('admits every port and protocol when a rule has no ports', () => {
    const m = model({ pods: [dst, src], policies: [ingress()] });
    for (const p of ['1', '65535/TCP', '53/UDP', '9/SCTP']) expect(allowed(m, 'app/api', 'app/web', p)).toBe(true);
  });

  it('defaults a port protocol to TCP', () => {
    const m = model({ pods: [dst, src], policies: [ingress([{ port: 53 }])] });
    expect(allowed(m, 'app/api', 'app/web', '53/TCP')).toBe(true);
    expect(allowed(m, 'app/api', 'app/web', '53/UDP')).toBe(false);
  });

  it('admits every port of a protocol when the port is omitted', () => {
    const m = model({ pods: [dst, src], policies: [ingress([{ protocol: 'SCTP' }])] });
    expect(allowed(m, 'app/api', 'app/web', '3868/SCTP')).toBe(true);
    expect(allowed(m, 'app/api', 'app/web', '3868/TCP')).toBe(false);
  });

  it('admits an endPort range inclusively', () => {
    const m = model({ pods: [dst, src], policies: [ingress([{ port: 32000, endPort: 32768 }])] });
    expect(allowed(m, 'app/api', 'app/web', '32000')).toBe(true);
    expect(allowed(m, 'app/api', 'app/web', '32768')).toBe(true);
    expect(allowed(m, 'app/api', 'app/web', '32769')).toBe(false);
    expect(allowed(m, 'app/api', 'app/web', '31999')).toBe(false);
  });

  it('resolves an ingress named port against the destination pod, with its protocol', () => {
    const m = model({ pods: [dst, src], policies: [ingress([{ port: 'http' }, { port: 'dns', protocol: 'UDP' }])] });
    expect(allowed(m, 'app/api', 'app/web', '8080')).toBe(true);
    expect(allowed(m, 'app/api', 'app/web', '5353/UDP')).toBe(true);
    expect(allowed(m, 'app/api', 'app/web', '80')).toBe(false);
  });

  it('matches nothing with a named port the destination does not declare, or declares for another protocol', () => {
    const m = model({ pods: [dst, src], policies: [ingress([{ port: 'metrics' }, { port: 'dns', protocol: 'TCP' }])] });
    expect(allowed(m, 'app/api', 'app/web')).toBe(false);
    expect(check(m, 'app/api', 'app/web', '5353').ingress.closest?.reasons[0]).toContain('not declared by app/web[Pod]');
  });

  it('resolves an egress named port against the destination pod, not the source', () => {
    const srcWithPort = pod('app/api', { app: 'api' }, { ports: [{ name: 'http', containerPort: 9999 }] });
    const eg = np('app/e', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] });
    const m = model({ pods: [dst, srcWithPort], policies: [eg] });
    expect(allowed(m, 'app/api', 'app/web', '8080')).toBe(true);
    expect(allowed(m, 'app/api', 'app/web', '9999')).toBe(false);
    expect(allowed(m, 'app/api', '203.0.113.1', '8080')).toBe(false);
  });
});

describe('absent rule list, empty list and a rule {} differ', () => {
  const target = { podSelector: { matchLabels: { app: 'web' } } };
  it('denies all ingress with the ingress list absent', () => {
    expect(allowed(model({ pods: [web, api], policies: [np('app/p', { ...target, policyTypes: ['Ingress'] })] }), 'app/api', 'app/web')).toBe(false);
  });
  it('denies all ingress with an empty ingress list', () => {
    expect(allowed(model({ pods: [web, api], policies: [np('app/p', { ...target, policyTypes: ['Ingress'], ingress: [] })] }), 'app/api', 'app/web')).toBe(false);
  });
  it('allows all ingress, from every peer and IP, with one rule {}', () => {
    const m = model({ pods: [web, api], policies: [np('app/p', { ...target, ingress: [{}] })] });
    expect(allowed(m, 'app/api', 'app/web', '1/UDP')).toBe(true);
    expect(allowed(m, '198.51.100.1', 'app/web', '443')).toBe(true);
    expect(check(m, '198.51.100.1', 'app/web').connections).toBe(1);
  });
  it('reads an empty from list and an empty ports list as every peer and every port', () => {
    const m = model({ pods: [web, other], policies: [np('app/p', { ...target, ingress: [{ from: [], ports: [] }] })] });
    expect(allowed(m, 'other/api', 'app/web', '7/UDP')).toBe(true);
  });
});

describe('explanations', () => {
  it('names the closest rule and the label its selector misses', () => {
    const m = model({ pods: [web, pod('app/batch', { app: 'batch' })], policies: [np('app/p', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 80 }] }] })] });
    const v = check(m, 'app/batch', 'app/web', '80');
    expect(v.allowed).toBe(false);
    expect(v.ingress.closest).toEqual({ rule: 'app/p ingress[0]', description: 'from pods with app=api in namespace app on TCP/80', reasons: ['pod batch needs app=api, has app=batch'] });
  });

  it('prefers the rule that only lacks the port, and says which ports it admits', () => {
    const m = model({ pods: [web, api], policies: [np('app/p', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'x' } } }] }, { from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 80 }, { port: 443 }] }] })] });
    const v = check(m, 'app/api', 'app/web', '8080');
    expect(v.ingress.closest?.rule).toBe('app/p ingress[1]');
    expect(v.ingress.closest?.reasons).toEqual(['TCP/8080 is not among TCP/80, TCP/443']);
  });
});

describe('connectivity', () => {
  it('resolves an ingress named port against the destination also for sources outside the cluster', () => {
    const web = pod('a/web', {}, { ports: [{ name: 'http', containerPort: 8080 }] });
    const c = new PolicyEngine(model({ pods: [web], policies: [np('a/p', { podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] })] })).connectivity();
    const rows = [...connectivityRows(c)].filter((r) => r.to === 'a/web[Pod]').map((r) => [r.from, r.connections]);
    expect(rows).toEqual([
      ['a/web[Pod]', [{ protocol: 'TCP', port: 8080 }]],
      ['0.0.0.0/0[External]', [{ protocol: 'TCP', port: 8080 }]],
      ['::/0[External]', [{ protocol: 'TCP', port: 8080 }]],
    ]);
  });

  it('reports external addresses as the minimal ranges with the same connections', () => {
    const db = pod('app/db', { app: 'db' });
    const m = model({
      pods: [db],
      policies: [
        np('app/in', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }, { ipBlock: { cidr: '10.128.0.0/9' } }], ports: [{ port: 5432 }] }] }),
        np('app/out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '192.168.0.0/16' } }] }] }),
      ],
    });
    const c = new PolicyEngine(m).connectivity();
    const rows = [...connectivityRows(c)].map((r) => `${r.from} -> ${r.to}: ${r.connections === 'all' ? 'all' : r.connections.map((x) => `${x.protocol}/${x.port}`).join(',')}`);
    expect(rows).toEqual([
      'app/db[Pod] -> 192.168.0.0/16[External]: all',
      '10.0.0.0/16[External] -> app/db[Pod]: TCP/5432',
      '10.2.0.0-10.255.255.255[External] -> app/db[Pod]: TCP/5432',
    ]);
  });
});
