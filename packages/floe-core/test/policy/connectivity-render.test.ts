import { describe, expect, it } from 'vitest';
import { connectivityDot, connectivityJson, connectivityMermaid, connectivityText } from '../../src/policy/audit-report.js';
import { PolicyEngine } from '../../src/policy/engine.js';
import { model, np, pod } from './helpers.js';

// One unpoliced pod beside a policed one whose ipBlocks cut the address space into many ranges.
const m = model({
  pods: [pod('a/free', { app: 'free' }), pod('b/web', { app: 'web' })],
  policies: [
    np('b/egress', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
      egress: [
        { to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 443 }] },
        { to: [{ ipBlock: { cidr: '192.168.0.0/16' } }, { ipBlock: { cidr: 'fd00::/8' } }], ports: [{ port: 5432 }] },
      ],
    }),
  ],
});

describe('connectivity rendering: external ranges merged per endpoint and direction', () => {
  const c = new PolicyEngine(m).connectivity();
  const text = connectivityText(c);

  it('shows an unpoliced pod with exactly two external lines per direction: 0.0.0.0/0 and ::/0', () => {
    const out = text.split('\n').filter((l) => l.startsWith('a/free[Pod] -> ') && l.includes('[External]'));
    expect(out).toEqual(['a/free[Pod] -> 0.0.0.0/0[External]: all ports', 'a/free[Pod] -> ::/0[External]: all ports']);
    const inbound = text.split('\n').filter((l) => l.endsWith('-> a/free[Pod]: all ports') && l.includes('[External]'));
    expect(inbound).toEqual(['0.0.0.0/0[External] -> a/free[Pod]: all ports', '::/0[External] -> a/free[Pod]: all ports']);
  });

  it('keeps the ranges a policed pod tells apart, and JSON says the same as text', () => {
    expect(text).toContain('b/web[Pod] -> 10.0.0.0/16[External]: TCP/443\nb/web[Pod] -> 10.2.0.0-10.255.255.255[External]: TCP/443\n');
    expect(text).toContain('b/web[Pod] -> 192.168.0.0/16[External]: TCP/5432');
    const rows = connectivityJson(c).connectivity.map((r) => `${r.from} -> ${r.to}`);
    expect(rows.filter((r) => r.startsWith('a/free[Pod] -> ') && r.includes('[External]'))).toEqual(['a/free[Pod] -> 0.0.0.0/0[External]', 'a/free[Pod] -> ::/0[External]']);
  });

  it('labels mermaid and dot edges with their ports, so an allow-all edge does not look like a TCP/443 one', () => {
    expect(connectivityMermaid(c)).toMatch(/n\d+ -->\|"all ports"\| n\d+/);
    expect(connectivityMermaid(c)).toMatch(/-->\|"TCP\/443, TCP\/5432"\|/);
    expect(connectivityDot(c)).toContain('"b" -> "External" [label="TCP/443, TCP/5432"];');
  });
});
