import { describe, expect, it } from 'vitest';
import { fqdnProblem } from '../../src/config/fqdn.js';
import { buildIntents } from '../../src/intent/build.js';
import { issuesOf, onlyIssue, parse, yaml } from '../helpers.js';

const jobsRule = (...fields: string[]) =>
  yaml('security:', '  network_policies:', '    jobs_egress_allow:', ...fields.map((f, i) => `${i === 0 ? '      - ' : '        '}${f}`));
const RULE = 'security.network_policies.jobs_egress_allow[0]';

describe('host names (to_fqdn, allow_external_https.fqdns)', () => {
  it('accepts exact names and *. patterns', () => {
    for (const n of ['s3.eu-west-1.amazonaws.com', '*.snowflakecomputing.com', 'localhost', 'a-b.example.co.uk']) expect(fqdnProblem(n), n).toBeUndefined();
  });

  it.each([
    ['https://api.example.com/v1', /without a scheme: write api\.example\.com/],
    ['api.example.com/v1', /without a path: write api\.example\.com/],
    ['api.example.com:443', /without a port .*write api\.example\.com/],
    ['api.example.com.', /must not end with a dot: write api\.example\.com/],
    ['api.*.example.com', /\* only as a whole first label/],
    ['*example.com', /\* only as a whole first label/],
    ['*.com', /below a top-level domain/],
    ['*', /\* only as a whole first label|below a top-level domain/],
    ['bad_name.example.com', /invalid label "bad_name"/],
    ['-x.example.com', /invalid label "-x"/],
    ['', /must not be empty/],
  ])('refuses %j, saying what to write', (name, message) => {
    expect(fqdnProblem(name)).toMatch(message);
  });

  it('reports a bad name at its line and column with the code manifest.invalid_fqdn', () => {
    const issue = onlyIssue(jobsRule('name: saas', 'to_fqdn: [ok.example.com, "https://x.example.com"]', 'port: 443'));
    expect(issue).toMatchObject({ line: 5, path: `${RULE}.to_fqdn[1]`, code: 'manifest.invalid_fqdn', message: expect.stringMatching(/write x\.example\.com/) });
  });

  it('lower-cases names and refuses one listed twice in different case, at the second', () => {
    const issue = onlyIssue(jobsRule('name: saas', 'to_fqdn: [API.example.com, api.EXAMPLE.com]', 'port: 443'));
    expect(issue).toMatchObject({ path: `${RULE}.to_fqdn[1]`, code: 'manifest.duplicate' });
    const m = parse(jobsRule('name: saas', 'to_fqdn: ["*.SnowflakeComputing.com"]', 'port: 443'));
    expect(m.security.network_policies.jobs_egress_allow[0]?.to_fqdn).toEqual(['*.snowflakecomputing.com']);
  });

  it('needs exactly one of to_namespace, to_cidr or to_fqdn', () => {
    const issue = onlyIssue(jobsRule('name: saas', 'to_fqdn: [a.example.com]', 'to_cidr: 10.0.0.0/8', 'port: 443'));
    expect(issue).toMatchObject({ path: RULE, code: 'manifest.exclusive_fields', message: expect.stringMatching(/exactly one of to_namespace, to_cidr or to_fqdn/) });
  });

  it('turns a to_fqdn rule into an egress-allow intent to the host names, sorted, named where the manifest asks for it', () => {
    const plan = buildIntents(parse(jobsRule('name: saas', 'to_fqdn: [s3.eu-west-1.amazonaws.com, "*.snowflakecomputing.com"]', 'port: 443')));
    expect(plan.intents.find((i) => i.id === 'floe-jobs->saas')).toMatchObject({
      to: { kind: 'fqdn', names: ['*.snowflakecomputing.com', 's3.eu-west-1.amazonaws.com'] },
      ports: [{ protocol: 'TCP', port: 443 }],
      purpose: 'egress-allow',
      source: 'jobs_egress_allow[0] "saas"',
    });
  });

  it('allow_external_https: { fqdns } replaces the address blocks of external HTTPS with the names, for jobs and platform', () => {
    const plan = buildIntents(parse(yaml('security:', '  network_policies:', '    allow_external_https: { fqdns: [api.github.com] }')));
    const https = plan.intents.filter((i) => i.purpose === 'external-https');
    expect(https.map((i) => [i.from.namespace, i.to])).toEqual([
      ['floe-platform', { kind: 'fqdn', names: ['api.github.com'] }],
      ['floe-jobs', { kind: 'fqdn', names: ['api.github.com'] }],
    ]);
    expect(plan.intents.some((i) => i.to.kind === 'cidr' && i.to.cidr === '0.0.0.0/0')).toBe(false);
  });

  it('says what allow_external_https may be when it is neither a boolean nor { fqdns }', () => {
    expect(onlyIssue(yaml('security:', '  network_policies:', '    allow_external_https: "yes"'))).toMatchObject({
      path: 'security.network_policies.allow_external_https',
      message: 'must be true, false, or { fqdns: [host names] } (HTTPS to those names only, --plugin cilium) (got "yes")',
    });
  });

  it('refuses allow_external_https: { fqdns: [] } and unknown keys in it', () => {
    const issues = issuesOf(yaml('security:', '  network_policies:', '    allow_external_https: { fqdns: [], hosts: [a.example.com] }'));
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining([expect.stringMatching(/^security\.network_policies\.allow_external_https/)]));
    expect(issues.length).toBeGreaterThan(0);
  });
});
