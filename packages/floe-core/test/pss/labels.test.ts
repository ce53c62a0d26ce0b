import { describe, expect, it } from 'vitest';
import { podSecurityLabelFindings } from '../../src/pss/labels.js';

const want = { namespace: 'jobs', enforce: 'restricted', audit: 'restricted', warn: 'restricted', version: 'latest' };
const labels = (l: Record<string, string>) => [{ name: 'jobs', labels: l }];
const full = { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' };

describe('Pod Security labels against the manifest', () => {
  it('accepts labels at the configured levels, with or without the latest version label', () => {
    expect(podSecurityLabelFindings(labels(full), [want])).toEqual([]);
    expect(podSecurityLabelFindings(labels({ ...full, 'pod-security.kubernetes.io/enforce-version': 'latest' }), [want])).toEqual([]);
  });

  it('reports a missing enforce label as an error and a missing warn label as a warning', () => {
    const auditOnly = { 'pod-security.kubernetes.io/audit': 'restricted' };
    expect(podSecurityLabelFindings(labels(auditOnly), [want]).map((f) => [f.id, f.severity, f.label, f.actual])).toEqual([
      ['pss-labels-missing', 'error', 'pod-security.kubernetes.io/enforce', null],
      ['pss-labels-missing', 'warning', 'pod-security.kubernetes.io/warn', null],
    ]);
  });

  it('reports a weaker level, a value that is no level, and an older pinned version', () => {
    const f = podSecurityLabelFindings(labels({ ...full, 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/audit': 'strict', 'pod-security.kubernetes.io/warn-version': 'v1.29' }), [{ ...want, version: 'v1.33' }]);
    expect(f.map((x) => [x.id, x.severity, x.label, x.expected, x.actual])).toEqual([
      ['pss-level-weaker-than-configured', 'error', 'pod-security.kubernetes.io/enforce', 'restricted', 'baseline'],
      ['pss-labels-missing', 'warning', 'pod-security.kubernetes.io/audit', 'restricted', 'strict'],
      ['pss-level-weaker-than-configured', 'warning', 'pod-security.kubernetes.io/warn-version', 'v1.33', 'v1.29'],
    ]);
  });

  it('does not judge a stricter level, nor a namespace absent from the input', () => {
    expect(podSecurityLabelFindings(labels(full), [{ ...want, enforce: 'baseline' }])).toEqual([]);
    expect(podSecurityLabelFindings([], [want])).toEqual([]);
  });
});
