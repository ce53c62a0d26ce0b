import { describe, expect, it } from 'vitest';
import { FILE, issueAt, issuesOf, onlyIssue, parse, yaml } from '../helpers.js';

const NP = 'security.network_policies';
const PS = 'security.pod_security';

/** network_policies fields; the first is on line 3, every field starts at column 5. */
const networkPolicies = (...fields: string[]) => yaml('security:', '  network_policies:', ...fields.map((f) => `    ${f}`));
/** pod_security fields; the first is on line 3, every field starts at column 5. */
const podSecurity = (...fields: string[]) => yaml('security:', '  pod_security:', ...fields.map((f) => `    ${f}`));
/** One rule in `list`, written as a flow mapping on line 4 from column 9. */
const rule = (list: string, body: string, ...before: string[]) =>
  yaml(...before, 'security:', '  network_policies:', `    ${list}:`, `      - {${body}}`);

const SYSTEM_WHY: Record<string, string> = {
  'kube-system': 'it runs cluster DNS, the CNI and the other cluster add-ons',
  'kube-public': 'the kube- prefix is reserved for Kubernetes',
  'kube-node-lease': 'the kube- prefix is reserved for Kubernetes',
  default: 'it holds the kubernetes Service and every workload created without a namespace',
};
const systemMessage = (ns: string) =>
  `must not be ${ns}: ${SYSTEM_WHY[ns]}, and floe writes default-deny NetworkPolicies and Pod Security labels into every namespace it manages`;

describe('a managed namespace that Kubernetes itself uses', () => {
  it.each(Object.keys(SYSTEM_WHY))('refuses namespaces.platform: %s', (ns) => {
    expect(onlyIssue(yaml('namespaces:', `  platform: ${ns}`))).toEqual({
      file: FILE, line: 2, col: 13, path: 'namespaces.platform', code: 'manifest.system_namespace', message: systemMessage(ns),
    });
  });

  it.each(Object.keys(SYSTEM_WHY))('refuses namespaces.jobs: %s', (ns) => {
    expect(onlyIssue(yaml('namespaces:', `  jobs: ${ns}`))).toEqual({
      file: FILE, line: 2, col: 9, path: 'namespaces.jobs', code: 'manifest.system_namespace', message: systemMessage(ns),
    });
  });

  it.each(Object.keys(SYSTEM_WHY))("refuses a domain's namespace: %s", (ns) => {
    expect(onlyIssue(yaml('domains:', '  - name: sales', `    namespace: ${ns}`))).toEqual({
      file: FILE, line: 3, col: 16, path: 'domains[0].namespace', code: 'manifest.system_namespace', message: systemMessage(ns),
    });
  });

  it('refuses any kube-* namespace, which Kubernetes reserves', () => {
    expect(onlyIssue(yaml('namespaces:', '  jobs: kube-jobs')).message).toBe(
      'must not be kube-jobs: the kube- prefix is reserved for Kubernetes, and floe writes default-deny NetworkPolicies and Pod Security labels into every namespace it manages',
    );
  });

  it('refuses kube-system once, as a system namespace, though it is also the default DNS namespace', () => {
    expect(onlyIssue(yaml('namespaces:', '  platform: kube-system')).code).toBe('manifest.system_namespace');
  });

  it('accepts namespaces that merely contain "kube" or "default"', () => {
    const m = parse(yaml('namespaces:', '  platform: floe-kube-system', '  jobs: defaults', 'domains:', '  - {name: a, namespace: my-default}'));
    expect(m.namespaces).toEqual({ platform: 'floe-kube-system', jobs: 'defaults' });
  });
});

