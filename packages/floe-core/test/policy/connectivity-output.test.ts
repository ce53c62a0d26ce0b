import { describe, expect, it } from 'vitest';
import { compactConnectivity } from '../../src/policy/compact.js';
import { compactTextChunks, connectivityJsonChunks, connectivityTextChunks } from '../../src/policy/connectivity-report.js';
import { PolicyEngine } from '../../src/policy/engine.js';
import { model, np, pod } from './helpers.js';

/** 800 open pods in two namespaces: 640,000 pairs, tens of MB of JSON. */
const crowd = () =>
  model({
    pods: Array.from({ length: 800 }, (_, i) => pod(`${i % 2 === 0 ? 'a' : 'b'}/p${String(i).padStart(3, '0')}`, { app: i % 4 < 2 ? 'web' : 'api' })),
    policies: [np('b/web-only', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }] }] })],
  });

describe('connectivity output in chunks', () => {
  it('streams JSON in bounded chunks that together parse to every pair', () => {
    const c = new PolicyEngine(crowd()).connectivity();
    const chunks = [...connectivityJsonChunks(c)];
    expect(chunks.length).toBeGreaterThan(10);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual((1 << 20) + 200);
    const text = chunks.map((x) => (typeof x === 'string' ? x : Buffer.from(x).toString('utf8'))).join('');
    const rows = (JSON.parse(text) as { connectivity: { from: string; to: string; connections: unknown }[] }).connectivity;
    // Every pair but the 600 pods other than b's web pods toward b's 200 api pods; every pod reaches 0.0.0.0/0 and ::/0, and all but b's api pods are reached from them.
    expect(rows).toHaveLength(800 * 800 - 600 * 200 + 800 * 2 + 600 * 2);
    expect(rows.find((r) => r.from === 'b/p001[Pod]' && r.to === 'b/p003[Pod]')?.connections).toEqual([{ protocol: 'TCP', port: 8080 }]);
    expect(rows.some((r) => r.from === 'a/p002[Pod]' && r.to === 'b/p003[Pod]')).toBe(false);
  });

  it('says so when nothing is allowed, in text and in the compact form', () => {
    const c = new PolicyEngine(model({ pods: [pod('a/x')], policies: [np('a/deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })] })).connectivity();
    expect([...connectivityTextChunks(c)].join('')).toBe('no connection is allowed\n');
    expect([...connectivityJsonChunks(c)].join('')).toBe('{\n  "connectivity": []\n}\n');
    expect([...compactTextChunks(c)].join('')).toContain('no connection is allowed');
  });

  it('compacts 640,000 pairs into a few groups a person can read', () => {
    const c = new PolicyEngine(crowd()).connectivity();
    const compact = compactConnectivity(c);
    // a's pods (one group whatever their labels), b's web pods, b's api pods, and the two external ranges (alike: one group).
    expect(compact.groups.map((g) => [g.id, g.endpoints.length, g.endpoints[0]])).toEqual([
      ['g1', 400, 'a/p000[Pod]'],
      ['g2', 200, 'b/p001[Pod]'],
      ['g3', 200, 'b/p003[Pod]'],
      ['g4', 2, '0.0.0.0/0[External]'],
    ]);
    expect(compact.pairs).toBe(800 * 800 - 600 * 200 + 800 * 2 + 600 * 2);
    const text = [...compactTextChunks(c, compact)].join('');
    expect(text.split('\n').filter((l) => l.includes(' -> '))).toEqual(['  g1, g2, g3 -> g1, g2, g4: all ports', '  g2 -> g3: TCP/8080', '  g4 -> g1, g2: all ports']);
  });
});
