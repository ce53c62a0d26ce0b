import { describe, expect, it } from 'vitest';
import { semanticText } from '../src/commands/diff.js';

describe('diff --semantic text: what applying the intent does, with the unified diff\'s signs', () => {
  const change = { from: 'ingress-nginx/controller-0[Pod]', to: 'floe-sales-domain/sales-api-0[Pod]', connections: [{ protocol: 'TCP' as const, port: 8443 }] };

  it('says that applying closes what only the cluster allows, with "-" as in the diff (--- live, +++ intent), and shows the legend', () => {
    const text = semanticText({ widened: [change], narrowed: [], basis: 'pods' });
    expect(text).toContain('legend: - applying closes (the cluster allows it, the intent does not); + applying opens (the intent allows it, the cluster blocks it)');
    expect(text).toContain('  - applying closes ingress-nginx/controller-0[Pod] -> floe-sales-domain/sales-api-0[Pod]: TCP/8443');
    expect(text).not.toMatch(/^ {2}\+ .*8443/m);
  });

  it('says that applying opens what only the intent allows, with "+"', () => {
    const text = semanticText({ widened: [], narrowed: [change], basis: 'pods' });
    expect(text).toContain('  + applying opens ingress-nginx/controller-0[Pod] -> floe-sales-domain/sales-api-0[Pod]: TCP/8443');
  });

  it("with no pods, says there are none to compare and that the policies' rules are compared by namespace and selector", () => {
    const text = semanticText({ widened: [], narrowed: [], basis: 'selectors' });
    expect(text).toContain("no pods in the managed namespaces to compare: comparing the policies' own rules, by namespace and selector");
  });
});
