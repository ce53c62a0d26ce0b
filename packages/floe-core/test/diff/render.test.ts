import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { describe, expect, it } from 'vitest';
import { diffIntent } from '../../src/diff/diff.js';
import { renderDiffText, summaryLine, unifiedDiff } from '../../src/diff/render.js';
import { emitYaml } from '../../src/util/yaml-emit.js';
import type { KubeObject } from '../../src/cluster/types.js';
import { allowAll, allowEgress, defaultDeny, intentOf, liveOf, namespace, NS } from './fixtures.js';

const all = () => [namespace(), defaultDeny(), allowEgress()];
const patchedPort = (): KubeObject => {
  const o = structuredClone(allowEgress()) as KubeObject & { spec: { egress: { ports: { port: number }[] }[] } };
  (o.spec.egress[0]?.ports[0] as { port: number }).port = 8182;
  return o;
};

describe('renderDiffText', () => {
  it('prints a unified diff per object with live as --- and the intent as +++, then the summary', () => {
    const result = diffIntent(intentOf(...all()), liveOf(namespace(), patchedPort(), allowAll()));
    const text = renderDiffText(result, { color: false });
    expect(text).toContain(`--- live/NetworkPolicy/${NS}/floe-allow-egress\n+++ intent/NetworkPolicy/${NS}/floe-allow-egress\n@@ `);
    expect(text).toContain('-          port: 8182\n+          port: 8181\n');
    // Missing: everything is an addition; extra: everything is a removal.
    expect(text).toContain(`--- live/NetworkPolicy/${NS}/floe-default-deny\n+++ intent/NetworkPolicy/${NS}/floe-default-deny\n@@ -0,0 +1,`);
    expect(text).toContain(`--- live/NetworkPolicy/${NS}/allow-all\n+++ intent/NetworkPolicy/${NS}/allow-all\n@@ -1,`);
    expect(text).toContain(`note: extra NetworkPolicy ${NS}/allow-all (not floe's) allows traffic: policies only add allowances, so it widens access\n`);
    expect(text).toContain(`changed: NetworkPolicy/${NS}/floe-allow-egress spec.egress[0].ports[0].port: live 8182, intent 8181\n`);
    expect(text.endsWith('3 objects differ: 1 missing, 1 changed (widens access), 1 extra (widens access)\n')).toBe(true);
  });

  it('prints only the summary when nothing differs', () => {
    expect(renderDiffText(diffIntent(intentOf(...all()), liveOf(...all())), { color: false })).toBe('no drift: 3 objects in 1 namespace match the intent\n');
  });

  it('colours removals red, additions green and hunk headers cyan only when asked', () => {
    const result = diffIntent(intentOf(...all()), liveOf(namespace(), defaultDeny(), patchedPort()));
    const plain = renderDiffText(result, { color: false });
    const coloured = renderDiffText(result, { color: true });
    expect(plain).not.toContain('\u001b[');
    expect(coloured).toContain('\u001b[31m-          port: 8182\u001b[0m');
    expect(coloured).toContain('\u001b[32m+          port: 8181\u001b[0m');
    const hunk = coloured.split('\n').find((l) => l.includes('@@'));
    expect(hunk?.startsWith('\u001b[36m@@ -') && hunk.endsWith(' @@\u001b[0m')).toBe(true);
  });

  it('says a missing namespace takes its objects with it, and notes a stricter level', () => {
    const other = namespace('floe-platform', 'baseline');
    const result = diffIntent(intentOf(...all(), other), liveOf(namespace('floe-platform', 'restricted')));
    const text = renderDiffText(result, { color: false });
    expect(text).toContain(`note: namespace ${NS} does not exist: its 2 objects are missing too\n`);
    expect(text).toContain('note: namespace floe-platform: Pod Security enforce is restricted, stricter than the intent\'s baseline (not drift)\n');
  });
});

