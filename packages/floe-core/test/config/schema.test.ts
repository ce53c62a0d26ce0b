import { describe, expect, it } from 'vitest';
import { FILE, issueAt, issuesOf, onlyIssue, parse, yaml } from '../helpers.js';
import { ManifestError } from '../../src/errors.js';
import { parseManifest } from '../../src/config/load.js';

/** One jobs_egress_allow rule; its first field is on line 4, every field starts at column 9. */
const jobsRule = (...fields: string[]) =>
  yaml('security:', '  network_policies:', '    jobs_egress_allow:', ...fields.map((f, i) => `${i === 0 ? '      - ' : '        '}${f}`));
const RULE = 'security.network_policies.jobs_egress_allow[0]';

/** pod_security fields; the first is on line 3, every field starts at column 5. */
const podSecurity = (...fields: string[]) => yaml('security:', '  pod_security:', ...fields.map((f) => `    ${f}`));
const PS = 'security.pod_security';

describe('unknown keys', () => {
  it('rejects an unknown key under security at the key, suggesting the near miss and listing the allowed keys', () => {
    expect(onlyIssue(yaml('security:', '  network_plicies: {}'))).toEqual({
      file: FILE, line: 2, col: 3, path: 'security.network_plicies', code: 'manifest.unknown_key',
      message: 'unknown field (did you mean network_policies? allowed: network_policies, pod_security, admission_guard)',
    });
  });

  it('rejects an unknown key nested deep under security', () => {
    const text = yaml('security:', '  network_policies:', '    services:', '      postgres: {ports: [5432]}');
    expect(onlyIssue(text)).toMatchObject({ line: 4, col: 7, path: 'security.network_policies.services.postgres', message: 'unknown field (allowed: polaris, otel_collector, minio, dagster)' });
  });

  it('rejects an unknown key inside an egress allow rule', () => {
    const issue = onlyIssue(jobsRule('name: pg', 'to_cidr: 10.0.0.0/8', 'port: 5432', 'comment: warehouse'));
    expect(issue).toMatchObject({ line: 7, col: 9, path: `${RULE}.comment` });
    expect(issue.message).toMatch(/^unknown field \(allowed: name, to_namespace, to_cidr, to_fqdn, to_pod_labels, port, ports, end_port, protocol\)$/);
  });

  it('rejects an unknown key under namespaces at the key', () => {
    expect(onlyIssue(yaml('namespaces:', '  platfrom: floe'))).toMatchObject({ line: 2, col: 3, path: 'namespaces.platfrom', message: 'unknown field (did you mean platform? allowed: platform, jobs)' });
  });

  it('rejects an unknown key in a domain at the key', () => {
    const text = yaml('domains:', '  - name: sales', '    owner: team-a');
    expect(onlyIssue(text)).toMatchObject({ line: 3, col: 5, path: 'domains[0].owner', message: 'unknown field (allowed: name, namespace)' });
  });

  it('ignores unknown top-level keys, which belong to the rest of floe', () => {
    const m = parse(yaml('name: acme', 'version: "2.3"', 'orchestrator: {kind: dagster}'));
    expect(m.name).toBe('acme');
    expect(m.namespaces.platform).toBe('floe-platform');
  });

  it.each([
    ['domain', 'domains'],
    ['namespace', 'namespaces'],
    ['securty', 'security'],
    ['Domains', 'domains'],
  ])('rejects the top-level key %s, a typo of %s that would silently drop its section', (typo, meant) => {
    const issue = onlyIssue(yaml('name: acme', `${typo}: []`));
    expect(issue).toMatchObject({ line: 2, col: 1, path: typo, code: 'manifest.unknown_key' });
    expect(issue.message).toContain(`did you mean ${meant}?`);
  });

  it('rejects a key of the security section written at the top level, naming where it belongs', () => {
    const issue = onlyIssue(yaml('network_policies: {}'));
    expect(issue).toMatchObject({ line: 1, col: 1, path: 'network_policies' });
    expect(issue.message).toContain('did you mean security.network_policies?');
    expect(onlyIssue(yaml('pod_securty: {}')).message).toContain('did you mean security.pod_security?');
  });

  it('keeps accepting a top-level key that is no typo of a key floe network reads (compute:)', () => {
    expect(parse(yaml('compute: {kind: k8s}', 'domains: [{name: sales}]')).domains).toHaveLength(1);
  });

  it('refuses every unknown top-level key in strict mode (the option, or floe.dev/strict: true in the manifest)', () => {
    expect(() => parseManifest(yaml('compute: {}'), FILE, { strict: true })).toThrow(ManifestError);
    const issue = onlyIssue(yaml('floe.dev/strict: true', 'compute: {}'));
    expect(issue).toMatchObject({ line: 2, col: 1, path: 'compute', code: 'manifest.unknown_key' });
    expect(issue.message).toMatch(/strict mode/);
    expect(parse(yaml('floe.dev/strict: false', 'compute: {}')).name).toBe('floe');
  });
});