describe('ingress_controller_namespace equal to a managed namespace', () => {
  it('refuses the platform namespace, at ingress_controller_namespace', () => {
    expect(onlyIssue(networkPolicies('ingress_controller_namespace: floe-platform'))).toEqual({
      file: FILE, line: 3, col: 35, path: `${NP}.ingress_controller_namespace`, code: 'manifest.ingress_controller_in_managed_namespace',
      message: 'must not be a namespace floe manages: floe-platform is the platform namespace (namespaces.platform), and every pod there would be trusted as the ingress controller and admitted into the platform and the domains',
    });
  });

  it('refuses the jobs namespace', () => {
    expect(issueAt(networkPolicies('ingress_controller_namespace: floe-jobs'), `${NP}.ingress_controller_namespace`).message).toBe(
      'must not be a namespace floe manages: floe-jobs is the jobs namespace (namespaces.jobs), and every pod there would be trusted as the ingress controller and admitted into the platform and the domains',
    );
  });

  it("refuses a domain's namespace", () => {
    const text = yaml('domains:', '  - name: sales', 'security:', '  network_policies:', '    ingress_controller_namespace: floe-sales-domain');
    expect(onlyIssue(text)).toMatchObject({
      line: 5, col: 35, path: `${NP}.ingress_controller_namespace`,
      message: 'must not be a namespace floe manages: floe-sales-domain is the namespace of domain sales (domains[0]), and every pod there would be trusted as the ingress controller and admitted into the platform and the domains',
    });
  });

  it("refuses a managed namespace equal to the default ingress controller namespace, at the managed namespace", () => {
    expect(onlyIssue(yaml('domains:', '  - name: web', '    namespace: ingress-nginx'))).toEqual({
      file: FILE, line: 3, col: 16, path: 'domains[0].namespace', code: 'manifest.ingress_controller_in_managed_namespace',
      message: "ingress-nginx is the ingress controller's namespace (security.network_policies.ingress_controller_namespace): every pod there is trusted as the ingress controller, so floe must not manage it",
    });
  });

  it('accepts an ingress controller in kube-system (RKE2 and k3s run theirs there)', () => {
    expect(parse(networkPolicies('ingress_controller_namespace: kube-system')).security.network_policies.ingress_controller_namespace).toBe('kube-system');
  });
});

describe('the DNS namespace and selector', () => {
  it('refuses dns.namespace equal to a managed namespace, at dns.namespace', () => {
    expect(onlyIssue(networkPolicies('dns: {namespace: floe-jobs}'))).toEqual({
      file: FILE, line: 3, col: 22, path: `${NP}.dns.namespace`, code: 'manifest.dns_in_managed_namespace',
      message: 'must not be a namespace floe manages: floe-jobs is the jobs namespace (namespaces.jobs), and every managed namespace would reach pods there on port 53, a flow across domains',
    });
  });

  it("refuses dns.namespace equal to a domain's namespace", () => {
    const text = yaml('domains:', '  - {name: dns, namespace: coredns}', 'security:', '  network_policies:', '    dns: {namespace: coredns}');
    expect(onlyIssue(text)).toMatchObject({
      line: 5, col: 22, path: `${NP}.dns.namespace`,
      message: 'must not be a namespace floe manages: coredns is the namespace of domain dns (domains[0]), and every managed namespace would reach pods there on port 53, a flow across domains',
    });
  });

  it('refuses dns.pod_labels: {}, which would open port 53 to every pod of the DNS namespace', () => {
    expect(onlyIssue(networkPolicies('dns: {pod_labels: {}}'))).toEqual({
      file: FILE, line: 3, col: 23, path: `${NP}.dns.pod_labels`, code: 'manifest.empty_selector',
      message: 'must name at least one label: an empty selector matches every pod in kube-system, and every managed namespace would reach all of them on port 53',
    });
  });

  it('reports a bad label key in dns.pod_labels once, not also as an empty selector', () => {
    const issues = issuesOf(networkPolicies('dns: {pod_labels: {"bad key": x}}'));
    expect(issues.map((i) => i.code)).toEqual(['manifest.invalid_label_key']);
  });

  it('accepts a DNS namespace floe does not manage, with labels', () => {
    const m = parse(networkPolicies('dns: {namespace: coredns, pod_labels: {app: coredns}}'));
    expect(m.security.network_policies.dns).toEqual({ namespace: 'coredns', pod_labels: { app: 'coredns' }, cidrs: [] });
  });
});

