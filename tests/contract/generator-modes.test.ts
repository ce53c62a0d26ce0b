import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, NetworkSecurityPlugin, parseManifest, type NetworkPolicy, type PluginMetadata, type RenderedObject } from '@floe/core';
import { generateJobRunPolicy, NetworkPolicyManifestGenerator, type GenerationResult } from '@floe/core/network';
import { K8sNetworkSecurityPlugin } from '@floe/network-security-k8s';
import { REPO } from '../cli/run.ts';
import { Cluster, type Pod } from '../netpol/evaluator.ts';

const plugin = new K8sNetworkSecurityPlugin();
const generate = (text: string): GenerationResult => new NetworkPolicyManifestGenerator(plugin).generate(parseManifest(text, 'manifest.yaml'));
const summaryOf = (r: GenerationResult) => r.files.find((f) => f.path === 'NETWORK-POLICY-SUMMARY.md')?.content ?? '';
const policiesOf = (r: GenerationResult) => r.files.filter((f) => f.kind === 'NetworkPolicy').map((f) => f.object as NetworkPolicy);
const pod = (namespace: string, labels: Record<string, string> = {}): Pod => ({ kind: 'pod', namespace, labels, name: `${namespace}/${JSON.stringify(labels)}` });
const clusterOf = (r: GenerationResult, others: string[] = []) =>
  new Cluster(policiesOf(r), new Map([...r.namespaces.map((n) => n.name), ...others].map((n) => [n, { 'kubernetes.io/metadata.name': n }])));
const tcp = (port: number) => ({ protocol: 'TCP' as const, port });

describe('generate with network_policies.enabled: false', () => {
  const r = generate('domains: [{name: sales}]\nsecurity: {network_policies: {enabled: false}}');

  it('writes Namespaces and hardened PodTemplates but no network policy at all', () => {
    expect(r.files.filter((f) => f.kind === 'NetworkPolicy')).toEqual([]);
    expect(r.files.filter((f) => f.kind === 'Namespace').map((f) => f.name)).toEqual(['floe-jobs', 'floe-platform', 'floe-sales-domain']);
    expect(r.files.filter((f) => f.kind === 'PodTemplate')).toHaveLength(3);
    expect(r.namespaces.every((n) => n.policies.length === 0)).toBe(true);
  });

  it('says in the summary and a warning that floe restricts no traffic, and never that anything is denied', () => {
    const s = summaryOf(r);
    expect(s).toContain('**NetworkPolicies are disabled**');
    expect(s).toContain('floe writes none, so it restricts no traffic');
    expect(s).not.toMatch(/is denied|No traffic is allowed/);
    expect(r.warnings).toEqual([expect.stringMatching(/enabled is false: no NetworkPolicies are generated, so floe restricts no traffic/)]);
  });
});

describe('generate with default_deny: false', () => {
  const r = generate('security: {network_policies: {default_deny: false, kubernetes_api: {cidrs: [10.96.0.1/32]}}}');

  it('writes the allow policies and no default-deny', () => {
    const names = r.files.filter((f) => f.kind === 'NetworkPolicy').map((f) => f.name);
    expect(names).not.toContain('floe-default-deny');
    expect(names).toEqual(expect.arrayContaining(['floe-allow-egress', 'floe-allow-ingress-polaris']));
  });

  it('says that only selected pods are isolated, never that everything else is denied', () => {
    const s = summaryOf(r);
    expect(s).toContain('**No default-deny**');
    expect(s).not.toMatch(/is denied|No traffic is allowed/);
    expect(r.warnings).toEqual([expect.stringMatching(/default_deny is false: no default-deny policies are written/)]);
  });

  it('is as open as the summary says: a pod no ingress policy selects accepts anything; a pod an ingress policy selects only what it lists', () => {
    const c = clusterOf(r, ['elsewhere']);
    expect(c.admits(pod('elsewhere'), pod('floe-jobs'), tcp(22))).toBe(true);
    expect(c.admits(pod('elsewhere'), pod('floe-platform', { 'app.kubernetes.io/component': 'polaris' }), tcp(8181))).toBe(false);
    expect(c.admits(pod('floe-jobs'), pod('floe-platform', { 'app.kubernetes.io/component': 'polaris' }), tcp(8181))).toBe(true);
  });
});

