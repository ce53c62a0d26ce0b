import { describe, expect, it } from 'vitest';
import { EXTERNAL_IPV4, EXTERNAL_IPV6, buildIntents } from '../../src/intent/build.js';
import type { NetworkIntent } from '../../src/intent/types.js';
import { fixture, parse, yaml } from '../helpers.js';

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
        to: { kind: 'pods', namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } },
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
        reason: expect.stringMatching(/DNS/),
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

  it('gives platform and jobs external HTTPS over IPv4 and IPv6, excluding private, link-local and loopback ranges', () => {
    for (const ns of ['floe-platform', 'floe-jobs']) {
      const external = plan.intents.filter((i) => i.from.namespace === ns && isExternal(i));
      expect(external.map((i) => i.to), ns).toEqual([
        { kind: 'cidr', cidr: '0.0.0.0/0', except: EXTERNAL_IPV4.except },
        { kind: 'cidr', cidr: '::/0', except: EXTERNAL_IPV6.except },
      ]);
      expect(external.every((i) => i.ports.length === 1 && i.ports[0]?.port === 443 && i.ports[0].protocol === 'TCP')).toBe(true);
    }
    expect(EXTERNAL_IPV4.except).toEqual(expect.arrayContaining(['10.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8']));
    expect(EXTERNAL_IPV6.except).toEqual(expect.arrayContaining(['fc00::/7', 'fe80::/10', '::1/128']));
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
      to: { kind: 'pods', namespace: 'floe-sales-domain', podLabels: { app: 'feature-api' } },
      ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 8443 }],
      reason: expect.stringMatching(/jobs_egress_allow rule "sales-feature-api"/),
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
    expect(polaris?.to).toEqual({ kind: 'pods', namespace: 'floe-platform', podLabels: { 'app.kubernetes.io/name': 'polaris' } });
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
