import { describe, expect, it } from 'vitest';
import { connectivityDotChunks, connectivityJsonChunks, connectivityMermaidChunks, connectivityTextChunks, connectivityYamlChunks } from '../../src/policy/connectivity-report.js';
import type { Connectivity } from '../../src/policy/connectivity.js';
import { PolicyEngine } from '../../src/policy/engine.js';
import { emitYaml } from '../../src/util/yaml-emit.js';
import { model, np, pod } from './helpers.js';

// The streamed renderers, joined (tests only: the CLI writes the chunks as they come).
const joined = (chunks: Iterable<string | Uint8Array>) => [...chunks].map((x) => (typeof x === 'string' ? x : Buffer.from(x).toString())).join('');
const connectivityText = (c: Connectivity) => joined(connectivityTextChunks(c));
const connectivityJson = (c: Connectivity) => JSON.parse(joined(connectivityJsonChunks(c))) as { connectivity: { from: string; to: string; connections: unknown }[] };
const connectivityDot = (c: Connectivity) => joined(connectivityDotChunks(c));
const connectivityMermaid = (c: Connectivity) => joined(connectivityMermaidChunks(c));

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

  it('streams -o yaml as exactly the JSON object written as one YAML document', () => {
    expect(joined(connectivityYamlChunks(c))).toBe(emitYaml(connectivityJson(c)));
    const none = new PolicyEngine(model({ pods: [] })).connectivity();
    expect(joined(connectivityYamlChunks(none))).toBe('connectivity: []\n');
  });

  it('merges ranges the same way within a -n scope', () => {
    const scoped = new PolicyEngine(m).connectivity({ namespaces: ['a'] });
    const lines = connectivityText(scoped).split('\n').filter((l) => l.includes('[External]'));
    expect(lines).toEqual(['a/free[Pod] -> 0.0.0.0/0[External]: all ports', 'a/free[Pod] -> ::/0[External]: all ports', '0.0.0.0/0[External] -> a/free[Pod]: all ports', '::/0[External] -> a/free[Pod]: all ports']);
  });
});