describe('namespace names', () => {
  it('rejects a namespace name that is not an RFC 1123 label', () => {
    const issue = onlyIssue(yaml('namespaces:', '  platform: Floe_Platform'));
    expect(issue).toMatchObject({ file: FILE, line: 2, col: 13, path: 'namespaces.platform' });
    expect(issue.message).toMatch(/RFC 1123 label/);
    expect(issue.message).toMatch(/\(got "Floe_Platform"\)/);
  });

  it.each(['-floe', 'floe-', 'floe.jobs', 'FLOE'])('rejects the namespace name %j', (name) => {
    expect(issueAt(yaml('namespaces:', `  jobs: "${name}"`), 'namespaces.jobs')).toMatchObject({ line: 2, col: 9, message: expect.stringMatching(/RFC 1123 label/) });
  });

  it('rejects a namespace name longer than 63 characters', () => {
    const issue = onlyIssue(yaml('namespaces:', `  jobs: ${'j'.repeat(64)}`));
    expect(issue).toMatchObject({ line: 2, col: 9, path: 'namespaces.jobs' });
    expect(issue.message).toMatch(/at most 63 characters/);
  });

  it('accepts RFC 1123 labels up to 63 characters', () => {
    const long = `a${'-'.repeat(61)}z`;
    const m = parse(yaml('namespaces:', `  platform: ${long}`, '  jobs: 0jobs9'));
    expect(m.namespaces).toEqual({ platform: long, jobs: '0jobs9' });
  });
});

describe('domain names', () => {
  it('rejects a domain name that is not a lowercase label', () => {
    const issue = onlyIssue(yaml('domains:', '  - name: Sales'));
    expect(issue).toMatchObject({ line: 2, col: 11, path: 'domains[0].name' });
    expect(issue.message).toMatch(/lowercase letters, digits and "-"/);
  });

  it('rejects a domain name longer than 51 characters, since floe-<name>-domain must fit in 63', () => {
    const issue = issueAt(yaml('domains:', `  - name: ${'d'.repeat(52)}`), 'domains[0].name');
    expect(issue).toMatchObject({ line: 2, col: 11 });
    expect(issue.message).toMatch(/at most 51 characters/);
  });

  it('accepts a 51-character domain name', () => {
    const name = 'd'.repeat(51);
    expect(parse(yaml('domains:', `  - name: ${name}`)).domains).toEqual([{ name }]);
  });

  it('rejects a duplicate domain name at the second occurrence', () => {
    const issues = issuesOf(yaml('domains:', '  - name: sales', '  - name: sales'));
    expect(issues).toContainEqual({ file: FILE, line: 3, col: 11, path: 'domains[1].name', code: 'manifest.duplicate', message: expect.stringMatching(/duplicates domain "sales"/) });
    expect(issues.every((i) => i.path === 'domains[1].name')).toBe(true);
  });

  it('reports cross-section problems in the same run as field errors elsewhere', () => {
    const text = yaml(
      'domains:',
      '  - name: sales',
      '  - name: sales',
      'security:',
      '  network_policies:',
      '    jobs_egress_allow:',
      '      - {name: db, to_cidr: 10.0.0.0/8, port: 70000}',
      '    domain_egress_allow:',
      '      - {name: peek, to_namespace: floe-sales-domain, port: 80}',
    );
    expect(issuesOf(text).map((i) => `${i.line}:${i.col} ${i.path}: ${i.message}`)).toEqual([
      '3:11 domains[1].name: duplicates domain "sales"',
      '7:47 security.network_policies.jobs_egress_allow[0].port: must be 1–65535 (got 70000)',
      '9:36 security.network_policies.domain_egress_allow[0].to_namespace: floe-sales-domain is a domain namespace; domains never reach other domains',
    ]);
  });

  it('accepts distinct domain names', () => {
    expect(parse(yaml('domains:', '  - name: sales', '  - name: marketing')).domains.map((d) => d.name)).toEqual(['sales', 'marketing']);
  });
});