describe('unifiedDiff', () => {
  it('writes a missing or extra object as the same patch the diff library makes, without diffing', () => {
    const { pairs } = diffIntent(intentOf(...all()), liveOf(namespace(), allowEgress(), allowAll()));
    expect(pairs.map((p) => p.status)).toEqual(['extra', 'missing']);
    for (const p of pairs) {
      const where = `NetworkPolicy/${NS}/${p.name}`;
      const live = p.live ? emitYaml(p.live) : '';
      const intent = p.expected ? emitYaml(p.expected) : '';
      expect(unifiedDiff(p)).toBe(createTwoFilesPatch(`live/${where}`, `intent/${where}`, live, intent, undefined, undefined, { context: 3, headerOptions: FILE_HEADERS_ONLY }));
    }
  });
});

describe('changedLines', () => {
  it('says when a field is only on one side', () => {
    const rule = { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] };
    const live = structuredClone(allowEgress()) as KubeObject & { spec: { egress: unknown[] } };
    live.spec.egress.push(rule);
    const weaker = structuredClone(namespace()) as KubeObject;
    delete (weaker.metadata.labels as Record<string, string>)['pod-security.kubernetes.io/warn'];
    const text = renderDiffText(diffIntent(intentOf(...all()), liveOf(weaker, defaultDeny(), live)), { color: false });
    expect(text).toContain(`changed: Namespace/${NS} metadata.labels[pod-security.kubernetes.io/warn]: not in the cluster, intent "restricted"\n`);
    expect(text).toContain(`changed: NetworkPolicy/${NS}/floe-allow-egress spec.egress[2]: live {"to":[{"ipBlock":{"cidr":"0.0.0.0/0"}}]}, not in the intent\n`);
  });
});

describe('changed: lines', () => {
  it('never cut a JSON value in the middle: a long value is named by its shape and points at the diff', () => {
    const values = Array.from({ length: 12 }, (_, i) => `finance-data-${i}`);
    const live = { ...allowEgress(), spec: { ...(allowEgress().spec as object), podSelector: { matchExpressions: [{ key: 'team', operator: 'In', values }] } } } as KubeObject;
    const text = renderDiffText(diffIntent(intentOf(...all()), liveOf(namespace(), defaultDeny(), live)), { color: false });
    const line = text.split('\n').find((l) => l.startsWith('changed: ') && l.includes('spec.podSelector'));
    expect(line).toBeDefined();
    expect(line).not.toContain('…');
    expect(line).toMatch(/live \{1 field: matchExpressions; in the diff above\}|live \[1 item; in the diff above\]/);
  });
});

describe('summaryLine', () => {
  it('says how many of the extra policies widen access when not all do', () => {
    const deny = { ...defaultDeny(), metadata: { name: 'team-deny', namespace: NS } };
    const result = diffIntent(intentOf(...all()), liveOf(...all(), deny, allowAll()));
    expect(summaryLine(result.report)).toBe('2 objects differ: 0 missing, 0 changed, 2 extra (1 widen access)');
  });

  it('says a changed floe policy widens access, with a note naming it, as for an extra policy', () => {
    const opened = { ...defaultDeny(), spec: { ...(defaultDeny().spec as object), ingress: [{}] } } as KubeObject;
    const result = diffIntent(intentOf(...all()), liveOf(namespace(), opened, allowEgress()));
    expect(summaryLine(result.report)).toBe('1 object differs: 0 missing, 1 changed (widens access), 0 extra');
    expect(renderDiffText(result, { color: false })).toContain(`note: changed NetworkPolicy ${NS}/floe-default-deny admits more than the intent: it widens access\n`);
  });

  it('uses the singular for one object', () => {
    const result = diffIntent(intentOf(...all()), liveOf(namespace(), defaultDeny()));
    expect(summaryLine(result.report)).toBe('1 object differs: 1 missing, 0 changed, 0 extra');
  });
});
