import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MANIFEST_PROBLEM_CODES, problemCode } from '../../src/config/problem-codes.js';
import { issuesOf, yaml } from '../helpers.js';

// The manifest reference (its hand-written part is docs/_notes/manifest.md; tests/contract/docs.test.ts keeps the two equal).
const MANIFEST_DOC = readFileSync(new URL('../../../../docs/manifest.md', import.meta.url), 'utf8');

describe('manifest problem codes', () => {
  it.each(Object.keys(MANIFEST_PROBLEM_CODES))('documents manifest.%s in docs/manifest.md', (code) => {
    expect(MANIFEST_DOC).toContain(`\`manifest.${code}\``);
  });

  it('derives a code for every kind of field problem', () => {
    const text = yaml(
      'namespaces:',
      '  platform: Floe',
      '  jobs: 7',
      '  extra: x',
      'security:',
      '  network_policies:',
      '    jobs_egress_allow:',
      '      - {to_cidr: 10.0.0.0/8, port: 70000, protocol: ICMP}',
    );
    expect(issuesOf(text).map((i) => `${i.path} ${i.code}`).sort()).toEqual([
      'namespaces.extra manifest.unknown_key',
      'namespaces.jobs manifest.invalid_type',
      'namespaces.platform manifest.invalid_format',
      'security.network_policies.jobs_egress_allow[0].name manifest.required',
      'security.network_policies.jobs_egress_allow[0].port manifest.out_of_range',
      'security.network_policies.jobs_egress_allow[0].protocol manifest.invalid_choice',
    ]);
  });

  it('writes codes as manifest.<code>', () => {
    expect(problemCode('invalid_cidr')).toBe('manifest.invalid_cidr');
  });
});