describe('namespace collisions', () => {
  it('rejects a domain whose explicit namespace is the platform namespace', () => {
    const issue = onlyIssue(yaml('domains:', '  - name: sales', '    namespace: floe-platform'));
    expect(issue).toMatchObject({ line: 3, col: 16, path: 'domains[0].namespace' });
    expect(issue.message).toMatch(/namespace floe-platform is already used by namespaces\.platform/);
  });

  it('rejects a domain whose derived namespace floe-<name>-domain is the jobs namespace, at the name', () => {
    const issue = onlyIssue(yaml('namespaces:', '  jobs: floe-sales-domain', 'domains:', '  - name: sales'));
    expect(issue).toMatchObject({ line: 4, col: 11, path: 'domains[0].name' });
    expect(issue.message).toMatch(/namespace floe-sales-domain is already used by namespaces\.jobs/);
  });

  it('rejects a domain whose namespace is another domain\'s namespace', () => {
    const issue = onlyIssue(yaml('domains:', '  - name: sales', '  - name: marketing', '    namespace: floe-sales-domain'));
    expect(issue).toMatchObject({ line: 4, col: 16, path: 'domains[1].namespace' });
    expect(issue.message).toMatch(/already used by domains\[0\]/);
  });

  it('accepts a domain with its own explicit namespace', () => {
    expect(parse(yaml('domains:', '  - name: sales', '    namespace: sales')).domains).toEqual([{ name: 'sales', namespace: 'sales' }]);
  });

  it('rejects a jobs namespace equal to the platform namespace', () => {
    const issue = onlyIssue(yaml('namespaces:', '  platform: floe', '  jobs: floe'));
    expect(issue).toMatchObject({ line: 3, col: 9, path: 'namespaces.jobs' });
    expect(issue.message).toMatch(/same namespace as namespaces\.platform \(floe\)/);
  });

  it('accepts distinct jobs and platform namespaces', () => {
    expect(parse(yaml('namespaces:', '  platform: floe', '  jobs: floe-batch')).namespaces).toEqual({ platform: 'floe', jobs: 'floe-batch' });
  });
});