describe('generate with pod_security.enabled: false', () => {
  const r = generate('security: {pod_security: {enabled: false}}');

  it('writes Namespaces without Pod Security labels, still writes the hardened templates, and reports no levels', () => {
    for (const f of r.files.filter((x) => x.kind === 'Namespace')) expect(f.content).not.toContain('pod-security.kubernetes.io');
    expect(r.files.filter((f) => f.kind === 'PodTemplate').every((f) => f.content.includes('runAsNonRoot: true'))).toBe(true);
    expect(r.namespaces.every((n) => n.podSecurity === null)).toBe(true);
    expect(summaryOf(r)).toContain('Pod Security Standards: not labelled (security.pod_security.enabled is false).');
  });

  it('leaves the network policies as they are with pod security on', () => {
    const on = generate('');
    expect(r.files.filter((f) => f.kind === 'NetworkPolicy').map((f) => f.content)).toEqual(on.files.filter((f) => f.kind === 'NetworkPolicy').map((f) => f.content));
  });
});

describe('the example manifest', () => {
  it('admits jobs into the platform only on 8181 to Polaris pods, 4317/4318 to collector pods and 9000 to MinIO pods', async () => {
    const r = generate(await readFile(join(REPO, 'examples/manifest.yaml'), 'utf8'));
    const c = clusterOf(r, ['ingress-nginx', 'kube-system', 'kafka']);
    const job = pod('floe-jobs');
    const polaris = pod('floe-platform', { 'app.kubernetes.io/component': 'polaris' });
    const collector = pod('floe-platform', { 'app.kubernetes.io/component': 'otel-collector' });
    const minio = pod('floe-platform', { 'app.kubernetes.io/name': 'minio' });
    const dagster = pod('floe-platform', { 'app.kubernetes.io/name': 'dagster' });
    const other = pod('floe-platform', { app: 'postgres' });
    const ports = [22, 3000, 4317, 4318, 5432, 8181, 9000];
    const admitted = (to: Pod) => ports.filter((p) => c.admits(job, to, tcp(p)));
    expect(admitted(polaris)).toEqual([8181]);
    expect(admitted(collector)).toEqual([4317, 4318]);
    expect(admitted(minio)).toEqual([9000]);
    expect(admitted(dagster)).toEqual([]);
    expect(admitted(other)).toEqual([]);
  });

  it('lets only the ingress controller\'s own pods reach the Dagster webserver, on 3000 only', async () => {
    const r = generate(await readFile(join(REPO, 'examples/manifest.yaml'), 'utf8'));
    const c = clusterOf(r, ['ingress-nginx']);
    const controller = pod('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' });
    const dagster = pod('floe-platform', { 'app.kubernetes.io/name': 'dagster' });
    expect(c.admits(controller, dagster, tcp(3000))).toBe(true);
    expect(c.admits(controller, dagster, tcp(8080))).toBe(false);
    expect(c.admits(pod('ingress-nginx'), dagster, tcp(3000))).toBe(false);
    expect(c.admits(controller, pod('floe-platform', { 'app.kubernetes.io/component': 'polaris' }), tcp(8181))).toBe(false);
    expect(c.admits(controller, pod('floe-sales-domain'), tcp(8080))).toBe(false);
  });
});

