import { describe, expect, it } from 'vitest';
import { ManifestError } from '../../src/errors.js';
import { MAX_MANIFEST_BYTES, defaultManifest, parseManifest } from '../../src/config/load.js';
import { FILE, fixture, issuesOf, onlyIssue, parse, yaml } from '../helpers.js';

describe('YAML', () => {
  it('reports a YAML syntax error with its line and column', () => {
    const issues = issuesOf(yaml('security:', '  network_policies:', '    jobs_egress_allow: [a, b', 'namespaces: {}'));
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) {
      expect(issue).toMatchObject({ file: FILE, path: '', message: expect.stringMatching(/^YAML syntax error: /) });
    }
    expect(issues[0]).toMatchObject({ line: 4, col: 1 });
  });

  it('reports a tab-indented line as a syntax error on that line', () => {
    const issue = issuesOf(yaml('security:', '\tpod_security: {}'))[0];
    expect(issue).toMatchObject({ line: 2, message: expect.stringMatching(/^YAML syntax error: /) });
  });

  it('rejects a duplicate key at the second occurrence', () => {
    const issue = onlyIssue(yaml('namespaces:', '  jobs: a', '  platform: b', '  jobs: c'));
    expect(issue).toMatchObject({ file: FILE, line: 4, col: 3, path: '' });
    expect(issue.message).toMatch(/^duplicate key: /);
  });

  it('rejects a billion-laughs alias bomb quickly instead of expanding it', () => {
    const lines = ['l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i <= 12; i++) lines.push(`l${i}: &l${i} [${Array.from({ length: 10 }, () => `*l${i - 1}`).join(', ')}]`);
    const started = performance.now();
    const issue = onlyIssue(yaml(...lines));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(issue).toMatchObject({ line: 1, col: 1, path: '' });
    expect(issue.message).toMatch(/alias/i);
  });

  it('accepts a few legitimate aliases', () => {
    const m = parse(yaml(
      'security:', '  network_policies:',
      '    dns: {pod_labels: &labels {k8s-app: kube-dns}}',
      '    services:', '      polaris: {pod_labels: *labels}',
    ));
    expect(m.security.network_policies.services.polaris.pod_labels).toEqual({ 'k8s-app': 'kube-dns' });
  });

  it('rejects text over 1 MiB before parsing it', () => {
    const text = `# ${'x'.repeat(MAX_MANIFEST_BYTES)}\n`;
    expect(onlyIssue(text)).toMatchObject({ file: FILE, line: 1, col: 1, path: '', message: expect.stringMatching(/larger than 1048576 bytes/) });
  });

  it('counts the 1 MiB limit in UTF-8 bytes, not characters', () => {
    const text = `# ${'é'.repeat(MAX_MANIFEST_BYTES / 2)}\n`;
    expect(text.length).toBeLessThan(MAX_MANIFEST_BYTES);
    expect(onlyIssue(text).message).toMatch(/larger than/);
  });

  it('accepts a manifest of exactly 1 MiB', () => {
    const head = 'name: big\n# ';
    const text = `${head}${'x'.repeat(MAX_MANIFEST_BYTES - head.length - 1)}\n`;
    expect(Buffer.byteLength(text)).toBe(MAX_MANIFEST_BYTES);
    expect(parse(text).name).toBe('big');
  });

  it.each([
    ['a list', yaml('- a', '- b')],
    ['a string', 'floe\n'],
    ['a number', '42\n'],
  ])('rejects a top level that is %s', (_what, text) => {
    expect(onlyIssue(text)).toEqual({ file: FILE, line: 1, col: 1, path: '', code: 'manifest.not_a_mapping', message: expect.stringMatching(/must be a mapping/) });
  });

  it('throws ManifestError, an input error, whose message lists file:line:col', () => {
    let caught: unknown;
    try {
      parseManifest(yaml('namespaces:', '  jobs: Jobs'), 'ci/manifest.yaml');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ManifestError);
    expect((caught as ManifestError).category).toBe('input');
    expect((caught as ManifestError).message).toMatch(/ci\/manifest\.yaml:2:9 namespaces\.jobs: /);
  });
});

describe('reporting', () => {
  it('reports all three problems of a manifest, sorted by line, with their lines and columns', () => {
    const issues = issuesOf(fixture('three-errors.yaml'));
    expect(issues.map(({ line, col, path }) => ({ line, col, path }))).toEqual([
      { line: 4, col: 28, path: 'security.pod_security.writable_paths[1]' },
      { line: 8, col: 18, path: 'security.network_policies.jobs_egress_allow[0].to_cidr' },
      { line: 11, col: 13, path: 'namespaces.platform' },
    ]);
    expect(issues[0]?.message).toMatch(/under \/proc, \/sys or \/dev/);
    expect(issues[1]?.message).toMatch(/the network is 10\.0\.0\.0\/8/);
    expect(issues[2]?.message).toMatch(/RFC 1123/);
  });
});