describe('egress allow rules', () => {
  it('rejects a rule without a name, at the rule', () => {
    expect(onlyIssue(jobsRule('to_cidr: 10.0.0.0/8', 'port: 5432'))).toMatchObject({ line: 4, col: 9, path: `${RULE}.name`, message: 'is required' });
  });

  it('rejects a rule with an empty name', () => {
    const issue = onlyIssue(jobsRule('name: ""', 'to_cidr: 10.0.0.0/8', 'port: 5432'));
    expect(issue).toMatchObject({ line: 4, col: 15, path: `${RULE}.name` });
    expect(issue.message).toMatch(/must not be empty/);
  });

  it.each(['Warehouse', 'kafka_brokers', 'two words', '-db', 'db-', '<script>x</script>', '## heading', 'a\u001b[31m', 'a'.repeat(64)])(
    'rejects the rule name %j: it names the rule in the summary, the terminal and policy names, so it is a DNS label',
    (name) => {
      const issue = onlyIssue(jobsRule(`name: ${JSON.stringify(name)}`, 'to_cidr: 10.0.0.0/8', 'port: 5432'));
      expect(issue).toMatchObject({ path: `${RULE}.name`, code: name.length > 63 ? 'manifest.out_of_range' : 'manifest.invalid_format' });
      expect(issue.message).toMatch(name.length > 63 ? /^must be at most 63 characters/ : /^must be a DNS label: lowercase letters, digits and "-"/);
    },
  );

  it('accepts a rule name of 63 lowercase letters, digits and "-"', () => {
    const name = `a-${'0'.repeat(60)}z`;
    expect(parse(jobsRule(`name: ${name}`, 'to_cidr: 10.0.0.0/8', 'port: 5432')).security.network_policies.jobs_egress_allow[0]?.name).toBe(name);
  });

  it('accepts a named rule and keeps its fields', () => {
    const m = parse(jobsRule('name: pg', 'to_cidr: 10.20.0.0/16', 'port: 5432'));
    expect(m.security.network_policies.jobs_egress_allow).toEqual([{ name: 'pg', to_cidr: '10.20.0.0/16', port: 5432, protocol: 'TCP' }]);
  });

  it('rejects a rule with both to_namespace and to_cidr', () => {
    const issue = onlyIssue(jobsRule('name: x', 'to_namespace: kafka', 'to_cidr: 10.0.0.0/8', 'port: 9092'));
    expect(issue).toMatchObject({ line: 4, col: 9, path: RULE });
    expect(issue.message).toMatch(/exactly one of to_namespace, to_cidr or to_fqdn/);
  });

  it('rejects a rule with neither to_namespace nor to_cidr', () => {
    const issue = onlyIssue(jobsRule('name: x', 'port: 9092'));
    expect(issue).toMatchObject({ line: 4, col: 9, path: RULE });
    expect(issue.message).toMatch(/exactly one of to_namespace, to_cidr or to_fqdn/);
  });

  it('accepts a rule with only to_namespace', () => {
    const [rule] = parse(jobsRule('name: kafka', 'to_namespace: kafka', 'port: 9092')).security.network_policies.jobs_egress_allow;
    expect(rule).toEqual({ name: 'kafka', to_namespace: 'kafka', port: 9092, protocol: 'TCP' });
  });

  it('rejects to_pod_labels without to_namespace', () => {
    const issue = onlyIssue(jobsRule('name: x', 'to_cidr: 10.0.0.0/8', 'to_pod_labels: {app: db}', 'port: 5432'));
    expect(issue).toMatchObject({ line: 6, col: 24, path: `${RULE}.to_pod_labels` });
    expect(issue.message).toMatch(/only allowed together with to_namespace/);
  });

  it('accepts to_pod_labels together with to_namespace', () => {
    const [rule] = parse(jobsRule('name: x', 'to_namespace: kafka', 'to_pod_labels: {app: broker}', 'port: 9092')).security.network_policies.jobs_egress_allow;
    expect(rule?.to_pod_labels).toEqual({ app: 'broker' });
  });

  it('rejects a rule with both port and ports', () => {
    const issue = onlyIssue(jobsRule('name: x', 'to_cidr: 10.0.0.0/8', 'port: 80', 'ports: [443]'));
    expect(issue).toMatchObject({ line: 4, col: 9, path: RULE });
    expect(issue.message).toMatch(/exactly one of port or ports/);
  });

  it('rejects a rule with neither port nor ports', () => {
    const issue = onlyIssue(jobsRule('name: x', 'to_cidr: 10.0.0.0/8'));
    expect(issue).toMatchObject({ line: 4, col: 9, path: RULE });
    expect(issue.message).toMatch(/exactly one of port or ports/);
  });

  it('accepts a rule with a ports list', () => {
    const [rule] = parse(jobsRule('name: x', 'to_cidr: 10.0.0.0/8', 'ports: [80, 443]')).security.network_policies.jobs_egress_allow;
    expect(rule?.ports).toEqual([80, 443]);
  });

  it('rejects port 70000 with the allowed range and the value', () => {
    expect(onlyIssue(jobsRule('name: x', 'to_cidr: 10.0.0.0/8', 'port: 70000'))).toEqual({
      file: FILE, line: 6, col: 15, path: `${RULE}.port`, code: 'manifest.out_of_range', message: 'must be 1–65535 (got 70000)',
    });
  });

  it('rejects port 0', () => {
    expect(onlyIssue(jobsRule('name: x', 'to_cidr: 10.0.0.0/8', 'port: 0'))).toMatchObject({ path: `${RULE}.port`, message: 'must be 1–65535 (got 0)' });
  });

  it('rejects an out-of-range entry of a ports list at that entry', () => {
    expect(onlyIssue(jobsRule('name: x', 'to_cidr: 10.0.0.0/8', 'ports: [80, 70000]'))).toMatchObject({
      line: 6, col: 21, path: `${RULE}.ports[1]`, message: 'must be 1–65535 (got 70000)',
    });
  });

  it('rejects a fractional port', () => {
    const issue = onlyIssue(jobsRule('name: x', 'to_cidr: 10.0.0.0/8', 'port: 80.5'));
    expect(issue).toMatchObject({ line: 6, col: 15, path: `${RULE}.port` });
    expect(issue.message).toMatch(/whole number/);
  });

  it('accepts ports 1 and 65535', () => {
    const [rule] = parse(jobsRule('name: x', 'to_cidr: 10.0.0.0/8', 'ports: [1, 65535]')).security.network_policies.jobs_egress_allow;
    expect(rule?.ports).toEqual([1, 65535]);
  });

  it('rejects end_port with a ports list', () => {
    const issue = onlyIssue(jobsRule('name: x', 'to_cidr: 10.0.0.0/8', 'ports: [9092]', 'end_port: 9094'));
    expect(issue).toMatchObject({ line: 7, col: 19, path: `${RULE}.end_port` });
    expect(issue.message).toMatch(/only allowed together with port/);
  });

  it('rejects end_port below port', () => {
    const issue = onlyIssue(jobsRule('name: x', 'to_cidr: 10.0.0.0/8', 'port: 9094', 'end_port: 9092'));
    expect(issue).toMatchObject({ line: 7, col: 19, path: `${RULE}.end_port` });
    expect(issue.message).toMatch(/must be at least port \(9094\)/);
  });

  it('accepts end_port equal to or above port', () => {
    const text = yaml(
      'security:', '  network_policies:', '    jobs_egress_allow:',
      '      - {name: one, to_cidr: 10.0.0.0/8, port: 9092, end_port: 9092}',
      '      - {name: range, to_cidr: 10.0.0.0/8, port: 9092, end_port: 9094}',
    );
    expect(parse(text).security.network_policies.jobs_egress_allow.map((r) => [r.port, r.end_port])).toEqual([[9092, 9092], [9092, 9094]]);
  });

  it('rejects a protocol other than TCP, UDP or SCTP', () => {
    const issue = onlyIssue(jobsRule('name: x', 'to_cidr: 10.0.0.0/8', 'port: 1', 'protocol: ICMP'));
    expect(issue).toMatchObject({ line: 7, col: 19, path: `${RULE}.protocol` });
    expect(issue.message).toMatch(/must be one of TCP, UDP, SCTP/);
    expect(issue.message).toMatch(/ICMP/);
  });

  it('defaults protocol to TCP and accepts UDP and SCTP', () => {
    const text = yaml(
      'security:', '  network_policies:', '    jobs_egress_allow:',
      '      - {name: a, to_cidr: 10.0.0.0/8, port: 1}',
      '      - {name: b, to_cidr: 10.0.0.0/8, port: 1, protocol: UDP}',
      '      - {name: c, to_cidr: 10.0.0.0/8, port: 1, protocol: SCTP}',
    );
    expect(parse(text).security.network_policies.jobs_egress_allow.map((r) => r.protocol)).toEqual(['TCP', 'UDP', 'SCTP']);
  });

  it('rejects a to_cidr without a prefix length', () => {
    const issue = onlyIssue(jobsRule('name: x', 'to_cidr: 10.0.0.1', 'port: 1'));
    expect(issue).toMatchObject({ line: 5, col: 18, path: `${RULE}.to_cidr` });
    expect(issue.message).toMatch(/must be a CIDR/);
  });

  it('rejects a to_cidr that is not an IP address', () => {
    const issue = onlyIssue(jobsRule('name: x', 'to_cidr: db.internal/32', 'port: 1'));
    expect(issue).toMatchObject({ line: 5, col: 18, path: `${RULE}.to_cidr` });
    expect(issue.message).toMatch(/not an IPv4 or IPv6 address/);
  });

  it('rejects an IPv4 to_cidr with host bits set, naming the corrected network', () => {
    const issue = onlyIssue(jobsRule('name: x', 'to_cidr: 10.1.2.3/8', 'port: 1'));
    expect(issue).toMatchObject({ line: 5, col: 18, path: `${RULE}.to_cidr` });
    expect(issue.message).toMatch(/host bits are set; the network is 10\.0\.0\.0\/8/);
  });

  it('rejects an IPv6 to_cidr with host bits set, naming the corrected network', () => {
    const issue = onlyIssue(jobsRule('name: x', 'to_cidr: 2001:db8::1/32', 'port: 1'));
    expect(issue).toMatchObject({ line: 5, col: 18, path: `${RULE}.to_cidr` });
    expect(issue.message).toMatch(/host bits are set; the network is 2001:db8::\/32/);
  });

  it('accepts IPv4 and IPv6 to_cidr networks', () => {
    const text = yaml(
      'security:', '  network_policies:', '    jobs_egress_allow:',
      '      - {name: a, to_cidr: 10.20.0.0/16, port: 5432}',
      '      - {name: b, to_cidr: "2001:db8::/32", port: 5432}',
    );
    expect(parse(text).security.network_policies.jobs_egress_allow.map((r) => r.to_cidr)).toEqual(['10.20.0.0/16', '2001:db8::/32']);
  });
});

