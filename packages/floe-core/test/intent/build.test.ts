import { describe, expect, it } from 'vitest';
import { buildIntents, externalHttpsBlocks, jobRunIntent } from '../../src/intent/build.js';
import type { NetworkIntent } from '../../src/intent/types.js';
import { fixture, issueAt, parse, yaml } from '../helpers.js';

const DEFAULTS = parse('');
const TWO_DOMAINS = parse(fixture('two-domains.yaml'));
const DOMAINS = ['floe-sales-domain', 'floe-marketing-domain'];

const targetsPods = (i: NetworkIntent, ns: string) => i.to.kind === 'pods' && i.to.namespace === ns;
const isExternal = (i: NetworkIntent) => i.to.kind === 'cidr' && (i.to.cidr === '0.0.0.0/0' || i.to.cidr === '::/0');

describe.each([
  ['the defaults', DEFAULTS, ['floe-platform', 'floe-jobs']],
  ['a manifest with two domains', TWO_DOMAINS, ['floe-platform', 'floe-jobs', ...DOMAINS]],
])('buildIntents on %s', (_name, manifest, managed) => {
  const plan = buildIntents(manifest);

  it('manages the platform, jobs and domain namespaces', () => {
    expect(plan.namespaces.map((n) => n.name)).toEqual(managed);
  });

  it('gives every managed namespace DNS over UDP and TCP 53 to the cluster DNS pods', () => {
    for (const ns of managed) {
      const dns = plan.intents.filter((i) => i.from.namespace === ns && targetsPods(i, 'kube-system'));
      expect(dns, ns).toEqual([{
        id: `${ns}->dns`,
        from: { kind: 'pods', namespace: ns },
        to: { kind: 'pods', namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, group: 'dns' },
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
        reason: expect.stringMatching(/DNS/),
        purpose: 'dns',
      }]);
    }
  });

  it('never lets anything reach the jobs namespace: no ingress to jobs, no pod-to-pod among jobs', () => {
    expect(plan.intents.filter((i) => targetsPods(i, 'floe-jobs'))).toEqual([]);
  });

  it('never lets a domain reach another domain', () => {
    const crossDomain = plan.intents.filter(
      (i) => DOMAINS.includes(i.from.namespace) && i.to.kind === 'pods' && DOMAINS.includes(i.to.namespace) && i.to.namespace !== i.from.namespace,
    );
    expect(crossDomain).toEqual([]);
  });

  it('gives jobs the platform services on their ports', () => {
    const fromJobs = plan.intents.filter((i) => i.from.namespace === 'floe-jobs' && targetsPods(i, 'floe-platform'));
    expect(fromJobs.map((i) => [i.id, i.ports.map((p) => p.port)])).toEqual([
      ['floe-jobs->polaris', [8181]],
      ['floe-jobs->otel-collector', [4317, 4318]],
      ['floe-jobs->minio', [9000]],
    ]);
  });

  it('gives platform and jobs external HTTPS over IPv4 and IPv6, excluding private, shared, link-local, loopback and NAT64 ranges', () => {
    const [v4, v6] = externalHttpsBlocks(manifest);
    for (const ns of ['floe-platform', 'floe-jobs']) {
      const external = plan.intents.filter((i) => i.from.namespace === ns && isExternal(i));
      expect(external.map((i) => i.to), ns).toEqual([
        { kind: 'cidr', cidr: '0.0.0.0/0', except: v4?.except },
        { kind: 'cidr', cidr: '::/0', except: v6?.except },
      ]);
      expect(external.every((i) => i.ports.length === 1 && i.ports[0]?.port === 443 && i.ports[0].protocol === 'TCP')).toBe(true);
    }
    expect(v4?.except).toEqual(['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16']);
    expect(v6?.except).toEqual(['::1/128', '64:ff9b::/96', 'fc00::/7', 'fe80::/10']);
  });

  it('lets the ingress controller reach only the Dagster webserver pods on 3000, from its own pods', () => {
    const fromController = plan.intents.filter((i) => i.from.namespace === 'ingress-nginx');
    expect(fromController).toEqual([
      {
        id: 'ingress-nginx->dagster',
        from: { kind: 'pods', namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' }, group: 'ingress-controller' },
        to: { kind: 'pods', namespace: 'floe-platform', podLabels: { 'app.kubernetes.io/name': 'dagster' }, group: 'dagster' },
        ports: [{ protocol: 'TCP', port: 3000 }],
        reason: 'the ingress controller serves the Dagster webserver',
        purpose: 'ingress-controller',
      },
    ]);
  });

  it('names the pods of every platform service it targets, never the whole platform namespace from outside it', () => {
    const wide = plan.intents.filter((i) => targetsPods(i, 'floe-platform') && i.from.namespace !== 'floe-platform' && i.to.kind === 'pods' && !i.to.podLabels);
    expect(wide).toEqual([]);
  });

  it('gives every intent a unique id and a reason', () => {
    const ids = plan.intents.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(plan.intents.every((i) => i.reason.length > 0)).toBe(true);
  });

  it('returns the same plan for the same manifest', () => {
    expect(buildIntents(structuredClone(manifest))).toEqual(plan);
  });
});

describe('buildIntents options', () => {
  it('has no external HTTPS intents when allow_external_https is false', () => {
    const m = parse(yaml('domains: [{name: sales}]', 'security:', '  network_policies:', '    allow_external_https: false'));
    const plan = buildIntents(m);
    expect(plan.intents.filter(isExternal)).toEqual([]);
    expect(plan.intents.some((i) => i.id.includes('external-https'))).toBe(false);
  });

  it('warns and writes no Kubernetes API intent when kubernetes_api.cidrs is empty', () => {
    const plan = buildIntents(DEFAULTS);
    expect(plan.intents.filter((i) => i.id.includes('kubernetes-api'))).toEqual([]);
    expect(plan.warnings).toEqual([expect.stringMatching(/kubernetes_api\.cidrs is empty/)]);
  });

  it('gives the platform one Kubernetes API intent per cidr on the API ports, without a warning', () => {
    const m = parse(yaml('security:', '  network_policies:', '    kubernetes_api: {cidrs: [10.96.0.1/32, "fd00::1/128"], ports: [6443]}'));
    const plan = buildIntents(m);
    const api = plan.intents.filter((i) => i.id.includes('kubernetes-api'));
    expect(api.map((i) => ({ from: i.from.namespace, to: i.to, ports: i.ports }))).toEqual([
      { from: 'floe-platform', to: { kind: 'cidr', cidr: '10.96.0.1/32', except: [] }, ports: [{ protocol: 'TCP', port: 6443 }] },
      { from: 'floe-platform', to: { kind: 'cidr', cidr: 'fd00::1/128', except: [] }, ports: [{ protocol: 'TCP', port: 6443 }] },
    ]);
    expect(plan.warnings.filter((w) => w.includes('kubernetes_api'))).toEqual([]);
  });

  it('turns a jobs_egress_allow rule to a managed namespace into an intent to that namespace\'s pods', () => {
    const intent = buildIntents(TWO_DOMAINS).intents.find((i) => i.id === 'floe-jobs->sales-feature-api');
    expect(intent).toEqual({
      id: 'floe-jobs->sales-feature-api',
      from: { kind: 'pods', namespace: 'floe-jobs' },
      to: { kind: 'pods', namespace: 'floe-sales-domain', podLabels: { app: 'feature-api' }, group: 'sales-feature-api' },
      ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 8443 }],
      reason: expect.stringMatching(/jobs_egress_allow rule "sales-feature-api"/),
      purpose: 'egress-allow',
      source: 'jobs_egress_allow[1] "sales-feature-api"',
    });
  });

  it('turns a cidr allow rule with end_port into a port range', () => {
    const plan = buildIntents(TWO_DOMAINS);
    expect(plan.intents.find((i) => i.id === 'floe-jobs->warehouse-postgres')?.to).toEqual({ kind: 'cidr', cidr: '10.20.0.0/16', except: [] });
    for (const d of DOMAINS) {
      expect(plan.intents.find((i) => i.id === `${d}->kafka`)?.ports).toEqual([{ protocol: 'TCP', port: 9092, endPort: 9094 }]);
    }
  });

  it('carries the services\' pod_labels into the intents that target them', () => {
    const polaris = buildIntents(TWO_DOMAINS).intents.find((i) => i.id === 'floe-jobs->polaris');
    expect(polaris?.to).toEqual({ kind: 'pods', namespace: 'floe-platform', podLabels: { 'app.kubernetes.io/name': 'polaris' }, group: 'polaris' });
  });

  it('targets the Helm charts\' pod labels by default', () => {
    const to = (id: string) => buildIntents(DEFAULTS).intents.find((i) => i.id === id)?.to;
    expect(to('floe-jobs->polaris')).toMatchObject({ podLabels: { 'app.kubernetes.io/component': 'polaris' } });
    expect(to('floe-jobs->otel-collector')).toMatchObject({ podLabels: { 'app.kubernetes.io/component': 'otel-collector' } });
    expect(to('floe-jobs->minio')).toMatchObject({ podLabels: { 'app.kubernetes.io/name': 'minio' } });
  });

  it('targets the whole platform namespace for a service configured with pod_labels: {}, and warns that its ingress is namespace-wide', () => {
    const plan = buildIntents(parse(yaml('security:', '  network_policies:', '    kubernetes_api: {cidrs: [10.96.0.1/32]}', '    services: {minio: {pod_labels: {}}}')));
    expect(plan.intents.find((i) => i.id === 'floe-jobs->minio')?.to).toEqual({ kind: 'pods', namespace: 'floe-platform' });
    expect(plan.warnings).toEqual([expect.stringMatching(/services\.minio\.pod_labels is empty: ingress to MinIO object storage on 9000 is admitted to every pod of floe-platform/)]);
  });

  it('warns when external HTTPS may reach the cloud metadata address, and not while 169.254.0.0/16 is excluded', () => {
    const without = buildIntents(parse(yaml('security:', '  network_policies:', '    kubernetes_api: {cidrs: [10.96.0.1/32]}', '    external_https_except: [10.0.0.0/8]')));
    expect(without.warnings).toEqual([expect.stringMatching(/external_https_except does not exclude 169\.254\.169\.254/)]);
    expect(buildIntents(parse(yaml('security:', '  network_policies:', '    kubernetes_api: {cidrs: [10.96.0.1/32]}'))).warnings).toEqual([]);
    const off = buildIntents(parse(yaml('security:', '  network_policies:', '    allow_external_https: false', '    kubernetes_api: {cidrs: [10.96.0.1/32]}', '    external_https_except: []')));
    expect(off.warnings).toEqual([]);
  });

  it('lets the ingress controller reach each configured domain endpoint in every domain, and nothing of a domain by default', () => {
    expect(buildIntents(TWO_DOMAINS).intents.filter((i) => i.from.namespace === 'ingress-nginx' && DOMAINS.some((d) => targetsPods(i, d)))).toEqual([]);
    const m = parse(yaml('domains: [{name: sales}]', 'security:', '  network_policies:', '    ingress_controller:', '      pod_labels: {app: nginx}', '      platform_services: []', '      domain_endpoints: [{name: api, pod_labels: {app: api}, ports: [8080]}]'));
    const fromController = buildIntents(m).intents.filter((i) => i.from.namespace === 'ingress-nginx');
    expect(fromController.map((i) => [i.from.podLabels, i.to, i.ports])).toEqual([
      [{ app: 'nginx' }, { kind: 'pods', namespace: 'floe-sales-domain', podLabels: { app: 'api' }, group: 'api' }, [{ protocol: 'TCP', port: 8080 }]],
    ]);
  });

  it('lets a domain endpoint name its domains: the ingress controller reaches it only there (every domain when domains is omitted)', () => {
    const m = parse(yaml('domains: [{name: sales}, {name: marketing}]', 'security:', '  network_policies:', '    ingress_controller:', '      platform_services: []', '      domain_endpoints:', '        - {name: sales-api, pod_labels: {app: sales-api}, ports: [8443], domains: [sales]}', '        - {name: web, pod_labels: {app: web}, ports: [80]}'));
    const targets = buildIntents(m).intents.filter((i) => i.from.namespace === 'ingress-nginx' && i.to.kind === 'pods' && i.to.namespace.endsWith('-domain')).map((i) => i.id).sort();
    expect(targets).toEqual(['ingress-nginx->floe-marketing-domain/web', 'ingress-nginx->floe-sales-domain/sales-api', 'ingress-nginx->floe-sales-domain/web']);
  });

  it('refuses a domain endpoint naming a domain the manifest does not declare, with did you mean', () => {
    const issue = issueAt(yaml('domains: [{name: sales}]', 'security:', '  network_policies:', '    ingress_controller:', '      domain_endpoints:', '        - {name: api, pod_labels: {app: api}, ports: [80], domains: [sale]}'), 'security.network_policies.ingress_controller.domain_endpoints[0].domains[0]');
    expect(issue.message).toBe('sale is not a domain of this manifest (did you mean sales? domains: sales)');
  });

  it('describes one job run\'s pods talking to each other on every port, by their shared label value', () => {
    const m = parse(yaml('security:', '  network_policies:', '    job_run_pod_to_pod: {enabled: true}'));
    const run = { kind: 'pods', namespace: 'floe-jobs', podLabels: { 'floe.dev/job-run': 'r1' }, group: 'job-run-r1' };
    expect(jobRunIntent(m, 'r1')).toEqual({ id: 'floe-jobs->job-run-r1', from: run, to: run, ports: [], reason: expect.stringMatching(/job run r1/), purpose: 'job-run' });
    expect(buildIntents(m).intents.filter((i) => targetsPods(i, 'floe-jobs'))).toEqual([]);
  });

  it('returns no intents and a warning when network_policies.enabled is false', () => {
    const plan = buildIntents(parse(yaml('domains: [{name: sales}]', 'security:', '  network_policies:', '    enabled: false')));
    expect(plan.intents).toEqual([]);
    expect(plan.warnings).toEqual([expect.stringMatching(/network_policies\.enabled is false/)]);
    expect(plan.namespaces.map((n) => n.name)).toEqual(['floe-platform', 'floe-jobs', 'floe-sales-domain']);
  });

  it('warns when default_deny is false', () => {
    const plan = buildIntents(parse(yaml('security:', '  network_policies:', '    default_deny: false', '    kubernetes_api: {cidrs: [10.96.0.1/32]}')));
    expect(plan.warnings).toEqual([expect.stringMatching(/default_deny is false/)]);
  });
});