describe('run_as_user 0', () => {
  const MESSAGE =
    'must not be 0: the floe-hardened template sets runAsNonRoot: true, and the kubelet refuses to start a container that would run as root under it; choose a non-root UID (a workload that must run as root cannot use the hardened template)';

  it('refuses run_as_user 0, since the template says runAsNonRoot: true', () => {
    expect(onlyIssue(podSecurity('run_as_user: 0'))).toEqual({ file: FILE, line: 3, col: 18, path: `${PS}.run_as_user`, code: 'manifest.root_user', message: MESSAGE });
  });

  it('refuses run_as_user 0 at every level, also when no level is restricted', () => {
    const text = podSecurity('jobs_level: baseline', 'platform_level: baseline', 'domain_level: baseline', 'audit_level: baseline', 'warn_level: baseline', 'run_as_user: 0');
    expect(onlyIssue(text)).toMatchObject({ line: 8, path: `${PS}.run_as_user`, message: MESSAGE });
  });

  it('refuses run_as_user 0 when pod security labels are disabled, since the template is still written', () => {
    expect(onlyIssue(podSecurity('enabled: false', 'run_as_user: 0'))).toMatchObject({ path: `${PS}.run_as_user`, code: 'manifest.root_user' });
  });

  it('accepts run_as_group 0 and fs_group 0 with a non-root user (Pod Security does not restrict groups)', () => {
    expect(parse(podSecurity('run_as_user: 1001', 'run_as_group: 0', 'fs_group: 0')).security.pod_security).toMatchObject({ run_as_user: 1001, run_as_group: 0, fs_group: 0 });
  });
});

describe('privileged Pod Security for jobs and domains', () => {
  it.each([
    ['jobs_level', 'pipeline jobs'],
    ['domain_level', 'domain workloads'],
  ])('refuses %s: privileged', (key, who) => {
    const text = podSecurity(`${key}: privileged`, 'audit_level: restricted');
    expect(issueAt(text, `${PS}.${key}`)).toEqual({
      file: FILE, line: 3, col: key.length + 7, path: `${PS}.${key}`, code: 'manifest.privileged_workloads',
      message: `must not be privileged: it admits hostNetwork pods, which NetworkPolicy does not isolate, so ${who} could bypass every floe policy; use baseline or restricted`,
    });
  });

  it('accepts platform_level: privileged: the platform team deploys those components itself', () => {
    expect(parse(podSecurity('platform_level: privileged')).security.pod_security.platform_level).toBe('privileged');
  });

  it('accepts privileged levels when pod security is disabled', () => {
    expect(parse(podSecurity('enabled: false', 'jobs_level: privileged')).security.pod_security.jobs_level).toBe('privileged');
  });
});