describe('domain egress', () => {
  const domainEgress = (to: string) =>
    yaml('domains:', '  - name: sales', 'security:', '  network_policies:', '    domain_egress_allow:', '      - name: peek', `        to_namespace: ${to}`, '        port: 8080');

  it('rejects domain_egress_allow to a domain namespace: domains never reach other domains', () => {
    const issue = onlyIssue(domainEgress('floe-sales-domain'));
    expect(issue).toMatchObject({ line: 7, col: 23, path: 'security.network_policies.domain_egress_allow[0].to_namespace' });
    expect(issue.message).toMatch(/floe-sales-domain is a domain namespace; domains never reach other domains/);
  });

  it('rejects domain_egress_allow to a domain\'s explicit namespace', () => {
    const text = yaml(
      'domains:', '  - name: sales', '    namespace: sales',
      'security:', '  network_policies:', '    domain_egress_allow:', '      - {name: peek, to_namespace: sales, port: 80}',
    );
    expect(onlyIssue(text)).toMatchObject({ line: 7, path: 'security.network_policies.domain_egress_allow[0].to_namespace', message: expect.stringMatching(/sales is a domain namespace/) });
  });

  it('accepts domain_egress_allow to a namespace floe does not manage', () => {
    expect(parse(domainEgress('kafka')).security.network_policies.domain_egress_allow[0]?.to_namespace).toBe('kafka');
  });

  it('accepts jobs_egress_allow to a domain namespace', () => {
    const text = yaml('domains:', '  - name: sales', 'security:', '  network_policies:', '    jobs_egress_allow:', '      - {name: api, to_namespace: floe-sales-domain, port: 8080}');
    expect(parse(text).security.network_policies.jobs_egress_allow[0]?.to_namespace).toBe('floe-sales-domain');
  });
});

