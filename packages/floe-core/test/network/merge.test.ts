import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Peer, PortSpec } from '../../src/intent/types.js';
import { mergeAllowances, normalizePorts, type Allowance } from '../../src/network/merge.js';

const tcp = (port: number, endPort?: number): PortSpec => ({ protocol: 'TCP', port, ...(endPort ? { endPort } : {}) });
const udp = (port: number): PortSpec => ({ protocol: 'UDP', port });
const sctp = (port: number): PortSpec => ({ protocol: 'SCTP', port });
const pods = (namespace: string, podLabels?: Record<string, string>): Peer => ({ kind: 'pods', namespace, ...(podLabels ? { podLabels } : {}) });
const block = (c: string, except: string[] = []): Peer => ({ kind: 'cidr', cidr: c, except });

const OWN = 'floe-jobs';

describe('normalizePorts', () => {
  it('removes duplicate ports', () => {
    expect(normalizePorts([tcp(443), tcp(80), tcp(443), tcp(80)])).toEqual([tcp(80), tcp(443)]);
  });

  it('sorts ports ascending', () => {
    expect(normalizePorts([tcp(9000), tcp(22), tcp(8181)])).toEqual([tcp(22), tcp(8181), tcp(9000)]);
  });

  it('drops single ports that a range already covers', () => {
    expect(normalizePorts([tcp(8080), tcp(8000, 9000), tcp(9000), tcp(8000)])).toEqual([tcp(8000, 9000)]);
  });

  it('joins overlapping ranges of one protocol', () => {
    expect(normalizePorts([tcp(8050, 8200), tcp(8000, 8100)])).toEqual([tcp(8000, 8200)]);
  });

  it('joins a chain of overlapping ranges and keeps the widest end', () => {
    expect(normalizePorts([tcp(10, 20), tcp(15, 18), tcp(18, 30), tcp(30, 31)])).toEqual([tcp(10, 31)]);
  });

  it('keeps adjacent single ports separate', () => {
    expect(normalizePorts([tcp(4318), tcp(4317)])).toEqual([tcp(4317), tcp(4318)]);
  });

  it('writes a range whose end equals its start as a single port', () => {
    expect(normalizePorts([tcp(53, 53)])).toEqual([tcp(53)]);
  });

  it('orders protocols TCP, UDP, SCTP and never merges across protocols', () => {
    expect(normalizePorts([sctp(1), udp(53), tcp(443), tcp(53), { protocol: 'UDP', port: 50, endPort: 60 }])).toEqual([
      tcp(53), tcp(443), { protocol: 'UDP', port: 50, endPort: 60 }, sctp(1),
    ]);
  });

  it('returns an empty list for no ports', () => {
    expect(normalizePorts([])).toEqual([]);
  });

  it('does not modify its input', () => {
    const input = [tcp(8000, 8100), tcp(8050, 8200)];
    const copy = structuredClone(input);
    normalizePorts(input);
    expect(input).toEqual(copy);
  });
});