describe('values that are not what a field expects', () => {
  // Found by the random-document property test: String() of such a mapping throws, which was exit 4.
  it('reports a mapping whose key is toString where a string belongs as a located problem, not a crash', () => {
    const issues = issuesOf(yaml('domains:', '  - toString: false', 'namespaces:', '  jobs: { toString: false }'));
    expect(issues.map(({ line, path }) => ({ line, path }))).toEqual([
      { line: 2, path: 'domains[0].name' },
      { line: 2, path: 'domains[0].toString' },
      { line: 4, path: 'namespaces.jobs' },
    ]);
  });
});

describe('defaults', () => {
  const DEFAULTS = {
    name: 'floe',
    namespaces: { platform: 'floe-platform', jobs: 'floe-jobs' },
    domains: [],
    security: {
      network_policies: {
        enabled: true,
        default_deny: true,
        allow_external_https: true,
        ingress_controller_namespace: 'ingress-nginx',
        dns: { namespace: 'kube-system', pod_labels: { 'k8s-app': 'kube-dns' }, cidrs: [] },
        kubernetes_api: { cidrs: [], ports: [443, 6443] },
        services: {
          polaris: { ports: [8181], pod_labels: { 'app.kubernetes.io/component': 'polaris' } },
          otel_collector: { ports: [4317, 4318], pod_labels: { 'app.kubernetes.io/component': 'otel-collector' } },
          minio: { ports: [9000], pod_labels: { 'app.kubernetes.io/name': 'minio' } },
          dagster: { ports: [3000], pod_labels: { 'app.kubernetes.io/name': 'dagster' } },
        },
        ingress_controller: { pod_labels: { 'app.kubernetes.io/name': 'ingress-nginx' }, platform_services: ['dagster'], domain_endpoints: [] },
        external_https_except: [
          '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16',
          '::1/128', '64:ff9b::/96', 'fc00::/7', 'fe80::/10',
        ],
        job_run_pod_to_pod: { enabled: false, label: 'floe.dev/job-run' },
        jobs_egress_allow: [],
        platform_egress_allow: [],
        domain_egress_allow: [],
        cluster_guardrails: 'off',
        cluster_guardrail_priorities: { metadata_endpoints: 10, jobs_isolation: 15, domain_isolation: 20, baseline: 1000 },
      },
      pod_security: {
        enabled: true,
        jobs_level: 'restricted',
        platform_level: 'baseline',
        domain_level: 'restricted',
        audit_level: 'restricted',
        warn_level: 'restricted',
        version: 'latest',
        run_as_user: 1000,
        run_as_group: 1000,
        fs_group: 1000,
        seccomp_profile: 'RuntimeDefault',
        read_only_root_filesystem: true,
        writable_paths: ['/tmp', '/home/floe'],
      },
      admission_guard: { mode: 'off', appliers: { users: [], groups: ['system:masters'], service_accounts: [] }, automount_service_accounts: [] },
    },
  };

  it('reads empty text as the documented defaults', () => {
    expect(parse('')).toEqual(DEFAULTS);
  });

  it('reads a comment-only or null document as the defaults', () => {
    expect(parse('# nothing here\n')).toEqual(DEFAULTS);
    expect(parse('~\n')).toEqual(DEFAULTS);
  });

  it('reads empty security sections as the defaults', () => {
    expect(parse(yaml('namespaces: {}', 'security:', '  network_policies: {}', '  pod_security: {}'))).toEqual(DEFAULTS);
  });

  it('gives the built-in defaults a source name and the sha256 of the empty document', () => {
    const d = defaultManifest();
    expect(d.config).toEqual(DEFAULTS);
    expect(d.source).toBe('<built-in defaults>');
    expect(d.sha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('keeps polaris\'s default port 8181 when only its pod_labels are set', () => {
    const m = parse(yaml('security:', '  network_policies:', '    services:', '      polaris:', '        pod_labels: {app.kubernetes.io/name: polaris}'));
    expect(m.security.network_policies.services.polaris).toEqual({ ports: [8181], pod_labels: { 'app.kubernetes.io/name': 'polaris' } });
    expect(m.security.network_policies.services.otel_collector.ports).toEqual([4317, 4318]);
  });

  it('keeps the other dns default when only dns.namespace is set', () => {
    const m = parse(yaml('security:', '  network_policies:', '    dns: {namespace: dns-system}'));
    expect(m.security.network_policies.dns).toEqual({ namespace: 'dns-system', pod_labels: { 'k8s-app': 'kube-dns' }, cidrs: [] });
  });
});