describe('job-run pod-to-pod policies', () => {
  const enabled = parseManifest('security: {network_policies: {job_run_pod_to_pod: {enabled: true}}}', 'manifest.yaml');

  it('are refused when job_run_pod_to_pod is off (the default)', () => {
    expect(() => generateJobRunPolicy(parseManifest('', 'm'), plugin, 'r1')).toThrow(InputError);
    expect(() => generateJobRunPolicy(parseManifest('', 'm'), plugin, 'r1')).toThrow(/pod-to-pod traffic of job runs is off in the manifest: set security.network_policies.job_run_pod_to_pod.enabled: true/);
  });

  it('let pods of one run talk to each other on any port, never to another run\'s pods or to unlabelled jobs', () => {
    const base = new NetworkPolicyManifestGenerator(plugin).generate(enabled);
    const runPolicies = ['r1', 'r2'].flatMap((id) => generateJobRunPolicy(enabled, plugin, id).files.map((f) => f.object as NetworkPolicy));
    expect(runPolicies.map((p) => p.metadata.name)).toEqual(['floe-allow-egress-job-run-r1', 'floe-allow-ingress-job-run-r1', 'floe-allow-egress-job-run-r2', 'floe-allow-ingress-job-run-r2']);
    const c = new Cluster([...policiesOf(base), ...runPolicies], new Map(base.namespaces.map((n) => [n.name, { 'kubernetes.io/metadata.name': n.name }])));
    const r1a = pod('floe-jobs', { 'floe.dev/job-run': 'r1', role: 'driver' });
    const r1b = pod('floe-jobs', { 'floe.dev/job-run': 'r1', role: 'executor' });
    const r2 = pod('floe-jobs', { 'floe.dev/job-run': 'r2' });
    expect(c.admits(r1a, r1b, tcp(7078))).toBe(true);
    expect(c.admits(r1b, r1a, tcp(40000))).toBe(true);
    expect(c.admits(r1a, r2, tcp(7078))).toBe(false);
    expect(c.admits(r2, r1a, tcp(7078))).toBe(false);
    expect(c.admits(pod('floe-jobs'), r1a, tcp(7078))).toBe(false);
  });

  it('stay off in the static output even when enabled: the summary says how a run gets its policy', () => {
    const r = new NetworkPolicyManifestGenerator(plugin).generate(enabled);
    expect(r.files.some((f) => f.name.includes('job-run'))).toBe(false);
    expect(summaryOf(r)).toContain('floe network job-run-policy --run-id ID');
  });
});

describe('what a plugin returns', () => {
  class Returning extends NetworkSecurityPlugin {
    readonly metadata: PluginMetadata = { name: 'fake', version: '1.0.0', floeApiVersion: '2.0' };
    private readonly objects: RenderedObject[];
    constructor(objects: RenderedObject[]) {
      super();
      this.objects = objects;
    }
    render(): RenderedObject[] {
      return this.objects;
    }
  }
  const obj = (name: string, namespace?: string) => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, ...(namespace ? { namespace } : {}) } });

  it('is reported by the core: any kind, its file names, and its object names per namespace', () => {
    const r = new NetworkPolicyManifestGenerator(new Returning([{ path: 'jobs-cnp.yaml', object: obj('only-dns', 'floe-jobs') }, { path: 'cluster-wide.yaml', object: obj('floe-cluster') }])).generate(parseManifest('', 'm'));
    expect(r.files.map((f) => [f.path, f.kind, f.namespace])).toEqual(expect.arrayContaining([['jobs-cnp.yaml', 'CiliumNetworkPolicy', 'floe-jobs'], ['cluster-wide.yaml', 'CiliumNetworkPolicy', null]]));
    expect(r.namespaces.find((n) => n.name === 'floe-jobs')?.policies).toEqual(['only-dns']);
  });

  it('is refused, naming the plugin and every problem, when a file name is not plain, taken by the core, or repeated, or a namespace is not managed', () => {
    const bad = new Returning([
      { path: '../escape.yaml', object: obj('a', 'floe-jobs') },
      { path: '00-floe-jobs-namespace.yaml', object: obj('b', 'floe-jobs') },
      { path: 'x.yaml', object: obj('c', 'kube-system') },
      { path: 'x.yaml', object: obj('d', 'floe-jobs') },
    ]);
    const err = (() => {
      try {
        new NetworkPolicyManifestGenerator(bad).generate(parseManifest('', 'm'));
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a refusal');
    })();
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/^plugin fake@1.0.0 returned objects floe cannot write: /);
    expect(err.message).toContain('../escape.yaml: the file name must be a plain name ending in .yaml');
    expect(err.message).toContain("00-floe-jobs-namespace.yaml: the file name is the core's own");
    expect(err.message).toContain('x.yaml: namespace kube-system is not one floe manages');
    expect(err.message).toContain('x.yaml: two objects for one file');
  });
});