describe('egress rules that would widen access', () => {
  it('refuses a rule to kube-system without to_pod_labels, at to_namespace', () => {
    expect(onlyIssue(rule('jobs_egress_allow', 'name: metrics, to_namespace: kube-system, port: 443'))).toEqual({
      file: FILE, line: 4, col: 39, path: `${NP}.jobs_egress_allow[0].to_namespace`, code: 'manifest.namespace_wide_system_egress',
      message: 'kube-system is a Kubernetes system namespace: name the pods to reach with to_pod_labels, or the rule reaches every pod there (DNS, the CNI, controllers) on its ports',
    });
  });

  it('refuses a rule to the DNS namespace without to_pod_labels', () => {
    const text = yaml('security:', '  network_policies:', '    dns: {namespace: coredns, pod_labels: {app: coredns}}', '    platform_egress_allow:', '      - {name: dns-admin, to_namespace: coredns, port: 9153}');
    expect(onlyIssue(text)).toMatchObject({
      line: 5, col: 41, path: `${NP}.platform_egress_allow[0].to_namespace`,
      message: 'coredns is the DNS namespace: name the pods to reach with to_pod_labels, or the rule reaches every pod there (DNS, the CNI, controllers) on its ports',
    });
  });

  it('accepts a rule to kube-system that names its pods', () => {
    const [r] = parse(rule('domain_egress_allow', 'name: metrics, to_namespace: kube-system, to_pod_labels: {k8s-app: metrics-server}, port: 443')).security.network_policies.domain_egress_allow;
    expect(r?.to_pod_labels).toEqual({ 'k8s-app': 'metrics-server' });
  });

  it('accepts a rule to a managed namespace without to_pod_labels: it names the namespace and the ports', () => {
    const [r] = parse(rule('jobs_egress_allow', 'name: trino, to_namespace: floe-platform, port: 8080')).security.network_policies.jobs_egress_allow;
    expect(r?.to_namespace).toBe('floe-platform');
  });

  it('refuses to_pod_labels: {}, which matches every pod of the namespace', () => {
    expect(onlyIssue(rule('jobs_egress_allow', 'name: kafka, to_namespace: kafka, to_pod_labels: {}, port: 9092'))).toEqual({
      file: FILE, line: 4, col: 59, path: `${NP}.jobs_egress_allow[0].to_pod_labels`, code: 'manifest.empty_selector',
      message: 'must name at least one label: an empty selector matches every pod in kafka',
    });
  });

  it.each(['0.0.0.0/0', '::/0'])('refuses to_cidr %s, every address', (cidr) => {
    expect(onlyIssue(rule('domain_egress_allow', `name: anywhere, to_cidr: "${cidr}", port: 8080`))).toEqual({
      file: FILE, line: 4, col: 35, path: `${NP}.domain_egress_allow[0].to_cidr`, code: 'manifest.unbounded_cidr',
      message: `must not be ${cidr}, every address: that includes the pods of every namespace, the nodes and the cloud metadata service (169.254.169.254). Name the networks to reach; for HTTPS to the internet use allow_external_https`,
    });
  });

  it('accepts a broad but bounded CIDR on every port', () => {
    const [r] = parse(rule('jobs_egress_allow', 'name: legacy, to_cidr: 10.20.0.0/16, port: 1, end_port: 65535')).security.network_policies.jobs_egress_allow;
    expect(r).toMatchObject({ to_cidr: '10.20.0.0/16', port: 1, end_port: 65535 });
  });

  it('refuses kubernetes_api.cidrs 0.0.0.0/0', () => {
    expect(onlyIssue(networkPolicies('kubernetes_api: {cidrs: [10.96.0.1/32, 0.0.0.0/0]}'))).toEqual({
      file: FILE, line: 3, col: 44, path: `${NP}.kubernetes_api.cidrs[1]`, code: 'manifest.unbounded_cidr',
      message: "must not be 0.0.0.0/0: name the API server's own addresses; every address would open the API ports to every pod, node and external host",
    });
  });
});

describe('IPv4 ranges written as IPv6', () => {
  // Kubernetes (Go's net.ParseCIDR) reads ::ffff:a.b.c.d/n, n >= 96, as the IPv4 range a.b.c.d/(n-96).
  it('refuses to_cidr ::ffff:0.0.0.0/96, naming the IPv4 range 0.0.0.0/0 that Kubernetes reads', () => {
    expect(onlyIssue(rule('jobs_egress_allow', 'name: anywhere, to_cidr: "::ffff:0.0.0.0/96", port: 443'))).toEqual({
      file: FILE, line: 4, col: 35, path: `${NP}.jobs_egress_allow[0].to_cidr`, code: 'manifest.invalid_cidr',
      message: '::ffff:0.0.0.0/96 is the IPv4 range 0.0.0.0/0 (an IPv4-mapped IPv6 range, which Kubernetes reads as IPv4): write that (and floe refuses /0)',
    });
  });

  it.each([
    ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
    ['::ffff:a00:0/104', '10.0.0.0/8'],
    ['::FFFF:169.254.169.254/128', '169.254.169.254/32'],
    ['0:0:0:0:0:ffff:10.0.0.1/104', '10.0.0.0/8'],
  ])('refuses the IPv4-mapped %s, naming %s, also with host bits set', (cidr, v4) => {
    expect(onlyIssue(rule('domain_egress_allow', `name: db, to_cidr: "${cidr}", port: 5432`))).toMatchObject({
      path: `${NP}.domain_egress_allow[0].to_cidr`, code: 'manifest.invalid_cidr',
      message: `${cidr} is the IPv4 range ${v4} (an IPv4-mapped IPv6 range, which Kubernetes reads as IPv4): write that`,
    });
  });

  it('refuses the IPv4-compatible ::10.0.0.0/104, which Kubernetes reads as IPv6 and other readers as 10.0.0.0/8', () => {
    expect(onlyIssue(rule('jobs_egress_allow', 'name: db, to_cidr: "::10.0.0.0/104", port: 5432'))).toMatchObject({
      code: 'manifest.invalid_cidr',
      message: '::10.0.0.0/104 is an IPv4-compatible IPv6 range (deprecated by RFC 4291): Kubernetes reads it as the IPv6 range ::a00:0/104, which no IPv4 address is in, and other readers as 10.0.0.0/8; for the IPv4 range write 10.0.0.0/8',
    });
  });

  it('refuses them in kubernetes_api.cidrs and external_https_except too', () => {
    const issues = issuesOf(networkPolicies('kubernetes_api: {cidrs: ["::ffff:10.96.0.1/128"]}', 'external_https_except: ["::ffff:169.254.0.0/112"]'));
    expect(issues.map((i) => [i.path, i.code, i.message])).toEqual([
      [`${NP}.kubernetes_api.cidrs[0]`, 'manifest.invalid_cidr', '::ffff:10.96.0.1/128 is the IPv4 range 10.96.0.1/32 (an IPv4-mapped IPv6 range, which Kubernetes reads as IPv4): write that'],
      [`${NP}.external_https_except[0]`, 'manifest.invalid_cidr', '::ffff:169.254.0.0/112 is the IPv4 range 169.254.0.0/16 (an IPv4-mapped IPv6 range, which Kubernetes reads as IPv4): write that'],
    ]);
  });

  it.each(['::1/128', '::/96', '::/80', '64:ff9b::/96', '2001:db8::/32'])('accepts the IPv6 range %s', (cidr) => {
    expect(parse(rule('jobs_egress_allow', `name: v6, to_cidr: "${cidr}", port: 443`)).security.network_policies.jobs_egress_allow[0]?.to_cidr).toBe(cidr);
  });
});