describe('mergeAllowances', () => {
  it('unites the ports of one peer into one rule', () => {
    const rules = mergeAllowances([{ peer: block('10.0.0.0/8'), ports: [tcp(443)], purpose: 'egress-allow' }, { peer: block('10.0.0.0/8'), ports: [tcp(80), tcp(443)], purpose: 'egress-allow' }], OWN);
    expect(rules).toEqual([{ peers: [{ kind: 'cidr', cidr: '10.0.0.0/8', except: [] }], ports: [tcp(80), tcp(443)], purposes: ['egress-allow'] }]);
  });

  it('treats cidr peers whose except lists differ only in order as one peer', () => {
    const rules = mergeAllowances([
      { peer: block('0.0.0.0/0', ['192.168.0.0/16', '10.0.0.0/8']), ports: [tcp(443)], purpose: 'egress-allow' },
      { peer: block('0.0.0.0/0', ['10.0.0.0/8', '192.168.0.0/16']), ports: [tcp(80)], purpose: 'egress-allow' },
    ], OWN);
    expect(rules).toEqual([{ peers: [{ kind: 'cidr', cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.0.0/16'] }], ports: [tcp(80), tcp(443)], purposes: ['egress-allow'] }]);
  });

  it('lets all ports win over specific ports for the same peer, in either order', () => {
    const all: Allowance = { peer: pods('floe-platform'), ports: [], purpose: 'egress-allow' };
    const some: Allowance = { peer: pods('floe-platform'), ports: [tcp(8181)], purpose: 'egress-allow' };
    const expected = [{ peers: [{ kind: 'pods', namespaces: ['floe-platform'] }], ports: [], purposes: ['egress-allow'] }];
    expect(mergeAllowances([all, some], OWN)).toEqual(expected);
    expect(mergeAllowances([some, all], OWN)).toEqual(expected);
    expect(mergeAllowances([some, all, some], OWN)).toEqual(expected);
  });

  it('puts peers with the same ports into one rule', () => {
    const rules = mergeAllowances([{ peer: block('10.0.0.0/8'), ports: [tcp(443)], purpose: 'egress-allow' }, { peer: pods('kafka', { app: 'broker' }), ports: [tcp(443)], purpose: 'egress-allow' }], OWN);
    expect(rules).toEqual([{
      peers: [{ kind: 'pods', namespaces: ['kafka'], podLabels: { app: 'broker' } }, { kind: 'cidr', cidr: '10.0.0.0/8', except: [] }],
      ports: [tcp(443)],
      purposes: ['egress-allow'],
    }]);
  });

  it('keeps peers with different ports in separate rules', () => {
    const rules = mergeAllowances([{ peer: block('10.0.0.0/8'), ports: [tcp(443)], purpose: 'egress-allow' }, { peer: block('10.1.0.0/16'), ports: [tcp(80)], purpose: 'egress-allow' }], OWN);
    expect(rules).toHaveLength(2);
  });

  it('merges pods peers that differ only by namespace into one peer with a sorted namespace list', () => {
    const labels = { 'app.kubernetes.io/name': 'polaris' };
    const rules = mergeAllowances([
      { peer: pods('floe-sales-domain', labels), ports: [tcp(8181)], purpose: 'egress-allow' },
      { peer: pods('floe-marketing-domain', labels), ports: [tcp(8181)], purpose: 'egress-allow' },
      { peer: pods('floe-analytics-domain', labels), ports: [tcp(8181)], purpose: 'egress-allow' },
    ], 'floe-platform');
    expect(rules).toEqual([{
      peers: [{ kind: 'pods', namespaces: ['floe-analytics-domain', 'floe-marketing-domain', 'floe-sales-domain'], podLabels: labels }],
      ports: [tcp(8181)],
      purposes: ['egress-allow'],
    }]);
  });

  it('does not merge pods peers whose labels differ', () => {
    const rules = mergeAllowances([{ peer: pods('a', { app: 'x' }), ports: [tcp(80)], purpose: 'egress-allow' }, { peer: pods('b', { app: 'y' }), ports: [tcp(80)], purpose: 'egress-allow' }], OWN);
    expect(rules).toEqual([{
      peers: [{ kind: 'pods', namespaces: ['a'], podLabels: { app: 'x' } }, { kind: 'pods', namespaces: ['b'], podLabels: { app: 'y' } }],
      ports: [tcp(80)],
      purposes: ['egress-allow'],
    }]);
  });

  it('keeps the policy\'s own namespace as a separate peer listed first', () => {
    const rules = mergeAllowances([
      { peer: pods('ingress-nginx'), ports: [], purpose: 'egress-allow' },
      { peer: pods('floe-platform'), ports: [], purpose: 'egress-allow' },
      { peer: pods('floe-sales-domain'), ports: [], purpose: 'egress-allow' },
    ], 'floe-platform');
    expect(rules).toEqual([{
      peers: [{ kind: 'pods', namespaces: ['floe-platform'] }, { kind: 'pods', namespaces: ['floe-sales-domain', 'ingress-nginx'] }],
      ports: [],
      purposes: ['egress-allow'],
    }]);
  });

  it('unites the host names of one rule\'s ports into one fqdn peer, after the IP blocks, and carries every purpose behind the rule', () => {
    const rules = mergeAllowances([
      { peer: { kind: 'fqdn', names: ['b.example.com'] }, ports: [tcp(443)], purpose: 'egress-allow' },
      { peer: block('10.0.0.0/8'), ports: [tcp(443)], purpose: 'egress-allow' },
      { peer: { kind: 'fqdn', names: ['*.a.example.com', 'b.example.com'] }, ports: [tcp(443)], purpose: 'external-https' },
    ], OWN);
    expect(rules).toEqual([{
      peers: [{ kind: 'cidr', cidr: '10.0.0.0/8', except: [] }, { kind: 'fqdn', names: ['*.a.example.com', 'b.example.com'] }],
      ports: [tcp(443)],
      purposes: ['egress-allow', 'external-https'],
    }]);
  });

  it('returns no rules for no allowances', () => {
    expect(mergeAllowances([], OWN)).toEqual([]);
  });

  it('gives byte-identical output whatever the order of its input', () => {
    const allowances: Allowance[] = [
      { peer: pods('kube-system', { 'k8s-app': 'kube-dns' }), ports: [udp(53), tcp(53)], purpose: 'egress-allow' },
      { peer: pods('floe-platform', { app: 'polaris' }), ports: [tcp(8181)], purpose: 'egress-allow' },
      { peer: pods('floe-platform', { app: 'otel' }), ports: [tcp(4317), tcp(4318)], purpose: 'egress-allow' },
      { peer: pods('floe-platform', { app: 'minio' }), ports: [tcp(9000)], purpose: 'egress-allow' },
      { peer: pods(OWN), ports: [], purpose: 'egress-allow' },
      { peer: pods('floe-sales-domain', { app: 'api' }), ports: [tcp(8080), tcp(8443)], purpose: 'egress-allow' },
      { peer: pods('floe-marketing-domain', { app: 'api' }), ports: [tcp(8443), tcp(8080)], purpose: 'egress-allow' },
      { peer: block('0.0.0.0/0', ['10.0.0.0/8', '172.16.0.0/12']), ports: [tcp(443)], purpose: 'egress-allow' },
      { peer: block('::/0', ['fc00::/7']), ports: [tcp(443)], purpose: 'egress-allow' },
      { peer: block('10.20.0.0/16'), ports: [tcp(5432)], purpose: 'egress-allow' },
      { peer: block('10.20.0.0/16'), ports: [tcp(5433, 5440)], purpose: 'egress-allow' },
      { peer: pods('kafka'), ports: [tcp(9092, 9094)], purpose: 'egress-allow' },
      { peer: pods('kafka'), ports: [tcp(9093)], purpose: 'egress-allow' },
      { peer: pods('floe-platform'), ports: [], purpose: 'egress-allow' },
    ];
    const expected = JSON.stringify(mergeAllowances(allowances, OWN));
    expect(JSON.stringify(mergeAllowances([...allowances].reverse(), OWN))).toBe(expected);
    fc.assert(
      fc.property(fc.shuffledSubarray(allowances, { minLength: allowances.length, maxLength: allowances.length }), (shuffled) => {
        expect(JSON.stringify(mergeAllowances(shuffled, OWN))).toBe(expected);
      }),
      { seed: 20261126, numRuns: 300 },
    );
  });

  it('orders a rule\'s peers: own namespace, then other namespaces, then IP blocks', () => {
    const [rule] = mergeAllowances([
      { peer: block('10.0.0.0/8'), ports: [tcp(80)], purpose: 'egress-allow' },
      { peer: pods('zeta'), ports: [tcp(80)], purpose: 'egress-allow' },
      { peer: pods(OWN, { app: 'x' }), ports: [tcp(80)], purpose: 'egress-allow' },
    ], OWN);
    expect(rule?.peers.map((p) => (p.kind === 'cidr' ? p.cidr : p.namespaces.join(',')))).toEqual([OWN, 'zeta', '10.0.0.0/8']);
  });
});
