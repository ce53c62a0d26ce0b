import { describe, expect, it } from 'vitest';
import type { GenerationResult } from '@floe/core/network';
import { parseLevelVersion, pssCheckText, type PssCheckReport } from '@floe/core/pss';
import { textReport } from '../src/commands/generate.js';

/** More entries than a call can take as spread arguments (V8 overflows its stack near 10^5). */
const MANY = 200_000;

describe('CLI text reports over very long lists', () => {
  it('lists 200,000 generated files (30,000 domains write 150,014), aligned to the longest path, instead of exit 4', () => {
    const files = Array.from({ length: MANY }, (_, i) => ({ path: i === 9 ? 'floe-a-very-long-name-domain-allow-egress.yaml' : 'f.yaml', kind: 'NetworkPolicy', namespace: 'ns', name: 'p' }));
    const text = textReport({ files, namespaces: [], guardrails: [] } as unknown as GenerationResult, 'out', true);
    const lines = text.split('\n');
    expect(lines[0]).toBe(`would write ${MANY} files to out/ for 0 namespaces (dry run: nothing written)`);
    expect(lines[1]).toBe(`  f.yaml${' '.repeat(40)}  NetworkPolicy ns/p`);
  });

  it('lists a pod refused by 200,000 checks', () => {
    const violations = Array.from({ length: MANY }, (_, i) => ({ check: i === 1 ? 'runAsNonRoot' : 'x', reason: 'r', detail: 'd' }));
    const report = {
      level: parseLevelVersion('restricted:latest'),
      checked: [{ file: 'f.yaml', line: 1, kind: 'Pod', namespace: 'ns', name: 'p', result: { allowed: false, violations }, fixes: [] }],
      skipped: [],
    } as unknown as PssCheckReport;
    expect(pssCheckText(report)).toContain('\n  x             r (d)\n');
  });
});
