import { describe, expect, it } from 'vitest';
import { comparePodSecurity, levelStatus, versionStatus } from '../../src/diff/pss.js';

const labels = (enforce: string, audit: string, warn: string, version = 'latest') => ({
  'pod-security.kubernetes.io/enforce': enforce,
  'pod-security.kubernetes.io/enforce-version': version,
  'pod-security.kubernetes.io/audit': audit,
  'pod-security.kubernetes.io/audit-version': version,
  'pod-security.kubernetes.io/warn': warn,
  'pod-security.kubernetes.io/warn-version': version,
});

describe('Pod Security level status', () => {
  it.each([
    ['restricted', 'restricted', 'same'],
    ['baseline', 'restricted', 'stricter'],
    ['privileged', 'baseline', 'stricter'],
    ['restricted', 'baseline', 'weaker'],
    ['baseline', 'privileged', 'weaker'],
    ['restricted', undefined, 'missing'],
    ['restricted', 'Restricted', 'invalid'],
  ] as const)('intent %s, live %s: %s', (expected, live, status) => {
    expect(levelStatus(expected, live)).toBe(status);
  });

  it('treats any other -version as different, and an absent one as missing', () => {
    expect(versionStatus('latest', 'latest')).toBe('same');
    expect(versionStatus('latest', 'v1.30')).toBe('different');
    expect(versionStatus('v1.30', 'latest')).toBe('different');
    expect(versionStatus('latest', undefined)).toBe('missing');
  });
});

describe('comparePodSecurity', () => {
  it('reports each mode the intent labels, with both values', () => {
    const live = { ...labels('baseline', 'restricted', 'restricted'), 'pod-security.kubernetes.io/audit-version': 'v1.30', 'team.example.com/x': 'y' };
    expect(comparePodSecurity(labels('restricted', 'baseline', 'restricted'), live)).toEqual([
      { mode: 'enforce', level: { expected: 'restricted', live: 'baseline', status: 'weaker' }, version: { expected: 'latest', live: 'latest', status: 'same' } },
      { mode: 'audit', level: { expected: 'baseline', live: 'restricted', status: 'stricter' }, version: { expected: 'latest', live: 'v1.30', status: 'different' } },
      { mode: 'warn', level: { expected: 'restricted', live: 'restricted', status: 'same' }, version: { expected: 'latest', live: 'latest', status: 'same' } },
    ]);
  });

  it('is null when the intent sets no Pod Security labels', () => {
    expect(comparePodSecurity({ 'app.kubernetes.io/managed-by': 'floe' }, {})).toBeNull();
  });

  it('reports every mode missing for a namespace that does not exist', () => {
    const out = comparePodSecurity(labels('restricted', 'restricted', 'restricted'), undefined);
    expect(out?.map((m) => [m.level.status, m.version.status])).toEqual([
      ['missing', 'missing'],
      ['missing', 'missing'],
      ['missing', 'missing'],
    ]);
  });
});