describe('templates no pod can run with', () => {
  it.each(['/etc/seccomp/floe.json', 'profiles/../floe.json'])('refuses localhost_profile %j', (profile) => {
    expect(onlyIssue(podSecurity('seccomp_profile: Localhost', `localhost_profile: "${profile}"`))).toEqual({
      file: FILE, line: 4, col: 24, path: `${PS}.localhost_profile`, code: 'manifest.invalid_path',
      message: `must be a path relative to the kubelet's seccomp profile directory, without a leading / or any ..; the API server rejects the template otherwise (got "${profile}")`,
    });
  });

  it('refuses a writable path inside another writable path, at the inner one', () => {
    expect(onlyIssue(podSecurity('writable_paths: [/tmp/cache, /data, /tmp]'))).toEqual({
      file: FILE, line: 3, col: 22, path: `${PS}.writable_paths[0]`, code: 'manifest.nested_writable_path',
      message: 'is inside /tmp (writable_paths[2]), which is already writable; a second emptyDir there would hide what the workload writes under it (got "/tmp/cache")',
    });
  });

  it('accepts sibling paths that share a prefix but not a directory', () => {
    expect(parse(podSecurity('writable_paths: [/tmp, /tmpfiles, /data]')).security.pod_security.writable_paths).toEqual(['/tmp', '/tmpfiles', '/data']);
  });
});

describe('every refusal in one run', () => {
  it('reports refusals together with field errors, sorted by line', () => {
    const text = yaml(
      'namespaces:',
      '  platform: kube-system',
      'domains:',
      '  - name: Sales',
      'security:',
      '  network_policies:',
      '    ingress_controller_namespace: floe-jobs',
      '    dns: {pod_labels: {}}',
      '  pod_security:',
      '    run_as_user: 0',
    );
    expect(issuesOf(text).map((i) => `${i.line}:${i.col} ${i.code} ${i.path}`)).toEqual([
      '2:13 manifest.system_namespace namespaces.platform',
      '4:11 manifest.invalid_format domains[0].name',
      '7:35 manifest.ingress_controller_in_managed_namespace security.network_policies.ingress_controller_namespace',
      '8:23 manifest.empty_selector security.network_policies.dns.pod_labels',
      '10:18 manifest.root_user security.pod_security.run_as_user',
    ]);
  });
});
