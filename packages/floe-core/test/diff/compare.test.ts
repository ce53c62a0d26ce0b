import { describe, expect, it } from 'vitest';
import { canonicalKey, childPath, compare } from '../../src/diff/compare.js';
import type { Json } from '../../src/diff/json.js';

const asSets = () => true;
const ordered = () => false;

const egress = (): Json => ({
  podSelector: {},
  policyTypes: ['Egress'],
  egress: [
    { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'floe-platform' } } }], ports: [{ protocol: 'TCP', port: 8181 }, { protocol: 'TCP', port: 9000 }] },
    {
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
    },
  ],
});

describe('childPath', () => {
  it('joins identifiers with dots and quotes other keys', () => {
    expect(childPath('', 'spec')).toBe('spec');
    expect(childPath('spec', 'podSelector')).toBe('spec.podSelector');
    expect(childPath('metadata.labels', 'pod-security.kubernetes.io/enforce')).toBe('metadata.labels[pod-security.kubernetes.io/enforce]');
  });
});

describe('compare: NetworkPolicy lists are sets', () => {
  it('finds no difference when rules, peers, ports, policyTypes and selector values are reordered', () => {
    const e: Json = {
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'b'] }, { key: 'tier', operator: 'Exists' }] } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.2.0.0/16'] } }] },
        { ports: [{ protocol: 'TCP', port: 80 }, { protocol: 'UDP', port: 53 }] },
      ],
    };
    const l: Json = {
      policyTypes: ['Egress', 'Ingress'],
      ingress: [
        { ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 80 }] },
        { from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.2.0.0/16', '10.1.0.0/16'] } }, { podSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }, { key: 'app', operator: 'In', values: ['b', 'a'] }] } }] },
      ],
    };
    expect(compare(e, l, 'spec', asSets).differences).toEqual([]);
  });

  it('names the path and both values of one changed port', () => {
    const l = egress() as { egress: { ports: { port: number }[] }[] };
    (l.egress[0]?.ports[0] as { port: number }).port = 8182;
    expect(compare(egress(), l as unknown as Json, 'spec', asSets).differences).toEqual([{ path: 'spec.egress[0].ports[0].port', expected: 8181, live: 8182 }]);
  });

  it('pairs a changed rule with its live counterpart even when the live rules are in another order', () => {
    const l = egress() as { egress: { ports: { port: number }[] }[] };
    (l.egress[1]?.ports[0] as { port: number }).port = 5353;
    l.egress.reverse();
    expect(compare(egress(), l as unknown as Json, 'spec', asSets).differences).toEqual([{ path: 'spec.egress[1].ports[0].port', expected: 53, live: 5353 }]);
  });

  it('reports a rule only in the live object with its live position and value', () => {
    const added = { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] };
    const l = egress() as { egress: unknown[] };
    l.egress.push(added);
    expect(compare(egress(), l as unknown as Json, 'spec', asSets).differences).toEqual([{ path: 'spec.egress[2]', live: added }]);
  });

  it('reports a rule only in the intent with its intent position and value', () => {
    const e = egress() as { egress: Json[] };
    const l = egress() as { egress: Json[] };
    l.egress.splice(0, 1);
    expect(compare(e as unknown as Json, l as unknown as Json, 'spec', asSets).differences).toEqual([{ path: 'spec.egress[0]', expected: e.egress[0] }]);
  });

  it('reports a field only on one side without the other value', () => {
    expect(compare({ a: 1 }, { b: 2 }, '', ordered).differences).toEqual([
      { path: 'a', expected: 1 },
      { path: 'b', live: 2 },
    ]);
  });

  it('aligns the live lists to the intent order for display', () => {
    const l = egress() as { egress: Json[] };
    l.egress.reverse();
    expect(compare(egress(), l as unknown as Json, 'spec', asSets).aligned).toEqual(egress());
  });

  it('counts a duplicated live item as a difference (multiset)', () => {
    expect(compare({ p: [1] }, { p: [1, 1] }, '', asSets).differences).toEqual([{ path: 'p[1]', live: 1 }]);
  });
});

describe('compare: other lists keep their order', () => {
  it('reports reordered items by index', () => {
    expect(compare({ c: ['a', 'b'] }, { c: ['b', 'a'] }, '', ordered).differences).toEqual([
      { path: 'c[0]', expected: 'a', live: 'b' },
      { path: 'c[1]', expected: 'b', live: 'a' },
    ]);
  });
});

describe('canonicalKey', () => {
  it('ignores key order always and list order only for sets', () => {
    expect(canonicalKey({ a: 1, b: [2, 1] }, true)).toBe(canonicalKey({ b: [1, 2], a: 1 }, true));
    expect(canonicalKey({ b: [2, 1] }, false)).not.toBe(canonicalKey({ b: [1, 2] }, false));
  });
});