describe('kubernetes_api', () => {
  const api = (...fields: string[]) => yaml('security:', '  network_policies:', '    kubernetes_api:', ...fields.map((f) => `      ${f}`));

  it('rejects a kubernetes_api cidr with host bits set, naming the corrected network', () => {
    const issue = onlyIssue(api('cidrs: [10.96.0.1/24]'));
    expect(issue).toMatchObject({ line: 4, col: 15, path: 'security.network_policies.kubernetes_api.cidrs[0]' });
    expect(issue.message).toMatch(/the network is 10\.96\.0\.0\/24/);
  });

  it('rejects a kubernetes_api cidr that is not a CIDR', () => {
    const issue = onlyIssue(api('cidrs: [10.96.0.1/32, kubernetes.default]'));
    expect(issue).toMatchObject({ line: 4, col: 29, path: 'security.network_policies.kubernetes_api.cidrs[1]' });
    expect(issue.message).toMatch(/must be a CIDR/);
  });

  it('rejects an empty kubernetes_api ports list', () => {
    const issue = onlyIssue(api('ports: []'));
    expect(issue).toMatchObject({ line: 4, col: 14, path: 'security.network_policies.kubernetes_api.ports' });
    expect(issue.message).toMatch(/at least one port/);
  });

  it('accepts IPv4 and IPv6 kubernetes_api cidrs', () => {
    expect(parse(api('cidrs: [10.96.0.1/32, "fd00::1/128"]')).security.network_policies.kubernetes_api).toEqual({ cidrs: ['10.96.0.1/32', 'fd00::1/128'], ports: [443, 6443] });
  });
});

describe('labels', () => {
  /** dns.pod_labels entries; the first is on line 5, every entry starts at column 9. */
  const dnsLabels = (...entries: string[]) =>
    yaml('security:', '  network_policies:', '    dns:', '      pod_labels:', ...entries.map((e) => `        ${e}`));
  const LABELS = 'security.network_policies.dns.pod_labels';

  it('rejects a label key that is not [prefix/]name, at the key, saying what a label key is', () => {
    const issue = onlyIssue(dnsLabels('"bad key": x'));
    expect(issue).toMatchObject({ line: 5, col: 9, path: `${LABELS}.bad key`, message: expect.stringMatching(/label key/) });
  });

  it.each(['Example.com/app', 'example.com/', '-app', 'app-', `${'k'.repeat(64)}`])('rejects the label key %j', (key) => {
    expect(issueAt(dnsLabels(`"${key}": x`), `${LABELS}.${key}`)).toMatchObject({ line: 5 });
  });

  it('accepts label keys with and without a DNS-subdomain prefix', () => {
    const m = parse(dnsLabels('app.kubernetes.io/name: coredns', 'k8s-app: kube-dns', 'A_b.c: x'));
    expect(m.security.network_policies.dns.pod_labels).toEqual({ 'app.kubernetes.io/name': 'coredns', 'k8s-app': 'kube-dns', 'A_b.c': 'x' });
  });

  it('rejects a label value that does not start and end with an alphanumeric character', () => {
    const issue = onlyIssue(dnsLabels('k8s-app: "-bad-"'));
    expect(issue).toMatchObject({ line: 5, col: 18, path: `${LABELS}.k8s-app` });
    expect(issue.message).toMatch(/label value/);
  });

  it('rejects a label value longer than 63 characters', () => {
    const issue = onlyIssue(dnsLabels(`k8s-app: ${'v'.repeat(64)}`));
    expect(issue).toMatchObject({ line: 5, col: 18, path: `${LABELS}.k8s-app` });
    expect(issue.message).toMatch(/at most 63 characters/);
  });

  it('accepts an empty label value and a 63-character value', () => {
    const m = parse(dnsLabels('empty: ""', `long: ${'v'.repeat(63)}`, 'mixed: V1.2_3-x'));
    expect(m.security.network_policies.dns.pod_labels).toEqual({ empty: '', long: 'v'.repeat(63), mixed: 'V1.2_3-x' });
  });
});

