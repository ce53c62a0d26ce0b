import { describe, expect, it } from 'vitest';
import { cniText } from '../../src/cni/render.js';
import type { CniReport } from '../../src/cni/types.js';
import { renderText } from '../../src/validate/render.js';
import type { ValidationReport } from '../../src/validate/types.js';

/** More entries than a call can take as spread arguments (V8 overflows its stack near 10^5). */
const MANY = 200_000;

describe('text reports over very long lists (a manifest with 30,000 domains has 150,014 files)', () => {
  it('renders a validate checklist of 200,000 checks, aligned to the longest id', () => {
    const checks = Array.from({ length: MANY }, (_, i) => ({ id: i === 7 ? 'the-longest-check-id' : 'c', status: 'pass', summary: 'ok', problems: [] }));
    const text = renderText({ dir: 'd', manifest: 'm', server: null, checks } as unknown as ValidationReport, { color: false });
    expect(text.split('\n')[8]).toBe('  PASS  the-longest-check-id  ok');
    expect(text.split('\n')[1]).toBe(`  PASS  c${' '.repeat(19)}  ok`);
  });

  it('renders check-cni with 200,000 plugins and 200,000 looked-at resources', () => {
    const plugins = Array.from({ length: MANY }, (_, i) => ({ name: i === 3 ? 'kube-router' : 'x', title: 'X', version: null, enforcesPolicy: null, reason: 'r', evidence: [] }));
    const lookedAt = Array.from({ length: MANY }, (_, i) => ({ resource: i === 5 ? 'daemonsets.apps' : 'r', scope: 'all namespaces', found: 0 }));
    const report = { verdict: 'unknown', summary: 's', enforcedBy: [], plugins, evidence: [], notes: [], lookedAt, advice: [], kubernetes: null } as unknown as CniReport;
    const text = cniText(report, { server: 'https://127.0.0.1:6443', context: 'c' });
    expect(text).toContain('\n  kube-router  -  ');
    expect(text).toContain('\n  x            -  ');
    expect(text).toContain('\n  r                all namespaces: 0 found\n');
  });
});