describe('pod security levels', () => {
  it('rejects a level outside privileged, baseline, restricted', () => {
    const issue = onlyIssue(podSecurity('jobs_level: strict'));
    expect(issue).toMatchObject({ line: 3, col: 17, path: `${PS}.jobs_level` });
    expect(issue.message).toMatch(/must be one of privileged, baseline, restricted/);
    expect(issue.message).toMatch(/strict/);
  });

  it('accepts each level name', () => {
    const m = parse(podSecurity('jobs_level: baseline', 'platform_level: privileged', 'domain_level: restricted'));
    expect([m.security.pod_security.jobs_level, m.security.pod_security.platform_level, m.security.pod_security.domain_level]).toEqual(['baseline', 'privileged', 'restricted']);
  });

  it('rejects an audit_level weaker than the strictest enforced level', () => {
    const issue = onlyIssue(podSecurity('audit_level: baseline'));
    expect(issue).toMatchObject({ file: FILE, line: 3, col: 18, path: `${PS}.audit_level` });
    expect(issue.message).toMatch(/must not be weaker than the strictest enforced level/);
    expect(issue.message).toMatch(/jobs_level is restricted/);
    expect(issue.message).toMatch(/baseline/);
  });

  it('rejects a warn_level weaker than the strictest enforced level, naming that level', () => {
    const issue = onlyIssue(podSecurity('jobs_level: baseline', 'domain_level: restricted', 'warn_level: privileged'));
    expect(issue).toMatchObject({ line: 5, col: 17, path: `${PS}.warn_level` });
    expect(issue.message).toMatch(/weaker than the strictest enforced level/);
    expect(issue.message).toMatch(/domain_level is restricted/);
    expect(issue.message).toMatch(/privileged/);
  });

  it('accepts audit and warn levels equal to or stricter than every enforced level', () => {
    const m = parse(podSecurity('jobs_level: baseline', 'domain_level: baseline', 'audit_level: baseline', 'warn_level: restricted'));
    expect(m.security.pod_security).toMatchObject({ audit_level: 'baseline', warn_level: 'restricted' });
  });
});

describe('seccomp', () => {
  it('rejects seccomp_profile Localhost without localhost_profile, at pod_security', () => {
    const issue = onlyIssue(podSecurity('seccomp_profile: Localhost'));
    expect(issue).toMatchObject({ line: 2, col: 3, path: `${PS}.localhost_profile` });
    expect(issue.message).toMatch(/required when seccomp_profile is Localhost/);
  });

  it('rejects localhost_profile when seccomp_profile is not Localhost', () => {
    const issue = onlyIssue(podSecurity('localhost_profile: profiles/floe.json'));
    expect(issue).toMatchObject({ line: 3, col: 24, path: `${PS}.localhost_profile` });
    expect(issue.message).toMatch(/only allowed when seccomp_profile is Localhost/);
  });

  it('accepts seccomp_profile Localhost with localhost_profile', () => {
    const m = parse(podSecurity('seccomp_profile: Localhost', 'localhost_profile: profiles/floe.json'));
    expect(m.security.pod_security).toMatchObject({ seccomp_profile: 'Localhost', localhost_profile: 'profiles/floe.json' });
  });
});

describe('writable_paths', () => {
  const firstPath = (p: string) => onlyIssue(podSecurity(`writable_paths: ["${p}"]`));

  it('rejects a relative path', () => {
    expect(firstPath('tmp')).toMatchObject({ line: 3, col: 22, path: `${PS}.writable_paths[0]`, message: expect.stringMatching(/must be an absolute path/) });
  });

  it('rejects a path that is not normalised, suggesting the normal form', () => {
    expect(firstPath('/tmp/../etc').message).toMatch(/must be normalised \(did you mean \/etc\?\)/);
    expect(firstPath('/tmp/').message).toMatch(/must be normalised \(did you mean \/tmp\?\)/);
    expect(firstPath('//tmp').message).toMatch(/did you mean \/tmp\?/);
  });

  it('rejects / because it would make the whole root file system writable', () => {
    expect(firstPath('/')).toMatchObject({ line: 3, col: 22, path: `${PS}.writable_paths[0]`, message: expect.stringMatching(/must not be \//) });
  });

  it.each(['/proc', '/proc/self', '/sys/kernel', '/dev', '/dev/shm'])('rejects %s, which is under /proc, /sys or /dev', (p) => {
    expect(firstPath(p)).toMatchObject({ path: `${PS}.writable_paths[0]`, message: expect.stringMatching(/must not be under \/proc, \/sys or \/dev/) });
  });

  it('rejects a duplicate path at the repeated entry', () => {
    const issue = onlyIssue(podSecurity('writable_paths: [/tmp, /data, /tmp]'));
    expect(issue).toMatchObject({ line: 3, col: 35, path: `${PS}.writable_paths[2]` });
    expect(issue.message).toMatch(/duplicates \/tmp/);
  });

  it('accepts absolute, normalised paths outside the kernel file systems', () => {
    const paths = ['/tmp', '/home/floe', '/var/cache/app', '/procedures', '/device-data'];
    expect(parse(podSecurity(`writable_paths: [${paths.join(', ')}]`)).security.pod_security.writable_paths).toEqual(paths);
  });
});

describe('version', () => {
  it.each(['v2.0', 'v1.35.1', '1.35', 'v1.', 'LATEST'])('rejects the version %j', (v) => {
    const issue = onlyIssue(podSecurity(`version: "${v}"`));
    expect(issue).toMatchObject({ line: 3, col: 14, path: `${PS}.version` });
    expect(issue.message).toMatch(/must be "latest" or a Kubernetes minor version/);
  });

  it.each([['1.30', 'v1.30'], ['1.9', 'v1.9']])('hints how to write the version %s that YAML reads as a number', (written, hint) => {
    const issue = onlyIssue(podSecurity(`version: ${written}`));
    expect(issue.path).toBe(`${PS}.version`);
    expect(issue.message).toBe(`must be a string: YAML reads ${written} as a number; write "${hint}" (quoted, with the v) (got ${Number(written)})`);
  });

  it.each(['latest', 'v1.35', 'v1.9'])('accepts the version %j', (v) => {
    expect(parse(podSecurity(`version: ${v}`)).security.pod_security.version).toBe(v);
  });
});

describe('exact destinations: new fields', () => {
  it('rejects a duplicate domain endpoint name at the second one', () => {
    const text = yaml('security:', '  network_policies:', '    ingress_controller:', '      domain_endpoints:', '        - {name: api, pod_labels: {app: a}, ports: [80]}', '        - {name: api, pod_labels: {app: b}, ports: [81]}');
    expect(issueAt(text, 'security.network_policies.ingress_controller.domain_endpoints[1].name').message).toBe('duplicates endpoint "api"');
  });

  it('rejects a platform service the ingress controller may reach that is not a service', () => {
    const text = yaml('security:', '  network_policies:', '    ingress_controller: {platform_services: [grafana]}');
    expect(issueAt(text, 'security.network_policies.ingress_controller.platform_services[0]').message).toMatch(/must be one of polaris, otel_collector, minio, dagster/);
  });

  it('rejects a /0 in external_https_except, which would exclude a whole address family', () => {
    const text = yaml('security:', '  network_policies:', '    external_https_except: [10.0.0.0/8, "::/0"]');
    expect(issueAt(text, 'security.network_policies.external_https_except[1]').message).toMatch(/must not be a \/0/);
  });

  it('rejects a job-run label that is not a label key', () => {
    const text = yaml('security:', '  network_policies:', '    job_run_pod_to_pod: {enabled: true, label: "bad key!"}');
    expect(issueAt(text, 'security.network_policies.job_run_pod_to_pod.label').message).toMatch(/must be a Kubernetes label key/);
  });
});
